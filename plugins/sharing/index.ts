/**
 * Connection sharing (`ipv4.method shared`, `ipv6.method shared`): dnsmasq
 * serves DHCPv4, DNS and IPv6 router advertisements on the shared link,
 * nftables masquerades the shared subnet, and forwarding is turned on while
 * a share is active. Needs `nft` (Debian nftables) and `dnsmasq`
 * (dnsmasq-base) at the time a share starts, not at load.
 *
 * The service (./sharing-service.js and the eight modules under it) is
 * imported on the first share: most daemons never share a link, and one that
 * never did has nothing to stop at shutdown.
 */
import { definePlugin, Tokens, type SharingProvider } from '../../sdk/index.js';
import type { SharingService } from './sharing-service.js';

export default definePlugin({
  setup(ctx) {
    let service: Promise<SharingService> | undefined;
    const load = () =>
      (service ??= import('./sharing-service.js').then(
        (m) =>
          new m.SharingService({
            logger: ctx.logger,
            paths: ctx.paths,
            sysctl: () => ctx.resolve(Tokens.Platform),
          }),
      ));
    const provider: SharingProvider = { start: async (request) => (await load()).start(request) };
    ctx.provide(Tokens.Sharing, provider);
    // A service whose module failed to load started nothing.
    ctx.onStop(async () => (await service?.catch(() => undefined))?.stopAll());
  },
});
