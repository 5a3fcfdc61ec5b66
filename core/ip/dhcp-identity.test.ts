/**
 * Vectors captured from the real NetworkManager 1.42.4 (Debian) on this
 * machine by test/integration/dhcp-identity-nm.test.ts: its secret key (read
 * from its private /var/lib/NetworkManager), the host's machine id and boot
 * id, each veth's MAC, and what it logged at TRACE for each profile. The
 * integration test re-checks the same against a live NetworkManager; these
 * keep the algorithm pinned without one.
 */
import { describe, expect, it } from 'vitest';
import { siphash24 } from './siphash24.js';
import { hostIdFromSecretKey } from './host-identity.js';
import {
  dhcpIaid,
  duidFromMachineId,
  iaidFromIfname,
  iaidToHex,
  ipv4ClientId,
  ipv6Duid,
  parseHexBytes,
  parseIaidNumber,
  resolveStableId,
  StableType,
  toHex,
  type HostKeys,
  type StableId,
} from './dhcp-identity.js';

const NM = {
  key: 'nm-v2:8ZvpxdM79zpacaYKywa0/eKpuqAdpmMf345dv/GQ6qs=',
  keyMtime: 1796649758,
  machineId: '3d1219c7c4c5404aaa1f6d2a48adfda4',
  hostId: '24d67b20616a691c508d4b2c41d19f5cdd6fcf8170ca74ef72209ba15e8e4650',
  bootId: '104bf6ac-daac-461c-98f8-9717988590e9',
};

const host: HostKeys = {
  machineId: Buffer.from(NM.machineId, 'hex'),
  hostId: hostIdFromSecretKey(Buffer.from(NM.key), NM.machineId)!,
  hostIdTimestamp: NM.keyMtime,
};

const uuid = (i: number) => `5d3b0c2e-1f4a-4c1b-9a6e-0000000000${String(i).padStart(2, '0')}`;

describe('SipHash-2-4', () => {
  it('gives the reference vector of the paper (key 00..0f, message 00..0e)', () => {
    const key = Uint8Array.from({ length: 16 }, (_, i) => i);
    const msg = Uint8Array.from({ length: 15 }, (_, i) => i);
    expect(siphash24(key, msg)).toBe(0xa129ca6149be45e5n);
    // and the empty message (first row of the reference vectors file: 31 0e 0e dd 47 db 6f 72, little-endian)
    expect(siphash24(key, new Uint8Array())).toBe(0x726fdb47dd0e0e31n);
  });
});

describe('host id from the secret key', () => {
  it('hashes a v2 key with its length and the machine id as NetworkManager does', () => {
    expect(host.hostId.length).toBe(32);
    expect(Buffer.from(host.hostId).toString('hex')).toBe(NM.hostId);
  });
});

describe('stable id', () => {
  it('is the UUID when unset, the text when it has no pattern', () => {
    expect(resolveStableId({ uuid: uuid(3), ifname: 'nid3', bootId: NM.bootId })).toEqual({ id: uuid(3), type: StableType.Uuid });
    expect(resolveStableId({ stableId: 'fixed-id', uuid: uuid(2), ifname: 'nid2', bootId: NM.bootId })).toEqual({ id: 'fixed-id', type: StableType.StableId });
  });

  it('substitutes ${CONNECTION}, ${DEVICE}, ${MAC} (empty without a permanent address), ${BOOT} and keeps $$ and unknown $', () => {
    const s = resolveStableId({ stableId: '${CONNECTION}/${DEVICE}/${MAC}/${BOOT}/x$$y$z', uuid: uuid(1), ifname: 'nid1', bootId: NM.bootId });
    expect(s).toEqual({ id: 'INUP3/+cjZH0X6AyYO17Pm0WUIE', type: StableType.Generated });
    // A permanent address changes it.
    const withMac = resolveStableId({ stableId: '${MAC}', uuid: uuid(1), ifname: 'nid1', permHwaddr: '0a:0b:0c:0d:0e:0f', bootId: NM.bootId });
    const upper = resolveStableId({ stableId: '${MAC}', uuid: uuid(1), ifname: 'nid1', permHwaddr: '0A:0B:0C:0D:0E:0F', bootId: NM.bootId });
    expect(withMac).toEqual(upper);
    expect(withMac.id).toHaveLength(27);
  });

  it('is random with ${RANDOM}', () => {
    const s = resolveStableId({ stableId: 'a-${RANDOM}', uuid: uuid(1), ifname: 'x', bootId: NM.bootId, random: (n) => new Uint8Array(n).fill(1) });
    expect(s).toEqual({ id: Buffer.alloc(15, 1).toString('base64'), type: StableType.Random });
  });
});

