/**
 * Bridge VLAN entries (bridge.vlans, bridge-port.vlans): text
 * "VID[-VID] [pvid] [untagged]" as keyfiles and nmcli write them, and the
 * D-Bus record {vid-start: q, vid-end: q, pvid: b, untagged: b}.
 */
import { dbusValue, type DBusValue } from '../dbus/value.js';
import { BRIDGE_VLAN_VID_MAX, BRIDGE_VLAN_VID_MIN } from '../tables/bridge.js';
import { fail, ok, type Parsed } from './result.js';

export interface BridgeVlan {
  vidStart: number;
  vidEnd: number;
  pvid: boolean;
  untagged: boolean;
}

function vid(text: string, what: string): Parsed<number> {
  if (!/^\d+$/.test(text)) return fail(`invalid VLAN id ${what} '${text}', must be in [1,4094]`);
  const n = Number(text);
  if (n < BRIDGE_VLAN_VID_MIN || n > BRIDGE_VLAN_VID_MAX) return fail(`invalid VLAN id ${what} '${text}', must be in [1,4094]`);
  return ok(n);
}

export function parseBridgeVlan(text: string): Parsed<BridgeVlan> {
  const tokens = text.trim().split(/\s+/).filter(Boolean);
  if (tokens.length === 0) return fail('missing VLAN id');
  const [range, ...options] = tokens as [string, ...string[]];
  const dash = range.indexOf('-');
  const start = vid(dash < 0 ? range : range.slice(0, dash), 'range start');
  if (!start.ok) return start;
  let vidEnd = start.value;
  if (dash >= 0) {
    const end = vid(range.slice(dash + 1), 'range end');
    if (!end.ok) return end;
    if (end.value < start.value) return fail(`invalid VLAN id range ${start.value}-${end.value}, start VLAN id must be less than end VLAN id`);
    vidEnd = end.value;
  }
  const vlan: BridgeVlan = { vidStart: start.value, vidEnd, pvid: false, untagged: false };
  for (const option of options) {
    if (option === 'pvid') {
      if (vlan.vidStart !== vlan.vidEnd) return fail("a VLAN range can't be a PVID");
      vlan.pvid = true;
    } else if (option === 'untagged') vlan.untagged = true;
    else return fail(`invalid option '${option}'`);
  }
  return ok(vlan);
}

export function formatBridgeVlan(v: BridgeVlan): string {
  const range = v.vidStart === v.vidEnd ? `${v.vidStart}` : `${v.vidStart}-${v.vidEnd}`;
  return `${range}${v.pvid ? ' pvid' : ''}${v.untagged ? ' untagged' : ''}`;
}

/** NetworkManager's order of VLAN entries: by start, end, untagged, pvid. */
export function compareBridgeVlans(a: BridgeVlan, b: BridgeVlan): number {
  return a.vidStart - b.vidStart || a.vidEnd - b.vidEnd || Number(a.untagged) - Number(b.untagged) || Number(a.pvid) - Number(b.pvid);
}

export function bridgeVlanToDBus(v: BridgeVlan): Record<string, DBusValue> {
  return {
    'vid-start': dbusValue('q', v.vidStart),
    'vid-end': dbusValue('q', v.vidEnd),
    pvid: dbusValue('b', v.pvid),
    untagged: dbusValue('b', v.untagged),
  };
}

/** From a D-Bus record of plain values; like NetworkManager, entries out of range are refused. */
export function bridgeVlanFromDBus(record: Record<string, unknown>): Parsed<BridgeVlan> {
  const start = record['vid-start'];
  const end = record['vid-end'] ?? start;
  const inRange = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= BRIDGE_VLAN_VID_MIN && n <= BRIDGE_VLAN_VID_MAX;
  if (!inRange(start)) return fail(`vid-start ${String(start)} is out of range 1..4094`);
  if (!inRange(end)) return fail(`vid-end ${String(end)} is out of range 1..4094`);
  if (start > end) return fail(`vid-start ${start} is greater than vid-end ${end}`);
  const pvid = record['pvid'] === true;
  if (pvid && start !== end) return fail("a VLAN range can't be a PVID");
  return ok({ vidStart: start, vidEnd: end, pvid, untagged: record['untagged'] === true });
}
