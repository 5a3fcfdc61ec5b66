import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { BOOTREPLY, decodeMessage, encodeMessage, type Dhcp4Message } from '../codec.js';
import { decodeSearchList, encodeDnsName, encodeSearchList } from '../dns-names.js';
import { buildClientMessage, profileOptions } from '../messages.js';

function header(): Uint8Array {
  const b = new Uint8Array(240);
  b[0] = BOOTREPLY;
  b[1] = 1;
  b[2] = 6;
  b.set([0xde, 0xad, 0xbe, 0xef], 4);
  b.set([10, 0, 0, 7], 16);
  b.set([2, 0, 0, 0, 0, 1], 28);
  b.set([99, 130, 83, 99], 236);
  return b;
}

function withOptions(opts: number[], file?: number[], sname?: number[]): Uint8Array {
  const b = header();
  if (file) b.set(file, 108);
  if (sname) b.set(sname, 44);
  return Uint8Array.from([...b, ...opts]);
}

function decodeOk(data: Uint8Array) {
  const r = decodeMessage(data);
  if ('error' in r) throw new Error(r.error);
  return r;
}

describe('decodeMessage', () => {
  it('reads the BOOTP header fields', () => {
    const { message } = decodeOk(withOptions([53, 1, 2, 255]));
    expect(message.op).toBe(2);
    expect(message.xid).toBe(0xdeadbeef);
    expect(message.yiaddr).toBe('10.0.0.7');
    expect(Array.from(message.chaddr)).toEqual([2, 0, 0, 0, 0, 1]);
    expect(Array.from(message.options.get(53)!)).toEqual([2]);
  });

  it('drops packets that are too short, lack the magic cookie or have hlen > 16', () => {
    expect(decodeMessage(new Uint8Array(100))).toEqual({ error: 'packet of 100 bytes is shorter than a DHCP header (240)' });
    const noCookie = withOptions([255]);
    noCookie[236] = 0;
    expect(decodeMessage(noCookie)).toEqual({ error: 'no DHCP magic cookie' });
    const badHlen = withOptions([255]);
    badHlen[2] = 17;
    expect('error' in decodeMessage(badHlen)).toBe(true);
  });

  it('concatenates repeated options (RFC 3396) across options, file and sname in that order', () => {
    const data = withOptions([52, 1, 3, 6, 4, 1, 1, 1, 1, 255], [6, 4, 2, 2, 2, 2, 255], [6, 4, 3, 3, 3, 3, 255]);
    const { message } = decodeOk(data);
    expect(Array.from(message.options.get(6)!)).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]);
    expect(message.file).toBeUndefined();
    expect(message.sname).toBeUndefined();
  });

  it('reads file and sname as names when not overloaded', () => {
    const name = [...Buffer.from('pxelinux.0'), 0];
    const { message } = decodeOk(withOptions([255], name, [...Buffer.from('boot'), 0]));
    expect(message.file).toBe('pxelinux.0');
    expect(message.sname).toBe('boot');
  });

  it('keeps options before a truncated one and notes the damage', () => {
    const r = decodeOk(withOptions([53, 1, 5, 3, 4, 10, 0, 0, 1, 6, 200, 1, 2]));
    expect(Array.from(r.message.options.get(3)!)).toEqual([10, 0, 0, 1]);
    expect(r.message.options.has(6)).toBe(false);
    expect(r.notes).toEqual(['option 6 in options claims 200 bytes but only 2 remain']);
  });

  fcTest.prop([fc.uint8Array({ minLength: 0, maxLength: 700 })])('never throws on arbitrary bytes', (bytes) => {
    decodeMessage(bytes);
    const framed = withOptions(Array.from(bytes));
    const r = decodeMessage(framed);
    expect('message' in r).toBe(true);
  });
});

describe('encodeMessage', () => {
  const base = (): Dhcp4Message => ({
    op: 1,
    htype: 1,
    hlen: 6,
    hops: 0,
    xid: 7,
    secs: 1,
    flags: 0,
    ciaddr: '0.0.0.0',
    yiaddr: '0.0.0.0',
    siaddr: '0.0.0.0',
    giaddr: '0.0.0.0',
    chaddr: Uint8Array.of(2, 0, 0, 0, 0, 1),
    options: new Map(),
  });

  it('splits an option longer than 255 bytes into consecutive instances', () => {
    const m = base();
    const long = Uint8Array.from({ length: 600 }, (_, i) => i & 0xff);
    m.options.set(53, Uint8Array.of(1));
    m.options.set(43, long);
    const out = encodeMessage(m, { maxSize: 1400 });
    expect(Array.from(out.subarray(243, 245))).toEqual([43, 255]);
    expect(Array.from(out.subarray(243 + 257, 243 + 259))).toEqual([43, 255]);
    expect(Array.from(out.subarray(243 + 514, 243 + 516))).toEqual([43, 90]);
    expect(Array.from(decodeOk(out).message.options.get(43)!)).toEqual(Array.from(long));
  });

  it('overloads file and sname (option 52) when the options field is full', () => {
    const m = base();
    m.options.set(53, Uint8Array.of(1));
    m.options.set(43, new Uint8Array(450).fill(9));
    const out = encodeMessage(m, { maxSize: 548 });
    expect(out.length).toBeLessThanOrEqual(548);
    const { message } = decodeOk(out);
    expect(Array.from(message.options.get(52)!)).toEqual([3]);
    expect(message.options.get(43)!.length).toBe(450);
  });

  it('pads to the BOOTP minimum of 300 bytes', () => {
    expect(encodeMessage(base()).length).toBe(300);
  });

  fcTest.prop([fc.array(fc.tuple(fc.integer({ min: 1, max: 254 }).filter((c) => c !== 52), fc.uint8Array({ maxLength: 300 })), { maxLength: 6 })])(
    'round-trips options',
    (opts) => {
      const m = base();
      for (const [code, data] of opts) m.options.set(code, data);
      let out: Uint8Array;
      try {
        out = encodeMessage(m, { maxSize: 1400 });
      } catch {
        return; // too large even with overload: refused, not corrupted
      }
      const back = decodeOk(out).message.options;
      for (const [code, data] of m.options) {
        if (data.length) expect(Array.from(back.get(code)!)).toEqual(Array.from(data));
      }
    },
  );
});

