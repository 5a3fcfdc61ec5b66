import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatIp, parseIp } from '../../../sdk/index.js';
import { eui64FromMac, isReservedIid, stablePrivacyIid, tokenIid, withIid, type StableType } from '../iid.js';

function addr(prefix: string, iid: Uint8Array): string {
  return formatIp(withIid(parseIp(prefix, 6)!.bytes, iid));
}

/**
 * The host id NetworkManager 1.42 derives from a v2 secret_key file and
 * /etc/machine-id (its own shell recipe in nm-core-utils.c:
 * sha256("<file size> " + file + machine-id)). Core computes it
 * (core/ip/host-identity.ts); here it only makes the vectors readable.
 */
function hostId(secretKeyFile: string, machineId: string): Uint8Array {
  const key = Buffer.from(secretKeyFile, 'latin1');
  return createHash('sha256').update(`${key.length} `).update(key).update(machineId).digest();
}

describe('modified EUI-64 (RFC 4291 appendix A)', () => {
  it.each([
    // ff:fe in the middle, the universal/local bit flipped; 52:54:00:12:34:56 is what NetworkManager 1.42 configured (eui64) for that MAC.
    ['00:11:22:33:44:55', 'fe80::211:22ff:fe33:4455'],
    ['52:54:00:12:34:56', 'fe80::5054:ff:fe12:3456'],
    ['02:00:00:00:00:01', 'fe80::ff:fe00:1'],
    ['FF:FF:FF:FF:FF:FF', 'fe80::fdff:ffff:feff:ffff'],
  ])('%s gives %s', (mac, expected) => {
    expect(addr('fe80::', eui64FromMac(mac)!)).toBe(expected);
  });

  it.each(['', '00:11:22:33:44', '00:11:22:33:44:55:66:77', 'zz:11:22:33:44:55', '0011.2233.4455'])('has none for %j', (mac) => {
    expect(eui64FromMac(mac)).toBeUndefined();
  });
});

describe('ipv6.token', () => {
  it('takes the low 64 bits', () => {
    expect(addr('2001:db8:1:2::', tokenIid('::1:2')!)).toBe('2001:db8:1:2::1:2');
    expect(addr('2001:db8::', tokenIid('::a:b:c:d')!)).toBe('2001:db8::a:b:c:d');
  });
  it.each(['::', '2001:db8::1', 'fe80::1', 'nonsense', '::1:2%eth0'])('refuses %j', (t) => {
    expect(tokenIid(t)).toBeUndefined();
  });
});

describe('stable-privacy (RFC 7217) as NetworkManager 1.42 computes it', () => {
  // Each vector is what the real NetworkManager 1.42.4 configured on veth "nmv0"
  // (connection UUID below) in a namespace, against dnsmasq advertising
  // fd42:1::/64; its secret_key file read from its mount namespace, and this
  // machine's /etc/machine-id. The fe80:: address is its stable-privacy link-local
  // address, made by the same function.
  const MACHINE_ID = '3d1219c7c4c5404aaa1f6d2a48adfda4';
  const UUID = '5c7e4d6a-1b2f-4a3c-9d8e-0f1a2b3c4d5e';
  /** NetworkManager's network id for a stable-id with substitutions: base64(sha1(expanded)) without its '='. */
  const generated = (expanded: string) => createHash('sha1').update(expanded).digest('base64').replace(/=$/, '');

  const vectors: Array<{ what: string; key: string; networkId: string; stableType: StableType; global: string; linkLocal: string }> = [
    { what: 'no stable-id (the UUID)', key: 'nm-v2:YFbrQWLMpbErNYV5vEzFKnwClmZEbxuxKhyg19Ol2Ns=', networkId: UUID, stableType: 'uuid', global: 'fd42:1::3c9d:8ae5:af3:aee3', linkLocal: 'fe80::dfff:6306:35bd:9253' },
    { what: 'stable-id=my-stable-id', key: 'nm-v2:L0E4H+VMucG7gzv8WPdv0tXaE0Hm2Ji9lQMyx00rsOk=', networkId: 'my-stable-id', stableType: 'stable-id', global: 'fd42:1::478b:6759:4c1b:ecf5', linkLocal: 'fe80::7e87:4ca5:bc8c:5347' },
    { what: 'stable-id=${CONNECTION}', key: 'nm-v2:3G2JWAKOHFI9KH0a0c6gcFb+y9Hh5NuexxSs3lv2Lg8=', networkId: generated(`\${CONNECTION}=36{${UUID}}`), stableType: 'generated', global: 'fd42:1::85f8:2746:c4da:e676', linkLocal: 'fe80::e1aa:768d:99dd:9941' },
  ];

  it.each(vectors)('matches NetworkManager with $what', (v) => {
    const secretKey = hostId(v.key, MACHINE_ID);
    for (const [prefix, expected] of [['fd42:1::', v.global], ['fe80::', v.linkLocal]] as const) {
      const iid = stablePrivacyIid({ prefix: parseIp(prefix, 6)!.bytes, ifname: 'nmv0', networkId: v.networkId, stableType: v.stableType, dadCounter: 0, secretKey });
      expect(addr(prefix, iid)).toBe(expected);
    }
  });

  it('changes with every input', () => {
    const base = { prefix: parseIp('fd42:1::', 6)!.bytes, ifname: 'nmv0', networkId: UUID, stableType: 'uuid' as StableType, dadCounter: 0, secretKey: new Uint8Array(32).fill(7) };
    const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
    const seen = new Set([hex(stablePrivacyIid(base))]);
    for (const variant of [
      { prefix: parseIp('fd42:2::', 6)!.bytes },
      { ifname: 'nmv1' },
      { networkId: UUID.replace('5c', '5d') },
      { stableType: 'stable-id' as StableType },
      { dadCounter: 1 },
      { secretKey: new Uint8Array(32).fill(8) },
    ]) {
      seen.add(hex(stablePrivacyIid({ ...base, ...variant })));
    }
    expect(seen.size).toBe(7);
  });

  it('ignores the host half of the prefix it is given', () => {
    const input = { ifname: 'nmv0', networkId: UUID, stableType: 'uuid' as StableType, dadCounter: 0, secretKey: new Uint8Array(32) };
    expect(stablePrivacyIid({ ...input, prefix: parseIp('fd42:1::', 6)!.bytes })).toEqual(stablePrivacyIid({ ...input, prefix: parseIp('fd42:1::dead:beef', 6)!.bytes }));
  });
});

describe('reserved interface identifiers (RFC 5453)', () => {
  const iid = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));
  it.each([
    ['0000000000000000', true],
    ['02005efffe000000', true],
    ['02005efffeffffff', true],
    ['fdffffffffffff80', true],
    ['fdffffffffffffff', true],
    ['fdffffffffffff7f', false],
    ['02005efffd000000', false],
    ['0000000000000001', false],
  ])('%s reserved: %s', (hex, reserved) => {
    expect(isReservedIid(iid(hex))).toBe(reserved);
  });
});
