/**
 * IP4Config and IP6Config objects, as NetworkManager 1.42 fills them
 * (nm-ip-config.c, NetworkManagerUtils.c nm_utils_ip_*_to_dbus): what the
 * kernel has on the device's link, whoever added it, so an address another
 * tool added is shown too. The gateway is the next hop of the best unicast
 * default route in the main table. Name servers, domains and searches are
 * the active connection's: its profile's and what DHCP or router
 * advertisements gave.
 */
import ipaddr from 'ipaddr.js';
import { ipv4ToLegacyUint32, RouteTable, type Address, type Family, type NetworkModel, type Route } from '../../../sdk/index.js';
import { bestDefaultRoute } from '../../model/default-route.js';
import type { InterfaceDef, PropertyRow } from '../rows.js';
import { vardict } from '../values.js';

export const IP4_CONFIG_IFACE = 'org.freedesktop.NetworkManager.IP4Config';
export const IP6_CONFIG_IFACE = 'org.freedesktop.NetworkManager.IP6Config';
/** Every property name, for announcing a change of the kernel's state. */
export const IP_CONFIG_PROPERTIES = ['Addresses', 'AddressData', 'Gateway', 'Routes', 'RouteData'] as const;
/** The DNS properties, announced when a lease or an advertisement changes them. */
export const IP_DNS_PROPERTIES = ['Nameservers', 'NameserverData', 'Domains', 'Searches', 'DnsOptions', 'DnsPriority'] as const;

/** The DNS side of an IP config object. */
export interface IpConfigDns {
  nameservers: string[];
  domains: string[];
  searches: string[];
  options: string[];
  priority: number;
}
const NO_DNS: IpConfigDns = { nameservers: [], domains: [], searches: [], options: [], priority: 0 };

const RTN_UNICAST = 1;
const ro = (name: string, signature: string, get: (t: IpConfigSource) => unknown): PropertyRow<IpConfigSource> => ({ name, signature, access: 'read', get });

/** IPv4 in network byte order as a host uint32 on a little-endian machine (NetworkManager's in_addr_t on the wire). */
function ip4ToU32(text: string): number {
  const n = ipv4ToLegacyUint32(text);
  if (n === undefined) throw new Error(`'${text}' is not an IPv4 address`);
  return n;
}
function ip6Bytes(text: string): Uint8Array {
  return Uint8Array.from(ipaddr.IPv6.parse(text).toByteArray());
}

function familyAddresses(model: NetworkModel, ifindex: number, family: Family): Address[] {
  return model.addresses(ifindex).filter((a) => a.family === family);
}

function familyRoutes(model: NetworkModel, ifindex: number, family: Family): Route[] {
  return model.routes(ifindex).filter((r) => r.family === family && r.type === RTN_UNICAST);
}

/** What one IP config object shows: the link it follows and its DNS (the rows' target). */
export interface IpConfigSource {
  ifindex(): number;
  dns?(): IpConfigDns;
}

/**
 * The IP4Config or IP6Config interface, built once and shared by every
 * object of that family: each object's IpConfigSource is its target.
 */
export function ipConfigInterface(family: Family, model: NetworkModel): InterfaceDef<IpConfigSource> {
  let byFamily = shared.get(model);
  if (!byFamily) shared.set(model, (byFamily = {}));
  return (byFamily[family] ??= buildIpConfigInterface(family, model));
}
const shared = new WeakMap<NetworkModel, Partial<Record<Family, InterfaceDef<IpConfigSource>>>>();

function buildIpConfigInterface(family: Family, model: NetworkModel): InterfaceDef<IpConfigSource> {
  const v4 = family === 4;
  const dns = (t: IpConfigSource) => t.dns?.() ?? NO_DNS;
  const addresses = (t: IpConfigSource) => familyAddresses(model, t.ifindex(), family);
  const routes = (t: IpConfigSource) => familyRoutes(model, t.ifindex(), family);
  const gateway = (t: IpConfigSource) => bestDefaultRoute(routes(t))?.gateway ?? '';
  const addressData = (t: IpConfigSource) =>
    addresses(t).map((a) =>
      vardict([
        ['address', 's', a.address],
        ['prefix', 'u', a.prefixlen],
        ['peer', 's', a.peer && a.peer !== a.address ? a.peer : undefined],
        ['label', 's', v4 && a.label ? a.label : undefined],
      ]),
    );
  const routeData = (t: IpConfigSource) =>
    routes(t).map((r) =>
      vardict([
        ['dest', 's', r.dst],
        ['prefix', 'u', r.dstLen],
        ['next-hop', 's', r.gateway],
        ['metric', 'u', r.metric],
        ['table', 'u', r.table !== RouteTable.main ? r.table : undefined],
      ]),
    );
  // Legacy forms: the first address carries the gateway; default routes and other tables are left out.
  const legacyAddresses = (t: IpConfigSource) => {
    const gw = gateway(t);
    return addresses(t).map((a, i) =>
      v4 ? [ip4ToU32(a.address), a.prefixlen, i === 0 && gw ? ip4ToU32(gw) : 0] : [ip6Bytes(a.address), a.prefixlen, ip6Bytes(i === 0 && gw ? gw : '::')],
    );
  };
  const legacyRoutes = (t: IpConfigSource) =>
    routes(t)
      .filter((r) => r.table === RouteTable.main && r.dstLen !== 0)
      .map((r) => (v4 ? [ip4ToU32(r.dst), r.dstLen, ip4ToU32(r.gateway ?? '0.0.0.0'), r.metric] : [ip6Bytes(r.dst), r.dstLen, ip6Bytes(r.gateway ?? '::'), r.metric]));

  const common: PropertyRow<IpConfigSource>[] = [
    ro('Addresses', v4 ? 'aau' : 'a(ayuay)', legacyAddresses),
    ro('AddressData', 'aa{sv}', addressData),
    ro('Gateway', 's', gateway),
    ro('Routes', v4 ? 'aau' : 'a(ayuayu)', legacyRoutes),
    ro('RouteData', 'aa{sv}', routeData),
    ro('Nameservers', v4 ? 'au' : 'aay', (t) => dns(t).nameservers.map((n) => (v4 ? ip4ToU32(n) : ip6Bytes(n.split('%')[0]!)))),
    ro('Domains', 'as', (t) => dns(t).domains),
    ro('Searches', 'as', (t) => dns(t).searches),
    ro('DnsOptions', 'as', (t) => dns(t).options),
    ro('DnsPriority', 'i', (t) => dns(t).priority),
  ];
  const only4: PropertyRow<IpConfigSource>[] = [
    ro('NameserverData', 'aa{sv}', (t) => dns(t).nameservers.map((n) => vardict([['address', 's', n]]))),
    ro('WinsServers', 'au', () => []),
    ro('WinsServerData', 'as', () => []),
  ];
  return { name: v4 ? IP4_CONFIG_IFACE : IP6_CONFIG_IFACE, properties: v4 ? [...common, ...only4] : common };
}
