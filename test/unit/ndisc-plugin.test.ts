/**
 * The ndisc plugin as the loader sees it: its manifest passes the checks,
 * it provides contrib.ndisc at setup without a platform yet, and looks the
 * packet channel up only when a session starts (the platform may be set up
 * after it).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Tokens, type Ndisc, type PacketIo, type PluginContext, type Token } from '../../sdk/index.js';
import { readPlugin } from '../../core/plugins/manifest.js';
import ndiscPlugin from '../../plugins/ndisc/index.js';
import { TestPacketIo } from '../../plugins/ndisc/test/fake-packet-io.js';

const silent = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child: () => silent, isEnabled: () => false };

describe('ndisc plugin', () => {
  it('has a valid manifest providing contrib.ndisc', () => {
    const c = readPlugin(path.resolve('plugins/ndisc'), true);
    expect(c.manifest).toMatchObject({ name: 'ndisc', kind: 'other', provides: ['contrib.ndisc'], entry: 'index.ts' });
  });

  it('provides Ndisc at setup and resolves PacketIo when a session starts', async () => {
    const services = new Map<string, unknown>([[Tokens.Clock, { now: () => 0 }]]);
    let ndisc: Ndisc | undefined;
    const ctx = {
      logger: silent,
      resolve: <T>(t: Token<T>): T => {
        if (!services.has(t)) throw new Error(`no service registered for token '${t}'`);
        return services.get(t) as T;
      },
      provide: <T>(t: Token<T>, v: T) => {
        if (t === Tokens.Ndisc) ndisc = v as unknown as Ndisc;
      },
    } as unknown as PluginContext;
    await ndiscPlugin.setup(ctx);
    expect(ndisc).toBeDefined();
    const request = { ifindex: 3, ifname: 'eth0', hwaddr: '52:54:00:00:00:01', addrGenMode: 'eui64' as const, stableId: 'x', secretKey: new Uint8Array(32), timeout: 0 };
    const events = { onConfig() {}, onTimeout() {} };
    await expect(ndisc!.start(request, events)).rejects.toThrow("no service registered for token 'contrib.packet-io'");
    const io = new TestPacketIo();
    services.set(Tokens.PacketIo, io satisfies PacketIo);
    const session = await ndisc!.start(request, events);
    expect(io.opened).toEqual([{ ifindex: 3, protocol: 'icmp6-nd' }]);
    session.stop();
    expect(io.closed).toBe(1);
  });
});
