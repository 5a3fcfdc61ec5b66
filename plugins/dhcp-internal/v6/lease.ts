/**
 * From a server's REPLY (or ADVERTISE) to what the client keeps: the IAs
 * that count, the timers (T1, T2, expiry) as sd-dhcp6-client computes them,
 * and the DhcpLease core applies, with the options NetworkManager shows in
 * DHCP6Config (nm-dhcp-systemd.c, lease_to_ip6_config; names from
 * nm-dhcp-options.c).
 */
import type { DhcpLease } from '../../../sdk/index.js';
import { Opt, STATUS_NAMES, type Dhcp6Message, type Ia } from './codec.js';

/** 0xffffffff: an infinite lifetime or time (RFC 8415 7.7). */
export const INFINITY = 0xffffffff;

export interface Dhcp6Binding {
  /** The IA_NA and IA_PD with our IAID that carry at least one address or prefix. */
  iaNa?: Ia;
  iaPd?: Ia;
  serverId: Buffer;
  /** Seconds; INFINITY for never. */
  t1: number;
  t2: number;
  valid: number;
}

/** What made a message unusable, for the log. */
export type Rejection = { reason: string };

function describeStatus(st: { code: number; message: string }): string {
  const name = STATUS_NAMES[st.code] ?? `status ${st.code}`;
  return st.message ? `${name} (${st.message})` : name;
}

/** Our IA of a type, if the server gave it with something in it and without a failure status. */
function pickIa(msg: Dhcp6Message, type: Opt.IaNa | Opt.IaPd, iaid: number, notes: string[]): Ia | undefined {
  let found: Ia | undefined;
  for (const ia of msg.ias) {
    if (ia.type !== type) continue;
    const label = type === Opt.IaNa ? 'IA_NA' : 'IA_PD';
    // IAs with another IAID are not ours (RFC 8415 18.2.10); only the first of ours counts, as systemd.
    if (ia.iaid !== iaid) notes.push(`${label} with IAID ${ia.iaid}, not ours, ignored`);
    else if (found) notes.push(`second ${label} ignored`);
    else if (ia.status) notes.push(`${label}: ${describeStatus(ia.status)}`);
    else if (type === Opt.IaNa ? ia.addresses.length === 0 : ia.prefixes.length === 0) notes.push(`${label} without a usable ${type === Opt.IaNa ? 'address' : 'prefix'}`);
    else found = ia;
  }
  return found;
}

/**
 * The binding a message offers, as sd-dhcp6-client's lease parser decides:
 * our client id must be echoed; a failure status at the top refuses the
 * whole message; it needs a server id and an IA with something in it. If T2
 * is 0 or beyond the shortest valid lifetime, T1 and T2 become 1/2 and 4/5
 * of that lifetime.
 */
export function bindingFrom(msg: Dhcp6Message, want: { clientId: Buffer; iaid: number; addresses: boolean; prefixes: boolean }): Dhcp6Binding | Rejection {
  if (!msg.clientId) return { reason: 'no client id' };
  if (!msg.clientId.equals(want.clientId)) return { reason: 'another client id' };
  if (msg.status) return { reason: describeStatus(msg.status) };
  if (!msg.serverId) return { reason: 'no server id' };
  const notes: string[] = [];
  const iaNa = want.addresses ? pickIa(msg, Opt.IaNa, want.iaid, notes) : undefined;
  const iaPd = want.prefixes ? pickIa(msg, Opt.IaPd, want.iaid, notes) : undefined;
  // NetworkManager refuses a managed-mode lease without an address ("no address received in managed mode").
  if (want.addresses && !iaNa) return { reason: notes.join('; ') || 'no IA_NA address' };
  if (!iaNa && !iaPd) return { reason: notes.join('; ') || 'no IA_PD prefix' };

  let t1 = INFINITY;
  let t2 = INFINITY;
  let valid = INFINITY;
  for (const ia of [iaNa, iaPd]) {
    if (!ia) continue;
    t1 = Math.min(t1, ia.t1);
    t2 = Math.min(t2, ia.t2);
    for (const a of ia.addresses) valid = Math.min(valid, a.valid);
    for (const p of ia.prefixes) valid = Math.min(valid, p.valid);
  }
  if (t2 === 0 || t2 > valid) {
    t1 = Math.floor(valid / 2);
    t2 = Math.floor(valid / 10) * 8;
  }
  return { iaNa, iaPd, serverId: msg.serverId, t1, t2, valid };
}

export interface LeaseContext {
  /** Our DUID as "aa:bb:..." (the option dhcp6_client_id). */
  duidHex: string;
  iaid: number;
  /** Where the message came from (a link-local address). */
  server?: string;
  infoOnly: boolean;
}

function iaidHex(iaid: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(iaid >>> 0, 0);
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/**
 * The lease core applies. NTP servers: names and addresses from option 56,
 * else the deprecated SNTP option 31 (only when 56 has neither, as systemd).
 */
export function leaseFrom(msg: Dhcp6Message, binding: Dhcp6Binding | undefined, ctx: LeaseContext): DhcpLease {
  const ntpAddresses = msg.ntpAddresses.length ? msg.ntpAddresses : msg.ntpNames.length ? [] : msg.sntp;
  const ntpServers = [...msg.ntpNames, ...ntpAddresses];
  const addresses = (binding?.iaNa?.addresses ?? []).map((a) => ({ address: a.address, prefixlen: 128, validLifetime: a.valid, preferredLifetime: a.preferred }));
  const options: Record<string, string> = { dhcp6_client_id: ctx.duidHex, iaid: iaidHex(ctx.iaid) };
  if (!ctx.infoOnly && addresses.length) options.ip6_address = addresses.map((a) => a.address).join(' ');
  if (msg.dns.length) options.dhcp6_name_servers = msg.dns.join(' ');
  if (msg.domains.length) options.dhcp6_domain_search = msg.domains.join(' ');
  if (msg.fqdn) options.fqdn_fqdn = msg.fqdn;
  if (ntpServers.length) options.dhcp6_ntp_servers = ntpServers.join(' ');
  const lease: DhcpLease = {
    family: 6,
    addresses,
    gateways: [],
    routes: [],
    nameservers: [...new Set(msg.dns)],
    domains: msg.domains,
    ntpServers,
    serverId: ctx.server,
    options,
  };
  if (binding?.iaPd) lease.delegatedPrefixes = binding.iaPd.prefixes.map((p) => ({ prefix: p.prefix, prefixlen: p.prefixlen, validLifetime: p.valid, preferredLifetime: p.preferred }));
  if (binding) lease.leaseTime = binding.valid;
  return lease;
}
