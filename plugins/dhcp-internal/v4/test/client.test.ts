/**
 * The DHCPv4 state machine against an in-memory server (fake-wire.ts), on
 * vitest's fake clock: every state and transition, the retransmission
 * schedule, T1/T2/expiry, NAK, DECLINE after an ARP conflict, RELEASE, the
 * lease file, bad input from the server and from disk.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DhcpFailure, DhcpLease, DhcpRequest } from '../../../../sdk/index.js';
import { startDhcp4, type Dhcp4Client } from '../client.js';
import { decodeMessage } from '../codec.js';
import { MessageType, Opt } from '../options.js';
import { arpOwner, captureLogger, FakeDhcpServer, FakePacketIo, ip, type ClientPacket, type ServerConfig } from './fake-wire.js';

const NOW = Date.UTC(2024, 0, 1);
const MAC = '02:00:00:00:00:01';
const SERVER = { serverId: '10.9.0.1', serverMac: '02:00:00:00:00:fe' };

let dir: string;
let sessions: Dhcp4Client[];

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'nmk-dhcp4-'));
  sessions = [];
  vi.useFakeTimers({ now: NOW });
});

afterEach(async () => {
  for (const s of sessions) await s.stop(false);
  vi.useRealTimers();
  await rm(dir, { recursive: true, force: true });
});

interface Harness {
  io: FakePacketIo;
  server: FakeDhcpServer;
  log: ReturnType<typeof captureLogger>;
  leases: DhcpLease[];
  failures: { reason: DhcpFailure; message: string }[];
  client: Dhcp4Client;
  request: DhcpRequest;
}

function baseRequest(over: Partial<DhcpRequest> = {}): DhcpRequest {
  return {
    family: 4,
    ifindex: 7,
    ifname: 'veth7',
    hwaddr: MAC,
    uuid: '5b6f3c8e-0000-4000-8000-000000000001',
    clientId: `01:${MAC}`,
    iaid: 1,
    hostname: 'client7',
    vendorClass: 'nmk-test',
    timeout: 45,
    rejectServers: [],
    leaseFile: path.join(dir, 'internal-veth7.lease'),
    ...over,
  };
}

async function start(over: Partial<DhcpRequest> = {}, server: Partial<ServerConfig> = {}, io = new FakePacketIo()): Promise<Harness> {
  const srv = new FakeDhcpServer(io, { ...SERVER, leaseTime: 600, options: [[Opt.SUBNET_MASK, ip('255.255.255.0')], [Opt.ROUTER, ip('10.9.0.1')]], ...server });
  const log = captureLogger();
  const leases: DhcpLease[] = [];
  const failures: Harness['failures'] = [];
  const request = baseRequest(over);
  const client = await startDhcp4(
    request,
    { onLease: (l) => leases.push(l), onFailure: (reason, message) => failures.push({ reason, message }) },
    { io, logger: log, random: () => 0.5 },
  );
  sessions.push(client);
  return { io, server: srv, log, leases, failures, client, request };
}

/** Let microtasks and due timers run. */
async function settle(ms = 0): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
}

const typeOf = (p: ClientPacket) => p.type;
const opt = (p: ClientPacket, code: number) => p.msg.options.get(code);
const addr = (d?: Uint8Array) => (d ? `${d[0]}.${d[1]}.${d[2]}.${d[3]}` : undefined);

