/**
 * The Linux platform's encoders and decoders, without a kernel: every option
 * row of every kind round-trips, bond and vlan requests are the bytes the
 * kernel expects (bond and vlan cannot be created on this host; the VM lane
 * creates them for real), and decoding reads what encoding wrote.
 */
import { describe, expect, it } from 'vitest';
import { canonicalIp, formatIPv6, InvalidValue, parseIp } from '../../plugins/platform-linux/ip-text.js';
import { bondOptions, bondTable } from '../../plugins/platform-linux/link-info/bond.js';
import { bridgeOptions, bridgeTable } from '../../plugins/platform-linux/link-info/bridge.js';
import { KIND_CODECS } from '../../plugins/platform-linux/link-info/kinds.js';
import { macvlanTable } from '../../plugins/platform-linux/link-info/macvlan.js';
import type { OptionRow, OptionValue } from '../../plugins/platform-linux/link-info/option-row.js';
import { vlanTable } from '../../plugins/platform-linux/link-info/vlan.js';
import { vxlanTable } from '../../plugins/platform-linux/link-info/vxlan.js';
import { NlMessage } from '../../plugins/platform-linux/nl-message.js';
import { decodeAddress, decodeEvent, decodeLink, decodeRoute, decodeRule } from '../../plugins/platform-linux/rtnl-decode.js';
import { addressRequest, dumpRulesRequest, newLinkRequest, routeRequest, ruleRequest, setLinkRequest } from '../../plugins/platform-linux/rtnl-requests.js';
import { SilentRouteFlush } from '../../plugins/platform-linux/silent-route-flush.js';
import type { Route, RuleSpec } from '../../sdk/index.js';

const hex = (b: Buffer) => b.toString('hex').replace(/(..)/g, '$1 ').trim();
const bytes = (s: string) => s.replace(/\s+/g, '');

/** Canonical sample values for a row: its bounds, every enum name, both booleans... */
function samples(row: OptionRow): OptionValue[] {
  switch (row.type) {
    case 'number': {
      const max = row.max ?? Math.floor({ u8: 0xff, u16: 0xffff, u32: 0xffffffff, u64: 2 ** 40, be16: 0xffff, be32: 0xffffffff }[row.width!] / (row.scale ?? 1));
      return [row.min ?? 0, max, Math.floor(((row.min ?? 0) + max) / 2)];
    }
    case 'bool': return [true, false];
    case 'enum': return Object.keys(row.values!);
    case 'ifindex': return [7, 65536];
    case 'mac': return ['02:11:22:33:44:55'];
    case 'ip': return row.attr6 !== undefined ? ['10.1.2.3', '2001:db8::5'] : ['10.1.2.3'];
    case 'ipv4-list': return ['10.0.0.1', '10.0.0.1,10.0.0.2,192.0.2.7'];
    case 'ipv6-list': return ['2001:db8::1', '2001:db8::1,fe80::2'];
    case 'vlan-flags': return [0, 1, 5, 0x1f];
    case 'qos-map': return [`1:${Math.min(row.max ?? 7, 7)}`, `0:1,3:2,${Math.min(row.keyMax ?? 7, 7)}:5`];
  }
}

