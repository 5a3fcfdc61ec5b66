/** The ifnet settings plugin: profiles from Gentoo's /etc/conf.d/net (netifrc), read only. */
import { definePlugin, Tokens } from '../../sdk/index.js';
import { IfnetSource } from './source.js';

export default definePlugin({
  setup(ctx) {
    ctx.provide(Tokens.SettingsSource, new IfnetSource({ under: (p) => ctx.paths.under(p), logger: ctx.logger }));
  },
});
