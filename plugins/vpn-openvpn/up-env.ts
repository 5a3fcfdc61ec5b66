/**
 * The tunnel's configuration from openvpn's --up script environment: the
 * variables openvpn sets for its scripts (dev, ifconfig_local,
 * ifconfig_netmask or ifconfig_remote, route_vpn_gateway, route_*_N,
 * ifconfig_ipv6_*, route_ipv6_*_N, foreign_option_N for pushed DHCP options,
 * trusted_ip, tun_mtu), read as NetworkManager-openvpn's helper reads them.
 * Pure; an Error names the variable that is missing or wrong.
 */
import type { VpnConfigReport, VpnIpReport, VpnRouteReport } from '../../sdk/index.js';
import { isIp4, netmaskToPrefix } from './ip4.js';

/** `env -0` output: NUL-separated NAME=value. */
export function parseEnv0(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of text.split('\0')) {
    const i = item.indexOf('=');
    if (i > 0) out[item.slice(0, i)] = item.slice(i + 1);
  }
  return out;
}

/** The numbered variables NAME_1, NAME_2... until the first gap. */
function numbered(env: Record<string, string>, name: string): string[] {
  const out: string[] = [];
  for (let i = 1; env[`${name}_${i}`] !== undefined; i++) out.push(env[`${name}_${i}`]!);
  return out;
}

function ip4(env: Record<string, string>): VpnIpReport | undefined {
  const address = env.ifconfig_local;
  if (!address) return undefined;
  if (!isIp4(address)) throw new Error(`ifconfig_local '${address}' is not an IPv4 address`);
  const out: VpnIpReport = { address, prefix: 32 };
  const remote = env.ifconfig_remote;
  // openvpn's topology subnet puts a netmask in ifconfig_remote (NetworkManager-openvpn reads it so too).
  if (remote && remote.startsWith('255.')) out.prefix = netmaskToPrefix(remote) ?? 32;
  else if (isIp4(remote)) out.peer = remote;
  const mask = env.ifconfig_netmask;
  if (mask) {
    const p = netmaskToPrefix(mask);
    if (p === undefined) throw new Error(`ifconfig_netmask '${mask}' is not a netmask`);
    out.prefix = p;
  }
  if (isIp4(env.route_vpn_gateway)) out.gateway = env.route_vpn_gateway;
  const routes: VpnRouteReport[] = [];
  const nets = numbered(env, 'route_network');
  nets.forEach((net, j) => {
    const i = j + 1;
    const prefix = netmaskToPrefix(env[`route_netmask_${i}`] ?? '255.255.255.255');
    if (!isIp4(net) || prefix === undefined) throw new Error(`route_network_${i} '${net}' / route_netmask_${i} '${env[`route_netmask_${i}`]}' is not a route`);
    const gw = env[`route_gateway_${i}`];
    routes.push({ dest: net, prefix, ...(isIp4(gw) ? { nextHop: gw } : {}) });
  });
  if (routes.length) out.routes = routes;
  return out;
}

function ip6(env: Record<string, string>): VpnIpReport | undefined {
  const address = env.ifconfig_ipv6_local;
  if (!address) return undefined;
  const bits = Number(env.ifconfig_ipv6_netbits ?? '128');
  if (!Number.isInteger(bits) || bits < 0 || bits > 128) throw new Error(`ifconfig_ipv6_netbits '${env.ifconfig_ipv6_netbits}' is not a prefix length`);
  const out: VpnIpReport = { address, prefix: bits };
  const routes: VpnRouteReport[] = [];
  numbered(env, 'route_ipv6_network').forEach((net, j) => {
    const [dest, len = '128'] = net.split('/');
    const gw = env[`route_ipv6_gateway_${j + 1}`] ?? env.ifconfig_ipv6_remote;
    routes.push({ dest: dest!, prefix: Number(len), ...(gw ? { nextHop: gw } : {}) });
  });
  if (routes.length) out.routes = routes;
  return out;
}

/** DNS servers and domains pushed as `dhcp-option DNS|DNS6|DOMAIN|DOMAIN-SEARCH`. */
function dhcpOptions(env: Record<string, string>): { dns4: string[]; dns6: string[]; domains: string[] } {
  const r = { dns4: [] as string[], dns6: [] as string[], domains: [] as string[] };
  for (const opt of numbered(env, 'foreign_option')) {
    const [kw, what, value] = opt.split(/\s+/);
    if (kw !== 'dhcp-option' || !value) continue;
    if (what === 'DNS' || what === 'DNS6') (isIp4(value) ? r.dns4 : r.dns6).push(value);
    else if (what === 'DOMAIN' || what === 'DOMAIN-SEARCH') r.domains.push(value);
  }
  return r;
}

export function reportFromEnv(env: Record<string, string>): VpnConfigReport {
  const tundev = env.dev;
  if (!tundev) throw new Error('openvpn gave no tunnel device (dev)');
  const gateway = env.trusted_ip ?? env.trusted_ip6 ?? env.remote_1;
  if (!gateway) throw new Error('openvpn gave no VPN gateway (trusted_ip)');
  const v4 = ip4(env);
  const v6 = ip6(env);
  if (!v4 && !v6) throw new Error('openvpn gave the tunnel no address (ifconfig_local, ifconfig_ipv6_local)');
  const { dns4, dns6, domains } = dhcpOptions(env);
  if (v4) {
    if (dns4.length) v4.dns = dns4;
    if (domains.length) v4.domains = domains;
  }
  if (v6) {
    if (dns6.length) v6.dns = dns6;
    if (domains.length && !v4) v6.domains = domains;
  }
  const mtu = Number(env.tun_mtu);
  return { tundev, gateway, ...(mtu > 0 ? { mtu } : {}), ...(v4 ? { ipv4: v4 } : {}), ...(v6 ? { ipv6: v6 } : {}) };
}
