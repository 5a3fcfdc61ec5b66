/**
 * The orders in which NetworkManager 1.42 considers profiles
 * (nm-settings-connection.c nm_settings_connection_cmp_autoconnect_priority
 * and nm_settings_connection_cmp_timestamp, nm-core-utils.c
 * nm_utils_cmp_connection_by_autoconnect_priority). Each comparator sorts
 * the best profile first and ends with the UUID, so the order never depends
 * on the order the profiles were loaded in.
 */
import type { Profile } from '../settings/profile.js';
import type { TimestampView } from '../settings/timestamps.js';

type Compare = (a: Profile, b: Profile) => number;

export function autoconnectPriority(p: Profile): number {
  return Number(p.settings.connection?.['autoconnect-priority'] ?? 0);
}

/** Autoconnect on before off; between two that autoconnect, the higher priority (two that do not are equal). */
function cmpPriority(a: Profile, b: Profile): number {
  const on = (p: Profile) => p.settings.connection?.autoconnect !== false;
  if (on(a) !== on(b)) return on(a) ? -1 : 1;
  return on(a) ? autoconnectPriority(b) - autoconnectPriority(a) : 0;
}

/**
 * A profile with a timestamp before one without (a failed first activation
 * stamps 0, which still counts), then the most recent first.
 */
function cmpTimestamp(ts: TimestampView | undefined, a: Profile, b: Profile): number {
  const ta = ts?.get(a.uuid);
  const tb = ts?.get(b.uuid);
  if ((ta === undefined) !== (tb === undefined)) return ta !== undefined ? -1 : 1;
  return ta !== undefined && tb !== undefined ? tb - ta : 0;
}

/** The last resort: the UUIDs byte by byte (strcmp), never the locale. */
function cmpUuid(a: Profile, b: Profile): number {
  return a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0;
}

/** Autoconnect: priority, then the most recent activation, then the UUID. */
export function byAutoconnectPriority(ts: TimestampView | undefined): Compare {
  return (a, b) => cmpPriority(a, b) || cmpTimestamp(ts, a, b) || cmpUuid(a, b);
}

/**
 * Guessing which profile a link configured before start-up carries
 * (nm-manager.c get_existing_connection): the most recently used first, then
 * priority, then the UUID.
 */
export function byTimestamp(ts: TimestampView | undefined): Compare {
  return (a, b) => cmpTimestamp(ts, a, b) || cmpPriority(a, b) || cmpUuid(a, b);
}
