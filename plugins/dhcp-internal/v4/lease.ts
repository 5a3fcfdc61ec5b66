/**
 * A DHCPACK turned into the lease core applies, following what
 * NetworkManager 1.42's internal client reads from it
 * (nm-dhcp-nettools.c lease_to_ip4_config): every option is checked on its
 * own, and a malformed one is left out with a debug line naming it, never
 * taking the rest of the lease with it.
 */
import type { DhcpLease, DhcpRoute, Logger } from '../../../sdk/index.js';
import type { Dhcp4Message } from './codec.js';
import { decodeSearchList, optionText, validateDomain } from './dns-names.js';
import { bytesToHex, bytesToIp4, classfulPrefix, intToIp4, ip4ToInt, netmaskToPrefix, prefixToNetmask } from './ip4.js';
import { Opt, optionName, PARAMETER_REQUEST_LIST } from './options.js';

/** NetworkManager's "permanent" lifetime. */
export const INFINITE = 0xffffffff;

export interface LeaseTimes {
  /** Seconds from the request; undefined for an infinite lease. */
  lifetime?: number;
  t1?: number;
  t2?: number;
}

/**
 * Lease time, T1 and T2 in seconds as n-dhcp4 derives them: no option 51 or
 * 0xffffffff means infinite; T2 defaults to 7/8 of the lease and T1 to 4/7
 * of T2 (half the lease); a T2 beyond the lease or a T1 beyond T2 is
 * replaced by its default. A malformed option 51 is an error (the reply is
 * dropped); a malformed 58 or 59 is ignored.
 */
export function leaseTimes(m: Dhcp4Message, log: (msg: string) => void): LeaseTimes | { error: string } {
  const u32 = (code: number): number | undefined | null => {
    const d = m.options.get(code);
    if (!d) return undefined;
    if (d.length !== 4) return null;
    return new DataView(d.buffer, d.byteOffset, 4).getUint32(0);
  };
  const lease = u32(Opt.LEASE_TIME);
  if (lease === null) return { error: `option 51 (dhcp_lease_time) has length ${m.options.get(Opt.LEASE_TIME)!.length}, not 4` };
  const lifetime = lease === undefined || lease === INFINITE ? undefined : lease;
  let t2raw = u32(Opt.REBINDING_T2);
  let t1raw = u32(Opt.RENEWAL_T1);
  if (t2raw === null) {
    log(`error parsing DHCP option 59 (dhcp_rebinding_time): invalid length ${m.options.get(Opt.REBINDING_T2)!.length}`);
    t2raw = undefined;
  }
  if (t1raw === null) {
    log(`error parsing DHCP option 58 (dhcp_renewal_time): invalid length ${m.options.get(Opt.RENEWAL_T1)!.length}`);
    t1raw = undefined;
  }
  if (lifetime === undefined) return {};
  const t2 = t2raw === undefined || t2raw === INFINITE || t2raw > lifetime ? Math.floor((lifetime * 7) / 8) : t2raw;
  const t1 = t1raw === undefined || t1raw === INFINITE || t1raw > t2 ? Math.floor((t2 * 4) / 7) : t1raw;
  return { lifetime, t1, t2 };
}

export interface LeaseContext {
  logger: Logger;
  /** The client identifier we sent, as hex; shown as dhcp_client_identifier. */
  clientIdHex?: string;
  /** Wall-clock time (ms) the request that got this reply was first sent: the lease counts from it (RFC 2131 4.4.1). */
  requestSentAt: number;
  /** Wall-clock now (ms). */
  now: number;
}

/**
 * Build the lease; an error when the reply carries no usable address (no
 * yiaddr, a malformed subnet mask or lease time) — NetworkManager declines
 * such a lease.
 */
