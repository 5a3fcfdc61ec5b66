/** Identity of addresses and routes as the kernel sees them, as compact string keys. */
import type { Address, Route } from '../../sdk/index.js';

export function addressKey(a: Pick<Address, 'family' | 'ifindex' | 'address' | 'prefixlen'>): string {
  return `${a.family}|${a.ifindex}|${a.address}/${a.prefixlen}`;
}

export function routeKey(r: Pick<Route, 'family' | 'table' | 'dst' | 'dstLen' | 'metric' | 'ifindex' | 'type'>): string {
  return `${r.family}|${r.table}|${r.dst}/${r.dstLen}|${r.metric}|${r.ifindex}|${r.type}`;
}
