/**
 * The Linux PacketIo (plugins/platform-linux/packet-io, helper
 * nmk-packet-io) against real peers. The client namespace holds two veths,
 * pa and pb, each leading to its own server namespace with its own dnsmasq
 * (pa's also sends router advertisements). The helper runs in the client
 * namespace (launched through `ip netns exec`, which execs it), so its
 * sockets are that namespace's. The client links have no IPv4 address.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PacketChannel, ReceivedPacket } from '../../sdk/index.js';
import { LinuxPacketIo } from '../../plugins/platform-linux/packet-io/linux-packet-io.js';
import { packetHelperPath } from '../../plugins/platform-linux/packet-io/helper-process.js';
import { Netns } from '../harness/netns.js';
import { startDnsmasq, type Dnsmasq } from '../harness/dnsmasq.js';

const RANGE_A = ['10.61.0.10', '10.61.0.50'] as const;
const RANGE_B = ['10.62.0.10', '10.62.0.50'] as const;

/** Packets a channel received, and a way to wait for one that matches. */
class Inbox {
  readonly packets: ReceivedPacket[] = [];
  private waiters: Array<{ match: (p: ReceivedPacket) => boolean; resolve: (p: ReceivedPacket) => void }> = [];

  readonly push = (p: ReceivedPacket): void => {
    this.packets.push(p);
    this.waiters = this.waiters.filter((w) => (w.match(p) ? (w.resolve(p), false) : true));
  };

  /** The first packet (already received or to come) that matches. */
  next(match: (p: ReceivedPacket) => boolean): Promise<ReceivedPacket> {
    const seen = this.packets.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }
}

/**
 * Send until an answer comes, as a real client retransmits (the first
 * packet on a freshly up link can be lost). No assertion depends on timing.
 */
async function exchange(send: () => Promise<void>, answer: Promise<ReceivedPacket>): Promise<ReceivedPacket> {
  let got: ReceivedPacket | undefined;
  void answer.then((p) => (got = p));
  while (!got) {
    await send();
    await Promise.race([answer, new Promise((r) => setTimeout(r, 1000))]);
  }
  return got;
}

/** Resolves once dnsmasq has logged a line matching re (it logs a moment after answering). */
async function logged(server: Dnsmasq, re: RegExp): Promise<void> {
  while (!re.test(server.log())) await new Promise((r) => setTimeout(r, 100));
}

const ipv4Number = (a: string) => a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
const ipv4Text = (b: Uint8Array, at: number) => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
const macBytes = (mac: string) => Uint8Array.from(mac.split(':'), (h) => parseInt(h, 16));

/** A minimal DHCPDISCOVER: BOOTP header, magic cookie, options 53 (DISCOVER), 55 and the end. */
function dhcpDiscover(xid: number, mac: string): Uint8Array {
  const m = new Uint8Array(240 + 3 + 5 + 1);
  const v = new DataView(m.buffer);
  m[0] = 1; // BOOTREQUEST
  m[1] = 1; // Ethernet
  m[2] = 6;
  v.setUint32(4, xid);
  m.set(macBytes(mac), 28);
  v.setUint32(236, 0x63825363);
  m.set([53, 1, 1], 240);
  m.set([55, 3, 1, 3, 6], 243);
  m[248] = 255;
  return m;
}

/** The DHCP message type (option 53) of a BOOTREPLY for xid, or undefined. */
function dhcpReplyType(m: Uint8Array, xid: number): number | undefined {
  if (m.length < 240 || m[0] !== 2 || new DataView(m.buffer, m.byteOffset).getUint32(4) !== xid) return undefined;
  for (let i = 240; i + 1 < m.length && m[i] !== 255; i += m[i] === 0 ? 1 : 2 + m[i + 1]!) {
    if (m[i] === 53) return m[i + 2];
  }
  return undefined;
}

function arpRequest(senderMac: string, targetIp: string): Uint8Array {
  const m = new Uint8Array(28);
  m.set([0, 1, 8, 0, 6, 4, 0, 1], 0); // Ethernet, IPv4, request
  m.set(macBytes(senderMac), 8); // sender IP stays 0.0.0.0: a probe, as before having an address
  m.set(targetIp.split('.').map(Number), 24);
  return m;
}

/** A router solicitation with our link-layer address option. */
function routerSolicitation(mac: string): Uint8Array {
  const m = new Uint8Array(16);
  m[0] = 133;
  m.set([1, 1], 8);
  m.set(macBytes(mac), 10);
  return m;
}

