import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Tokens, type DhcpLease, type Token } from '../../../../sdk/index.js';
import plugin, { internalDhcpClient } from '../../index.js';
import { captureLogger, FakeDhcpServer, FakePacketIo } from './fake-wire.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'nmk-dhcp-plugin-'));
  vi.useFakeTimers();
});
afterEach(async () => {
  vi.useRealTimers();
  await rm(dir, { recursive: true, force: true });
});

function context(io?: FakePacketIo) {
  const stops: (() => void | Promise<void>)[] = [];
  const provided: unknown[] = [];
  const ctx = {
    logger: captureLogger(),
    resolveAll: <T>(t: Token<T>) => (t === (Tokens.PacketIo as Token<unknown>) && io ? [io as T] : []),
    onStop: (fn: () => void | Promise<void>) => void stops.push(fn),
    provide: (_t: unknown, v: unknown) => void provided.push(v),
  };
  return { ctx, stops, provided };
}

const request = (over = {}) => ({
  family: 4 as const,
  ifindex: 3,
  ifname: 'eth3',
  hwaddr: '02:00:00:00:00:03',
  uuid: 'u',
  iaid: 0,
  timeout: 10,
  rejectServers: [],
  leaseFile: path.join(dir, 'l'),
  ...over,
});

describe('the internal DHCP client plugin', () => {
  it('provides one factory named internal for both families', async () => {
    const { ctx, provided } = context();
    await plugin.setup(ctx as never);
    expect(provided).toHaveLength(1);
    expect(provided[0]).toMatchObject({ name: 'internal', families: [4, 6] });
  });

  it('runs DHCPv4 sessions over the packet I/O and stops them (without RELEASE) at shutdown', async () => {
    const io = new FakePacketIo();
    const server = new FakeDhcpServer(io, { serverId: '10.3.0.1', serverMac: '02:00:00:00:00:fe' });
    const { ctx, stops } = context(io);
    const factory = internalDhcpClient(ctx);
    const leases: DhcpLease[] = [];
    await factory.start(request(), { onLease: (l) => leases.push(l), onFailure: () => undefined });
    await vi.advanceTimersByTimeAsync(0);
    expect(leases.map((l) => l.addresses[0]!.address)).toEqual(['10.3.0.50']);
    for (const stop of stops) await stop();
    expect(io.openCount()).toBe(0);
    expect(server.ofType(7)).toEqual([]);
  });

  it('says so, naming the link, when no packet I/O is there', async () => {
    const { ctx } = context();
    const factory = internalDhcpClient(ctx);
    await expect(factory.start(request(), { onLease: () => undefined, onFailure: () => undefined })).rejects.toThrow(
      'DHCPv4 on eth3: no packet I/O (the platform plugin provides none)',
    );
  });
});