export function parseLease(m: Dhcp4Message, ctx: LeaseContext): { lease: DhcpLease; times: LeaseTimes } | { error: string } {
  const invalid = (code: number, what: string) => ctx.logger.debug(`error parsing DHCP option ${code} (${optionName(code)}): ${what}`);
  const options: Record<string, string> = {};
  if (ctx.clientIdHex) options.dhcp_client_identifier = ctx.clientIdHex;

  if (m.yiaddr === '0.0.0.0') return { error: 'could not get address from lease' };
  const times = leaseTimes(m, ctx.logger.debug.bind(ctx.logger));
  if ('error' in times) return times;

  const address = m.yiaddr;
  const addrInt = ip4ToInt(m.yiaddr);
  let plen: number;
  const mask = m.options.get(Opt.SUBNET_MASK);
  if (!mask) {
    // Some servers send no subnet mask (NetworkManager issue 1037): guess from the class, as dhclient does.
    plen = classfulPrefix(addrInt) || 24;
  } else if (mask.length < 4) {
    return { error: 'could not get netmask from lease' };
  } else {
    plen = netmaskToPrefix(u32at(mask, 0));
  }
  options.ip_address = address;
  options.subnet_mask = intToIp4(prefixToNetmask(plen));

  // Remaining lifetime, counted from when the request was sent.
  const elapsed = Math.max(0, Math.floor((ctx.now - ctx.requestSentAt) / 1000));
  const remaining = times.lifetime === undefined ? INFINITE : Math.max(0, times.lifetime - elapsed);
  options.dhcp_lease_time = String(remaining);
  if (times.lifetime !== undefined) options.expiry = String(Math.floor(ctx.requestSentAt / 1000) + times.lifetime);
  if (m.siaddr !== '0.0.0.0') options.next_server = m.siaddr;

  const serverIdData = m.options.get(Opt.SERVER_ID);
  let serverId: string | undefined;
  if (serverIdData && serverIdData.length >= 4) {
    serverId = bytesToIp4(serverIdData);
    options.dhcp_server_identifier = serverId;
  } else if (serverIdData) invalid(Opt.SERVER_ID, `invalid address length ${serverIdData.length}`);

  const bcast = m.options.get(Opt.BROADCAST);
  if (bcast && bcast.length >= 4) options.broadcast_address = bytesToIp4(bcast);
  else if (bcast) invalid(Opt.BROADCAST, `invalid address length ${bcast.length}`);

  // Lost routes matter more than other options: a warning, as NetworkManager gives for dhclient's.
  const { routes, gateways } = parseRoutes(m, options, (code, what) => ctx.logger.warn(`error parsing DHCP option ${code} (${optionName(code)}): ${what}`));

  const nameservers: string[] = [];
  const dns = addressList(m, Opt.DOMAIN_NAME_SERVER, options, invalid);
  for (const a of dns) {
    const n = ip4ToInt(a);
    // Like NetworkManager (and systemd-networkd), skip 0.0.0.0 and loopback name servers.
    if (n === 0 || n >>> 24 === 127) invalid(Opt.DOMAIN_NAME_SERVER, `address ${a} is ignored`);
    else if (!nameservers.includes(a)) nameservers.push(a);
  }

  const domains: string[] = [];
  const addDomain = (d: string) => {
    if (!domains.includes(d)) domains.push(d);
  };
  const domainData = m.options.get(Opt.DOMAIN_NAME);
  if (domainData) {
    const text = optionText(domainData);
    if (text === undefined) invalid(Opt.DOMAIN_NAME, 'string contains embedded NUL');
    else {
      // Several domains are sometimes stuffed into option 15, separated by spaces.
      const valid: string[] = [];
      for (const word of text.split(' ').filter(Boolean)) {
        const d = validateDomain(word);
        if (d) valid.push(d);
        else invalid(Opt.DOMAIN_NAME, `'${word}' is not a valid DNS domain`);
      }
      valid.forEach(addDomain);
      if (valid.length) options.domain_name = valid.join(' ');
    }
  }
  const searchData = m.options.get(Opt.DOMAIN_SEARCH);
  if (searchData) {
    const { names, error } = decodeSearchList(searchData);
    if (error) invalid(Opt.DOMAIN_SEARCH, error);
    names.forEach(addDomain);
    if (names.length) options.domain_search = names.join(' ');
  }

  let mtu: number | undefined;
  const mtuData = m.options.get(Opt.INTERFACE_MTU);
  if (mtuData) {
    if (mtuData.length !== 2) invalid(Opt.INTERFACE_MTU, `invalid option length ${mtuData.length}`);
    else {
      const v = (mtuData[0]! << 8) | mtuData[1]!;
      if (v < 68) invalid(Opt.INTERFACE_MTU, `value ${v} is smaller than 68`);
      else {
        mtu = v;
        options.interface_mtu = String(v);
      }
    }
  }

  let hostname: string | undefined;
  const hostData = m.options.get(Opt.HOST_NAME);
  if (hostData) {
    const text = optionText(hostData);
    if (text === undefined) invalid(Opt.HOST_NAME, 'string contains embedded NUL');
    else if (!text) invalid(Opt.HOST_NAME, 'empty value');
    else if (!(hostname = validateDomain(text))) invalid(Opt.HOST_NAME, `'${text}' is not a valid DNS domain`);
    else options.host_name = hostname;
  }

  const ntpServers = addressList(m, Opt.NTP_SERVER, options, invalid);
  addressList(m, Opt.NIS_SERVERS, options, invalid);
  addressList(m, Opt.NETBIOS_NAMESERVER, options, invalid);

  textOption(m, Opt.ROOT_PATH, options, invalid);
  textOption(m, Opt.WPAD, options, invalid);
  textOption(m, Opt.NIS_DOMAIN, options, invalid);
  textOption(m, Opt.BOOTFILE_NAME, options, invalid);
  if (m.file !== undefined) options.filename = escapeText(Buffer.from(m.file, 'latin1'));

  // Site-specific options 224-254, raw (249 and 252 are read above).
  for (let code = 224; code <= 254; code++) {
    if (code === Opt.MS_CLASSLESS_STATIC_ROUTE || code === Opt.WPAD) continue;
    const d = m.options.get(code);
    if (d) options[`private_${code}`] = bytesToHex(d);
  }
  for (const code of PARAMETER_REQUEST_LIST) options[`requested_${optionName(code)}`] = '1';

  const lease: DhcpLease = {
    family: 4,
    addresses: [{ address, prefixlen: plen, validLifetime: remaining, preferredLifetime: remaining }],
    gateways,
    routes,
    nameservers,
    domains,
    ntpServers,
    ...(mtu !== undefined ? { mtu } : {}),
    ...(hostname !== undefined ? { hostname } : {}),
    ...(serverId !== undefined ? { serverId } : {}),
    ...(times.lifetime !== undefined ? { leaseTime: times.lifetime } : {}),
    options,
  };
  return { lease, times };
}

