/**
 * NetworkManager 1.42's profile orders: for autoconnect, priority, then the
 * most recent timestamp (one of 0, a failed first try, still beats none),
 * then the UUID; for guessing what an existing link carries, the timestamp
 * first. Autoconnect-off profiles come last, whatever their priority.
 */
import { describe, expect, it } from 'vitest';
import type { Profile } from '../settings/profile.js';
import { byAutoconnectPriority, byTimestamp } from './autoconnect-order.js';

function p(uuid: string, priority?: number, autoconnect?: boolean): Profile {
  const connection: Record<string, unknown> = { id: uuid, uuid, type: '802-3-ethernet' };
  if (priority !== undefined) connection['autoconnect-priority'] = priority;
  if (autoconnect !== undefined) connection.autoconnect = autoconnect;
  const settings = { connection };
  return { uuid, id: uuid, path: `/s/${uuid}`, settings, source: 'test', stored: { settings, file: '' }, version: 1 } as unknown as Profile;
}
const view = (times: Record<string, number>) => ({ get: (uuid: string) => times[uuid] });
const ids = (list: Profile[]) => list.map((x) => x.uuid);

describe('autoconnect order', () => {
  it('higher priority first, whatever the timestamps', () => {
    const ts = view({ a: 100, b: 900 });
    expect(ids([p('b', 0), p('a', 5)].sort(byAutoconnectPriority(ts)))).toEqual(['a', 'b']);
  });

  it('equal priorities: the most recently used first', () => {
    const ts = view({ a: 100, b: 900, c: 500 });
    expect(ids([p('a'), p('b'), p('c')].sort(byAutoconnectPriority(ts)))).toEqual(['b', 'c', 'a']);
  });

  it('a profile with a timestamp, even 0 (failed before it ever worked), before one never tried', () => {
    const ts = view({ z: 0 });
    expect(ids([p('a'), p('z')].sort(byAutoconnectPriority(ts)))).toEqual(['z', 'a']);
  });

  it('all else equal, the UUID byte by byte, whatever order they came in', () => {
    const ts = view({ B: 7, a: 7 });
    expect(ids([p('a'), p('B')].sort(byAutoconnectPriority(ts)))).toEqual(['B', 'a']);
    expect(ids([p('B'), p('a')].sort(byAutoconnectPriority(undefined)))).toEqual(['B', 'a']);
  });

  it('autoconnect off after on; two that are off compare by timestamp, not priority', () => {
    const ts = view({ off1: 1, off2: 2 });
    const sorted = [p('off1', 900, false), p('on', -5), p('off2', -900, false)].sort(byAutoconnectPriority(ts));
    expect(ids(sorted)).toEqual(['on', 'off2', 'off1']);
  });
});

describe('take-over guess order', () => {
  it('the most recently used first, before priority', () => {
    const ts = view({ old: 100, recent: 200 });
    expect(ids([p('old', 50), p('recent', 0), p('never', 99)].sort(byTimestamp(ts)))).toEqual(['recent', 'old', 'never']);
  });

  it('equal timestamps: priority, then UUID', () => {
    const ts = view({ a: 1, b: 1, c: 1 });
    expect(ids([p('c', 0), p('b', 0), p('a', -1)].sort(byTimestamp(ts)))).toEqual(['b', 'c', 'a']);
  });
});
