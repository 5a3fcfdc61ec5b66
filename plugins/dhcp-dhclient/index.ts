/**
 * `[main] dhcp=dhclient`: ISC dhclient per link and family, as NetworkManager runs it.
 *
 * The plugin is loaded whatever `[main] dhcp=` says (core picks the client
 * by name when a link asks), so the entry stays small: the client (./client.js
 * and its ten modules) is imported on the first start(), and a daemon that
 * never started one has nothing to close at shutdown.
 */
import { definePlugin, Tokens, type DhcpClientFactory, type Family, type PluginContext } from '../../sdk/index.js';
import type { DhclientClient } from './client.js';

/** DhclientClient's name and families, known before it is loaded (client.test.ts checks they agree). */
export const DHCLIENT_NAME = 'dhclient';
export const DHCLIENT_FAMILIES: readonly Family[] = [4, 6];

/** The dhclient factory as the daemon sees it; `stop` closes the client if one was made. */
export function lazyDhclientClient(ctx: Pick<PluginContext, 'paths' | 'logger'>): { factory: DhcpClientFactory; stop(): Promise<void> } {
  let client: Promise<DhclientClient> | undefined;
  const load = () => (client ??= import('./client.js').then((m) => new m.DhclientClient({ paths: ctx.paths, logger: ctx.logger })));
  return {
    factory: {
      name: DHCLIENT_NAME,
      families: DHCLIENT_FAMILIES,
      start: async (request, events) => (await load()).start(request, events),
    },
    stop: async () => {
      // A client whose module failed to load started nothing.
      await (await client?.catch(() => undefined))?.close();
    },
  };
}

export default definePlugin({
  setup(ctx) {
    // Nothing runs until core starts a client: the helper socket opens on the first start().
    const { factory, stop } = lazyDhclientClient(ctx);
    ctx.provide(Tokens.DhcpClient, factory);
    ctx.onStop(stop);
  },
});
