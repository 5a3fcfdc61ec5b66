/**
 * The router's addresses on a shared link (`ipv4.method shared`,
 * `ipv6.method shared`), chosen before any kernel call. Pure: the caller
 * passes what is in use and the machine id, so the choice is unit-tested.
 *
 * IPv4 follows NetworkManager 1.42 (nm-netns.c, nm_netns_shared_ip_reserve;
 * nm-device.c, _dev_ipshared4_new_l3cd; nm-dnsmasq-utils.c,
 * nm_dnsmasq_utils_get_range). IPv6 takes a /64 of a prefix delegated from
 * upstream as NetworkManager 1.42 numbers them (delegatedSubnet; the pool is
 * in dynamic/prefix-delegation.ts); without one nmk takes a /64 out of a ULA
 * /48 (RFC 4193) that is stable for the machine, where NetworkManager 1.42
 * advertises no prefix at all.
 */
import { createHash } from '../../sdk/crypto.js';
import ipaddr from 'ipaddr.js';

/** An address on some link. */
export interface AddressInUse {
  address: string;
  prefixlen: number;
  /** The link it is on; addresses on the link being shared are not "in use" (its own old address must not push it on). */
  ifindex?: number;
}

export interface SharedIpv4 {
  /** The router's address, e.g. 10.42.0.1. */
  address: string;
  prefixlen: number;
  /** The range handed to clients, as NetworkManager 1.42 gives it to dnsmasq. */
  rangeStart: string;
  rangeEnd: string;
}

export interface SharedIpv6 {
  /** The /64 advertised to clients, e.g. fd12:3456:789a:1b2c:: */
  prefix: string;
  prefixlen: 64;
  /** The router's address in it (<prefix>1). */
  address: string;
}

/** 10.42.0.1: NetworkManager's first shared address; the third octet counts up. */
const SHARED_BASE = 0x0a2a0001;
const SHARED_SUBNETS = 256;

function ipv4ToNumber(text: string): number {
  return ipaddr.IPv4.parse(text).octets.reduce((n, o) => n * 256 + o, 0);
}

function numberToIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 0xff).join('.');
}

function netmask(prefixlen: number): number {
  return prefixlen === 0 ? 0 : (0xffffffff << (32 - prefixlen)) >>> 0;
}

function isIpv4(text: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(text);
}

/**
 * The DHCP range for the router's address, as NetworkManager 1.42 computes it
 * (nm_dnsmasq_utils_get_range): within the address's /24 at most, the larger
 * side of the subnet from the router, leaving up to 8 addresses (10 %) free
 * next to the router. 10.42.0.1/24 gives 10.42.0.10 - 10.42.0.254.
 * Throws for a prefix longer than /30 (no room for clients), as NetworkManager refuses it.
 */
export function sharedDhcpRange(address: string, prefixlen: number): { rangeStart: string; rangeEnd: string } {
  if (prefixlen > 30) throw new Error(`shared address ${address}/${prefixlen}: prefix /${prefixlen} is too small for DHCP (at most /30)`);
  const NUM = 256;
  const mask = netmask(Math.max(prefixlen, 24));
  const network = (n: number) => (n & mask) >>> 0;
  const broadcast = (n: number) => (n | ~mask) >>> 0;
  let host = ipv4ToNumber(address);
  // The network or broadcast address itself is moved one inwards.
  if (host === network(host)) host++;
  else if (host === broadcast(host)) host--;
  let first = network(host) + 1;
  let last = broadcast(host) - 1;
  const mid = (network(host) | (Math.floor((first + last) / 2) & ~mask)) >>> 0;
  if (host > mid) {
    const reserved = Math.min(Math.floor((host - first) / 10), 8);
    last = host - 1 - reserved;
    first = Math.max(first, last > NUM ? last - NUM : 0);
  } else {
    const reserved = Math.min(Math.floor((last - host) / 10), 8);
    first = host + 1 + reserved;
    last = Math.min(last, first < 0xffffffff - NUM ? first + NUM : 0xffffffff);
  }
  return { rangeStart: numberToIpv4(first), rangeEnd: numberToIpv4(last) };
}

/**
 * The router's IPv4 address on a shared link: the profile's first address
 * when it has one (NetworkManager uses it with its prefix), else 10.42.x.1/24
 * with x from 0 up, skipping each /24 that holds an address in use on another
 * link. NetworkManager 1.42 skips only the subnets of its other shared
 * connections; skipping every address in use also keeps clear of an upstream
 * that hands out 10.42.0.x. When all 256 are taken NetworkManager reuses
 * 10.42.255.1/24, and so does this.
 */