describe('DUID, IAID and client id: what NetworkManager 1.42 computed for each profile', () => {
  interface Row {
    ifname: string;
    i: number;
    mac: string;
    stableId?: string;
    ipv4: { clientId?: string; iaid?: string };
    ipv6: { duid?: string; iaid?: string };
    nm: { duid: string; iaid6: number; clientId: string; iaid4?: number };
  }
  const rows: Row[] = [
    { ifname: 'nid0', i: 0, mac: '12:72:39:d0:af:39', ipv4: { clientId: 'duid' }, ipv6: {},
      nm: { duid: '00:04:33:e8:7c:10:b6:ad:ca:84:2d:29:a2:c5:ad:73:f3:86', iaid6: 2875325134, iaid4: 2875325134, clientId: 'ff:ab:61:fa:ce:00:02:00:00:ab:11:00:33:bd:eb:f9:5e:19:2c' } },
    { ifname: 'nid1', i: 1, mac: '0e:ca:97:f3:00:5d', stableId: '${CONNECTION}/${DEVICE}/${MAC}/${BOOT}/x$$y$z', ipv4: { clientId: 'stable', iaid: 'stable' }, ipv6: { duid: 'stable-uuid', iaid: 'stable' },
      nm: { duid: '00:04:ff:c3:db:72:2b:f5:64:13:ff:23:7f:c2:18:e0:3a:32', iaid6: 420658928, clientId: '00:50:36:c6:4a:ca:12:b3:34:24:1c:c1:2b:13:7b:4d' } },
    { ifname: 'nid2', i: 2, mac: 'ea:ff:00:db:40:24', stableId: 'fixed-id', ipv4: { clientId: 'ipv6-duid' }, ipv6: { duid: 'stable-llt', iaid: 'mac' },
      nm: { duid: '00:01:00:01:2f:bf:ff:e8:5d:40:6e:bf:7e:96', iaid6: 14368804, iaid4: 1973809667, clientId: 'ff:00:db:40:24:00:01:00:01:2f:bf:ff:e8:5d:40:6e:bf:7e:96' } },
    { ifname: 'nid3', i: 3, mac: 'e6:7a:31:0e:d2:c9', ipv4: { clientId: 'ipv6-duid', iaid: '0x00abcdef' }, ipv6: { duid: 'stable-ll', iaid: 'perm-mac' },
      nm: { duid: '00:03:00:01:aa:27:f5:4f:09:0a', iaid6: 823055049, iaid4: 11259375, clientId: 'ff:00:ab:cd:ef:00:03:00:01:aa:27:f5:4f:09:0a' } },
    { ifname: 'nid4', i: 4, mac: 'a2:c3:73:0a:06:ca', ipv4: { clientId: 'mac', iaid: 'ifname' }, ipv6: { duid: 'llt', iaid: '1234' },
      nm: { duid: '00:01:00:01:32:a9:6f:9e:a2:c3:73:0a:06:ca', iaid6: 1234, clientId: '01:a2:c3:73:0a:06:ca' } },
    { ifname: 'nid5', i: 5, mac: '66:49:89:fc:1c:3e', ipv4: { clientId: 'hello' }, ipv6: { duid: 'll', iaid: '01:02:03:04' },
      nm: { duid: '00:03:00:01:66:49:89:fc:1c:3e', iaid6: 16909060, clientId: '00:68:65:6c:6c:6f' } },
    { ifname: 'nid6', i: 6, mac: '4a:e8:d3:55:12:58', ipv4: { clientId: '01:aa:bb:cc' }, ipv6: { duid: '00:01:02:03:04', iaid: '017' },
      nm: { duid: '00:01:02:03:04', iaid6: 15, clientId: '01:aa:bb:cc' } },
  ];

  for (const r of rows) {
    it(`${r.ifname}: duid ${r.ipv6.duid ?? '(default)'}, iaid ${r.ipv6.iaid ?? '(default)'}, client id ${r.ipv4.clientId}`, () => {
      const stable: StableId = resolveStableId({ stableId: r.stableId, uuid: uuid(r.i), ifname: r.ifname, bootId: NM.bootId });
      const base = { ifname: r.ifname, hwaddr: r.mac, permHwaddr: r.mac, host, stable };
      const iaid4 = dhcpIaid({ ...base, iaid: r.ipv4.iaid, family: 4 });
      const iaid6 = dhcpIaid({ ...base, iaid: r.ipv6.iaid, family: 6 });
      const duid6 = ipv6Duid({ duid: r.ipv6.duid, hwaddr: r.mac, host, stable });
      const cid = ipv4ClientId({ clientId: r.ipv4.clientId, hwaddr: r.mac, permHwaddr: r.mac, host, stable, iaid4, iaid6, duid6 });
      expect(toHex(duid6.duid)).toBe(r.nm.duid);
      expect(iaid6.iaid).toBe(r.nm.iaid6);
      if (r.nm.iaid4 !== undefined) expect(iaid4.iaid).toBe(r.nm.iaid4);
      expect(toHex(cid.clientId!)).toBe(r.nm.clientId);
      expect([duid6.warning, iaid4.warning, iaid6.warning, cid.warning]).toEqual([undefined, undefined, undefined, undefined]);
    });
  }

  it('the default DUID is the machine id one and prefers a lease DUID', () => {
    const r = ipv6Duid({ host, stable: { id: uuid(0), type: StableType.Uuid } });
    expect(r.enforce).toBe(false);
    expect(r.duid).toEqual(duidFromMachineId(host.machineId));
    expect(toHex(r.duid)).toBe('00:04:33:e8:7c:10:b6:ad:ca:84:2d:29:a2:c5:ad:73:f3:86');
  });

  it('the default IAID is the interface name one, not explicit', () => {
    expect(dhcpIaid({ ifname: 'nid0', host, stable: { id: 'x', type: 0 }, family: 6 })).toEqual({ iaid: 2875325134, explicit: false, warning: undefined });
    expect(iaidFromIfname('nid0')).toBe(2875325134);
    expect(iaidToHex(2875325134)).toBe('ab:61:fa:ce');
  });
});