describe('names', () => {
  it('decodes a compressed search list (RFC 1035 4.1.4)', () => {
    const data = encodeSearchList(['eng.example.com', 'example.com', 'lab.eng.example.com']);
    expect(decodeSearchList(data)).toEqual({ names: ['eng.example.com', 'example.com', 'lab.eng.example.com'] });
    // 'example.com' is a single pointer to offset 4.
    expect(data.length).toBe(17 + 2 + 6);
  });

  it('refuses forward and self pointers, and keeps the names before', () => {
    const good = encodeSearchList(['a.org']);
    const loop = Uint8Array.from([...good, 0xc0, good.length]);
    expect(decodeSearchList(loop)).toEqual({ names: ['a.org'], error: `search domain #1 is invalid: compression pointer to ${good.length} does not point backwards` });
    expect(decodeSearchList(Uint8Array.of(3, 0x61, 0x62))).toEqual({ names: [], error: 'search domain #0 is invalid: label runs past the end of the option' });
    expect(decodeSearchList(Uint8Array.of(0x80))).toMatchObject({ names: [] });
  });

  it('escapes odd label bytes as NetworkManager prints them', () => {
    expect(decodeSearchList(Uint8Array.of(3, 0x61, 0x2e, 0x20, 0)).names).toEqual(['a\\.\\032']);
  });

  fcTest.prop([fc.uint8Array({ maxLength: 300 })])('never throws on arbitrary search list bytes', (bytes) => {
    decodeSearchList(bytes);
  });

  it('writes DNS wire format with the root label', () => {
    expect(Array.from(encodeDnsName('h.example.org')!)).toEqual([1, 0x68, 7, ...Buffer.from('example'), 3, ...Buffer.from('org'), 0]);
    expect(encodeDnsName('a..b')).toBeUndefined();
  });
});

describe('client messages', () => {
  const mac = Uint8Array.of(2, 0, 0, 0, 0, 1);

  it('DISCOVER carries 53, 61, 55, 57 first, then the profile options, and nothing for the server', () => {
    const extra = profileOptions({ hostname: 'box', vendorClass: 'nmk' });
    const out = buildClientMessage('discover', { mac, clientId: Uint8Array.of(1, ...mac), extra }, { xid: 1, secs: 1 });
    const { message } = decodeOk(out);
    expect([...message.options.keys()]).toEqual([53, 61, 55, 57, 12, 60]);
    expect(Array.from(message.options.get(55)!)).toEqual([1, 2, 6, 12, 15, 26, 28, 121, 3, 33, 40, 41, 42, 119, 249, 252, 17]);
    expect(Array.from(message.options.get(57)!)).toEqual([2, 64]); // 576
    expect(message.flags).toBe(0);
  });

  it('sends FQDN (81) with the S and E flags and the name in wire format instead of 12', () => {
    const extra = profileOptions({ hostname: 'box', fqdn: 'box.example.org' });
    expect(extra.map(([c]) => c)).toEqual([81]);
    expect(Array.from(extra[0]![1].subarray(0, 4))).toEqual([0x05, 0, 0, 3]);
  });

  it('DECLINE and RELEASE carry no request list nor profile options', () => {
    const extra = profileOptions({ hostname: 'box' });
    const d = decodeOk(buildClientMessage('decline', { mac, extra }, { xid: 1, secs: 0, requestedIp: '10.0.0.5', serverId: '10.0.0.1', errorMessage: 'x' })).message;
    expect([...d.options.keys()]).toEqual([53, 50, 54, 56]);
    const r = decodeOk(buildClientMessage('release', { mac, extra }, { xid: 1, secs: 0, ciaddr: '10.0.0.5', serverId: '10.0.0.1' })).message;
    expect([...r.options.keys()]).toEqual([53, 54]);
    expect(r.ciaddr).toBe('10.0.0.5');
  });
});