describe('link option tables', () => {
  for (const [kind, codec] of KIND_CODECS) {
    for (const row of codec.table.rows) {
      it(`${kind} ${row.name}: decode(encode(x)) == x`, () => {
        for (const value of samples(row)) {
          const msg = new NlMessage(0, 0);
          const [[r, canonical]] = codec.table.normalize({ [row.name]: value });
          expect(r).toBe(row);
          expect(canonical, `${row.name}=${String(value)} is already canonical`).toEqual(value);
          codec.table.encode([[row, canonical]], msg);
          const buf = msg.finish();
          expect(codec.table.decode(buf, 16, buf.length)).toEqual({ [row.name]: value });
        }
      });
    }
  }

  it('every row names an attribute once, and every enum value once', () => {
    for (const codec of KIND_CODECS.values()) {
      const attrs = codec.table.rows.flatMap((r) => [r.attr, r.attr6].filter((a) => a !== undefined));
      expect(new Set(attrs).size).toBe(attrs.length);
      for (const r of codec.table.rows.filter((x) => x.type === 'enum')) expect(new Set(Object.values(r.values!)).size).toBe(Object.keys(r.values!).length);
    }
  });

  it('bond options use NetworkManager names and the bonding/ sysfs files', () => {
    expect(bondOptions.map((r) => r.name)).toEqual(expect.arrayContaining(['mode', 'miimon', 'updelay', 'downdelay', 'xmit_hash_policy', 'lacp_rate', 'primary', 'arp_ip_target', 'ad_actor_system']));
    expect(bondOptions[0]!.name).toBe('mode');
    for (const r of bondOptions) expect(r.sysfs).toMatch(/^bonding\/[a-z0-9_]+$/);
    expect(bridgeOptions.find((r) => r.name === 'stp')!.sysfs).toBe('bridge/stp_state');
  });

  it('bond mode by name or number, bridge options by either spelling', () => {
    expect(bondTable.normalize({ mode: 4 })).toEqual([[bondOptions[0], '802.3ad']]);
    expect(bondTable.normalize({ mode: '1' })).toEqual([[bondOptions[0], 'active-backup']]);
    expect(bridgeTable.normalize({ 'forward-delay': 4 }).map(([r, v]) => [r.name, v])).toEqual([['forward_delay', 4]]);
    expect(bridgeTable.normalize({ stp: 'yes' }).map(([, v]) => v)).toEqual([true]);
    expect(macvlanTable.normalize({ mode: 'bridge' }).map(([, v]) => v)).toEqual(['bridge']);
  });

  it('bad values and unknown options are InvalidValue (EINVAL)', () => {
    expect(() => bondTable.normalize({ mode: 'fastest' })).toThrow(InvalidValue);
    expect(() => bondTable.normalize({ mode: 9 })).toThrow(InvalidValue);
    expect(() => bondTable.normalize({ miimon: -1 })).toThrow(/out of range/);
    expect(() => bondTable.normalize({ miimon: 'often' })).toThrow(/not an integer/);
    expect(() => bondTable.normalize({ ad_actor_system: '02:00' })).toThrow(InvalidValue);
    expect(() => bondTable.normalize({ arp_ip_target: '2001:db8::1' })).toThrow(/IPv4/);
    expect(() => bondTable.normalize({ primary: 'eth9' }, () => undefined)).toThrow(/no link named 'eth9'/);
    expect(bondTable.normalize({ primary: 'eth9' }, () => 12).map(([, v]) => v)).toEqual([12]);
    expect(() => bridgeTable.normalize({ forward_delay: 99 })).toThrow(/2\.\.30/);
    expect(() => bridgeTable.normalize({ colour: 'blue' })).toThrow(/unknown option 'colour'/);
    expect(() => vlanTable.normalize({ id: 4095 })).toThrow(/0\.\.4094/);
    expect(() => vlanTable.normalize({ flags: 0x20 })).toThrow(InvalidValue);
    expect(() => vlanTable.normalize({ ingress_priority_map: '8:1' })).toThrow(/out of range/);
    expect(() => vxlanTable.normalize({ id: 1 << 24 })).toThrow(InvalidValue);
  });
});

