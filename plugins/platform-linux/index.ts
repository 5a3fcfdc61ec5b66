/** The Linux platform plugin: provides the Platform that speaks rtnetlink. */
import { definePlugin, Tokens } from '../../sdk/index.js';
import { LinuxPlatform } from './linux-platform.js';

export { LinuxPlatform, type LinuxPlatformOptions } from './linux-platform.js';

export default definePlugin({
  setup(ctx) {
    const p = new LinuxPlatform({ logger: ctx.logger });
    ctx.provide(Tokens.Platform, p);
    ctx.onStop(() => p.stop());
  },
});
