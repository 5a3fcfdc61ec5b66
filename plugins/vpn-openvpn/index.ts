/**
 * OpenVPN for nmk, written against the TypeScript VPN SDK (sdk/vpn.ts): the
 * README's example for VPN plugin authors. It serves the same service type
 * as network-manager-openvpn, so one profile works with either; `[vpn]
 * prefer` chooses when both are installed.
 */
import path from 'node:path';
import { definePlugin, Tokens, type VpnPluginDefinition } from '../../sdk/index.js';
import { openvpnPlugin } from './plugin.js';

/** For tools that use the importer without nmkd (nmk connection import): the run directory is never touched by import. */
export const vpnPlugins: VpnPluginDefinition[] = [openvpnPlugin({ runDir: '/nonexistent' })];

export default definePlugin({
  setup(ctx) {
    ctx.provide(Tokens.VpnPlugin, openvpnPlugin({ runDir: path.join(ctx.paths.runDir, 'openvpn') }));
  },
});
