/**
 * Bridge VLANs over rtnetlink (linux/if_bridge.h), as `bridge vlan` and
 * NetworkManager's link_set_bridge_vlans() send them: an ifinfomsg of family
 * AF_BRIDGE whose IFLA_AF_SPEC nest holds IFLA_BRIDGE_FLAGS (SELF for the
 * bridge's own VLANs, MASTER for a port's, which the port's bridge handles)
 * and one IFLA_BRIDGE_VLAN_INFO {u16 flags, u16 vid} per VID or two per
 * range (RANGE_BEGIN carrying the flags, then RANGE_END). RTM_SETLINK adds
 * VIDs or changes their flags; RTM_DELLINK removes them. The kernel lists
 * them only in a dump (RTM_GETLINK, AF_BRIDGE, IFLA_EXT_MASK with
 * RTEXT_FILTER_BRVLAN), one message per bridge and per port.
 *
 * Pure: requests and decoding here, the round trips in linux-platform.ts.
 */
import { formatBridgeVlan, type BridgeVlan } from '../../sdk/index.js';
import { InvalidValue } from './ip-text.js';
import { forEachAttr, NlMessage } from './nl-message.js';
import * as constants from './rtnl-constants.js';

// A plain copy: under jiti each read of a module namespace goes through a Proxy (see rtnl-decode.ts).
const C = { ...constants };

const AF_BRIDGE = 7;
const RTM_SETLINK = 19;
const IFLA_AF_SPEC = 26;
const IFLA_BRIDGE_FLAGS = 0;
const IFLA_BRIDGE_VLAN_INFO = 2;
const BRIDGE_FLAGS_MASTER = 1;
const BRIDGE_FLAGS_SELF = 2;
const VLAN_INFO_PVID = 1 << 1;
const VLAN_INFO_UNTAGGED = 1 << 2;
const VLAN_INFO_RANGE_BEGIN = 1 << 3;
const VLAN_INFO_RANGE_END = 1 << 4;
const RTEXT_FILTER_BRVLAN = 1 << 1;
/** Entries per request: 8 bytes each, well under the socket's largest send. */
const ENTRIES_PER_REQUEST = 512;

/** Flags of one VID; a VID's identity is its number. */
type VidFlags = { pvid: boolean; untagged: boolean };

/** Whose VLANs: the bridge's own ("self") or a port's (handled by its bridge, "master"). */
export type BridgeVlanTarget = 'self' | 'master';

/** The wanted list checked as the kernel would (and NetworkManager's verify does), one entry per VID. */
export function expandBridgeVlans(vlans: readonly BridgeVlan[]): Map<number, VidFlags> {
  const out = new Map<number, VidFlags>();
  let pvids = 0;
  for (const v of vlans) {
    const text = `${String(v?.vidStart)}-${String(v?.vidEnd)}`;
    if (!Number.isInteger(v?.vidStart) || !Number.isInteger(v?.vidEnd) || v.vidStart < 1 || v.vidEnd > 4094 || v.vidStart > v.vidEnd) {
      throw new InvalidValue(`VLAN ${text}: VIDs must be in 1..4094, start not above end`);
    }
    if (v.pvid && v.vidStart !== v.vidEnd) throw new InvalidValue(`VLAN ${text}: a range cannot be the pvid`);
    if (v.pvid) pvids++;
    for (let vid = v.vidStart; vid <= v.vidEnd; vid++) {
      if (out.has(vid)) throw new InvalidValue(`VLAN ${vid} is listed twice`);
      out.set(vid, { pvid: v.pvid === true, untagged: v.untagged === true });
    }
  }
  if (pvids > 1) throw new InvalidValue('only one VLAN can be the pvid');
  return out;
}

/** What to send to turn `current` into `wanted`: VIDs to add or re-flag, and VIDs to remove. */
export function diffBridgeVlans(current: readonly BridgeVlan[], wanted: readonly BridgeVlan[]): { add: BridgeVlan[]; remove: BridgeVlan[] } {
  const want = expandBridgeVlans(wanted);
  const have = new Map<number, VidFlags>();
  for (const v of current) for (let vid = v.vidStart; vid <= v.vidEnd; vid++) have.set(vid, { pvid: v.pvid, untagged: v.untagged });
  const add = [...want].filter(([vid, f]) => {
    const h = have.get(vid);
    return !h || h.pvid !== f.pvid || h.untagged !== f.untagged;
  });
  const remove = [...have.keys()].filter((vid) => !want.has(vid)).map((vid): [number, VidFlags] => [vid, { pvid: false, untagged: false }]);
  return { add: compress(add), remove: compress(remove) };
}