describe('requests', () => {
  it('a bond with mode, miimon, hash policy and LACP rate is the bytes iproute2 sends', () => {
    const options = bondTable.normalize({ lacp_rate: 'fast', mode: '802.3ad', xmit_hash_policy: 'layer3+4', miimon: 100 });
    const msg = newLinkRequest({ spec: { name: 'bond0', kind: 'bond' }, options });
    expect(hex(msg)).toBe(hex(Buffer.from(bytes(`
      60 00 00 00  10 00 05 06  00 00 00 00  00 00 00 00
      00 00 00 00  00 00 00 00  00 00 00 00  00 00 00 00
      0a 00 03 00  62 6f 6e 64  30 00 00 00
      34 00 12 00
        09 00 01 00  62 6f 6e 64  00 00 00 00
        24 00 02 00
          05 00 01 00  04 00 00 00
          08 00 03 00  64 00 00 00
          05 00 0e 00  01 00 00 00
          05 00 15 00  01 00 00 00`), 'hex')));
  });

  it('a vlan with id, 802.1ad and reorder-headers on its parent is the bytes iproute2 sends', () => {
    const options = vlanTable.normalize({ flags: 1, protocol: '802.1ad', id: 100 });
    const msg = newLinkRequest({ spec: { name: 'eth0.100', kind: 'vlan', up: true }, parent: 2, options });
    expect(hex(msg)).toBe(hex(Buffer.from(bytes(`
      68 00 00 00  10 00 05 06  00 00 00 00  00 00 00 00
      00 00 00 00  00 00 00 00  01 00 00 00  01 00 00 00
      0d 00 03 00  65 74 68 30  2e 31 30 30  00 00 00 00
      08 00 05 00  02 00 00 00
      30 00 12 00
        09 00 01 00  76 6c 61 6e  00 00 00 00
        20 00 02 00
          06 00 01 00  64 00 00 00
          06 00 05 00  88 a8 00 00
          0c 00 02 00  01 00 00 00  1f 00 00 00`), 'hex')));
  });

  it('a veth carries its peer as a nested ifinfomsg with a name and a namespace', () => {
    const msg = newLinkRequest({ spec: { name: 'va', kind: 'veth', peer: { name: 'vb' } }, options: [], peerNetns: { pid: 42 } });
    const text = hex(msg);
    // VETH_INFO_PEER (type 1) inside IFLA_INFO_DATA: 16 zero bytes, IFLA_IFNAME "vb", IFLA_NET_NS_PID 42.
    expect(text).toContain(hex(Buffer.from(bytes(`24 00 01 00  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  07 00 03 00 76 62 00 00  08 00 13 00 2a 00 00 00`), 'hex')));
  });

  it('vxlan takes its parent inside IFLA_INFO_DATA, not as IFLA_LINK', () => {
    const msg = newLinkRequest({ spec: { name: 'vx0', kind: 'vxlan' }, parent: 5, options: vxlanTable.normalize({ id: 42 }) });
    const text = hex(msg);
    expect(text).not.toContain('08 00 05 00 05 00 00 00');
    expect(text).toContain('08 00 03 00 05 00 00 00 08 00 01 00 2a 00 00 00');
  });

  it('setLink sends only what changes; master 0 releases', () => {
    const down = setLinkRequest(3, { up: false });
    expect(down.readUInt32LE(16 + 8)).toBe(0); // flags
    expect(down.readUInt32LE(16 + 12)).toBe(1); // change mask: IFF_UP
    expect(down.length).toBe(32);
    const release = setLinkRequest(3, { master: 0 });
    expect(hex(release.subarray(32))).toBe('08 00 0a 00 00 00 00 00');
  });

  it('addresses: IFA_LOCAL and IFA_ADDRESS, lifetimes in IFA_CACHEINFO, wide flags in IFA_FLAGS', () => {
    const msg = addressRequest(true, { family: 6, ifindex: 4, address: '2001:db8::1', prefixlen: 64, flags: 0x202, validLifetime: 600 });
    const a = decodeAddress(msg, 16, msg.length - 16)!;
    expect(a).toMatchObject({ family: 6, ifindex: 4, address: '2001:db8::1', prefixlen: 64, flags: 0x202, validLifetime: 600, preferredLifetime: 600, peer: undefined });
    const ptp = addressRequest(true, { family: 4, ifindex: 4, address: '10.0.0.1', peer: '10.0.0.2', prefixlen: 32 });
    expect(decodeAddress(ptp, 16, ptp.length - 16)).toMatchObject({ address: '10.0.0.1', peer: '10.0.0.2' });
    expect(() => addressRequest(true, { family: 4, ifindex: 4, address: '10.0.0.1', prefixlen: 33 })).toThrow(InvalidValue);
    expect(() => addressRequest(true, { family: 4, ifindex: 4, address: '2001:db8::1', prefixlen: 24 })).toThrow(/not an IPv4/);
  });

  it('routes: iproute2 defaults (proto boot, scope link without gateway), tables above 255 in RTA_TABLE', () => {
    const onLink = routeRequest(true, { family: 4, dst: '10.1.0.0', dstLen: 16, ifindex: 3, table: 1000 });
    expect(decodeRoute(onLink, 16, onLink.length - 16)).toMatchObject({ table: 1000, protocol: 3, scope: 253, type: 1, ifindex: 3, dst: '10.1.0.0', dstLen: 16 });
    expect(onLink[16 + 4]).toBe(0); // rtm_table: RT_TABLE_UNSPEC, the real id is in RTA_TABLE
    const viaGw = routeRequest(true, { family: 4, dst: '0.0.0.0', dstLen: 0, gateway: '10.0.0.1', metric: 100 });
    expect(decodeRoute(viaGw, 16, viaGw.length - 16)).toMatchObject({ table: 254, scope: 0, gateway: '10.0.0.1', metric: 100, dst: '0.0.0.0' });
    const del = routeRequest(false, { family: 6, dst: '2001:db8::', dstLen: 32 });
    expect(decodeRoute(del, 16, del.length - 16)).toMatchObject({ scope: 255, protocol: 0, type: 0, dst: '2001:db8::' });
    expect(() => routeRequest(true, { family: 4, dst: '10.1.2.3', dstLen: 16, ifindex: 3 })).toThrow(/host bits/);
  });
});