describe('LinuxPacketIo on real links', () => {
  let client: Netns | undefined;
  let farA: Netns | undefined;
  let farB: Netns | undefined;
  const servers: Dnsmasq[] = [];
  let io: LinuxPacketIo | undefined;
  const channels: PacketChannel[] = [];
  const link: Record<'pa' | 'pb' | 'peerA' | 'peerB', { ifindex: number; mac: string }> = {} as never;

  async function linkOf(ns: Netns, name: string) {
    const [l] = await ns.ipJson(['link', 'show', name]);
    return { ifindex: l.ifindex as number, mac: l.address as string };
  }

  async function open(ifindex: number, protocol: 'dhcp4' | 'arp' | 'icmp6-nd', inbox: Inbox): Promise<PacketChannel> {
    const ch = await io!.open(ifindex, protocol, inbox.push);
    channels.push(ch);
    return ch;
  }

  beforeAll(async () => {
    packetHelperPath(); // not built: fails here, naming `npm run build`
    client = await Netns.create('nmkpio');
    farA = await Netns.create('nmkpa');
    farB = await Netns.create('nmkpb');
    await client.addVeth('pa', 'peer-a', farA);
    await client.addVeth('pb', 'peer-b', farB);
    for (const dev of ['pa', 'pb']) {
      // A usable link-local at once and no router solicitation of the kernel's own: the only RS is ours.
      await client.exec('sysctl', ['-qw', `net.ipv6.conf.${dev}.accept_dad=0`, `net.ipv6.conf.${dev}.router_solicitations=0`]);
      await client.ip(['link', 'set', dev, 'up']);
    }
    // The router's link-local usable at once: RAs come from it (RFC 4861 6.1.2), not from fd00:1::1.
    await farA.exec('sysctl', ['-qw', 'net.ipv6.conf.peer-a.accept_dad=0']);
    // --no-ping: offer at once instead of first pinging the address for 3 s.
    servers.push(await startDnsmasq({ ns: farA, iface: 'peer-a', range: RANGE_A.join(','), ipv6Ra: true, ipv6Prefix: 'fd00:1::', extraArgs: ['--no-ping'] }));
    servers.push(await startDnsmasq({ ns: farB, iface: 'peer-b', range: RANGE_B.join(','), extraArgs: ['--no-ping'] }));
    link.pa = await linkOf(client, 'pa');
    link.pb = await linkOf(client, 'pb');
    link.peerA = await linkOf(farA, 'peer-a');
    link.peerB = await linkOf(farB, 'peer-b');
    io = new LinuxPacketIo({ launcher: ['ip', 'netns', 'exec', client.name] });
  });

  afterAll(async () => {
    for (const ch of channels) ch.close();
    io?.stop();
    for (const s of servers) await s.stop();
    await client?.destroy();
    await farA?.destroy();
    await farB?.destroy();
  });

  it('dhcp4: a hand-made DHCPDISCOVER gets an OFFER from the range, on a link with no address', async () => {
    const [addr] = await client!.ipJson(['-4', 'addr', 'show', 'dev', 'pa']);
    expect(addr?.addr_info ?? []).toEqual([]);
    const inbox = new Inbox();
    const ch = await open(link.pa.ifindex, 'dhcp4', inbox);
    const xid = 0x1234abcd;
    // No broadcast flag: dnsmasq answers unicast, to our MAC and the offered address.
    const offer = await exchange(() => ch.send(dhcpDiscover(xid, link.pa.mac)), inbox.next((p) => dhcpReplyType(p.data, xid) === 2));
    const yiaddr = ipv4Text(offer.data, 16);
    expect(ipv4Number(yiaddr)).toBeGreaterThanOrEqual(ipv4Number(RANGE_A[0]));
    expect(ipv4Number(yiaddr)).toBeLessThanOrEqual(ipv4Number(RANGE_A[1]));
    expect(offer.fromAddress).toBe('10.61.0.1');
    expect(offer.fromLladdr).toBe(link.peerA.mac);
    expect([yiaddr, '255.255.255.255']).toContain(offer.toAddress);
    await logged(servers[0]!, new RegExp(`DHCPOFFER\\(peer-a\\) ${yiaddr.replaceAll('.', '\\.')} ${link.pa.mac}`));
  });

  it('dhcp4: each link’s channel gets only that link’s packets', async () => {
    const inA = new Inbox();
    const inB = new Inbox();
    const chA = await open(link.pa.ifindex, 'dhcp4', inA);
    const chB = await open(link.pb.ifindex, 'dhcp4', inB);
    const xidA = 0xaaaa0001;
    const xidB = 0xbbbb0001;
    await exchange(() => chA.send(dhcpDiscover(xidA, link.pa.mac)), inA.next((p) => dhcpReplyType(p.data, xidA) === 2));
    // Anything of A's that leaked onto B's socket is queued there before B's own answer.
    await exchange(() => chB.send(dhcpDiscover(xidB, link.pb.mac)), inB.next((p) => dhcpReplyType(p.data, xidB) === 2));
    expect(inA.packets.length).toBeGreaterThan(0);
    expect(inA.packets.every((p) => p.fromAddress === '10.61.0.1' && p.fromLladdr === link.peerA.mac)).toBe(true);
    expect(inB.packets.length).toBeGreaterThan(0);
    expect(inB.packets.every((p) => p.fromAddress === '10.62.0.1' && p.fromLladdr === link.peerB.mac)).toBe(true);
    expect(inA.packets.some((p) => dhcpReplyType(p.data, xidB) !== undefined)).toBe(false);
  });

  it('arp: a probe for the peer’s address gets its reply', async () => {
    const inbox = new Inbox();
    const ch = await open(link.pa.ifindex, 'arp', inbox);
    const isReply = (p: ReceivedPacket) => p.data[7] === 2 && ipv4Text(p.data, 14) === '10.61.0.1';
    const reply = await exchange(() => ch.send(arpRequest(link.pa.mac, '10.61.0.1')), inbox.next(isReply));
    expect(reply.data.length).toBeGreaterThanOrEqual(28);
    expect(Array.from(reply.data.subarray(8, 14))).toEqual(Array.from(macBytes(link.peerA.mac)));
    expect(Array.from(reply.data.subarray(18, 24))).toEqual(Array.from(macBytes(link.pa.mac)));
    expect(reply.fromLladdr).toBe(link.peerA.mac);
    expect(reply.fromAddress).toBeUndefined();
  });

  it('icmp6-nd: a router solicitation to ff02::2 gets dnsmasq’s router advertisement', async () => {
    const inbox = new Inbox();
    const ch = await open(link.pa.ifindex, 'icmp6-nd', inbox);
    const ra = await exchange(() => ch.send(routerSolicitation(link.pa.mac), { address: 'ff02::2' }), inbox.next((p) => p.data[0] === 134 && p.fromAddress!.startsWith('fe80:')));
    const [peer] = await farA!.ipJson(['-6', 'addr', 'show', 'dev', 'peer-a']);
    expect(ra.fromAddress).toBe(peer.addr_info.find((a: any) => a.scope === 'link').local);
    expect(ra.fromLladdr).toBeUndefined();
    // dnsmasq saw our solicitation (the kernel's own are switched off on pa).
    await logged(servers[0]!, /RTR-SOLICIT\(peer-a\)/);
    // Its prefix information option carries fd00:1::/64.
    expect(Buffer.from(ra.data).includes(Buffer.from([0xfd, 0x00, 0x00, 0x01, 0, 0, 0, 0]))).toBe(true);
  });

  it('icmp6-nd: a message whose hop limit is not 255 is dropped', async () => {
    const inbox = new Inbox();
    await open(link.pa.ifindex, 'icmp6-nd', inbox);
    // Two router advertisements from the peer, marked in their reachable-time field: hop limit 64 first, then 255.
    const script = [
      'import socket, struct, sys',
      's = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)',
      `idx = socket.if_nametoindex('peer-a')`,
      'for hops, mark in ((64, 0x11111111), (255, 0x22222222)):',
      '    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, hops)',
      "    s.sendto(struct.pack('!BBHBBHII', 134, 0, 0, 64, 0, 0, mark, 0), ('ff02::1', 0, 0, idx))",
    ].join('\n');
    const marked = (mark: number) => (p: ReceivedPacket) => p.data[0] === 134 && p.data.length >= 12 && new DataView(p.data.buffer, p.data.byteOffset).getUint32(8) === mark;
    const arrived = inbox.next(marked(0x22222222));
    await farA!.exec('python3', ['-c', script]);
    await arrived;
    // Sent first on the same link, the hop-64 one would have been queued before it.
    expect(inbox.packets.some(marked(0x11111111))).toBe(false);
  });

  it('after the helper is killed with SIGKILL, a new open works and open channels are reopened', async () => {
    const before = new Inbox();
    const old = await open(link.pb.ifindex, 'dhcp4', before);
    const pid = io!.helperPid!;
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, 'SIGKILL');
    // A new channel on a new helper.
    const inbox = new Inbox();
    const ch = await open(link.pa.ifindex, 'dhcp4', inbox);
    expect(io!.helperPid).not.toBe(pid);
    const xid = 0x5eed0001;
    const offer = await exchange(() => ch.send(dhcpDiscover(xid, link.pa.mac)), inbox.next((p) => dhcpReplyType(p.data, xid) === 2));
    expect(offer.fromAddress).toBe('10.61.0.1');
    // The channel opened before the kill works again (its sends waited for the reopen).
    const xid2 = 0x5eed0002;
    const offer2 = await exchange(() => old.send(dhcpDiscover(xid2, link.pb.mac)), before.next((p) => dhcpReplyType(p.data, xid2) === 2));
    expect(offer2.fromAddress).toBe('10.62.0.1');
  });
});
