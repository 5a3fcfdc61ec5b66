/**
 * The router side of a shared connection as an L3Config: its address, with
 * the subnet route at the connection's metric (the address and the clients'
 * range are chosen in core/activation/shared-address.ts).
 */
import ipaddr from 'ipaddr.js';
import type { Family } from '../../../sdk/index.js';
import type { L3Config, L3Context } from './l3-config.js';

const IFA_F_NOPREFIXROUTE = 0x200;
const RTPROT_KERNEL = 2;
const RT_SCOPE_LINK = 253;

/** The router's address on the shared link, with its subnet route at the connection's metric. */
export function sharedL3(family: Family, address: string, prefixlen: number, ctx: L3Context): L3Config {
  const cidr = `${address}/${prefixlen}`;
  const dst = (family === 4 ? ipaddr.IPv4.networkAddressFromCIDR(cidr) : ipaddr.IPv6.networkAddressFromCIDR(cidr)).toString();
  return {
    addresses: [
      {
        spec: { family, ifindex: ctx.ifindex, address, prefixlen, flags: IFA_F_NOPREFIXROUTE, replace: true, ...(family === 4 && prefixlen < 31 ? { broadcast: ipaddr.IPv4.broadcastAddressFromCIDR(cidr).toString() } : {}) },
        prefixRoute: { family, dst, dstLen: prefixlen, ifindex: ctx.ifindex, metric: ctx.metric, table: ctx.table, protocol: RTPROT_KERNEL, ...(family === 4 ? { scope: RT_SCOPE_LINK, prefsrc: address } : {}) },
      },
    ],
    routes: [],
    nameservers: [],
    domains: [],
    searches: [],
  };
}
