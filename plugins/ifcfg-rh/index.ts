/**
 * ifcfg-rh: profiles in /etc/sysconfig/network-scripts (ifcfg-NAME with
 * route-NAME, route6-NAME and keys-NAME), read and written as NetworkManager's
 * ifcfg-rh plugin does. NM_CONTROLLED=no files mark their device unmanaged.
 */
import { definePlugin, Tokens } from '../../sdk/index.js';
import { IFCFG_DIR } from './file-names.js';
import { IfcfgRhSource } from './ifcfg-source.js';

export { IfcfgRhSource, type IfcfgRhSourceOptions } from './ifcfg-source.js';

export default definePlugin({
  setup(ctx) {
    const source = new IfcfgRhSource({ dir: ctx.paths.under(IFCFG_DIR), logicalDir: IFCFG_DIR, logger: ctx.logger });
    ctx.provide(Tokens.SettingsSource, source);
  },
});