describe('INIT → SELECTING → REQUESTING → BOUND', () => {
  it('binds the offered address and reports the lease, with the options NM sends', async () => {
    const h = await start();
    await settle();
    expect(h.leases).toHaveLength(1);
    expect(h.client.state).toBe('bound');
    expect(h.leases[0]).toMatchObject({ addresses: [{ address: '10.9.0.50', prefixlen: 24 }], gateways: ['10.9.0.1'], serverId: '10.9.0.1', leaseTime: 600 });

    const [discover, request] = h.server.received;
    expect(h.server.received.map(typeOf)).toEqual([MessageType.DISCOVER, MessageType.REQUEST]);
    expect([...discover!.msg.options.keys()]).toEqual([53, 61, 55, 57, 12, 60]);
    expect(Buffer.from(opt(discover!, Opt.HOST_NAME)!).toString()).toBe('client7');
    expect(Buffer.from(opt(discover!, Opt.VENDOR_CLASS)!).toString()).toBe('nmk-test');
    expect(Array.from(opt(discover!, Opt.CLIENT_ID)!)).toEqual([1, 2, 0, 0, 0, 0, 1]);
    expect(discover!.to).toBeUndefined(); // broadcast
    // SELECT: same transaction, server and address named, still broadcast.
    expect(request!.msg.xid).toBe(discover!.msg.xid);
    expect(addr(opt(request!, Opt.REQUESTED_IP))).toBe('10.9.0.50');
    expect(addr(opt(request!, Opt.SERVER_ID))).toBe('10.9.0.1');
    expect(request!.msg.ciaddr).toBe('0.0.0.0');
    expect(request!.to).toBeUndefined();

    await vi.waitFor(async () => expect(await readFile(h.request.leaseFile, 'utf8')).toContain('ADDRESS=10.9.0.50\n'));
    const file = await readFile(h.request.leaseFile, 'utf8');
    expect(file).toBe(`# This is private data. Do not parse.\nADDRESS=10.9.0.50\nSERVER_ID=10.9.0.1\nEXPIRY=${NOW / 1000 + 600}\n`);
  });

  it('sends no client identifier when the request has none, and FQDN instead of the host name when asked', async () => {
    const h = await start({ clientId: undefined, fqdn: 'client7.example.org' });
    await settle();
    const discover = h.server.received[0]!;
    expect(discover.msg.options.has(Opt.CLIENT_ID)).toBe(false);
    expect(discover.msg.options.has(Opt.HOST_NAME)).toBe(false);
    expect(Array.from(opt(discover, Opt.CLIENT_FQDN)!.subarray(0, 4))).toEqual([5, 0, 0, 7]);
    expect(h.leases[0]!.options.dhcp_client_identifier).toBeUndefined();
  });

  it('ignores offers from rejected servers and takes the next one', async () => {
    const io = new FakePacketIo();
    // The second server answers DISCOVER 10 ms later, so the rejected offer comes first.
    const other: FakeDhcpServer = new FakeDhcpServer(io, {
      serverId: '10.9.0.2',
      serverMac: '02:00:00:00:00:fd',
      addressFor: () => '10.9.0.77',
      policy: (p) => {
        if (p.type !== MessageType.DISCOVER) return 'reply';
        setTimeout(() => other.send(7, other.reply(p.msg, MessageType.OFFER, '10.9.0.77')), 10);
        return [];
      },
    });
    const h = await start({ rejectServers: ['10.9.0.0/31'] }, {}, io);
    await settle(10);
    expect(h.leases[0]!.addresses[0]!.address).toBe('10.9.0.77');
    expect(h.leases[0]!.serverId).toBe('10.9.0.2');
    expect(h.log.lines.some((l) => l.msg === 'server-id 10.9.0.1 is in the reject-list, ignoring')).toBe(true);
    other.stop();
  });

  it('retransmits DISCOVER after 4, 8, 16, 32, 64, 64 s and fails with timeout when no server answers', async () => {
    const h = await start({ timeout: 200 }, { policy: () => 'ignore' });
    await settle(199_000);
    const times = h.server.received.map((p) => (p.at - NOW) / 1000);
    expect(times).toEqual([0, 4, 12, 28, 60, 124, 188]);
    expect(new Set(h.server.received.map((p) => p.msg.xid)).size).toBe(1);
    expect(h.server.received.map((p) => p.msg.secs)).toEqual([1, 4, 12, 28, 60, 124, 188]);
    expect(h.failures).toEqual([]);
    await settle(1000);
    expect(h.failures).toEqual([{ reason: 'timeout', message: 'no lease within 200 s on veth7' }]);
    expect(h.client.state).toBe('stopped');
    expect(vi.getTimerCount()).toBe(0);
    expect(h.io.openCount()).toBe(0);
  });

  it('waits forever with timeout 0', async () => {
    const h = await start({ timeout: 0 }, { policy: () => 'ignore' });
    await settle(3600_000);
    expect(h.failures).toEqual([]);
    expect(h.server.received.length).toBeGreaterThan(50);
  });

  it('goes back to DISCOVER when a REQUEST stays unanswered after five sends', async () => {
    const h = await start({ timeout: 0 }, { policy: (p) => (p.type === MessageType.REQUEST ? 'ignore' : 'reply') });
    // REQUEST at 0, 4, 12, 28, 60 s; 64 s after the fifth, DISCOVER again.
    await settle(123_999);
    expect(h.server.received.map(typeOf)).toEqual([1, 3, 3, 3, 3, 3]);
    await settle(1);
    expect(h.server.received.map(typeOf)).toEqual([1, 3, 3, 3, 3, 3, 1, 3]);
  });
});

