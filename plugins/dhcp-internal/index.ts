/**
 * The `internal` DHCP client ([main] dhcp=internal, NetworkManager's
 * default): DHCPv4 from ./v4 over the platform's packet channels
 * (Tokens.PacketIo), DHCPv6 from ./v6. The packet I/O is looked up when a
 * client starts, so the platform plugin may be set up in any order.
 *
 * Each family's client is imported the first time a session of that family
 * starts, not at load: an idle daemon, or one whose links never ask for
 * DHCP, keeps neither in memory (each is a dozen modules).
 */
import { definePlugin, Tokens, type DhcpClientFactory, type DhcpSession, type PluginContext } from '../../sdk/index.js';

let v4: Promise<typeof import('./v4/client.js')> | undefined;
let v6: Promise<typeof import('./v6/client.js')> | undefined;
const loadV4 = () => (v4 ??= import('./v4/client.js'));
const loadV6 = () => (v6 ??= import('./v6/client.js'));

export function internalDhcpClient(ctx: Pick<PluginContext, 'logger' | 'resolveAll' | 'onStop'>): DhcpClientFactory {
  const sessions = new Set<DhcpSession>();
  // At shutdown leases are kept, not released: addresses stay for the next start (INIT-REBOOT).
  ctx.onStop(() => Promise.all([...sessions].map((s) => s.stop(false))).then(() => undefined));
  return {
    name: 'internal',
    families: [4, 6],
    async start(request, events) {
      const logger = ctx.logger.child({ ifname: request.ifname });
      const io = ctx.resolveAll(Tokens.PacketIo)[0];
      let session: DhcpSession;
      if (request.family === 4) {
        if (!io) throw new Error(`DHCPv4 on ${request.ifname}: no packet I/O (the platform plugin provides none)`);
        session = await (await loadV4()).startDhcp4(request, events, { io, logger });
      } else {
        session = await (await loadV6()).startDhcp6(request, events, { logger, io });
      }
      sessions.add(session);
      return {
        async stop(release) {
          sessions.delete(session);
          await session.stop(release);
        },
      };
    },
  };
}

export default definePlugin({
  setup(ctx) {
    ctx.provide(Tokens.DhcpClient, internalDhcpClient(ctx));
  },
});
