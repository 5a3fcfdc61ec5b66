/**
 * Which iface options nmk models. Modelled options are read into the profile
 * and regenerated when nmk rewrites a stanza; every other option (up/down
 * commands, description, wpa-*, bridge_maxwait...) is ignored on reading and
 * kept verbatim on rewriting. Unknown bond-* and bridge_* options are errors:
 * ifenslave and bridge-utils would silently do nothing with a misspelt one;
 * so are wpa-* and wireless-*, which make a Wi-Fi stanza nmk cannot read.
 */
import { BOND_KEPT_KEYS, BOND_SPECIAL_KEYS, bondOptionForKey } from './bond-options.js';
import { BRIDGE_KEPT_KEYS, BRIDGE_PORTS_KEY, bridgeRowForKey } from './bridge-options.js';

/** Per address family (they belong to the inet or inet6 stanza that holds them). */
export const IP_KEYS = new Set(['address', 'netmask', 'gateway', 'dns-nameservers', 'dns-nameserver', 'dns-search', 'metric']);

/** Per interface, whichever stanza holds them; a second, different value is an error. */
export const LINK_KEYS = new Set(['mtu', 'hwaddress', 'vlan-raw-device', 'vlan-id', BRIDGE_PORTS_KEY, ...BOND_SPECIAL_KEYS, 'slaves']);

/** Options that may be given more than once in a stanza, their words adding up. */
export const REPEATABLE_KEYS = new Set(['address', 'dns-nameservers', 'dns-nameserver', 'dns-search']);

export type OptionClass = 'ip' | 'link' | 'bond' | 'bridge' | 'kept';

/** How an option is treated (with a warning when nmk does not know it), or why it is refused. */
export function classifyOption(key: string): { cls: OptionClass; warn?: string } | { unknown: string } {
  if (IP_KEYS.has(key)) return { cls: 'ip' };
  if (LINK_KEYS.has(key)) return { cls: 'link' };
  if (bondOptionForKey(key)) return { cls: 'bond' };
  if (bridgeRowForKey(key)) return { cls: 'bridge' };
  if (BOND_KEPT_KEYS.has(key) || BRIDGE_KEPT_KEYS.has(key)) return { cls: 'kept' };
  // NetworkManager reads these as a Wi-Fi profile; nmk's ifupdown plugin does not, and must not call it Ethernet.
  if (key.startsWith('wpa-') || key.startsWith('wireless-')) return { unknown: `Wi-Fi stanzas (${key}) are not supported; use a keyfile profile` };
  if (key.startsWith('bond-')) return { cls: 'kept', warn: `unknown bond option '${key}'; ignored, and kept in the file` };
  if (key.startsWith('bridge-')) return { cls: 'kept', warn: `unknown bridge option '${key}'; ignored, and kept in the file` };
  return { cls: 'kept' };
}

/** Methods per address family and the NetworkManager method each one means. */
export const METHODS: Record<string, Record<string, string>> = {
  // inet manual: ifupdown configures no IPv4 at all.
  inet: { static: 'manual', dhcp: 'auto', manual: 'disabled' },
  // inet6 manual: ifupdown leaves IPv6 to the kernel, which is NetworkManager's "ignore".
  inet6: { static: 'manual', auto: 'auto', dhcp: 'dhcp', manual: 'ignore' },
};

/** NetworkManager's method when the interface has no stanza of that family. */
export const ABSENT_METHOD = { inet: 'disabled', inet6: 'ignore' } as const;