export function chooseSharedIpv4(opts: {
  profileAddress?: { address: string; prefixlen: number };
  inUse: Iterable<AddressInUse>;
  /** The link being shared; its own addresses are not counted as in use. */
  ifindex?: number;
}): SharedIpv4 {
  if (opts.profileAddress) {
    const { address, prefixlen } = opts.profileAddress;
    return { address, prefixlen, ...sharedDhcpRange(address, prefixlen) };
  }
  const taken = new Set<number>();
  for (const a of opts.inUse) {
    if (opts.ifindex !== undefined && a.ifindex === opts.ifindex) continue;
    if (isIpv4(a.address)) taken.add(ipv4ToNumber(a.address) >>> 8);
  }
  let chosen = SHARED_BASE + (SHARED_SUBNETS - 1) * 256;
  for (let x = 0; x < SHARED_SUBNETS; x++) {
    const candidate = SHARED_BASE + x * 256;
    if (!taken.has(candidate >>> 8)) {
      chosen = candidate;
      break;
    }
  }
  const address = numberToIpv4(chosen);
  return { address, prefixlen: 24, ...sharedDhcpRange(address, 24) };
}

/** The 16 bytes of /etc/machine-id (32 hex digits); throws naming a bad value. */
function machineIdBytes(machineId: string): Buffer {
  const text = machineId.trim();
  if (!/^[0-9a-fA-F]{32}$/.test(text)) throw new Error(`machine id '${machineId}' is not 32 hexadecimal digits`);
  return Buffer.from(text, 'hex');
}

/**
 * The ULA /48 of this machine (RFC 4193 section 3.2.2: the least significant
 * 40 bits of a SHA-1 digest, after fd). The RFC hashes the time and an EUI-64
 * so that the ID is random; hashing the machine id (with nmk's own label, so
 * the ID does not reveal it) keeps it random across machines and stable on
 * one, so clients keep their addresses across reboots.
 */
export function sharedUlaPrefix48(machineId: string): Buffer {
  const digest = createHash('sha1').update(machineIdBytes(machineId)).update('nmk shared ULA').digest();
  const prefix = Buffer.alloc(16);
  prefix[0] = 0xfd;
  digest.copy(prefix, 1, digest.length - 5);
  return prefix;
}

/**
 * A /64 for an IPv6-shared link that has no delegated prefix: the machine's
 * ULA /48 with a subnet ID derived from the interface name (stable for the
 * link), moved on by one while a /64 holds an address in use on another link.
 */
export function chooseSharedIpv6Ula(opts: {
  machineId: string;
  ifname: string;
  inUse?: Iterable<AddressInUse>;
  /** The link being shared; its own addresses are not counted as in use. */
  ifindex?: number;
}): SharedIpv6 {
  const prefix = sharedUlaPrefix48(opts.machineId);
  const taken = new Set<string>();
  for (const a of opts.inUse ?? []) {
    if (opts.ifindex !== undefined && a.ifindex === opts.ifindex) continue;
    if (isIpv4(a.address) || !ipaddr.IPv6.isValid(a.address)) continue;
    taken.add(Buffer.from(ipaddr.IPv6.parse(a.address).toByteArray().slice(0, 8)).toString('hex'));
  }
  const digest = createHash('sha1').update(prefix.subarray(0, 6)).update(opts.ifname).digest();
  let subnet = digest.readUInt16BE(0);
  for (let tries = 0; tries < 0x10000; tries++, subnet = (subnet + 1) & 0xffff) {
    prefix.writeUInt16BE(subnet, 6);
    if (!taken.has(prefix.subarray(0, 8).toString('hex'))) break;
  }
  const text = ipaddr.fromByteArray([...prefix]).toString();
  const router = Buffer.from(prefix);
  router[15] = 1;
  return { prefix: text, prefixlen: 64, address: ipaddr.fromByteArray([...router]).toString() };
}

/** How many /64 subnets a delegated prefix holds (none for one longer than /64, which cannot carry SLAAC). */
export function delegatedSubnetCount(prefixlen: number): bigint {
  return prefixlen > 64 || prefixlen < 0 ? 0n : 1n << BigInt(64 - prefixlen);
}

/**
 * The /64 number `index` of a delegated prefix, with the router's address
 * (<subnet>::1), as NetworkManager 1.42 carves it (nm-policy.c,
 * ip6_subnet_from_delegation; nm-device.c, nm_device_use_ip6_subnet): the
 * index is ORed into the low bits of the first 64, so 2001:db8:0:100::/56
 * gives 2001:db8:0:100::/64, then :101::/64... Undefined when the prefix has
 * no subnet of that number.
 */
export function delegatedSubnet(prefix: string, prefixlen: number, index: bigint): SharedIpv6 | undefined {
  if (index < 0n || index >= delegatedSubnetCount(prefixlen) || !ipaddr.IPv6.isValid(prefix)) return undefined;
  const bytes = Buffer.from(ipaddr.IPv6.parse(prefix).toByteArray());
  const mask = prefixlen === 0 ? 0n : ((1n << BigInt(prefixlen)) - 1n) << BigInt(64 - prefixlen);
  bytes.writeBigUInt64BE((bytes.readBigUInt64BE(0) & mask) | index, 0);
  bytes.fill(0, 8);
  const text = ipaddr.fromByteArray([...bytes]).toString();
  bytes[15] = 1;
  return { prefix: text, prefixlen: 64, address: ipaddr.fromByteArray([...bytes]).toString() };
}
