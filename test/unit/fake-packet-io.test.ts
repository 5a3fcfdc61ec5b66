/**
 * The fake PacketIo (plugins/platform-fake/fake-packet-io.ts) that DHCP and
 * neighbour-discovery unit tests run on: it records sends, delivers injected
 * packets to the right channels, and carries packets across a wire.
 */
import { describe, expect, it } from 'vitest';
import { FakePacketIo } from '../../plugins/platform-fake/fake-packet-io.js';
import type { ReceivedPacket } from '../../sdk/index.js';

const flush = () => new Promise<void>((r) => setTimeout(r, 0));

describe('FakePacketIo', () => {
  it('records sends per link and protocol, and nextSent waits for the next one', async () => {
    const io = new FakePacketIo();
    const a = await io.open(2, 'dhcp4', () => undefined);
    const b = await io.open(3, 'arp', () => undefined);
    const next = io.nextSent(2, 'dhcp4');
    await a.send(Uint8Array.of(1), { address: '10.0.0.1' });
    await b.send(Uint8Array.of(2));
    expect((await next).to).toEqual({ address: '10.0.0.1' });
    expect(io.sentOn(2, 'dhcp4').map((p) => Array.from(p.data))).toEqual([[1]]);
    expect(io.sentOn(3, 'arp').map((p) => Array.from(p.data))).toEqual([[2]]);
    expect(io.sentOn(2, 'arp')).toEqual([]);
  });

  it('delivers an injected packet to the open channels of that link and protocol only, after the call', async () => {
    const io = new FakePacketIo();
    const got: string[] = [];
    await io.open(2, 'dhcp4', () => got.push('2/dhcp4'));
    await io.open(2, 'arp', () => got.push('2/arp'));
    await io.open(4, 'dhcp4', () => got.push('4/dhcp4'));
    const closed = await io.open(2, 'dhcp4', () => got.push('closed'));
    closed.close();
    expect(io.inject(2, 'dhcp4', { data: Uint8Array.of(9) })).toBe(1);
    expect(got).toEqual([]); // not during the call
    await flush();
    expect(got).toEqual(['2/dhcp4']);
    expect(io.openChannels(2).map((c) => c.protocol).sort()).toEqual(['arp', 'dhcp4']);
  });

  it('carries sends across a wire with the sender’s addresses filled in', async () => {
    const client = new FakePacketIo();
    const server = new FakePacketIo();
    client.connect(5, server, 7, { lladdr: '02:00:00:00:00:05', peerLladdr: '02:00:00:00:00:07' });
    const atServer: ReceivedPacket[] = [];
    const atClient: ReceivedPacket[] = [];
    await server.open(7, 'dhcp4', (p) => atServer.push(p));
    await server.open(7, 'icmp6-nd', (p) => atServer.push(p));
    await client.open(5, 'dhcp4', (p) => atClient.push(p));
    const c = await client.open(5, 'dhcp4', () => undefined);
    const nd = await client.open(5, 'icmp6-nd', () => undefined);
    await c.send(Uint8Array.of(1));
    await nd.send(Uint8Array.of(133), { address: 'ff02::2' });
    // Unicast to another lladdr is not for the far end.
    await c.send(Uint8Array.of(2), { lladdr: '02:00:00:00:00:99' });
    const s = await server.open(7, 'dhcp4', () => undefined);
    await s.send(Uint8Array.of(3), { lladdr: '02:00:00:00:00:05', address: '10.0.0.50', source: '10.0.0.1' });
    await flush();
    expect(atServer).toEqual([
      { data: Uint8Array.of(1), fromLladdr: '02:00:00:00:00:05', fromAddress: '0.0.0.0', toAddress: '255.255.255.255' },
      { data: Uint8Array.of(133), fromAddress: 'fe80::ff:fe00:5' },
    ]);
    expect(atClient).toEqual([{ data: Uint8Array.of(3), fromLladdr: '02:00:00:00:00:07', fromAddress: '10.0.0.1', toAddress: '10.0.0.50' }]);
  });

  it('fails opens and sends on request, as PlatformErrors naming the link', async () => {
    const io = new FakePacketIo();
    io.failOpen(2, 'dhcp4');
    await expect(io.open(2, 'dhcp4', () => undefined)).rejects.toThrow('open dhcp4 channel on ifindex 2: ENODEV');
    io.failOpen(2, 'dhcp4', 0);
    const ch = await io.open(2, 'dhcp4', () => undefined);
    io.failSend(2, 'dhcp4');
    await expect(ch.send(Uint8Array.of(1))).rejects.toThrow('send on dhcp4 channel on ifindex 2: ENETUNREACH');
    ch.close();
    await expect(ch.send(Uint8Array.of(1))).rejects.toThrow(/EBADF/);
    expect(io.sent).toEqual([]);
  });
});
