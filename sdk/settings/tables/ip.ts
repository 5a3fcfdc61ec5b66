/**
 * The "ipv4" and "ipv6" settings. Properties both share come from one list
 * (NetworkManager's NMSettingIPConfig), each family adds its own. Facts from
 * NetworkManager 1.42 (nm-setting-ip-config.c, -ip4-config.c, -ip6-config.c).
 *
 * On D-Bus, "address-data", "route-data" and "dns" each have a twin for
 * older clients ("addresses", "routes", "dns-data"): see dbus/twins.ts.
 */
import { defineSetting, INT32_MAX, INT32_MIN, UINT32_MAX, type PropertyRow } from '../schema.js';
import { sortRows, ternary } from './rows.js';

export const IP4_METHODS = ['auto', 'link-local', 'manual', 'shared', 'disabled'] as const;
export const IP6_METHODS = ['ignore', 'auto', 'dhcp', 'link-local', 'manual', 'shared', 'disabled'] as const;

/** ipv6.addr-gen-mode values. */
export const ADDR_GEN_MODE = { EUI64: 0, STABLE_PRIVACY: 1, DEFAULT_OR_EUI64: 2, DEFAULT: 3 } as const;

/** NMDhcpHostnameFlags bits. */
export const DHCP_HOSTNAME_FLAGS = { FQDN_SERV_UPDATE: 0x1, FQDN_ENCODED: 0x2, FQDN_NO_UPDATE: 0x4, FQDN_CLEAR_FLAGS: 0x8 } as const;

/** Largest ipv4/ipv6 dad-timeout in milliseconds. */
export const DAD_TIMEOUT_MAX = 30000;

function commonRows(family: 4 | 6): PropertyRow[] {
  const v = `IPv${family}`;
  return [
    { name: 'address-data', type: 'addresses', description: `Static ${v} addresses with prefix length and attributes (label).` },
    ternary('auto-route-ext-gw', 'Add a route to the VPN gateway through the underlying device: -1 default, 0 no, 1 yes.'),
    { name: 'dad-timeout', type: 'int32', default: -1, min: -1, max: DAD_TIMEOUT_MAX, description: 'Milliseconds of duplicate address detection; 0 off, -1 default.' },
    { name: 'dhcp-hostname', type: 'string', description: 'Host name sent to the DHCP server (default: the system host name).' },
    { name: 'dhcp-hostname-flags', type: 'uint32', default: 0, min: 0, max: UINT32_MAX, description: 'FQDN option flags: 1 server updates, 2 encoded, 4 no update, 8 clear flags.' },
    { name: 'dhcp-iaid', type: 'string', description: 'DHCP IAID: a 32-bit number, or mac, perm-mac, ifname, stable.' },
    { name: 'dhcp-reject-servers', type: 'strings', description: 'DHCP servers (addresses or subnets) whose offers are refused; DHCPv4 only.' },
    { name: 'dhcp-send-hostname', type: 'boolean', default: true, description: 'Send a host name to the DHCP server.' },
    { name: 'dhcp-timeout', type: 'int32', default: 0, min: 0, max: INT32_MAX, description: 'Seconds to wait for a lease; 0 default, 2147483647 forever.' },
    { name: 'dns', type: 'dns', dbus: family === 4 ? 'au' : 'aay', description: `${v} DNS servers (optionally "#server-name" for DNS over TLS).` },
    { name: 'dns-options', type: 'strings', description: 'resolv.conf options; unset leaves the defaults.' },
    { name: 'dns-priority', type: 'int32', default: 0, min: INT32_MIN, max: INT32_MAX, description: 'Relative priority of these DNS servers; lower wins, negative excludes others.' },
    { name: 'dns-search', type: 'strings', description: 'DNS search domains; "~domain" routes queries only.' },
    { name: 'gateway', type: 'string', description: `Default ${v} gateway (needs addresses).` },
    { name: 'ignore-auto-dns', type: 'boolean', default: false, description: 'Ignore DNS servers and domains learned automatically.' },
    { name: 'ignore-auto-routes', type: 'boolean', default: false, description: 'Ignore routes learned automatically.' },
    { name: 'may-fail', type: 'boolean', default: true, description: `The connection may complete without ${v}.` },
    { name: 'method', type: 'string', values: family === 4 ? IP4_METHODS : IP6_METHODS, description: `How ${v} is configured (required).` },
    { name: 'never-default', type: 'boolean', default: false, description: 'Never install a default route from this profile.' },
    ternary('replace-local-rule', 'Replace the kernel\'s priority-0 local rule: -1 default, 0 keep, 1 replace.'),
    { name: 'required-timeout', type: 'int32', default: -1, min: -1, max: INT32_MAX, description: 'Milliseconds this family must be tried before the connection may complete without it.' },
    { name: 'route-data', type: 'routes', description: `Static ${v} routes with next hop, metric and attributes.` },
    { name: 'route-metric', type: 'int64', default: -1, min: -1, max: UINT32_MAX, description: 'Metric of routes without one; -1 default.' },
    { name: 'route-table', type: 'uint32', default: 0, min: 0, max: UINT32_MAX, description: 'Routing table of routes without one; 0 main (unless policy routing).' },
    { name: 'routing-rules', type: 'records', description: 'Policy routing rules, each in "ip rule" syntax ("priority 5 from 10.0.0.0/8 table 100").' },
  ];
}