describe('route extras and rules', () => {
  it('onlink in rtm_flags, tos in rtm_tos, metrics in RTA_METRICS with the locks first; decoding reads them back', () => {
    const metrics = { mtu: 1400, window: 1000, cwnd: 10, initcwnd: 5, initrwnd: 6, advmss: 1300, rto_min: 300, quickack: true, lock: ['mtu' as const, 'advmss' as const] };
    const msg = routeRequest(true, { family: 4, dst: '10.9.0.0', dstLen: 16, gateway: '192.0.2.1', ifindex: 3, onlink: true, tos: 0x10, metrics });
    expect(msg[16 + 3]).toBe(0x10);
    expect(msg.readUInt32LE(16 + 8)).toBe(4); // RTNH_F_ONLINK
    // RTA_METRICS (8): RTAX_LOCK (1) = 1<<2 | 1<<8 first, then the values (RTAX_MTU (2) = 1400 ...).
    expect(msg.toString('hex')).toContain(bytes('08 00 01 00 04 01 00 00 08 00 02 00 78 05 00 00'));
    expect(decodeRoute(msg, 16, msg.length - 16)).toMatchObject({ onlink: true, tos: 0x10, metrics: { ...metrics, lock: ['mtu', 'advmss'] } });
    const plain = routeRequest(true, { family: 4, dst: '10.9.0.0', dstLen: 16, ifindex: 3, metrics: { mtu: 0, quickack: false } });
    const decoded = decodeRoute(plain, 16, plain.length - 16)!;
    expect(['onlink', 'tos', 'from', 'fromLen', 'metrics'].filter((k) => k in decoded)).toEqual([]);
    const del = routeRequest(false, { family: 4, dst: '10.9.0.0', dstLen: 16, onlink: true, tos: 0x10, metrics });
    const deleted = decodeRoute(del, 16, del.length - 16)!;
    expect([deleted.tos, deleted.onlink, deleted.metrics]).toEqual([0x10, undefined, undefined]);
    expect(() => routeRequest(true, { family: 4, dst: '10.9.0.0', dstLen: 16, ifindex: 3, metrics: { hoplimit: 3 } as never })).toThrow(/unknown metric 'hoplimit'/);
    expect(() => routeRequest(true, { family: 4, dst: '10.9.0.0', dstLen: 16, ifindex: 3, metrics: { lock: ['rto_min'] } as never })).toThrow(/can be locked/);
    expect(() => routeRequest(true, { family: 4, dst: '10.9.0.0', dstLen: 16, ifindex: 3, metrics: { mtu: -1 } })).toThrow(InvalidValue);
  });

  it('an IPv6 source prefix is rtm_src_len and RTA_SRC; IPv4 has none', () => {
    const msg = routeRequest(true, { family: 6, dst: '2001:db8:1::', dstLen: 48, from: '2001:db8:2::', fromLen: 56, ifindex: 3 });
    expect(msg[16 + 2]).toBe(56);
    expect(decodeRoute(msg, 16, msg.length - 16)).toMatchObject({ from: '2001:db8:2::', fromLen: 56 });
    expect(() => routeRequest(true, { family: 4, dst: '10.0.0.0', dstLen: 8, from: '10.1.0.0', fromLen: 16 })).toThrow(/only IPv6/);
  });

  it('a rule request decodes to the rule it asked for (the dump has the same layout)', () => {
    const full: RuleSpec = {
      family: 4, priority: 7, invert: true, from: '10.1.0.0', fromLen: 16, to: '10.2.0.0', toLen: 24, tos: 0x10, ipproto: 6, fwmark: 0x10, fwmask: 0xff,
      sport: [1000, 2000], dport: [80, 80], iifname: 'eth0', oifname: 'eth1', uidRange: [100, 200], suppressPrefixlength: 8, table: 300, action: 1, protocol: 4,
    };
    const msg = ruleRequest(true, full);
    expect(msg.readUInt16LE(4)).toBe(32); // RTM_NEWRULE
    expect(msg.readUInt16LE(6)).toBe(0x1 | 0x4 | 0x400 | 0x200); // REQUEST, ACK, CREATE, EXCL: an equal rule is EEXIST
    expect(msg[16 + 4]).toBe(0); // table > 255 goes in FRA_TABLE only
    expect(decodeRule(msg, 16, msg.length - 16)).toEqual(full);
    const v6 = ruleRequest(true, { family: 6, priority: 0, from: '2001:db8::', fromLen: 32, action: 7 });
    expect(decodeRule(v6, 16, v6.length - 16)).toEqual({ family: 6, priority: 0, from: '2001:db8::', fromLen: 32, table: 0, action: 7, protocol: 0 });
    // A mark alone matches all its bits, as in the kernel and iproute2.
    const mark = ruleRequest(true, { family: 4, priority: 1, fwmark: 3, table: 5 });
    expect(decodeRule(mark, 16, mark.length - 16)).toMatchObject({ fwmark: 3, fwmask: 0xffffffff });
    const del = ruleRequest(false, { family: 4, priority: 9 });
    expect(del.readUInt16LE(4)).toBe(33);
    expect(decodeRule(del, 16, del.length - 16)).toEqual({ family: 4, priority: 9, table: 0, action: 0, protocol: 0 });
    expect(dumpRulesRequest(6)[16]).toBe(10);
  });

  it('rules nmk would not know the outcome of, or the kernel refuses, are InvalidValue', () => {
    const base = { family: 4 as const, priority: 5, table: 5 };
    for (const [spec, says] of [
      [{ family: 4, priority: 5 }, /needs one/],
      [{ ...base, action: 2 }, /action: 2/],
      [{ ...base, from: '2001:db8::' }, /not an IPv4/],
      [{ ...base, from: '10.0.0.0', fromLen: 33 }, /fromLen/],
      [{ ...base, sport: [0, 10] }, /sport start/],
      [{ ...base, dport: [20, 10] }, /dport end/],
      [{ ...base, uidRange: [0, 0xffffffff] }, /uidRange end/],
      [{ ...base, iifname: 'a/b' }, /iifname/],
      [{ ...base, suppressPrefixlength: 33 }, /suppressPrefixlength/],
      [{ ...base, family: 5 }, /family/],
    ] as Array<[RuleSpec, RegExp]>) {
      expect(() => ruleRequest(true, spec), says.source).toThrow(says);
    }
  });
});