/** Consecutive VIDs with the same flags as one range; a pvid always alone (the kernel refuses a pvid range). */
function compress(vids: Array<[number, VidFlags]>): BridgeVlan[] {
  const out: BridgeVlan[] = [];
  for (const [vid, f] of [...vids].sort((a, b) => a[0] - b[0])) {
    const last = out[out.length - 1];
    if (last && !f.pvid && !last.pvid && last.untagged === f.untagged && last.vidEnd === vid - 1) last.vidEnd = vid;
    else out.push({ vidStart: vid, vidEnd: vid, pvid: f.pvid, untagged: f.untagged });
  }
  return out;
}

/** `bridge vlan` words for operation texts: "1 pvid untagged, 10, 20-22". */
export function describeBridgeVlans(vlans: readonly BridgeVlan[]): string {
  if (vlans.length === 0) return 'none';
  return vlans.map(formatBridgeVlan).join(', ');
}

/**
 * RTM_SETLINK (add, or change flags) or RTM_DELLINK (remove) requests for
 * these entries, split so that no message grows past ENTRIES_PER_REQUEST.
 */
export function bridgeVlanRequests(op: 'add' | 'remove', ifindex: number, target: BridgeVlanTarget, vlans: readonly BridgeVlan[]): Buffer[] {
  const infos: Array<[flags: number, vid: number]> = [];
  for (const v of vlans) {
    const flags = (v.pvid ? VLAN_INFO_PVID : 0) | (v.untagged ? VLAN_INFO_UNTAGGED : 0);
    if (v.vidStart === v.vidEnd) infos.push([flags, v.vidStart]);
    else infos.push([flags | VLAN_INFO_RANGE_BEGIN, v.vidStart], [VLAN_INFO_RANGE_END, v.vidEnd]);
  }
  const out: Buffer[] = [];
  for (let i = 0; i < infos.length; ) {
    let end = Math.min(i + ENTRIES_PER_REQUEST, infos.length);
    // A range's two entries stay in one message.
    if (end < infos.length && infos[end]![0] & VLAN_INFO_RANGE_END) end++;
    const msg = new NlMessage(op === 'add' ? RTM_SETLINK : C.RTM_DELLINK, C.NLM_F_REQUEST | C.NLM_F_ACK, 48 + 8 * (end - i));
    const at = msg.struct(C.IFINFOMSG_LEN);
    msg.setU8(at, AF_BRIDGE).setS32(at + 4, ifindex);
    const spec = msg.nest(IFLA_AF_SPEC);
    msg.u16(IFLA_BRIDGE_FLAGS, target === 'self' ? BRIDGE_FLAGS_SELF : BRIDGE_FLAGS_MASTER);
    const info = Buffer.alloc(4);
    for (; i < end; i++) {
      info.writeUInt16LE(infos[i]![0], 0);
      info.writeUInt16LE(infos[i]![1], 2);
      msg.bytes(IFLA_BRIDGE_VLAN_INFO, info);
    }
    msg.end(spec);
    out.push(msg.finish());
  }
  return out;
}

/** The dump that lists every bridge's and port's VLANs, one VID per entry. */
export function dumpBridgeVlansRequest(): Buffer {
  const msg = new NlMessage(C.RTM_GETLINK, C.NLM_F_REQUEST | C.NLM_F_DUMP, 48);
  const at = msg.struct(C.IFINFOMSG_LEN);
  msg.setU8(at, AF_BRIDGE);
  msg.u32(C.IFLA_EXT_MASK, RTEXT_FILTER_BRVLAN);
  return msg.finish();
}

/**
 * One message of that dump: the link and its VLANs, one entry per VID
 * (ranges, which a compressed dump would send, are expanded). Undefined
 * for anything else.
 */
export function decodeBridgeVlans(type: number, buf: Buffer, at: number, len: number): { ifindex: number; vlans: BridgeVlan[] } | undefined {
  if (type !== C.RTM_NEWLINK || len < C.IFINFOMSG_LEN || buf[at] !== AF_BRIDGE) return undefined;
  const ifindex = buf.readInt32LE(at + 4);
  const vlans: BridgeVlan[] = [];
  let begin: { vid: number; flags: number } | undefined;
  forEachAttr(buf, at + C.IFINFOMSG_LEN, at + len, (attr, p, plen) => {
    if (attr !== IFLA_AF_SPEC) return;
    forEachAttr(buf, p, p + plen, (inner, q, qlen) => {
      if (inner !== IFLA_BRIDGE_VLAN_INFO || qlen < 4) return;
      const flags = buf.readUInt16LE(q);
      const vid = buf.readUInt16LE(q + 2);
      if (flags & VLAN_INFO_RANGE_BEGIN) {
        begin = { vid, flags };
        return;
      }
      const from = flags & VLAN_INFO_RANGE_END && begin ? begin.vid : vid;
      const f = flags & VLAN_INFO_RANGE_END && begin ? begin.flags : flags;
      begin = undefined;
      for (let v = from; v <= vid; v++) vlans.push({ vidStart: v, vidEnd: v, pvid: (f & VLAN_INFO_PVID) !== 0, untagged: (f & VLAN_INFO_UNTAGGED) !== 0 });
    });
  });
  return { ifindex, vlans };
}
