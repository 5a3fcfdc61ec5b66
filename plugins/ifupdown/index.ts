/** The ifupdown settings plugin: profiles from and to Debian's /etc/network/interfaces. */
import { definePlugin, Tokens } from '../../sdk/index.js';
import { IfupdownSource } from './source.js';

export default definePlugin({
  setup(ctx) {
    const source = new IfupdownSource({
      under: (p) => ctx.paths.under(p),
      // NetworkManager's default: interfaces ifupdown configures stay ifupdown's.
      managed: () => ctx.config.getBoolean('ifupdown', 'managed', false),
      logger: ctx.logger,
    });
    ctx.provide(Tokens.SettingsSource, source);
  },
});
