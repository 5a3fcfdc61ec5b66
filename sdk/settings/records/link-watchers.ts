/**
 * Team link watchers (team.link-watchers, team-port.link-watchers): text
 * "name=arp_ping interval=100 target-host=192.0.2.1" as nmcli writes it,
 * and the D-Bus record typed by LINK_WATCHER_KEYS.
 */
import { dbusValue, type DBusValue } from '../dbus/value.js';
import { LINK_WATCHER_KEYS, LINK_WATCHER_NAMES } from '../tables/team.js';
import { fail, ok, type Parsed } from './result.js';

export type LinkWatcher = Record<string, string | number | boolean>;

function readValue(key: string, text: string): Parsed<string | number | boolean> {
  const sig = LINK_WATCHER_KEYS[key];
  if (sig === undefined) return fail(`unknown link watcher key '${key}'`);
  if (sig === 'i') return /^-?\d+$/.test(text) ? ok(Number(text)) : fail(`'${key}' needs an integer, not '${text}'`);
  if (sig === 'b') {
    if (['true', 'yes', '1'].includes(text)) return ok(true);
    if (['false', 'no', '0'].includes(text)) return ok(false);
    return fail(`'${key}' needs a boolean, not '${text}'`);
  }
  return ok(text);
}

function check(w: LinkWatcher): Parsed<LinkWatcher> {
  if (typeof w['name'] !== 'string' || !(LINK_WATCHER_NAMES as readonly string[]).includes(w['name'])) {
    return fail(`link watcher name must be one of ${LINK_WATCHER_NAMES.join(', ')}`);
  }
  if (w['name'] !== 'ethtool' && typeof w['target-host'] !== 'string') return fail(`${w['name']} needs target-host`);
  return ok(w);
}

export function parseLinkWatcher(text: string): Parsed<LinkWatcher> {
  const w: LinkWatcher = {};
  for (const word of text.trim().split(/\s+/).filter(Boolean)) {
    const eq = word.indexOf('=');
    if (eq <= 0) return fail(`'${word}' is not key=value`);
    const v = readValue(word.slice(0, eq), word.slice(eq + 1));
    if (!v.ok) return v;
    w[word.slice(0, eq)] = v.value;
  }
  return check(w);
}

/** name first, then the other keys in table order. */
export function formatLinkWatcher(w: LinkWatcher): string {
  return Object.keys(LINK_WATCHER_KEYS)
    .filter((k) => w[k] !== undefined)
    .map((k) => `${k}=${String(w[k])}`)
    .join(' ');
}

export function linkWatcherToDBus(w: LinkWatcher): Record<string, DBusValue> {
  const d: Record<string, DBusValue> = {};
  for (const [k, v] of Object.entries(w)) d[k] = dbusValue(LINK_WATCHER_KEYS[k] ?? 's', v);
  return d;
}

export function linkWatcherFromDBus(record: Record<string, unknown>): Parsed<LinkWatcher> {
  const w: LinkWatcher = {};
  for (const [k, v] of Object.entries(record)) {
    const sig = LINK_WATCHER_KEYS[k];
    if (sig === undefined) return fail(`unknown link watcher key '${k}'`);
    const expected = sig === 'i' ? 'number' : sig === 'b' ? 'boolean' : 'string';
    if (typeof v !== expected) return fail(`'${k}' must be ${expected}`);
    w[k] = v as string | number | boolean;
  }
  return check(w);
}
