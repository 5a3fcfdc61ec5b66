import { describe, expect, it } from 'vitest';
import { Variant } from 'dbus-next';
import { add2Persist, pluginArgument, update2Persist } from './settings-args.js';

/** The D-Bus name and message a thrown error replies with. */
function refusal(fn: () => unknown): { name: string; message: string } | undefined {
  try {
    fn();
  } catch (e) {
    return { name: (e as { dbusName: string }).dbusName, message: (e as Error).message };
  }
  return undefined;
}
const INVALID = 'org.freedesktop.NetworkManager.Settings.InvalidArguments';

describe('AddConnection2 and Update2 flags and arguments (NetworkManager 1.42)', () => {
  it('AddConnection2: exactly one of TO_DISK and IN_MEMORY; BLOCK_AUTOCONNECT is accepted; other bits refused', () => {
    expect(add2Persist(0x1)).toBe('disk');
    expect(add2Persist(0x2)).toBe('memory');
    expect(add2Persist(0x21)).toBe('disk');
    expect(refusal(() => add2Persist(0x0))).toEqual({ name: INVALID, message: 'Requires either to-disk (0x1) or in-memory (0x2) flags' });
    expect(refusal(() => add2Persist(0x3))).toEqual({ name: INVALID, message: 'Cannot set to-disk (0x1) and in-memory (0x2) flags together' });
    for (const bad of [0x4, 0x41, 0x80000001]) expect(refusal(() => add2Persist(bad))).toEqual({ name: INVALID, message: 'Unknown flags' });
  });

  it('Update2: at most one persist mode; VOLATILE needs an in-memory mode; unknown bits refused', () => {
    expect(update2Persist(0)).toBe('keep');
    expect(update2Persist(0x1)).toBe('disk');
    for (const f of [0x2, 0x4, 0x8, 0x12, 0x14, 0x18]) expect(update2Persist(f), f.toString(16)).toBe('memory');
    expect(update2Persist(0x60)).toBe('keep'); // BLOCK_AUTOCONNECT | NO_REAPPLY
    for (const bad of [0x3, 0x6, 0xc, 0x10, 0x11]) expect(refusal(() => update2Persist(bad)), bad.toString(16)).toEqual({ name: INVALID, message: 'Conflicting flags' });
    for (const bad of [0x80, 0x100, 0x81]) expect(refusal(() => update2Persist(bad)), bad.toString(16)).toEqual({ name: INVALID, message: 'Unknown flags' });
  });

  it('only a string "plugin" argument is accepted', () => {
    expect(pluginArgument({})).toBeUndefined();
    expect(pluginArgument({ plugin: new Variant('s', 'keyfile') })).toBe('keyfile');
    expect(refusal(() => pluginArgument({ bogus: new Variant('s', 'x') }))).toEqual({ name: INVALID, message: "Unsupported argument 'bogus'" });
    expect(refusal(() => pluginArgument({ plugin: new Variant('u', 7) }))).toEqual({ name: INVALID, message: "Unsupported argument 'plugin'" });
    // NetworkManager 1.42 has no "version-id" argument (1.44 added it with the VersionId property).
    expect(refusal(() => pluginArgument({ 'version-id': new Variant('t', 3n) }))).toEqual({ name: INVALID, message: "Unsupported argument 'version-id'" });
  });
});
