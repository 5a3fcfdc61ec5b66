import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMessage, decodeNames, encodeFqdn, encodeMessage, encodeName, ip6ToBytes, ip6ToString, MsgType, Opt } from './codec.js';

const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
const o = (code: number, ...data: Buffer[]) => {
  const d = Buffer.concat(data);
  return Buffer.concat([u16(code), u16(d.length), d]);
};
const head = (type: number, xid: number) => u32((type << 24) | xid);

/** Options of an encoded message as [code, data hex] in order. */
function optionsOf(buf: Buffer): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  for (let i = 4; i < buf.length; ) {
    const len = buf.readUInt16BE(i + 2);
    out.push([buf.readUInt16BE(i), buf.subarray(i + 4, i + 4 + len).toString('hex')]);
    i += 4 + len;
  }
  return out;
}

describe('addresses', () => {
  it('prints as inet_ntop (RFC 5952) and parses back', () => {
    for (const [text, hex] of [
      ['fd42::100', 'fd420000000000000000000000000100'],
      ['2001:db8::1:0:0:1', '20010db8000000000001000000000001'],
      ['2001:db8:0:1:1:1:1:1', '20010db8000000010001000100010001'],
      ['::', '00000000000000000000000000000000'],
      ['::1', '00000000000000000000000000000001'],
      ['fe80::1', 'fe800000000000000000000000000001'],
      ['::ffff:10.0.0.1', '00000000000000000000ffff0a000001'],
    ]) {
      expect(ip6ToString(Buffer.from(hex!, 'hex'))).toBe(text);
      if (!text!.includes('.')) expect(ip6ToBytes(text!).toString('hex')).toBe(hex);
    }
    expect(ip6ToBytes('fe80::1%veth0').toString('hex')).toBe('fe800000000000000000000000000001');
    expect(() => ip6ToBytes('1::2::3')).toThrow(/not an IPv6 address/);
    expect(() => ip6ToBytes('1:2')).toThrow(/not an IPv6 address/);
  });
});

describe('names', () => {
  it('encodes and decodes DNS wire format; FQDN flags and partial names as sd-dhcp6-client', () => {
    expect(encodeName('example.com').toString('hex')).toBe('076578616d706c6503636f6d00');
    expect(decodeNames(Buffer.from('076578616d706c6503636f6d00036c616e00', 'hex'))).toEqual(['example.com', 'lan']);
    // S flag, then "host" without the terminating zero: a partial name.
    expect(encodeFqdn('host').toString('hex')).toBe('0027000601' + '04686f7374');
    expect(encodeFqdn('host.example.').toString('hex')).toBe('0027000f01' + '04686f7374076578616d706c6500');
    expect(() => decodeNames(Buffer.from([0xc0, 0x0c]))).toThrow(/compressed/);
    expect(decodeNames(Buffer.from([3, 0x61, 0x20, 0x2e, 0]))).toEqual(['a\\032\\046']);
    expect(() => encodeName('x'.repeat(64))).toThrow(/longer than 63/);
  });
});

describe('client messages', () => {
  it('a SOLICIT carries Rapid Commit, IA_NA and IA_PD with T1/T2 0, FQDN, ORO, client id and elapsed time, in that order', () => {
    const duid = Buffer.from('000400112233445566778899aabbccddeeff', 'hex');
    const b = encodeMessage({
      type: MsgType.Solicit,
      xid: 0xabcdef,
      clientId: duid,
      rapidCommit: true,
      ias: [{ type: Opt.IaNa, iaid: 0x01020304 }, { type: Opt.IaPd, iaid: 0x01020304 }],
      fqdn: 'box',
      oro: [23, 24, 31, 56, 82],
      elapsed: 123.9,
    });
    expect(b.subarray(0, 4).toString('hex')).toBe('01abcdef');
    expect(optionsOf(b)).toEqual([
      [14, ''],
      [3, '010203040000000000000000'],
      [25, '010203040000000000000000'],
      [39, '0103626f78'],
      [6, '00170018001f00380052'],
      [1, duid.toString('hex')],
      [8, '007b'],
    ]);
  });

  it('a RENEW carries the server id and the held address and prefix with lifetimes 0; elapsed time caps at 0xffff', () => {
    const b = encodeMessage({
      type: MsgType.Renew,
      xid: 1,
      clientId: Buffer.from('0003000102030405', 'hex'),
      serverId: Buffer.from('00010203', 'hex'),
      ias: [{ type: Opt.IaNa, iaid: 7, addresses: ['fd42::105'] }, { type: Opt.IaPd, iaid: 7, prefixes: [{ prefix: 'fd43:1::', prefixlen: 56 }] }],
      elapsed: 1e9,
    });
    const opts = optionsOf(b);
    expect(opts[0]).toEqual([2, '00010203']);
    expect(opts[1]).toEqual([3, '000000070000000000000000' + '00050018' + 'fd420000000000000000000000000105' + '0000000000000000']);
    expect(opts[2]).toEqual([25, '000000070000000000000000' + '001a0019' + '0000000000000000' + '38' + 'fd430001000000000000000000000000']);
    expect(opts.at(-1)).toEqual([8, 'ffff']);
  });
});

