import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { Dhcp4Message } from '../codec.js';
import { encodeSearchList } from '../dns-names.js';
import { leaseTimes, parseLease } from '../lease.js';
import { formatLeaseFile, parseLeaseFile } from '../lease-file.js';
import { captureLogger, ip, u32 } from './fake-wire.js';

function ack(options: [number, number[] | Uint8Array][], yiaddr = '192.168.7.20', extra: Partial<Dhcp4Message> = {}): Dhcp4Message {
  return {
    op: 2,
    htype: 1,
    hlen: 6,
    hops: 0,
    xid: 1,
    secs: 0,
    flags: 0,
    ciaddr: '0.0.0.0',
    yiaddr,
    siaddr: '0.0.0.0',
    giaddr: '0.0.0.0',
    chaddr: Uint8Array.of(2, 0, 0, 0, 0, 1),
    options: new Map(options.map(([c, d]) => [c, Uint8Array.from(d)])),
    ...extra,
  };
}

const NOW = 1_700_000_000_000;

function parse(m: Dhcp4Message, lines = captureLogger()) {
  const r = parseLease(m, { logger: lines, clientIdHex: '01:02:00:00:00:00:01', requestSentAt: NOW - 2000, now: NOW });
  if ('error' in r) throw new Error(r.error);
  return r;
}

const text = (s: string) => Array.from(Buffer.from(s));

