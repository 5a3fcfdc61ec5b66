/**
 * The value codecs on their own: dictionary key escaping, integers by C
 * rules, MACs, address and route lines with their options, certificates.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NmkError, normalizeIp, parse } from '../../../sdk/index.js';
import { readCertificate, writeCertificate } from '../certificates.js';
import { canonicalAddress } from '../ip-text.js';
import { formatAddresses, formatRoutes, isIpListKey, readAddresses, readRoutes } from '../ip-lists.js';
import { decodeKey, encodeKey } from '../key-escape.js';
import { ReadContext } from '../read-context.js';
import { formatRouteAttributes } from '../route-attributes.js';
import { canonicalMac, parseCInteger, readInteger, readMac, UINT32 } from '../scalars.js';

function ctxOf(text: string, file = '/etc/nmk/system-connections/t.nmconnection'): ReadContext {
  return new ReadContext(parse(text, file), file);
}

function errorOf(fn: () => unknown): NmkError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(NmkError);
    return err as NmkError;
  }
  throw new Error('expected an NmkError');
}

describe('dictionary keys (nm_keyfile_key_encode/decode)', () => {
  it.each([
    ['plain-key_1.x', 'plain-key_1.x'],
    ['', '\\00'],
    [' ', '\\20'],
    [' lead', '\\20lead'],
    ['trail ', 'trail\\20'],
    ['a=b', 'a\\3Db'],
    ['[x]', '\\5Bx\\5D'],
    ['é', '\\C3\\A9'],
    ['back\\41slash', 'back\\5C41slash'],
    ['back\\slash', 'back\\slash'],
    ['tab\there', 'tab\\09here'],
    ['#comment-like', '\\23comment-like'],
    ['mid#hash', 'mid#hash'],
  ])('%j ↔ %j', (name, key) => {
    expect(encodeKey(name)).toBe(key);
    expect(decodeKey(key)).toBe(name);
  });
});

describe('integers (C strtol, base 0)', () => {
  it.each([
    ['42', 42n],
    [' 42 ', 42n],
    ['-7', -7n],
    ['0x1F', 31n],
    ['017', 15n],
    ['0', 0n],
  ])('%j → %s', (text, value) => expect(parseCInteger(text)).toBe(value));
  it.each(['', '4 2', '1.5', 'abc', '08', '0x'])('%j is not an integer', (text) => expect(parseCInteger(text)).toBeUndefined());
  it('checks the range and names the key and line', () => {
    const ctx = ctxOf('[ethernet]\nmtu=4294967296\n');
    const e = errorOf(() => readInteger(ctx, 'ethernet', 'mtu', UINT32));
    expect(e.code).toBe('CONFIG_VALUE');
    expect(e.origin).toMatchObject({ line: 2, key: 'ethernet.mtu' });
  });
});

describe('MAC addresses', () => {
  it('reads text (either separator, any case) and the old byte list, and stores upper case', () => {
    expect(canonicalMac('02:00:0a:bb:cc:dd', 6)).toBe('02:00:0A:BB:CC:DD');
    expect(canonicalMac('02-00-0a-bb-cc-dd', 6)).toBe('02:00:0A:BB:CC:DD');
    expect(canonicalMac('02:00:0a:bb:cc', 6)).toBeUndefined();
    expect(canonicalMac('02:00-0a:bb:cc:dd', 6)).toBeUndefined();
    const ctx = ctxOf('[ethernet]\nmac-address=2;0;10;187;204;221;\ncloned-mac-address=stable\n');
    expect(readMac(ctx, 'ethernet', 'mac-address', 6)).toBe('02:00:0A:BB:CC:DD');
    expect(readMac(ctx, 'ethernet', 'cloned-mac-address', 6, ['stable'])).toBe('stable');
    expect(errorOf(() => readMac(ctx, 'ethernet', 'cloned-mac-address', 6)).origin.line).toBe(3);
  });
});

describe('addresses and routes', () => {
  it('reads NetworkManager forms: numbered keys in order, a gateway after the first address, a missing prefix with a warning', () => {
    const ctx = ctxOf(['[ipv4]', 'address2=10.0.0.2/8', 'address1=192.0.2.1/24,192.0.2.254', 'addresses3=10.1.1.1', 'address=172.16.0.1/12;', ''].join('\n'));
    expect(readAddresses(ctx, 'ipv4', 4)).toEqual({
      addresses: [
        { address: '172.16.0.1', prefix: 12 },
        { address: '192.0.2.1', prefix: 24 },
        { address: '10.0.0.2', prefix: 8 },
        { address: '10.1.1.1', prefix: 24 },
      ],
      gateway: '192.0.2.254',
    });
    expect(ctx.warnings.join('\n')).toMatch(/addresses3.*missing prefix length, defaulting to 24/);
  });

  it('canonicalises IPv6 text as inet_ntop does', () => {
    const ctx = ctxOf('[ipv6]\naddress1=2001:0DB8:0:0::0010/64,FE80::1\n');
    expect(readAddresses(ctx, 'ipv6', 6)).toEqual({ addresses: [{ address: '2001:db8::10', prefix: 64 }], gateway: 'fe80::1' });
  });

  it.each([
    ['address1=10.0.0.300/24', /invalid IPv4 address '10.0.0.300'/],
    ['address1=10.0.0.1/33', /invalid prefix length '33'/],
    ['address1=10.0.0.1/24,10.0.0.256', /invalid IPv4 gateway/],
    ['address1=10.0.0.1/24,10.0.0.2,7', /unexpected text/],
    ['address1=fe80::1/64', /invalid IPv4 address/],
    ['address1=10.0.0.1/x', /invalid/],
  ])('%s is an error naming the key and line', (line, message) => {
    const ctx = ctxOf(`[ipv4]\nmethod=manual\n${line}\n`);
    const e = errorOf(() => readAddresses(ctx, 'ipv4', 4));
    expect(e.message).toMatch(message);
    expect(e.origin).toMatchObject({ line: 3, key: 'ipv4.address1', file: '/etc/nmk/system-connections/t.nmconnection' });
  });

  it('reads routes with next hop, metric and options; 0.0.0.0 as next hop means none', () => {
    const ctx = ctxOf(['[ipv4]', 'route1=10.10.0.0/16,192.0.2.254,100', 'route1_options=table=200,onlink=true,src=192.0.2.10', 'route2=10.20.0.0/16,0.0.0.0,5', 'routes3=10.30.0.0/16', ''].join('\n'));
    expect(readRoutes(ctx, 'ipv4', 4)).toEqual([
      { dest: '10.10.0.0', prefix: 16, nextHop: '192.0.2.254', metric: 100, attributes: { onlink: true, src: '192.0.2.10', table: 200 } },
      { dest: '10.20.0.0', prefix: 16, metric: 5 },
      { dest: '10.30.0.0', prefix: 16 },
    ]);
  });

  it.each([
    ['route1=10.0.0.0/8,10.0.0.1,-1', 'ipv4.route1', /invalid metric|invalid next hop/],
    ['route1=10.0.0.0/8\nroute1_options=table=abc', 'ipv4.route1_options', /invalid value 'abc'/],
    ['route1=10.0.0.0/8\nroute1_options=color=blue', 'ipv4.route1_options', /unknown route attribute 'color'/],
    ['route1=10.0.0.0/8\nroute1_options=from=2001:db8::/64', 'ipv4.route1_options', /not valid for IPv4/],
  ])('%s is an error', (lines, key, message) => {
    const ctx = ctxOf(`[ipv4]\n${lines}\n`);
    const e = errorOf(() => readRoutes(ctx, 'ipv4', 4));
    expect(e.message).toMatch(message);
    expect(e.origin.key).toBe(key);
  });

  it("writes NetworkManager's lines", () => {
    expect(formatAddresses([{ address: '192.0.2.1', prefix: 24 }, { address: '10.0.0.1', prefix: 8 }], '192.0.2.254')).toEqual([
      ['address1', '192.0.2.1/24,192.0.2.254'],
      ['address2', '10.0.0.1/8'],
    ]);
    expect(
      formatRoutes(
        [
          { dest: '10.0.0.0', prefix: 8, metric: 10, attributes: { table: 5, lock_mtu: 1 } },
          { dest: '10.2.0.0', prefix: 16, nextHop: '10.0.0.1' },
          { dest: '10.1.0.0', prefix: 16, metric: -1 },
        ],
        4,
      ),
    ).toEqual([
      ['route1', '10.0.0.0/8,0.0.0.0,10'],
      ['route1_options', 'table=5'],
      ['route2', '10.2.0.0/16,10.0.0.1'],
      ['route3', '10.1.0.0/16'],
    ]);
    expect(formatRouteAttributes({ type: 'unicast', mtu: 1400, 'lock-mtu': true })).toBe('lock-mtu=true,mtu=1400,type=unicast');
  });

  it('knows which keys the lists own', () => {
    for (const k of ['address', 'address0', 'address12', 'addresses3', 'route7', 'routes1', 'route2_options', 'routes2_options']) expect(isIpListKey(k), k).toBe(true);
    for (const k of ['address01', 'gateway', 'route-metric', 'route-table', 'address1_options', 'routing-rule1']) expect(isIpListKey(k), k).toBe(false);
  });
});

describe('802.1X certificates', () => {
  const dir = '/etc/nmk/system-connections';
  it.each([
    ['/etc/pki/ca.pem', 'file:///etc/pki/ca.pem\0'],
    ['file:///etc/pki/odd name', 'file:///etc/pki/odd name\0'],
    ['certs/ca.crt', `file://${dir}/certs/ca.crt\0`],
    ['pkcs11:token=x;object=y', 'pkcs11:token=x;object=y\0'],
  ])('%s reads as the D-Bus path/URI form', (text, bytes) => {
    const ctx = ctxOf(`[802-1x]\nca-cert=${text.replace(/;/g, ';')}\n`);
    expect(Buffer.from(readCertificate(ctx, '802-1x', 'ca-cert')).toString('utf8')).toBe(bytes);
  });
  it('reads and writes blobs as data:;base64,', () => {
    const blob = new Uint8Array([0x30, 0x82, 0x01, 0x0a, 0xff]);
    const text = writeCertificate(blob)!;
    expect(text).toBe('data:;base64,MIIBCv8=');
    expect(readCertificate(ctxOf(`[802-1x]\nca-cert=${text}\n`), '802-1x', 'ca-cert')).toEqual(blob);
    expect(errorOf(() => readCertificate(ctxOf('[802-1x]\nca-cert=data:;base64,!!\n'), '802-1x', 'ca-cert')).message).toMatch(/base64/);
  });
  it('writes absolute paths bare and others with file://', () => {
    expect(writeCertificate(new Uint8Array(Buffer.from('file:///etc/pki/ca.pem\0')))).toBe('/etc/pki/ca.pem');
    expect(writeCertificate(new Uint8Array(Buffer.from(`file:///${'x'.repeat(600)}\0`)))).toBe(`file:///${'x'.repeat(600)}`);
  });
});

describe('IP address text', () => {
  it("agrees with the model's normalizeIp, fast path included", () => {
    const samples = ['0.0.0.0', '10.0.0.1', '255.255.255.255', '192.168.001.1', '1.2.3', '256.1.1.1', '01.2.3.4', '::', '2001:DB8::0001', '::ffff:1.2.3.4', 'fe80::1%eth0', '1.2.3.4 '];
    for (const text of samples) {
      expect(canonicalAddress(text, 4), text).toBe(normalizeIp(text, 4));
      expect(canonicalAddress(text, 6), text).toBe(normalizeIp(text, 6));
    }
    fc.assert(fc.property(fc.oneof(fc.ipV4(), fc.ipV4Extended()), (a) => canonicalAddress(a, 4) === normalizeIp(a, 4)));
  });
});