/**
 * Routes from 121 (else 249), 33 and routers (3). RFC 3442: with classless
 * routes, option 33 is ignored; the routers are ignored only when the
 * classless routes hold a default route, as NetworkManager does.
 */
function parseRoutes(m: Dhcp4Message, options: Record<string, string>, invalid: (code: number, what: string) => void): { routes: DhcpRoute[]; gateways: string[] } {
  const routes: DhcpRoute[] = [];
  let hasClassless = false;
  let classlessDefault = false;
  for (const code of [Opt.CLASSLESS_STATIC_ROUTE, Opt.MS_CLASSLESS_STATIC_ROUTE]) {
    const d = m.options.get(code);
    if (!d) continue;
    const parsed = consumeRoutes(d, true, (what) => invalid(code, what));
    options[optionName(code)] = parsed.map((r) => `${r.dest}/${r.prefixlen} ${r.gateway}`).join(' ');
    if (!hasClassless) {
      for (const r of parsed) {
        if (r.prefixlen === 0) classlessDefault = true;
        routes.push(r);
      }
    }
    hasClassless = true;
  }
  const staticData = m.options.get(Opt.STATIC_ROUTE);
  if (staticData) {
    const parsed = consumeRoutes(staticData, false, (what) => invalid(Opt.STATIC_ROUTE, what));
    options[optionName(Opt.STATIC_ROUTE)] = parsed.map((r) => `${r.dest}/${r.prefixlen} ${r.gateway}`).join(' ');
    // RFC 3442: with classless routes the static routes are ignored; RFC 2132: 0.0.0.0 is no valid destination.
    if (!hasClassless) routes.push(...parsed.filter((r) => r.prefixlen !== 0));
  }
  const gateways: string[] = [];
  const routerData = m.options.get(Opt.ROUTER);
  if (routerData) {
    const all: string[] = [];
    for (let at = 0; at + 4 <= routerData.length; at += 4) all.push(bytesToIp4(routerData, at));
    options[optionName(Opt.ROUTER)] = all.join(' ');
    if (!classlessDefault) for (const g of all) if (g !== '0.0.0.0' && !gateways.includes(g)) gateways.push(g);
  }
  return { routes, gateways };
}

