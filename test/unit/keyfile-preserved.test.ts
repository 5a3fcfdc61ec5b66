/**
 * Property tests (fast-check) for issue 9: groups and keys the keyfile
 * reader does not know survive. For any generated profile with arbitrary
 * unknown groups (anywhere, even before [connection]) and unknown keys in
 * its known groups, each with arbitrary valid GKeyFile names and raw values:
 *  - read → write keeps every unknown group and key with its value, and the
 *    profile's settings are those of the file without them;
 *  - an Update through the settings store (autoconnect-priority changed, as
 *    `nmcli connection modify` sends it) keeps them on disk as well.
 */
import fs from 'node:fs';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { connectionsEqual, isGroupName, isWritableKey, parse, rawValueProblem, settingDefinition, type ConfigView, type ConnectionSettings } from '../../sdk/index.js';
import { LocalEventBus } from '../../core/events/event-bus.js';
import { settingsFromWire, settingsToWire } from '../../core/settings/dbus-form.js';
import { SettingsStore } from '../../core/settings/settings-store.js';
import { normalizeAndVerify } from '../../plugins/keyfile/model.js';
import { parseProfile, serializeProfile } from '../../plugins/keyfile/profile-codec.js';
import { profile } from '../../plugins/keyfile/test/profile-arbitraries.js';
import { makeTempRoot, recordingLogger, type TempRoot } from '../../plugins/keyfile/test/support.js';

const FILE = '/etc/nmk/system-connections/p.nmconnection';

interface Unknowns {
  /** Whole groups, each inserted before the known group at `at` (past the end: last). */
  groups: Array<{ name: string; at: number; entries: Array<[string, string]> }>;
  /** Keys added at the end of the known group at index `group`. */
  keys: Array<{ group: number; key: string; value: string }>;
}

// ---- generators --------------------------------------------------------------

const char = fc.oneof(fc.constantFrom(';', '#', '=', '\\', ' ', '\t', '.', '-', '_', '@', 'é', '☕', '[', ']'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }));
const chars = (min: number, max: number) => fc.string({ unit: char, minLength: min, maxLength: max });

/** A group name no setting has (and not [vpn-secrets], which is read with a [vpn] group). */
const groupName = chars(1, 16).filter((g) => isGroupName(g) && !settingDefinition(g) && g !== 'vpn-secrets');
/** Any key GKeyFile can write back (Encoding is special in the first group). */
const anyKey = chars(1, 16).filter((k) => isWritableKey(k) && k !== 'Encoding');
/** A key no setting reads: a made-up "x-" name, sometimes with a locale. */
const unknownKey = fc.tuple(chars(0, 12), fc.constantFrom('', '[de]', '[sr@latin]')).map(([k, l]) => `x-${k.trimEnd()}${l}`).filter(isWritableKey);
/** A raw value: any text the parser gives back as is (no newline, no leading blank, no final '\r'). */
const rawValue = chars(0, 30).filter((v) => rawValueProblem(v) === undefined);

/** Groups whose every key is theirs ([bond] options, [vpn] data...): an unknown key there is no unknown key. */
const OWN_EVERY_KEY = new Set(['bond', 'vpn', 'vpn-secrets', 'user', 'team', 'team-port']);

const unknowns: fc.Arbitrary<Unknowns> = fc.record({
  groups: fc.uniqueArray(
    fc.record({ name: groupName, at: fc.nat(12), entries: fc.uniqueArray(fc.tuple(anyKey, rawValue), { selector: ([k]) => k, maxLength: 4 }) }),
    { selector: (g) => g.name, minLength: 0, maxLength: 3 },
  ),
  keys: fc.uniqueArray(fc.record({ group: fc.nat(12), key: unknownKey, value: rawValue }), { selector: (k) => `${k.group % 13}/${k.key}`, maxLength: 5 }),
});

/** A valid profile (normalised) and its keyfile as nmk writes it. */
const validProfile = profile
  .map((generated) => normalizeAndVerify(generated))
  .filter(({ problems }) => problems.length === 0)
  .map(({ settings }) => settings);

// ---- the file with unknown parts ---------------------------------------------

interface Block {
  header: string;
  lines: string[];
}

function blocks(text: string): Block[] {
  const out: Block[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('[')) out.push({ header: line.slice(1, -1), lines: [] });
    else if (line !== '') out.at(-1)!.lines.push(line);
  }
  return out;
}