describe('bad and edge values', () => {
  const stable = { id: 'x', type: StableType.StableId };

  it('falls back to a random DUID-UUID with a warning where NetworkManager does', () => {
    const noMac = ipv6Duid({ duid: 'll', host, stable }, (n) => new Uint8Array(n).fill(7));
    expect(toHex(noMac.duid)).toBe(`00:04:${Array(16).fill('07').join(':')}`);
    expect(noMac.warning).toMatch(/failure to generate ll DUID: missing link-layer address/);
    expect(ipv6Duid({ duid: 'stable-llt', hwaddr: '01:02:03', host, stable }).warning).toMatch(/unsupported link-layer address/);
    expect(ipv6Duid({ duid: '00:01', host, stable }).warning).toMatch(/invalid duid/);
  });

  it('ifname IAID with a warning for an invalid global default, and for a missing address', () => {
    const r = dhcpIaid({ globalDefault: 'bogus', ifname: 'nid0', host, stable, family: 4 });
    expect(r).toEqual({ iaid: 2875325134, explicit: false, warning: "invalid global default 'bogus' for ipv4.dhcp-iaid" });
    expect(dhcpIaid({ globalDefault: '7', ifname: 'nid0', host, stable, family: 4 })).toEqual({ iaid: 7, explicit: true, warning: undefined });
    expect(dhcpIaid({ iaid: 'perm-mac', ifname: 'nid0', host, stable, family: 6 }).warning).toMatch(/no permanent link-layer address/);
  });

  it('parses IAID numbers as NetworkManager (decimal, 0x, octal, four hex bytes)', () => {
    expect(parseIaidNumber('1234')).toBe(1234);
    expect(parseIaidNumber('0x10')).toBe(16);
    expect(parseIaidNumber('017')).toBe(15);
    expect(parseIaidNumber('0')).toBe(0);
    expect(parseIaidNumber('4294967295')).toBe(4294967295);
    expect(parseIaidNumber('4294967296')).toBeUndefined();
    expect(parseIaidNumber('ff:ff:ff:fe')).toBe(0xfffffffe);
    expect(parseIaidNumber('a:b:c:d')).toBe(0x0a0b0c0d);
    expect(parseIaidNumber('089')).toBeUndefined();
    expect(parseIaidNumber('-1')).toBeUndefined();
    expect(parseIaidNumber('')).toBeUndefined();
  });

  it('parses hex like NetworkManager: one delimiter throughout, single digits only with one', () => {
    expect(toHex(parseHexBytes('aa:b:cc', { delimiters: ':' })!)).toBe('aa:0b:cc');
    expect(toHex(parseHexBytes('aabbcc')!)).toBe('aa:bb:cc');
    expect(parseHexBytes('aab')).toBeUndefined();
    expect(parseHexBytes('aa:bb-cc', { delimiters: ':-' })).toBeUndefined();
    expect(parseHexBytes('aa:')).toBeUndefined();
  });

  it('an unset client id is none (the client plugin picks), an empty global default too', () => {
    const iaid = { iaid: 1, explicit: false };
    const duid6 = { duid: Buffer.from('000401', 'hex'), enforce: true };
    expect(ipv4ClientId({ host, stable, iaid4: iaid, iaid6: iaid, duid6 })).toEqual({});
    expect(ipv4ClientId({ globalDefault: '', host, stable, iaid4: iaid, iaid6: iaid, duid6 })).toEqual({});
    expect(toHex(ipv4ClientId({ globalDefault: 'mac', hwaddr: '00:11:22:33:44:55', host, stable, iaid4: iaid, iaid6: iaid, duid6 }).clientId!)).toBe('01:00:11:22:33:44:55');
    // "none" is no keyword in 1.42: a type-0 string client id.
    expect(toHex(ipv4ClientId({ clientId: 'none', host, stable, iaid4: iaid, iaid6: iaid, duid6 }).clientId!)).toBe('00:6e:6f:6e:65');
    const fail = ipv4ClientId({ clientId: 'mac', host, stable, iaid4: iaid, iaid6: iaid, duid6 }, (n) => new Uint8Array(n));
    expect(fail.clientId).toEqual(Buffer.alloc(16));
    expect(fail.warning).toMatch(/missing link-layer address/);
  });

  it('uses the last 8 bytes of an InfiniBand address', () => {
    const ib = Array.from({ length: 20 }, (_, i) => i.toString(16).padStart(2, '0')).join(':');
    const iaid = { iaid: 1, explicit: false };
    const duid6 = { duid: Buffer.from('000401', 'hex'), enforce: true };
    expect(toHex(ipv4ClientId({ clientId: 'mac', hwaddr: ib, host, stable, iaid4: iaid, iaid6: iaid, duid6 }).clientId!)).toBe('20:0c:0d:0e:0f:10:11:12:13');
    expect(toHex(ipv6Duid({ duid: 'll', hwaddr: ib, host, stable }).duid)).toBe('00:03:00:20:0c:0d:0e:0f:10:11:12:13');
  });
});
