/** /org/freedesktop/NetworkManager/DnsManager: the configured mode; no servers yet. */
import type { ConfigView } from '../../../sdk/index.js';
import type { InterfaceDef } from '../rows.js';
import { DNS_MANAGER_IFACE } from './paths.js';

export function dnsManagerInterface(config: ConfigView): InterfaceDef {
  return {
    name: DNS_MANAGER_IFACE,
    properties: [
      { name: 'Mode', signature: 's', access: 'read', get: () => config.getString('main', 'dns', 'default') },
      { name: 'RcManager', signature: 's', access: 'read', get: () => config.getString('main', 'rc-manager', 'auto') },
      { name: 'Configuration', signature: 'aa{sv}', access: 'read', get: () => [] },
    ],
  };
}
