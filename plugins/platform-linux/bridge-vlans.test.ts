import { describe, expect, it } from 'vitest';
import { bridgeVlanRequests, decodeBridgeVlans, diffBridgeVlans, dumpBridgeVlansRequest } from './bridge-vlans.js';

const v = (vidStart: number, vidEnd = vidStart, pvid = false, untagged = false) => ({ vidStart, vidEnd, pvid, untagged });
const each = (from: number, to: number, pvid = false, untagged = false) => Array.from({ length: to - from + 1 }, (_, i) => v(from + i, from + i, pvid, untagged));

/** The IFLA_BRIDGE_VLAN_INFO entries of a request, as [flags, vid], and its header fields. */
function entries(msg: Buffer) {
  const out: Array<[number, number]> = [];
  let p = 16 + 16; // nlmsghdr, ifinfomsg
  const spec = { len: msg.readUInt16LE(p), type: msg.readUInt16LE(p + 2) };
  const end = p + spec.len;
  p += 4;
  const flagsAttr = { type: msg.readUInt16LE(p + 2), value: msg.readUInt16LE(p + 4) };
  p += 8;
  for (; p < end; p += 8) out.push([msg.readUInt16LE(p + 4), msg.readUInt16LE(p + 6)]);
  return { type: msg.readUInt16LE(4), family: msg[16], ifindex: msg.readInt32LE(20), specType: spec.type, bridgeFlags: flagsAttr, entries: out };
}

describe('bridge VLAN diff', () => {
  it('adds what is missing or flagged differently, removes what is not wanted, and leaves the rest alone', () => {
    const current = [v(1, 1, true, true), ...each(10, 12), v(40)];
    const { add, remove } = diffBridgeVlans(current, [v(1, 1, false, true), v(10, 12), v(20, 22), v(30, 30, true, false)]);
    expect(add).toEqual([v(1, 1, false, true), v(20, 22), v(30, 30, true, false)]);
    expect(remove).toEqual([v(40)]);
    expect(diffBridgeVlans(current, current)).toEqual({ add: [], remove: [] });
  });

  it('refuses what the kernel would (a second pvid, a pvid range, a VID twice, out of range)', () => {
    expect(() => diffBridgeVlans([], [v(1, 1, true), v(2, 2, true)])).toThrow('only one VLAN can be the pvid');
    expect(() => diffBridgeVlans([], [v(1, 3, true)])).toThrow('a range cannot be the pvid');
    expect(() => diffBridgeVlans([], [v(1, 3), v(3)])).toThrow('VLAN 3 is listed twice');
    expect(() => diffBridgeVlans([], [v(0)])).toThrow('must be in 1..4094');
  });
});

describe('bridge VLAN requests', () => {
  it('add: RTM_SETLINK, AF_BRIDGE, IFLA_AF_SPEC with the SELF flag for a bridge and a range as RANGE_BEGIN (with flags) then RANGE_END', () => {
    const [msg, ...rest] = bridgeVlanRequests('add', 5, 'self', [v(1, 1, true, true), v(20, 22, false, true)]);
    expect(rest).toEqual([]);
    expect(entries(msg!)).toEqual({ type: 19, family: 7, ifindex: 5, specType: 26, bridgeFlags: { type: 0, value: 2 }, entries: [[2 | 4, 1], [8 | 4, 20], [16, 22]] });
  });

  it('remove: RTM_DELLINK with the MASTER flag for a port; long lists are split without separating a range', () => {
    const [msg] = bridgeVlanRequests('remove', 9, 'master', [v(40)]);
    expect(entries(msg!)).toMatchObject({ type: 17, bridgeFlags: { type: 0, value: 1 }, entries: [[0, 40]] });
    const many = bridgeVlanRequests('add', 9, 'master', [...Array.from({ length: 511 }, (_, i) => v(2 * i + 1)), v(2000, 2010)]);
    expect(many.map((m) => entries(m).entries.length)).toEqual([513]);
    const more = bridgeVlanRequests('add', 9, 'master', Array.from({ length: 1100 }, (_, i) => v(2 * i + 1)));
    expect(more.map((m) => entries(m).entries.length)).toEqual([512, 512, 76]);
  });

  it("decodes a dump message's VLANs one VID per entry, plain or compressed into ranges, and only AF_BRIDGE link messages", () => {
    // The request has the layout of the kernel's answer (ifinfomsg, IFLA_AF_SPEC with VLAN info entries).
    const [msg] = bridgeVlanRequests('add', 5, 'master', [v(1, 1, true, true), v(10), v(20, 22, false, true)]);
    expect(decodeBridgeVlans(16, msg!, 16, msg!.length - 16)).toEqual({ ifindex: 5, vlans: [v(1, 1, true, true), v(10), ...each(20, 22, false, true)] });
    expect(decodeBridgeVlans(17, msg!, 16, msg!.length - 16)).toBeUndefined();
    const dump = dumpBridgeVlansRequest();
    expect({ type: dump.readUInt16LE(4), flags: dump.readUInt16LE(6), family: dump[16], mask: dump.readUInt32LE(36) }).toEqual({ type: 18, flags: 0x301, family: 7, mask: 2 });
  });
});
