/** `[main] dhcp=dhclient`: ISC dhclient per link and family, as NetworkManager runs it. */
import { definePlugin, Tokens } from '../../sdk/index.js';
import { DhclientClient } from './client.js';

export { DhclientClient } from './client.js';

export default definePlugin({
  setup(ctx) {
    // Nothing runs until core starts a client: the helper socket opens on the first start().
    const client = new DhclientClient({ paths: ctx.paths, logger: ctx.logger });
    ctx.provide(Tokens.DhcpClient, client);
    ctx.onStop(() => client.close());
  },
});