describe('decoding', () => {
  function linkMessage(type: number, fill: (m: NlMessage) => void, family = 0): Buffer {
    const m = new NlMessage(type, 0);
    const at = m.struct(16);
    m.setU8(at, family).setU16(at + 2, 1).setS32(at + 4, 9).setU32(at + 8, 0x11043);
    fill(m);
    return m.finish();
  }

  it('a link: name, kind, flags, carrier, operstate, MTU, MAC, master, parent and bridge info', () => {
    const buf = linkMessage(16, (m) => {
      m.string(3, 'br9').u32(4, 1400).bytes(1, Buffer.from('020000aabbcc', 'hex')).u32(10, 3).u32(5, 4).u8(16, 6);
      const li = m.nest(18);
      m.string(1, 'bridge');
      const data = m.nest(2);
      m.u32(5, 1).u32(1, 1500).u16(6, 8192).u32(999, 1);
      m.end(data);
      m.string(4, 'bond');
      m.end(li);
    });
    const ev = decodeEvent(16, buf, 16, buf.length - 16);
    expect(ev).toEqual({
      type: 'link',
      action: 'new',
      link: {
        ifindex: 9, name: 'br9', kind: 'bridge', arptype: 1, flags: 0x11043, up: true, carrier: true, operstate: 'up', mtu: 1400,
        mac: '02:00:00:aa:bb:cc', master: 3, parent: 4, info: { stp: true, forward_delay: 15, priority: 8192 }, portKind: 'bond',
      },
    });
    expect(decodeEvent(17, buf, 16, buf.length - 16)).toMatchObject({ type: 'link', action: 'del' });
  });

  it('bridge-port (AF_BRIDGE) link messages are not link events', () => {
    const buf = linkMessage(17, (m) => m.string(3, 'port0'), 7);
    expect(decodeEvent(17, buf, 16, buf.length - 16)).toBeUndefined();
  });

  it('a parent in another namespace (IFLA_LINK_NETNSID) is no parent here', () => {
    const buf = linkMessage(16, (m) => m.string(3, 'vhere').u32(5, 2).u32(37, 0));
    expect(decodeLink(buf, 16, buf.length - 16).parent).toBe(0);
  });

  it('addresses and routes of other families and cloned routes are skipped', () => {
    const m = new NlMessage(24, 0);
    const at = m.struct(12);
    m.setU8(at, 2).setU32(at + 8, 0x200);
    const cloned = m.finish();
    expect(decodeEvent(24, cloned, 16, cloned.length - 16)).toBeUndefined();
  });

  it('IPv6 text is RFC 5952, as iproute2 prints it', () => {
    const t = (s: string) => formatIPv6(parseIp(s).bytes, 0);
    expect(t('2001:0DB8:0000:0000:0001:0000:0000:0001')).toBe('2001:db8::1:0:0:1');
    expect(t('::')).toBe('::');
    expect(t('::1')).toBe('::1');
    expect(t('fe80::')).toBe('fe80::');
    expect(t('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1');
    expect(t('::ffff:10.1.2.3')).toBe('::ffff:10.1.2.3');
    expect(canonicalIp('10.0.0.1')).toBe('10.0.0.1');
    for (const bad of ['10.0.0', '10.0.0.256', '01.2.3.4', '1::2::3', '2001:db8::g', '1:2:3:4:5:6:7:8:9', '', 'eth0']) expect(() => parseIp(bad), bad).toThrow(InvalidValue);
  });
});

describe('silently flushed IPv4 routes', () => {
  const r = (dst: string, ifindex: number, extra: Partial<Route> = {}): Route => ({ family: 4, table: 254, dst, dstLen: 24, ifindex, metric: 0, protocol: 3, scope: 0, type: 1, ...extra });

  it('reports what the dump no longer has, except what appeared during the check', () => {
    const f = new SilentRouteFlush();
    f.reset([r('10.0.1.0', 2), r('10.0.2.0', 2, { prefsrc: '10.0.2.1' }), r('10.0.3.0', 3)]);
    f.apply('new', r('2001:db8::', 2, { family: 6 }));
    expect(f.size).toBe(3);
    expect(f.dependsOnLink(2)).toBe(true);
    expect(f.dependsOnAddress('10.0.2.1')).toBe(true);
    f.begin();
    f.apply('new', r('10.0.4.0', 2));
    const gone = f.end([r('10.0.3.0', 3)]);
    expect(gone.map((x) => x.dst).sort()).toEqual(['10.0.1.0', '10.0.2.0']);
    expect(f.dependsOnLink(2)).toBe(true);
    expect(f.dependsOnAddress('10.0.2.1')).toBe(false);
    f.apply('del', r('10.0.4.0', 2));
    expect(f.dependsOnLink(2)).toBe(false);
  });
});
