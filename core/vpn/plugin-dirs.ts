/**
 * Where VPN plugins' .name files are looked for, in order (a later directory
 * overrides an earlier one for the same service): the packages' directory
 * /usr/lib/NetworkManager/VPN (the system's, as the services themselves are
 * installed there), then NetworkManager's /etc/NetworkManager/VPN and nmk's
 * own <etc>/nmk/VPN, both under the state root.
 */
import path from 'node:path';
import type { Paths } from '../../sdk/index.js';

export const SYSTEM_VPN_DIR = '/usr/lib/NetworkManager/VPN';

export function vpnPluginDirs(paths: Paths): string[] {
  return [SYSTEM_VPN_DIR, paths.under('/etc/NetworkManager/VPN'), path.join(paths.etcDir, 'VPN')];
}
