/**
 * Connection sharing (`ipv4.method shared`, `ipv6.method shared`): dnsmasq
 * serves DHCPv4, DNS and IPv6 router advertisements on the shared link,
 * nftables masquerades the shared subnet, and forwarding is turned on while
 * a share is active. Needs `nft` (Debian nftables) and `dnsmasq`
 * (dnsmasq-base) at the time a share starts, not at load.
 */
import { definePlugin, Tokens } from '../../sdk/index.js';
import { SharingService } from './sharing-service.js';

export default definePlugin({
  setup(ctx) {
    const service = new SharingService({
      logger: ctx.logger,
      paths: ctx.paths,
      sysctl: () => ctx.resolve(Tokens.Platform),
    });
    ctx.provide(Tokens.Sharing, service);
    ctx.onStop(() => service.stopAll());
  },
});
