/**
 * Open vSwitch trunk ranges (ovs-port.trunks): text "10-20" or "30" as
 * nmcli and keyfiles write them (nm_range_to_str), and the D-Bus record
 * {start: t, end: t}.
 */
import { dbusValue, type DBusValue } from '../dbus/value.js';
import { fail, ok, type Parsed } from './result.js';

export interface VlanRange {
  start: number;
  end: number;
}

export function parseVlanRange(text: string): Parsed<VlanRange> {
  const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(text);
  if (!m) return fail(`'${text}' is not a VLAN range ("N" or "N-M")`);
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) return fail(`'${text}' is out of range`);
  if (start > end) return fail(`range start ${start} is greater than its end ${end}`);
  return ok({ start, end });
}

export function formatVlanRange(r: VlanRange): string {
  return r.start === r.end ? `${r.start}` : `${r.start}-${r.end}`;
}

export function vlanRangeToDBus(r: VlanRange): Record<string, DBusValue> {
  return { start: dbusValue('t', BigInt(r.start)), end: dbusValue('t', BigInt(r.end)) };
}

export function vlanRangeFromDBus(record: Record<string, unknown>): Parsed<VlanRange> {
  const { start, end } = record;
  if (typeof start !== 'number' || typeof end !== 'number') return fail('range needs start and end');
  if (start > end) return fail(`range start ${start} is greater than its end ${end}`);
  return ok({ start, end });
}