/** Routes until the data runs out or turns malformed (NetworkManager keeps the well-formed head); `invalid` hears about a malformed rest. */
function consumeRoutes(d: Uint8Array, classless: boolean, invalid: (what: string) => void): DhcpRoute[] {
  const out: DhcpRoute[] = [];
  let at = 0;
  /** Where the route being read starts: data left from there on is malformed. */
  let start = 0;
  const done = () => {
    if (start < d.length) invalid(`malformed route at byte ${start} of ${d.length}; ${out.length ? `keeping the ${out.length} route(s) before it` : 'no route used'}`);
    return out;
  };
  for (;;) {
    start = at;
    let plen: number;
    let dest: number;
    if (classless) {
      if (at >= d.length) break;
      plen = d[at++]!;
      if (plen > 32) break;
      const bytes = Math.ceil(plen / 8);
      if (at + bytes > d.length) break;
      dest = 0;
      for (let i = 0; i < bytes; i++) dest |= d[at + i]! << (24 - 8 * i);
      dest >>>= 0;
      at += bytes;
    } else {
      if (at + 4 > d.length) break;
      dest = u32at(d, at);
      at += 4;
      plen = classfulPrefix(dest);
      if (plen === 0) break;
    }
    if (at + 4 > d.length) break;
    const gateway = bytesToIp4(d, at);
    at += 4;
    out.push({ dest: intToIp4((dest & prefixToNetmask(plen)) >>> 0), prefixlen: plen, gateway });
  }
  return done();
}

/** An option holding IPv4 addresses: a non-empty multiple of 4 bytes, else ignored whole. */
function addressList(m: Dhcp4Message, code: number, options: Record<string, string>, invalid: (c: number, w: string) => void): string[] {
  const d = m.options.get(code);
  if (!d) return [];
  if (d.length === 0 || d.length % 4 !== 0) {
    invalid(code, `wrong option length ${d.length}`);
    return [];
  }
  const out: string[] = [];
  for (let at = 0; at < d.length; at += 4) out.push(bytesToIp4(d, at));
  options[optionName(code)] = out.join(' ');
  return out;
}

function textOption(m: Dhcp4Message, code: number, options: Record<string, string>, invalid: (c: number, w: string) => void): void {
  const d = m.options.get(code);
  if (!d) return;
  let n = d.length;
  while (n > 0 && d[n - 1] === 0) n--;
  if (d.subarray(0, n).includes(0)) return invalid(code, 'string contains embedded NUL');
  if (n === 0 && code === Opt.ROOT_PATH) return; // "Its minimum length is 1."
  options[optionName(code)] = escapeText(d.subarray(0, n));
}

/** Printable ASCII as is, everything else as "\ooo" (NetworkManager's utf8safe escape keeps UTF-8; we stay conservative). */
function escapeText(b: Uint8Array): string {
  let s = '';
  for (const c of b) s += c >= 0x20 && c < 0x7f && c !== 0x5c ? String.fromCharCode(c) : `\\${c.toString(8).padStart(3, '0')}`;
  return s;
}

function u32at(d: Uint8Array, at: number): number {
  return ((d[at]! << 24) | (d[at + 1]! << 16) | (d[at + 2]! << 8) | d[at + 3]!) >>> 0;
}
