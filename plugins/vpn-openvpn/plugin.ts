/**
 * The OpenVPN VPN plugin's definition: what sdk/vpn.ts asks of a VPN type.
 * Written only against sdk/, as a third-party plugin would be.
 *
 * The connect code (./connect.js: openvpn's process, its management
 * socket, the config and --up environment) is imported on the first
 * connect. The importer stays static: `import` is a synchronous method
 * that `nmk connection import` calls on this module's definitions.
 */
import fs from 'node:fs';
import { defineVpnPlugin, type VpnPluginDefinition } from '../../sdk/index.js';
import { importOvpn } from './import.js';
import { NAME, SERVICE_TYPE } from './names.js';
import { missingSecrets } from './secrets.js';

/** openvpn from Debian's package, else whatever PATH finds. */
const OPENVPN = ['/usr/sbin/openvpn', '/usr/bin/openvpn'].find((f) => fs.existsSync(f)) ?? 'openvpn';

let connectModule: Promise<typeof import('./connect.js')> | undefined;
const loadConnect = () => (connectModule ??= import('./connect.js'));

export function openvpnPlugin(o: { runDir: string; openvpn?: string }): VpnPluginDefinition {
  return defineVpnPlugin({
    serviceType: SERVICE_TYPE,
    name: NAME,
    needSecrets: (profile) => (missingSecrets(profile).length ? 'vpn' : undefined),
    connect: async (ctx) => (await loadConnect()).connectOpenvpn(ctx, { runDir: o.runDir, openvpn: o.openvpn ?? OPENVPN }),
    import: importOvpn,
  });
}
