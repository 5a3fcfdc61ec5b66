/**
 * The dhcp4 channel's IPv4 and UDP headers: checksums against published
 * vectors, what is built, what a DHCP client must drop, and the protocol
 * rows that turn sends and received packets into what the helper and the
 * channel's user see. And a missing helper is a clear error.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { buildIpv4Udp, internetChecksum, parseIpv4Udp } from '../../plugins/platform-linux/packet-io/ipv4-udp.js';
import { PROTOCOLS } from '../../plugins/platform-linux/packet-io/protocols.js';
import { LinuxPacketIo } from '../../plugins/platform-linux/packet-io/linux-packet-io.js';
import { packetHelperPath } from '../../plugins/platform-linux/packet-io/helper-process.js';
import { PlatformError } from '../../sdk/index.js';

const bytes = (h: string) => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
const ip = (a: string) => Uint8Array.from(a.split('.').map(Number));

describe('Internet checksum', () => {
  it('RFC 1071 section 3 example: the sum of 0001 f203 f4f5 f6f7 is ddf2', () => {
    expect(internetChecksum(bytes('0001f203f4f5f6f7'))).toBe(0xffff - 0xddf2);
  });
  it('a well-known IPv4 header (192.168.0.1 -> 192.168.0.199) sums to b861', () => {
    const header = bytes('4500 0073 0000 4000 4011 0000 c0a8 0001 c0a8 00c7');
    expect(internetChecksum(header)).toBe(0xb861);
    header.set([0xb8, 0x61], 10);
    expect(internetChecksum(header)).toBe(0);
  });
  it('an odd length is padded with a zero byte', () => {
    expect(internetChecksum(bytes('0102 03'))).toBe(internetChecksum(bytes('0102 0300')));
  });
});

describe('buildIpv4Udp', () => {
  // The textbook datagram: "Hi" from 192.168.0.31:20 to 192.168.0.30:10 has UDP checksum 35c5.
  const hi = buildIpv4Udp({ source: ip('192.168.0.31'), destination: ip('192.168.0.30'), sourcePort: 20, destinationPort: 10, payload: bytes('4869') });

  it('fills in the UDP checksum over the pseudo-header', () => {
    expect(Buffer.from(hi.subarray(20)).toString('hex')).toBe('0014000a000a35c54869');
  });
  it('writes the header NetworkManager’s client does: CS6, DF, TTL 64, a valid checksum', () => {
    expect(hi[0]).toBe(0x45);
    expect(hi[1]).toBe(0xc0);
    expect(Buffer.from(hi.subarray(2, 10)).toString('hex')).toBe('001e' + '0000' + '4000' + '40' + '11');
    expect(internetChecksum(hi, 0, 20)).toBe(0);
  });
  it('sends a UDP checksum that sums to zero as ffff', () => {
    // Search a two-byte payload whose checksum comes out 0 with this pseudo-header.
    const base = { source: ip('0.0.0.0'), destination: ip('255.255.255.255'), sourcePort: 68, destinationPort: 67 };
    const probe = buildIpv4Udp({ ...base, payload: bytes('0000') });
    const sum = 0xffff - new DataView(probe.buffer).getUint16(26); // the sum without the payload
    const p = buildIpv4Udp({ ...base, payload: Uint8Array.of(0xff - (sum >> 8), 0xff - (sum & 0xff)) });
    expect(new DataView(p.buffer).getUint16(26)).toBe(0xffff);
    expect(parseIpv4Udp(p)).toBeDefined();
  });
});

describe('parseIpv4Udp', () => {
  const good = () => buildIpv4Udp({ source: ip('10.0.0.1'), destination: ip('255.255.255.255'), sourcePort: 67, destinationPort: 68, payload: bytes('01020304050607') });
  const withHeader = (p: Uint8Array, at: number, value: number[]) => {
    const q = Uint8Array.from(p);
    q.set(value, at);
    q.set([0, 0], 10);
    new DataView(q.buffer).setUint16(10, internetChecksum(q, 0, 20));
    return q;
  };

  it('reads back what was built, ignoring link-layer padding', () => {
    const padded = new Uint8Array(good().length + 10);
    padded.set(good());
    const d = parseIpv4Udp(padded)!;
    expect([Array.from(d.source), Array.from(d.destination), d.sourcePort, d.destinationPort, Array.from(d.payload)]).toEqual([
      [10, 0, 0, 1],
      [255, 255, 255, 255],
      67,
      68,
      [1, 2, 3, 4, 5, 6, 7],
    ]);
  });
  it('accepts a UDP checksum of 0 (none sent)', () => {
    const p = good();
    p.set([0, 0], 26);
    expect(parseIpv4Udp(p)).toBeDefined();
  });
  it('drops a wrong UDP checksum, unless the kernel says it was never filled in', () => {
    const p = good();
    p[27]! ^= 1;
    expect(parseIpv4Udp(p)).toBeUndefined();
    expect(parseIpv4Udp(p, true)).toBeDefined();
  });
  it('drops a wrong header checksum', () => {
    const p = good();
    p[10]! ^= 1;
    expect(parseIpv4Udp(p)).toBeUndefined();
  });
  it('drops fragments: more-fragments set, or an offset', () => {
    expect(parseIpv4Udp(withHeader(good(), 6, [0x20, 0]))).toBeUndefined();
    expect(parseIpv4Udp(withHeader(good(), 6, [0, 1]))).toBeUndefined();
  });
  it('drops other protocols, other versions, and lengths that do not add up', () => {
    expect(parseIpv4Udp(withHeader(good(), 9, [6]))).toBeUndefined();
    expect(parseIpv4Udp(withHeader(good(), 0, [0x65]))).toBeUndefined();
    expect(parseIpv4Udp(withHeader(good(), 2, [0x01, 0x00]))).toBeUndefined(); // total beyond the packet
    expect(parseIpv4Udp(good().subarray(0, 27))).toBeUndefined();
    const p = good();
    p.set([0x00, 0x40], 24); // UDP length beyond the IPv4 total
    expect(parseIpv4Udp(p, true)).toBeUndefined();
  });
  test.prop([fc.uint8Array({ maxLength: 80 })])('never throws on garbage', (junk) => {
    expect(() => parseIpv4Udp(junk)).not.toThrow();
  });
  test.prop([fc.uint8Array({ maxLength: 1500 }), fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.uint8Array({ minLength: 4, maxLength: 4 })])(
    'what is built parses back with the same payload',
    (payload, src, dst) => {
      const d = parseIpv4Udp(buildIpv4Udp({ source: src, destination: dst, sourcePort: 68, destinationPort: 67, payload }))!;
      expect(Array.from(d.payload)).toEqual(Array.from(payload));
    },
  );
});

describe('protocol rows', () => {
  it('dhcp4 sends from port 68 to 67, 0.0.0.0 to broadcast unless told, and to the broadcast lladdr', () => {
    const row = PROTOCOLS.dhcp4;
    expect(row.destination(undefined)).toHaveLength(0);
    expect(Array.from(row.destination({ lladdr: '02:00:00:00:00:01' }))).toEqual([2, 0, 0, 0, 0, 1]);
    const d = parseIpv4Udp(row.wrap(Uint8Array.of(1), undefined))!;
    expect([Array.from(d.source), Array.from(d.destination), d.sourcePort, d.destinationPort]).toEqual([[0, 0, 0, 0], [255, 255, 255, 255], 68, 67]);
    const u = parseIpv4Udp(row.wrap(Uint8Array.of(1), { address: '10.0.0.1', source: '10.0.0.7' }))!;
    expect([Array.from(u.source), Array.from(u.destination)]).toEqual([[10, 0, 0, 7], [10, 0, 0, 1]]);
  });
  it('dhcp4 receives the UDP payload with its addresses, and drops what is not for port 68', () => {
    const row = PROTOCOLS.dhcp4;
    const reply = buildIpv4Udp({ source: ip('10.0.0.1'), destination: ip('10.0.0.50'), sourcePort: 67, destinationPort: 68, payload: Uint8Array.of(2) });
    expect(row.unwrap(Uint8Array.of(2, 0, 0, 0, 0, 0xa), reply, false)).toEqual({
      data: Uint8Array.of(2),
      fromLladdr: '02:00:00:00:00:0a',
      fromAddress: '10.0.0.1',
      toAddress: '10.0.0.50',
    });
    const other = buildIpv4Udp({ source: ip('10.0.0.1'), destination: ip('10.0.0.50'), sourcePort: 67, destinationPort: 69, payload: Uint8Array.of(2) });
    expect(row.unwrap(new Uint8Array(6), other, false)).toBeUndefined();
  });
  it('a bad address is an error naming it', () => {
    expect(() => PROTOCOLS.dhcp4.wrap(new Uint8Array(1), { address: '10.0.0' })).toThrow(/IPv4 destination: '10.0.0'/);
    expect(() => PROTOCOLS.arp.destination({ lladdr: 'zz' })).toThrow(/link-layer destination: 'zz'/);
    expect(() => PROTOCOLS['icmp6-nd'].destination(undefined)).toThrow(/destination IPv6 address is needed/);
    expect(() => PROTOCOLS['icmp6-nd'].destination({ address: '10.0.0.1' })).toThrow(/not an IPv6 address/);
  });
  it('icmp6-nd reports the source address, arp the source lladdr', () => {
    const src = Uint8Array.of(0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
    expect(PROTOCOLS['icmp6-nd'].unwrap(src, Uint8Array.of(134), false)).toEqual({ data: Uint8Array.of(134), fromAddress: 'fe80::1' });
    expect(PROTOCOLS.arp.unwrap(Uint8Array.of(1, 2, 3, 4, 5, 6), new Uint8Array(28), false)?.fromLladdr).toBe('01:02:03:04:05:06');
  });
});

describe('a missing helper', () => {
  it('packetHelperPath names the binary and npm run build', () => {
    expect(() => packetHelperPath(['/nonexistent/nmk-packet-io'])).toThrow(/nmk-packet-io is not built .*npm run build/);
  });
  it('fails the open with a PlatformError naming the link, the binary and npm run build', async () => {
    const io = new LinuxPacketIo({ helperPath: '/nonexistent/nmk-packet-io' });
    const err = await io.open(3, 'dhcp4', () => undefined).catch((e) => e);
    expect(err).toBeInstanceOf(PlatformError);
    expect(err.message).toMatch(/^open dhcp4 channel on ifindex 3: ENOENT .*\/nonexistent\/nmk-packet-io.*npm run build/);
    io.stop();
  });
  it('refuses an unknown protocol or a bad ifindex without starting anything', async () => {
    const io = new LinuxPacketIo({ helperPath: '/nonexistent/nmk-packet-io' });
    await expect(io.open(0, 'arp', () => undefined)).rejects.toThrow(/ifindex 0: EINVAL/);
    await expect(io.open(2, 'tcp' as never, () => undefined)).rejects.toThrow(/unknown protocol 'tcp'/);
    expect(io.helperPid).toBeUndefined();
  });
});