describe('server messages', () => {
  const duid = Buffer.from('00030001aabbccddeeff', 'hex');
  const sid = Buffer.from('000100011111111122334455aabb', 'hex');

  it('reads IAs, status codes, DNS, domains, NTP and refresh time', () => {
    const msg = Buffer.concat([
      head(7, 0x123456),
      o(Opt.ServerId, sid),
      o(Opt.ClientId, duid),
      o(Opt.Preference, Buffer.from([9])),
      o(Opt.IaNa, u32(5), u32(100), u32(160),
        o(Opt.IaAddr, ip6ToBytes('fd42::150'), u32(200), u32(300)),
        // invalid: preferred above valid, dropped with a note
        o(Opt.IaAddr, ip6ToBytes('fd42::151'), u32(400), u32(300))),
      o(Opt.IaPd, u32(5), u32(0), u32(0), o(Opt.StatusCode, u16(6), Buffer.from('no prefixes'))),
      o(Opt.DnsServers, ip6ToBytes('fd42::53'), ip6ToBytes('fd42::54')),
      o(Opt.DomainList, encodeName('a.example'), encodeName('b.example'), encodeName('a.example')),
      o(Opt.NtpServer, o(1, ip6ToBytes('fd42::123')), o(3, encodeName('ntp.example'))),
      o(Opt.SntpServers, ip6ToBytes('fd42::124')),
      o(Opt.ClientFqdn, Buffer.from([0]), encodeName('box.example')),
      o(Opt.InformationRefreshTime, u32(3600)),
      o(999, Buffer.from('unknown')),
    ]);
    const m = decodeMessage(msg);
    if ('error' in m) throw new Error(m.error);
    expect(m).toMatchObject({ type: 7, xid: 0x123456, preference: 9, dns: ['fd42::53', 'fd42::54'], domains: ['a.example', 'b.example'], ntpAddresses: ['fd42::123'], ntpNames: ['ntp.example'], sntp: ['fd42::124'], fqdn: 'box.example', refreshTime: 3600 });
    expect(m.clientId).toEqual(duid);
    expect(m.serverId).toEqual(sid);
    expect(m.ias).toEqual([
      { type: Opt.IaNa, iaid: 5, t1: 100, t2: 160, addresses: [{ address: 'fd42::150', preferred: 200, valid: 300 }], prefixes: [] },
      { type: Opt.IaPd, iaid: 5, t1: 0, t2: 0, addresses: [], prefixes: [], status: { code: 6, message: 'no prefixes' } },
    ]);
    expect(m.notes).toEqual(['IA 5: address fd42::151 with preferred lifetime 400 > valid 300, ignored']);
  });

  it('refuses what does not parse, naming why, and skips bad options', () => {
    expect(decodeMessage(Buffer.from([7, 0, 0]))).toEqual({ error: '3 bytes is too short for a DHCPv6 message' });
    expect(decodeMessage(Buffer.concat([head(7, 1), u16(23), u16(32), ip6ToBytes('::1')]))).toEqual({ error: 'option 23 of 32 bytes runs past the end at offset 0' });
    expect(decodeMessage(Buffer.concat([head(7, 1), o(1, duid), o(1, duid)]))).toEqual({ error: 'more than one client id' });
    const m = decodeMessage(Buffer.concat([head(2, 1), o(Opt.DnsServers, Buffer.alloc(5)), o(Opt.DomainList, Buffer.from([0xc0, 1])), o(Opt.IaNa, u32(1), u32(10), u32(5))]));
    if ('error' in m) throw new Error(m.error);
    expect(m.dns).toEqual([]);
    expect(m.ias).toEqual([]);
    expect(m.notes).toEqual([
      'option 23: DNS servers: length 5 is not a multiple of 16, ignored',
      'option 24: compressed or oversized label, ignored',
      'option 3: IA with T1 10 > T2 5, ignored',
    ]);
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const r = decodeMessage(Buffer.from(bytes));
        expect(typeof r).toBe('object');
      }),
      { numRuns: 2000 },
    );
    // Options that look right at the top but hold garbage inside.
    fc.assert(
      fc.property(fc.constantFrom(1, 2, 3, 7, 13, 23, 24, 25, 31, 32, 39, 56), fc.uint8Array({ maxLength: 80 }), (code, data) => {
        const r = decodeMessage(Buffer.concat([head(7, 1), o(code, Buffer.from(data))]));
        expect(typeof r).toBe('object');
      }),
      { numRuns: 3000 },
    );
  });
});
