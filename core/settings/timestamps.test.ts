/**
 * connection.timestamp kept in stateDir/timestamps: read at start (a bad line
 * is a warning naming file and key), set on ACTIVATED and on leaving it,
 * refreshed every 5 minutes while activated, 0 after a failed first try,
 * dropped with the profile, and written once per burst of activations.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NMActiveConnectionState as AC, type DeviceView } from '../../sdk/index.js';
import { LocalEventBus } from '../events/event-bus.js';
import { recordingLogger } from '../../test/harness/dbus.js';
import { ConnectionTimestamps, REFRESH_PERIOD_MS } from './timestamps.js';

const U1 = '3c5e2a4e-8b51-4f0e-9a59-6f6e1d2c4b70';
const U2 = '0b9a7c55-2d1e-4a8f-b2c3-1f2e3d4c5b6a';

let dir: string;
let clock: number;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nmk-ts-'));
  clock = 1_700_000_000;
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
});
afterEach(() => {
  vi.useRealTimers();
  fs.rmSync(dir, { recursive: true, force: true });
});

function setup() {
  const logger = recordingLogger();
  const events = new LocalEventBus(logger);
  const file = path.join(dir, 'timestamps');
  const ts = new ConnectionTimestamps({ file, logger, events, now: () => clock });
  const state = (uuid: string, acPath: string, s: number, failed?: boolean) =>
    events.emit('activation.state-changed', { path: acPath, uuid, device: {} as DeviceView, state: s, oldState: 0, reason: 0, ...(failed ? { failed } : {}) });
  return { logger, events, file, ts, state };
}

/** The file as UUID -> seconds. */
function onDisk(file: string): Record<string, number> {
  const out: Record<string, number> = {};
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  expect(lines[0]).toBe('[timestamps]');
  for (const l of lines.slice(1).filter(Boolean)) {
    const [k, v] = l.split('=');
    out[k!] = Number(v);
  }
  return out;
}

describe('connection timestamps', () => {
  it('loads the file; a value that is not a number is a warning naming file and key', () => {
    const { ts, file, logger } = setup();
    fs.writeFileSync(file, `[timestamps]\n${U1}=1690000000\n${U2}=soon\n`);
    ts.load();
    expect(ts.get(U1)).toBe(1690000000);
    expect(ts.get(U2)).toBeUndefined();
    const warn = logger.lines.find((l) => l.level === 'warn');
    expect(warn?.msg).toContain(file);
    expect(warn?.msg).toContain(U2);
  });

  it('a missing file is no timestamps and no warning', () => {
    const { ts, logger } = setup();
    ts.load();
    expect(ts.get(U1)).toBeUndefined();
    expect(logger.lines.filter((l) => l.level === 'warn')).toEqual([]);
  });

  it('sets the time on ACTIVATED, not before, and a burst of 1000 activations is one write', async () => {
    const { ts, file, state } = setup();
    ts.start();
    state(U1, '/ac/1', AC.ACTIVATING);
    expect(ts.get(U1)).toBeUndefined();
    const uuids = Array.from({ length: 1000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    uuids.forEach((u, i) => state(u, `/ac/${i + 2}`, AC.ACTIVATED));
    expect(ts.get(uuids[999]!)).toBe(clock);
    // Nothing is written while the burst goes on: the write waits for its timer.
    expect(fs.existsSync(file)).toBe(false);
    await vi.advanceTimersByTimeAsync(1000);
    await ts.flush();
    const disk = onDisk(file);
    expect(Object.keys(disk)).toHaveLength(1000);
    expect(disk[uuids[0]!]).toBe(clock);
    await ts.stop();
  });

  it('refreshes activated profiles every 5 minutes, not deactivated ones', async () => {
    const { ts, file, state } = setup();
    ts.start();
    state(U1, '/ac/1', AC.ACTIVATED);
    state(U2, '/ac/2', AC.ACTIVATED);
    const first = clock;
    state(U2, '/ac/2', AC.DEACTIVATING);
    clock += 300;
    await vi.advanceTimersByTimeAsync(REFRESH_PERIOD_MS);
    await ts.flush();
    expect(ts.get(U1)).toBe(first + 300);
    expect(ts.get(U2)).toBe(first);
    expect(onDisk(file)).toEqual({ [U1]: first + 300, [U2]: first });
    await ts.stop();
  });

  it('leaving ACTIVATED stamps the time it was last in use (NetworkManager\'s nm-active-connection.c)', async () => {
    const { ts, state } = setup();
    ts.start();
    state(U1, '/ac/1', AC.ACTIVATED);
    const activated = clock;
    clock += 42;
    state(U1, '/ac/1', AC.DEACTIVATING);
    expect(ts.get(U1)).toBe(activated + 42);
    // DEACTIVATED after DEACTIVATING is no second use.
    clock += 5;
    state(U1, '/ac/1', AC.DEACTIVATED);
    expect(ts.get(U1)).toBe(activated + 42);
    await ts.stop();
  });

  it('a failed activation of a profile never activated stamps 0; one activated before keeps its time', async () => {
    const { ts, file, state } = setup();
    ts.start();
    state(U1, '/ac/1', AC.ACTIVATING);
    state(U1, '/ac/1', AC.DEACTIVATED, true);
    expect(ts.get(U1)).toBe(0);
    state(U2, '/ac/2', AC.ACTIVATED);
    state(U2, '/ac/2', AC.DEACTIVATED);
    const used = ts.get(U2);
    clock += 60;
    state(U2, '/ac/3', AC.ACTIVATING);
    state(U2, '/ac/3', AC.DEACTIVATED, true);
    expect(ts.get(U2)).toBe(used);
    await ts.flush();
    expect(onDisk(file)).toEqual({ [U1]: 0, [U2]: used });
    await ts.stop();
  });

  it('a removed profile loses its timestamp; what is written loads again', async () => {
    const { ts, file, state, events, logger } = setup();
    ts.start();
    state(U1, '/ac/1', AC.ACTIVATED);
    state(U2, '/ac/2', AC.ACTIVATED);
    events.emit('connection.removed', { uuid: U2, id: 'b', path: '/s/2' });
    await ts.stop();
    const again = new ConnectionTimestamps({ file, logger, events: new LocalEventBus(logger) });
    again.load();
    expect(again.get(U1)).toBe(clock);
    expect(again.get(U2)).toBeUndefined();
    expect(fs.statSync(file).mode & 0o777).toBe(0o644);
  });
});