export const ipv4Setting = defineSetting({
  name: 'ipv4',
  description: 'IPv4 configuration.',
  properties: sortRows([
    ...commonRows(4),
    { name: 'dhcp-client-id', type: 'string', description: 'DHCP client identifier: mac, perm-mac, duid, ipv6-duid, stable, none, or hex bytes.' },
    { name: 'dhcp-fqdn', type: 'string', description: 'Fully qualified name sent in the DHCP FQDN option (not with dhcp-hostname).' },
    { name: 'dhcp-vendor-class-identifier', type: 'string', description: 'DHCP vendor class identifier (option 60).' },
    { name: 'link-local', type: 'int32', default: 0, values: [0, 1, 2, 3], description: 'IPv4 link-local addressing: 0 default, 1 auto, 2 disabled, 3 enabled.' },
  ]),
});

export const ipv6Setting = defineSetting({
  name: 'ipv6',
  description: 'IPv6 configuration.',
  properties: sortRows([
    ...commonRows(6),
    { name: 'addr-gen-mode', type: 'int32', default: ADDR_GEN_MODE.DEFAULT, values: [0, 1, 2, 3], description: 'SLAAC interface identifiers: 0 eui64, 1 stable-privacy, 2 default-or-eui64, 3 default.' },
    { name: 'dhcp-duid', type: 'string', description: 'DHCPv6 DUID: hex bytes, or lease, llt, ll, stable-llt, stable-ll, stable-uuid.' },
    { name: 'ip6-privacy', type: 'int32', default: -1, values: [-1, 0, 1, 2], description: 'Privacy extensions: -1 default, 0 off, 1 prefer public, 2 prefer temporary.' },
    { name: 'mtu', type: 'uint32', default: 0, min: 0, max: UINT32_MAX, description: 'IPv6 MTU; 0 from router advertisements.' },
    { name: 'ra-timeout', type: 'int32', default: 0, min: 0, max: INT32_MAX, description: 'Seconds to wait for router advertisements; 0 default.' },
    { name: 'token', type: 'string', description: 'Interface identifier token for eui64 address generation.' },
  ]),
});

export interface IpAttributeDefinition {
  /** D-Bus signature of the attribute's value. */
  readonly signature: 's' | 'u' | 'y' | 'b';
  readonly v4: boolean;
  readonly v6: boolean;
}

/** Route attributes NetworkManager 1.42 knows (nm-setting-ip-config.c ip_route_attribute_spec). */
export const ROUTE_ATTRIBUTES: Readonly<Record<string, IpAttributeDefinition>> = {
  advmss: { signature: 'u', v4: true, v6: true },
  cwnd: { signature: 'u', v4: true, v6: true },
  from: { signature: 's', v4: false, v6: true },
  initcwnd: { signature: 'u', v4: true, v6: true },
  initrwnd: { signature: 'u', v4: true, v6: true },
  'lock-advmss': { signature: 'b', v4: true, v6: true },
  'lock-cwnd': { signature: 'b', v4: true, v6: true },
  'lock-initcwnd': { signature: 'b', v4: true, v6: true },
  'lock-initrwnd': { signature: 'b', v4: true, v6: true },
  'lock-mtu': { signature: 'b', v4: true, v6: true },
  'lock-window': { signature: 'b', v4: true, v6: true },
  mtu: { signature: 'u', v4: true, v6: true },
  onlink: { signature: 'b', v4: true, v6: true },
  quickack: { signature: 'b', v4: true, v6: true },
  rto_min: { signature: 'u', v4: true, v6: true },
  scope: { signature: 'y', v4: true, v6: false },
  src: { signature: 's', v4: true, v6: true },
  table: { signature: 'u', v4: true, v6: true },
  tos: { signature: 'y', v4: true, v6: false },
  type: { signature: 's', v4: true, v6: true },
  weight: { signature: 'u', v4: true, v6: false },
  window: { signature: 'u', v4: true, v6: true },
};

/** Route types NetworkManager accepts in the "type" attribute. */
export const ROUTE_TYPES = ['unicast', 'local', 'blackhole', 'unreachable', 'prohibit', 'throw'] as const;

/** Address attributes NetworkManager 1.42 knows. */
export const ADDRESS_ATTRIBUTES: Readonly<Record<string, IpAttributeDefinition>> = {
  label: { signature: 's', v4: true, v6: false },
};