/**
 * The profile's file with the unknown parts added: keys at the end of known
 * groups that own only their properties, groups between known ones. Returns
 * the text and what it added, by group name as the file has it.
 */
function withUnknowns(settings: ConnectionSettings, u: Unknowns): { text: string; expected: Map<string, Array<[string, string]>> } {
  const known = blocks(serializeProfile(settings));
  const expected = new Map<string, Array<[string, string]>>();
  const open = known.filter((b) => !OWN_EVERY_KEY.has(b.header));
  for (const k of u.keys) {
    const b = open[k.group % open.length]!;
    if (b.lines.some((l) => l.startsWith(`${k.key}=`))) continue;
    b.lines.push(`${k.key}=${k.value}`);
    expected.set(b.header, [...(expected.get(b.header) ?? []), [k.key, k.value]]);
  }
  const all: Block[] = [...known];
  for (const g of u.groups) {
    all.splice(Math.min(g.at, all.length), 0, { header: g.name, lines: g.entries.map(([k, v]) => `${k}=${v}`) });
    expected.set(g.name, g.entries);
  }
  return { text: all.map((b) => [`[${b.header}]`, ...b.lines].join('\n')).join('\n\n').concat('\n'), expected };
}

/** Every added group and key is in `text` with its raw value. */
function expectKept(text: string, expected: Map<string, Array<[string, string]>>): void {
  const doc = parse(text, FILE);
  for (const [group, entries] of expected) {
    expect(doc.hasGroup(group), `[${group}] in\n${text}`).toBe(true);
    for (const [key, value] of entries) expect(doc.getRaw(group, key), `[${group}] ${key} in\n${text}`).toBe(value);
  }
  // Unknown groups hold exactly what they held.
  for (const [group, entries] of expected) {
    if (!settingDefinition(group)) expect(doc.keys(group)).toEqual(entries.map(([k]) => k));
  }
}

// ---- properties --------------------------------------------------------------

describe('unknown groups and keys in keyfiles', () => {
  it('survive read → write with their values, and the profile is read as without them', () => {
    fc.assert(
      fc.property(validProfile, unknowns, (settings, u) => {
        const { text, expected } = withUnknowns(settings, u);
        const read = parseProfile(text, FILE);
        expect(connectionsEqual(read.settings, parseProfile(serializeProfile(settings), FILE).settings)).toBe(true);
        const written = serializeProfile(read.settings, read.preserved);
        expectKept(written, expected);
        // A second round changes nothing more.
        const again = parseProfile(written, FILE);
        expect(serializeProfile(again.settings, again.preserved)).toBe(written);
      }),
      { numRuns: 200 },
    );
  }, 120_000);

  describe('through the settings store', () => {
    let t: TempRoot | undefined;
    afterEach(() => {
      t?.cleanup();
      t = undefined;
    });

    it('survive an Update that changes autoconnect-priority', async () => {
      const config = { getBoolean: (_s: string, _k: string, fallback: boolean) => fallback } as unknown as ConfigView;
      await fc.assert(
        fc.asyncProperty(validProfile, unknowns, fc.integer({ min: -999, max: 999 }), async (settings, u, priority) => {
          t?.cleanup();
          t = makeTempRoot();
          const { text, expected } = withUnknowns(settings, u);
          const file = t.put('persistent', 'p.nmconnection', text);
          const logger = recordingLogger([]);
          const store = new SettingsStore(() => [t!.source], new LocalEventBus(logger), logger, config);
          expect((await store.loadAll()).errors).toEqual([]);
          const p = store.get(String(settings.connection!.uuid))!;
          // What nmcli sends: the public settings from GetSettings, one value changed.
          const update = settingsFromWire(settingsToWire(p.settings, { withSecrets: true }));
          update.connection!['autoconnect-priority'] = priority;
          await store.update(p, update, 'keep');
          const after = fs.readFileSync(file, 'utf8');
          expectKept(after, expected);
          expect(parse(after, file).getRaw('connection', 'autoconnect-priority')).toBe(priority === 0 ? undefined : String(priority));
          expect(p.settings.connection!['autoconnect-priority'] ?? 0).toBe(priority);
        }),
        { numRuns: 40 },
      );
    }, 120_000);
  });
});