describe('INIT-REBOOT', () => {
  it('asks for requestAddress with option 50 and no server id', async () => {
    const h = await start({ requestAddress: '10.9.0.50' });
    await settle();
    const [req] = h.server.received;
    expect(typeOf(req!)).toBe(MessageType.REQUEST);
    expect(addr(opt(req!, Opt.REQUESTED_IP))).toBe('10.9.0.50');
    expect(req!.msg.options.has(Opt.SERVER_ID)).toBe(false);
    expect(req!.msg.ciaddr).toBe('0.0.0.0');
    expect(h.server.received).toHaveLength(1);
    expect(h.leases[0]!.addresses[0]!.address).toBe('10.9.0.50');
  });

  it('uses a still-valid lease file', async () => {
    const file = path.join(dir, 'stored.lease');
    await writeFile(file, `# This is private data. Do not parse.\nADDRESS=10.9.0.50\nEXPIRY=${NOW / 1000 + 100}\n`);
    const h = await start({ leaseFile: file });
    await settle();
    expect(h.server.received.map(typeOf)).toEqual([MessageType.REQUEST]);
    expect(h.leases).toHaveLength(1);
  });

  it('puts an expired stored address into DISCOVER instead', async () => {
    const file = path.join(dir, 'stored.lease');
    await writeFile(file, `ADDRESS=10.9.0.50\nEXPIRY=${NOW / 1000 - 1}\n`);
    const h = await start({ leaseFile: file });
    await settle();
    expect(h.server.received.map(typeOf)).toEqual([MessageType.DISCOVER, MessageType.REQUEST]);
    expect(addr(opt(h.server.received[0]!, Opt.REQUESTED_IP))).toBe('10.9.0.50');
  });

  it('falls back to DISCOVER (with the address in option 50) after 2 s without an answer', async () => {
    const h = await start({ requestAddress: '10.9.0.99' }, { policy: (p) => (p.type === MessageType.REQUEST && !p.msg.options.has(Opt.SERVER_ID) ? 'ignore' : 'reply') });
    await settle(1999);
    expect(h.server.received.map(typeOf)).toEqual([MessageType.REQUEST]);
    await settle(1);
    expect(h.server.received.map(typeOf)).toEqual([MessageType.REQUEST, MessageType.DISCOVER, MessageType.REQUEST]);
    expect(addr(opt(h.server.received[1]!, Opt.REQUESTED_IP))).toBe('10.9.0.99');
    expect(h.leases[0]!.addresses[0]!.address).toBe('10.9.0.50');
  });

  it('on NAK starts over with a plain DISCOVER', async () => {
    const h = await start({ requestAddress: '10.1.1.1' });
    await settle();
    expect(h.server.received.map(typeOf)).toEqual([MessageType.REQUEST, MessageType.DISCOVER, MessageType.REQUEST]);
    expect(h.server.received[1]!.msg.options.has(Opt.REQUESTED_IP)).toBe(false);
    expect(h.leases[0]!.addresses[0]!.address).toBe('10.9.0.50');
  });

  it('warns naming a corrupt lease file and does a normal DISCOVER', async () => {
    const file = path.join(dir, 'broken.lease');
    await writeFile(file, Buffer.from([0xff, 0x00, 0x13, 0x37]));
    const h = await start({ leaseFile: file });
    await settle();
    expect(h.log.lines.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual([`lease file ${file} is unusable (not a text file); starting with DISCOVER`]);
    expect(h.server.received.map(typeOf)).toEqual([MessageType.DISCOVER, MessageType.REQUEST]);
    expect(h.leases).toHaveLength(1);
    // The good lease replaces the corrupt file.
    await vi.waitFor(async () => expect(await readFile(file, 'utf8')).toContain('ADDRESS=10.9.0.50'));
  });

  it('treats an unreadable lease file (a directory) the same way', async () => {
    const h = await start({ leaseFile: dir });
    await settle();
    expect(h.log.lines.some((l) => l.level === 'warn' && l.msg.startsWith(`lease file ${dir} is unusable`))).toBe(true);
    expect(h.leases).toHaveLength(1);
  });
});

describe('RENEWING, REBINDING, expiry', () => {
  it('renews at T1 by unicast to the server, from our address, and reports the renewed lease', async () => {
    const h = await start({}, { t1: 100, t2: 200 });
    await settle();
    h.server.received.length = 0;
    await settle(99_999);
    expect(h.server.received).toEqual([]);
    await settle(1);
    const [renew] = h.server.received;
    expect(typeOf(renew!)).toBe(MessageType.REQUEST);
    expect(renew!.msg.ciaddr).toBe('10.9.0.50');
    expect(renew!.msg.options.has(Opt.REQUESTED_IP)).toBe(false);
    expect(renew!.msg.options.has(Opt.SERVER_ID)).toBe(false);
    expect(renew!.to).toEqual({ lladdr: SERVER.serverMac, address: '10.9.0.1', source: '10.9.0.50' });
    expect(Array.from(opt(renew!, Opt.MAX_MESSAGE_SIZE)!)).toEqual([0xff, 0xff]);
    expect(h.leases).toHaveLength(2);
    expect(h.client.state).toBe('bound');
    // The new lease counts from the renewal: the next T1 is 100 s later.
    await settle(100_000);
    expect(h.server.received).toHaveLength(2);
  });

  it('rebinds by broadcast at T2 when the server does not answer the renewal', async () => {
    let renewals = 0;
    const h = await start({}, { t1: 100, t2: 200, policy: (p) => (p.type === MessageType.REQUEST && p.to?.address ? (renewals++, 'ignore') : 'reply') });
    await settle();
    await settle(200_000);
    expect(renewals).toBe(2); // at T1 and 60 s later (half the time to T2 is less than 60 s)
    const last = h.server.received.at(-1)!;
    expect(last.to).toEqual({ source: '10.9.0.50' });
    expect(last.msg.ciaddr).toBe('10.9.0.50');
    expect(h.leases).toHaveLength(2);
    expect(h.client.state).toBe('bound');
  });

  it('reports expired when nobody answers until the lease ends, and stops', async () => {
    let bound = false;
    const h = await start({}, { t1: 100, t2: 200, policy: () => (bound ? 'ignore' : 'reply') });
    await settle();
    bound = true;
    await settle(599_999);
    expect(h.failures).toEqual([]);
    expect(h.client.state).toBe('rebinding');
    await settle(1);
    expect(h.failures).toEqual([{ reason: 'expired', message: 'lease of 10.9.0.50 from 10.9.0.1 expired on veth7' }]);
    expect(vi.getTimerCount()).toBe(0);
    expect(h.io.openCount()).toBe(0);
  });

  it('a NAK to the renewal sends the client back to DISCOVER; a new lease follows', async () => {
    let nak = false;
    const h = await start({}, { t1: 100, t2: 200, policy: (p) => (nak && p.msg.ciaddr !== '0.0.0.0' ? 'nak' : 'reply') });
    await settle();
    nak = true;
    await settle(100_000);
    expect(h.server.received.map(typeOf)).toEqual([1, 3, 3, 1, 3]);
    expect(h.leases).toHaveLength(2);
    expect(h.failures).toEqual([]);
  });
});

describe('NAK', () => {
  it('restarts at once after the first NAK, then after 2 s, and reports nak when the timeout passes', async () => {
    const h = await start({ timeout: 30 }, { policy: (p) => (p.type === MessageType.REQUEST ? 'nak' : 'reply') });
    await settle();
    expect(h.server.received.map(typeOf)).toEqual([1, 3, 1, 3]);
    await settle(2000);
    expect(h.server.received.map(typeOf)).toEqual([1, 3, 1, 3, 1, 3]);
    await settle(28_000);
    expect(h.leases).toEqual([]);
    expect(h.failures).toEqual([{ reason: 'nak', message: 'the server refused (NAK) and no other lease came within 30 s on veth7' }]);
  });

  it('ignores a NAK naming another server', async () => {
    const h = await start({}, { policy: (p) => (p.type === MessageType.REQUEST ? 'ignore' : 'reply') });
    await settle();
    const req = h.server.received[1]!;
    const fake = new FakeDhcpServer(h.io, { serverId: '10.9.0.66', serverMac: '02:00:00:00:00:66', policy: () => 'ignore' });
    fake.send(7, fake.reply(req.msg, MessageType.NAK, '0.0.0.0'));
    await settle();
    expect(h.client.state).toBe('requesting');
    expect(h.log.lines.some((l) => l.msg === 'discarded NAK with wrong server-id 10.9.0.66')).toBe(true);
    fake.stop();
  });
});

describe('NAK while rebinding', () => {
  it('takes a NAK from any server once rebinding (the lease is gone, DISCOVER again)', async () => {
    let silent = false;
    const h = await start({}, { t1: 100, t2: 200, policy: () => (silent ? 'ignore' : 'reply') });
    await settle();
    silent = true;
    await settle(200_000);
    expect(h.client.state).toBe('rebinding');
    const rebind = h.server.received.at(-1)!;
    const other = new FakeDhcpServer(h.io, { serverId: '10.9.0.77', serverMac: '02:00:00:00:00:77', policy: () => 'ignore' });
    other.send(7, other.reply(rebind.msg, MessageType.NAK, '0.0.0.0'));
    await settle();
    expect(h.server.received.at(-1)!.type).toBe(MessageType.DISCOVER);
    other.stop();
  });
});

describe('address conflict detection', () => {
  it('probes three times within the timeout before reporting the lease', async () => {
    const h = await start({ acdTimeout: 900 });
    await settle();
    expect(h.client.state).toBe('probing');
    expect(h.leases).toEqual([]);
    // Timeout 900 ms = 9 units of 100: first probe after 0-1 unit, then 1-3 units apart, then 2 units of quiet.
    await settle(649);
    const probes = h.io.sent.filter((p) => p.protocol === 'arp');
    expect(probes.map((p) => p.at - NOW)).toEqual([50, 250, 450]);
    expect(probes.every((p) => p.data[7] === 1 && p.data.subarray(14, 18).every((b) => b === 0))).toBe(true);
    expect(h.leases).toEqual([]);
    await settle(1);
    expect(h.leases).toHaveLength(1);
    // An announcement (sender = target = the address) follows.
    await settle();
    const announce = h.io.sent.filter((p) => p.protocol === 'arp')[3]!;
    expect(Array.from(announce.data.subarray(14, 18))).toEqual([10, 9, 0, 50]);
    expect(Array.from(announce.data.subarray(24, 28))).toEqual([10, 9, 0, 50]);
  });

  it('declines an address in use, waits 10 s, and takes another', async () => {
    const io = new FakePacketIo();
    const owner = arpOwner(io, 7, '10.9.0.50', '02:00:00:00:00:aa');
    let declined = false;
    const h = await start(
      { acdTimeout: 200, timeout: 60 },
      { addressFor: () => (declined ? '10.9.0.51' : '10.9.0.50'), policy: (p) => ((declined ||= p.type === MessageType.DECLINE), 'reply') },
      io,
    );
    await settle(200);
    const decline = h.server.ofType(MessageType.DECLINE);
    expect(decline).toHaveLength(1);
    expect(addr(opt(decline[0]!, Opt.REQUESTED_IP))).toBe('10.9.0.50');
    expect(addr(opt(decline[0]!, Opt.SERVER_ID))).toBe('10.9.0.1');
    expect(h.log.lines.some((l) => l.level === 'warn' && l.msg.includes('10.9.0.50 is already used by 02:00:00:00:00:aa'))).toBe(true);
    expect(h.leases).toEqual([]);
    expect(h.client.state).toBe('init');
    await settle(10_000);
    await settle(200);
    expect(h.leases.map((l) => l.addresses[0]!.address)).toEqual(['10.9.0.51']);
    owner();
  });
});

describe('RELEASE and stop', () => {
  it('stop(true) sends RELEASE by unicast to the server; stop(false) sends nothing; both cancel every timer', async () => {
    const h = await start();
    await settle();
    const before = h.server.received.length;
    await h.client.stop(true);
    const release = h.server.received.slice(before);
    expect(release.map(typeOf)).toEqual([MessageType.RELEASE]);
    expect(release[0]!.msg.ciaddr).toBe('10.9.0.50');
    expect(addr(opt(release[0]!, Opt.SERVER_ID))).toBe('10.9.0.1');
    expect(release[0]!.to).toEqual({ lladdr: SERVER.serverMac, address: '10.9.0.1', source: '10.9.0.50' });
    expect(vi.getTimerCount()).toBe(0);
    expect(h.io.openCount()).toBe(0);

    const h2 = await start();
    await settle();
    const n = h2.server.received.length;
    await h2.client.stop(false);
    expect(h2.server.received.length).toBe(n);
    await h2.client.stop(true); // idempotent
  });

  it('stop while probing or selecting leaves nothing running', async () => {
    const h = await start({ acdTimeout: 200 });
    await settle(10);
    await h.client.stop(true);
    expect(h.server.ofType(MessageType.RELEASE)).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
    expect(h.io.openCount()).toBe(0);
  });
});

describe('bad input from the wire', () => {
  it('drops malformed packets and survives garbage options, then binds', async () => {
    const garbage: [number, Uint8Array][] = [
      [Opt.SUBNET_MASK, ip('255.255.255.0')],
      [Opt.DOMAIN_NAME_SERVER, Uint8Array.of(1, 2, 3)],
      [Opt.INTERFACE_MTU, Uint8Array.of(0)],
      [Opt.DOMAIN_SEARCH, Uint8Array.of(0xc0, 0xff)],
      [Opt.CLASSLESS_STATIC_ROUTE, Uint8Array.of(40, 1)],
      [Opt.HOST_NAME, Uint8Array.of(0x41, 0, 0x42)],
      [Opt.RENEWAL_T1, Uint8Array.of(1)],
    ];
    const h = await start({}, { options: garbage, policy: () => 'ignore' });
    await settle();
    const discover = h.server.received[0]!;
    const offer = h.server.reply(discover.msg, MessageType.OFFER, '10.9.0.50');
    // Short, no cookie, truncated, wrong xid, wrong chaddr: none of them moves the client.
    h.server.send(7, offer.subarray(0, 100));
    const noCookie = Uint8Array.from(offer);
    noCookie[236] = 0;
    h.server.send(7, noCookie);
    const otherXid = Uint8Array.from(offer);
    otherXid[4]! ^= 0xff;
    h.server.send(7, otherXid);
    const otherMac = Uint8Array.from(offer);
    otherMac[33]! ^= 0xff;
    h.server.send(7, otherMac);
    await settle();
    expect(h.client.state).toBe('selecting');
    expect(h.log.lines.filter((l) => l.msg.startsWith('dropped a malformed DHCP packet')).map((l) => l.msg)).toEqual([
      'dropped a malformed DHCP packet: packet of 100 bytes is shorter than a DHCP header (240)',
      'dropped a malformed DHCP packet: no DHCP magic cookie',
    ]);
    h.server.send(7, offer);
    await settle();
    const request = h.server.received.at(-1)!;
    h.server.send(7, h.server.reply(request.msg, MessageType.ACK, '10.9.0.50'));
    await settle();
    expect(h.leases).toHaveLength(1);
    expect(h.leases[0]).toMatchObject({ nameservers: [], domains: [], routes: [], addresses: [{ address: '10.9.0.50', prefixlen: 24 }] });
    expect(h.leases[0]!.mtu).toBeUndefined();
    expect(h.log.lines.filter((l) => l.level === 'debug' && l.msg.startsWith('error parsing DHCP option')).length).toBeGreaterThanOrEqual(4);
  });

  it('reads options the server moved into file and sname (option 52)', async () => {
    const h = await start({}, { policy: () => 'ignore' });
    await settle();
    const big: [number, Uint8Array][] = [
      [Opt.SUBNET_MASK, ip('255.255.0.0')],
      [Opt.VENDOR_SPECIFIC, new Uint8Array(280).fill(7)],
      [Opt.DOMAIN_NAME_SERVER, Uint8Array.from([...ip('10.9.0.2'), ...ip('10.9.0.3')])],
    ];
    h.server.send(7, h.server.reply(h.server.received[0]!.msg, MessageType.OFFER, '10.9.0.50', big, 548));
    await settle();
    const request = h.server.received.at(-1)!;
    const ackData = h.server.reply(request.msg, MessageType.ACK, '10.9.0.50', big, 548);
    const decoded = decodeMessage(ackData);
    expect('message' in decoded && Array.from(decoded.message.options.get(Opt.OVERLOAD)!)).toEqual([1]);
    h.server.send(7, ackData);
    await settle();
    expect(h.leases[0]).toMatchObject({ addresses: [{ prefixlen: 16 }], nameservers: ['10.9.0.2', '10.9.0.3'] });
  });

  it('declines and fails on an ACK without an address, as NetworkManager does', async () => {
    const h = await start({}, { policy: (p) => (p.type === MessageType.REQUEST ? [] : 'reply') });
    await settle();
    const request = h.server.received.at(-1)!;
    h.server.send(7, h.server.reply(request.msg, MessageType.ACK, '0.0.0.0'));
    await settle();
    expect(h.server.ofType(MessageType.DECLINE)).toHaveLength(1);
    expect(h.failures).toEqual([{ reason: 'error', message: 'invalid lease from 10.9.0.1: could not get address from lease' }]);
  });

  it('refuses to start with a malformed MAC or client id, naming the value', async () => {
    await expect(start({ hwaddr: 'zz' })).rejects.toThrow('DHCPv4 on veth7: hardware address "zz" is not an Ethernet MAC');
    await expect(start({ clientId: '01' })).rejects.toThrow('client-id "01" is not hex bytes');
    const io = new FakePacketIo();
    io.refuse.add('dhcp4');
    await expect(start({}, {}, io)).rejects.toThrow('DHCPv4 on veth7: cannot open the packet channel: link 7: dhcp4 channel refused');
  });
});

describe('several clients', () => {
  it('sessions on one segment only take their own replies', async () => {
    const io = new FakePacketIo();
    // Both links see every packet (ifindex 7 for both: one broadcast domain).
    const a = await start({}, {}, io);
    const log = captureLogger();
    const leases: DhcpLease[] = [];
    const b = await startDhcp4(
      baseRequest({ hwaddr: '02:00:00:00:00:02', clientId: '01:02:00:00:00:00:02', leaseFile: path.join(dir, 'b.lease') }),
      { onLease: (l) => leases.push(l), onFailure: () => undefined },
      { io, logger: log, random: () => 0.5 },
    );
    sessions.push(b);
    await settle();
    expect(a.leases.map((l) => l.addresses[0]!.address)).toEqual(['10.9.0.50']);
    expect(leases.map((l) => l.addresses[0]!.address)).toEqual(['10.9.0.51']);
    expect(a.server.ofType(MessageType.REQUEST)).toHaveLength(2);
  });

  it('runs independent sessions on different links', async () => {
    const io = new FakePacketIo();
    new FakeDhcpServer(io, { ...SERVER, ifindex: 8, serverId: '10.8.0.1', leaseTime: 300 });
    const a = await start({}, { ifindex: 7 }, io);
    const leases: DhcpLease[] = [];
    const b = await startDhcp4(
      baseRequest({ ifindex: 8, ifname: 'veth8', hwaddr: '02:00:00:00:00:02', leaseFile: path.join(dir, 'b.lease') }),
      { onLease: (l) => leases.push(l), onFailure: () => undefined },
      { io, logger: captureLogger(), random: () => 0.5 },
    );
    sessions.push(b);
    await settle();
    expect(a.leases[0]!.addresses[0]!.address).toBe('10.9.0.50');
    expect(leases[0]!.addresses[0]!.address).toBe('10.8.0.50');
    await a.client.stop(false);
    await settle(200_000);
    expect(leases.length).toBe(2); // b renewed at its T1 (150 s) on its own
  });
});

describe('lease times', () => {
  it('an infinite lease arms no renewal timers', async () => {
    const h = await start({}, { leaseTime: 0xffffffff });
    await settle();
    expect(h.leases[0]!.leaseTime).toBeUndefined();
    expect(h.leases[0]!.addresses[0]!.validLifetime).toBe(0xffffffff);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('T1 and T2 default to 1/2 and 7/8 of the lease', async () => {
    const h = await start({}, { leaseTime: 800, policy: (p) => (p.msg.ciaddr !== '0.0.0.0' ? 'ignore' : 'reply') });
    await settle();
    const n = h.server.received.length;
    await settle(400_000);
    expect(h.server.received.length).toBe(n + 1);
    expect(h.client.state).toBe('renewing');
    await settle(300_000);
    expect(h.client.state).toBe('rebinding');
  });
});


