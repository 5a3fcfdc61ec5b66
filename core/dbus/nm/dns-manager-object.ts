/**
 * /org/freedesktop/NetworkManager/DnsManager: the DNS mode that runs, how
 * resolv.conf is managed (after "auto" is decided, as NetworkManager reports
 * it) and the Configuration: one a{sv} per global domain and per connection
 * config with servers (nameservers, domains, interface, priority, vpn; libnm
 * requires nameservers and priority). Without a DnsManager (a daemon built
 * without one) it shows the configured mode and no servers.
 */
import type { ConfigView } from '../../../sdk/index.js';
import type { DnsConfigurationEntry } from '../../dns/configuration.js';
import type { DnsSnapshot } from '../../dns/dns-manager.js';
import type { InterfaceDef } from '../rows.js';
import { vardict } from '../values.js';
import { DNS_MANAGER_IFACE } from './paths.js';

export interface DnsSnapshotSource {
  snapshot(): DnsSnapshot;
}

/** The properties a DNS update can change (one PropertiesChanged per tick carries them). */
export const DNS_MANAGER_PROPERTIES = ['Mode', 'RcManager', 'Configuration'] as const;

function entryDict(e: DnsConfigurationEntry) {
  return vardict([
    ['nameservers', 'as', e.nameservers],
    ['domains', 'as', e.domains],
    ['interface', 's', e.interface],
    ['priority', 'i', e.priority],
    ['vpn', 'b', e.vpn],
  ]);
}

export function dnsManagerInterface(config: ConfigView, dns?: DnsSnapshotSource): InterfaceDef {
  return {
    name: DNS_MANAGER_IFACE,
    properties: [
      { name: 'Mode', signature: 's', access: 'read', get: () => dns?.snapshot().mode ?? config.getString('main', 'dns', 'default') },
      { name: 'RcManager', signature: 's', access: 'read', get: () => dns?.snapshot().rcManager ?? config.getString('main', 'rc-manager', 'auto') },
      { name: 'Configuration', signature: 'aa{sv}', access: 'read', get: () => (dns?.snapshot().configuration ?? []).map(entryDict) },
    ],
  };
}