describe('parseLease', () => {
  it('reads every option NetworkManager uses, under its DHCP4Config names', () => {
    const { lease, times } = parse(
      ack(
        [
          [53, [5]],
          [54, ip('192.168.7.1')],
          [51, u32(600)],
          [1, ip('255.255.255.0')],
          [3, [...ip('192.168.7.1'), ...ip('192.168.7.2')]],
          [6, [...ip('192.168.7.1'), ...ip('127.0.0.1'), ...ip('9.9.9.9')]],
          [15, text('example.org')],
          [119, encodeSearchList(['eng.example.org', 'example.org'])],
          [26, [0x05, 0xdc]],
          [42, ip('192.168.7.3')],
          [12, text('client7')],
          [28, ip('192.168.7.255')],
          [230, [1, 2]],
        ],
        '192.168.7.20',
        { siaddr: '192.168.7.9', file: 'boot.img' },
      ),
    );
    expect(times).toEqual({ lifetime: 600, t1: 300, t2: 525 });
    expect(lease).toEqual({
      family: 4,
      addresses: [{ address: '192.168.7.20', prefixlen: 24, validLifetime: 598, preferredLifetime: 598 }],
      gateways: ['192.168.7.1', '192.168.7.2'],
      routes: [],
      nameservers: ['192.168.7.1', '9.9.9.9'],
      domains: ['example.org', 'eng.example.org'],
      ntpServers: ['192.168.7.3'],
      mtu: 1500,
      hostname: 'client7',
      serverId: '192.168.7.1',
      leaseTime: 600,
      options: expect.objectContaining({
        ip_address: '192.168.7.20',
        subnet_mask: '255.255.255.0',
        routers: '192.168.7.1 192.168.7.2',
        domain_name_servers: '192.168.7.1 127.0.0.1 9.9.9.9',
        domain_name: 'example.org',
        domain_search: 'eng.example.org example.org',
        interface_mtu: '1500',
        ntp_servers: '192.168.7.3',
        host_name: 'client7',
        dhcp_lease_time: '598',
        expiry: String((NOW - 2000) / 1000 + 600),
        dhcp_server_identifier: '192.168.7.1',
        dhcp_client_identifier: '01:02:00:00:00:00:01',
        broadcast_address: '192.168.7.255',
        next_server: '192.168.7.9',
        filename: 'boot.img',
        private_230: '01:02',
        requested_subnet_mask: '1',
        requested_rfc3442_classless_static_routes: '1',
        requested_wpad: '1',
      }),
    });
  });

  it('prefers 121 over 33 and ignores the routers when 121 has a default route (RFC 3442)', () => {
    const classless = [0, ...ip('10.0.0.254'), 24, 10, 1, 2, ...ip('10.0.0.253'), 32, ...ip('1.2.3.4'), ...ip('10.0.0.252')];
    const { lease } = parse(
      ack([
        [54, ip('10.0.0.1')],
        [121, classless],
        [33, [...ip('20.0.0.0'), ...ip('10.0.0.9')]],
        [3, ip('10.0.0.1')],
      ]),
    );
    expect(lease.routes).toEqual([
      { dest: '0.0.0.0', prefixlen: 0, gateway: '10.0.0.254' },
      { dest: '10.1.2.0', prefixlen: 24, gateway: '10.0.0.253' },
      { dest: '1.2.3.4', prefixlen: 32, gateway: '10.0.0.252' },
    ]);
    expect(lease.gateways).toEqual([]);
    expect(lease.options.rfc3442_classless_static_routes).toBe('0.0.0.0/0 10.0.0.254 10.1.2.0/24 10.0.0.253 1.2.3.4/32 10.0.0.252');
    expect(lease.options.static_routes).toBe('20.0.0.0/8 10.0.0.9');
    expect(lease.options.routers).toBe('10.0.0.1');
  });

  it('keeps the routers when 121 has no default route, and uses 33 without 121', () => {
    const a = parse(ack([[121, [16, 172, 16, ...ip('10.0.0.5')]], [3, ip('10.0.0.1')]])).lease;
    expect(a.gateways).toEqual(['10.0.0.1']);
    expect(a.routes).toEqual([{ dest: '172.16.0.0', prefixlen: 16, gateway: '10.0.0.5' }]);
    // Classful: the destination's class gives the prefix; class D/E ends the list, as NetworkManager does.
    const b = parse(ack([[33, [...ip('20.1.0.0'), ...ip('10.0.0.9'), ...ip('192.168.5.7'), ...ip('10.0.0.9'), ...ip('224.0.0.1'), ...ip('10.0.0.9')]]])).lease;
    expect(b.routes).toEqual([
      { dest: '20.0.0.0', prefixlen: 8, gateway: '10.0.0.9' },
      { dest: '192.168.5.0', prefixlen: 24, gateway: '10.0.0.9' },
    ]);
  });

  it('leaves out garbage options one by one with a debug line, keeping the rest', () => {
    const log = captureLogger();
    const { lease } = parse(
      ack([
        [54, ip('10.0.0.1')],
        [6, [10, 0, 0, 1, 10]], // not a multiple of 4
        [26, [5]], // MTU of one byte
        [12, [0x68, 0, 0x69]], // embedded NUL
        [15, text('ok.example bad..name')],
        [119, [3, 0x61, 0x62, 0x63, 0, 0xc0, 0x40]], // forward pointer after one good name
        [121, [33, 1, 2, 3, 4, 5]], // prefix length 33
        [42, []],
        [3, ip('10.0.0.1')],
      ]),
      log,
    );
    expect(lease.nameservers).toEqual([]);
    expect(lease.mtu).toBeUndefined();
    expect(lease.hostname).toBeUndefined();
    expect(lease.domains).toEqual(['ok.example', 'abc']);
    expect(lease.routes).toEqual([]);
    expect(lease.gateways).toEqual(['10.0.0.1']);
    const debug = log.lines.filter((l) => l.level === 'debug').map((l) => l.msg);
    expect(debug).toEqual(
      expect.arrayContaining([
        'error parsing DHCP option 6 (domain_name_servers): wrong option length 5',
        'error parsing DHCP option 26 (interface_mtu): invalid option length 1',
        'error parsing DHCP option 12 (host_name): string contains embedded NUL',
        "error parsing DHCP option 15 (domain_name): 'bad..name' is not a valid DNS domain",
        'error parsing DHCP option 119 (domain_search): search domain #1 is invalid: compression pointer to 64 does not point backwards',
        'error parsing DHCP option 42 (ntp_servers): wrong option length 0',
      ]),
    );
  });

  it('warns about malformed route options, keeping the well-formed routes before the damage', () => {
    const log = captureLogger();
    // One good /24 route, then a prefix length with one destination octet and no gateway (what dnsmasq sends for "121,01:02" after it).
    const { lease } = parse(ack([[121, [24, 10, 1, 2, ...ip('10.0.0.253'), 1, 2]], [3, ip('10.0.0.1')]]), log);
    expect(lease.routes).toEqual([{ dest: '10.1.2.0', prefixlen: 24, gateway: '10.0.0.253' }]);
    expect(lease.gateways).toEqual(['10.0.0.1']);
    expect(log.lines.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual([
      'error parsing DHCP option 121 (rfc3442_classless_static_routes): malformed route at byte 8 of 10; keeping the 1 route(s) before it',
    ]);
    const none = captureLogger();
    expect(parse(ack([[121, [1, 2]], [3, ip('10.0.0.1')]]), none).lease.routes).toEqual([]);
    expect(none.lines.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual([
      'error parsing DHCP option 121 (rfc3442_classless_static_routes): malformed route at byte 0 of 2; no route used',
    ]);
  });

  it('guesses the prefix from the address class without option 1, and refuses a lease without yiaddr', () => {
    expect(parse(ack([], '10.1.2.3')).lease.addresses[0]!.prefixlen).toBe(8);
    const r = parseLease(ack([], '0.0.0.0'), { logger: captureLogger(), requestSentAt: NOW, now: NOW });
    expect(r).toEqual({ error: 'could not get address from lease' });
  });

  it('derives T1 and T2 as n-dhcp4 does', () => {
    const log = () => undefined;
    expect(leaseTimes(ack([[51, u32(1000)], [58, u32(100)], [59, u32(2000)]]), log)).toEqual({ lifetime: 1000, t1: 100, t2: 875 });
    expect(leaseTimes(ack([[51, u32(1000)], [58, u32(900)], [59, u32(800)]]), log)).toEqual({ lifetime: 1000, t1: 457, t2: 800 });
    expect(leaseTimes(ack([[51, u32(0xffffffff)]]), log)).toEqual({});
    expect(leaseTimes(ack([]), log)).toEqual({});
    expect(leaseTimes(ack([[51, [1, 2]]]), log)).toEqual({ error: 'option 51 (dhcp_lease_time) has length 2, not 4' });
  });

  fcTest.prop([fc.array(fc.tuple(fc.integer({ min: 1, max: 254 }), fc.uint8Array({ maxLength: 40 })), { maxLength: 20 })])(
    'never throws whatever the options hold',
    (opts) => {
      const r = parseLease(ack(opts), { logger: captureLogger(), requestSentAt: NOW, now: NOW });
      if (!('error' in r)) expect(r.lease.addresses[0]!.address).toBe('192.168.7.20');
    },
  );
});

describe('lease file', () => {
  it("writes NetworkManager's ADDRESS= line first and reads back ours", () => {
    const text = formatLeaseFile({ address: '10.0.0.5', serverId: '10.0.0.1', expiry: 1700000600 });
    expect(text).toBe('# This is private data. Do not parse.\nADDRESS=10.0.0.5\nSERVER_ID=10.0.0.1\nEXPIRY=1700000600\n');
    expect(parseLeaseFile(Buffer.from(text))).toEqual({ lease: { address: '10.0.0.5', serverId: '10.0.0.1', expiry: 1700000600 } });
    expect(parseLeaseFile(Buffer.from('# This is private data. Do not parse.\nADDRESS=10.0.0.5\n'))).toEqual({ lease: { address: '10.0.0.5' } });
  });

  it('names what is wrong in a corrupt file', () => {
    expect(parseLeaseFile(Buffer.from('ADDRESS=10.0.0.999\n'))).toEqual({ error: 'ADDRESS "10.0.0.999" is not an IPv4 address' });
    expect(parseLeaseFile(Buffer.from('garbage\n'))).toEqual({ error: 'line 1 is not KEY=VALUE' });
    expect(parseLeaseFile(Uint8Array.of(0xff, 0xfe, 0, 1))).toEqual({ error: 'not a text file' });
    expect(parseLeaseFile(Buffer.from('ADDRESS=10.0.0.5\nEXPIRY=soon\n'))).toEqual({ error: 'EXPIRY "soon" is not a number of seconds' });
    expect(parseLeaseFile(Buffer.from(''))).toEqual({ error: 'no ADDRESS' });
  });
});
