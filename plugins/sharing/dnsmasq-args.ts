/**
 * dnsmasq's command line for one shared link. The IPv4 part is
 * NetworkManager 1.42's (nm-dnsmasq-manager.c, create_dm_cmd_line), in its
 * order; nmk adds what it needs on top, each said below: the interface
 * binding, logging to stderr (nmkd reads it), the root-relative resolv.conf
 * and, for IPv6 (which NetworkManager 1.42 serves with its own router code),
 * dnsmasq's router advertisements.
 */
import type { SharingRequest } from '../../sdk/index.js';

export interface DnsmasqFiles {
  pidFile: string;
  leaseFile: string;
  /**
   * The resolv.conf whose servers dnsmasq forwards DNS queries to (the host's, under nmk's root).
   * Undefined when its folder is missing: dnsmasq refuses to start then (it cannot watch the file),
   * so it runs with no upstream servers.
   */
  resolvFile?: string;
  /** A folder of extra dnsmasq options (NetworkManager's dnsmasq-shared.d), when it exists. */
  confDir?: string;
}

/** NetworkManager's default shared lease time (60 minutes). */
export const DEFAULT_LEASE_TIME = 3600;
/** A lease time at or above this means an infinite lease (G_MAXINT32 in NetworkManager). */
const INFINITE_LEASE = 0x7fffffff;

function leaseTimeArg(seconds: number): string {
  const t = seconds > 0 ? seconds : DEFAULT_LEASE_TIME;
  return t >= INFINITE_LEASE ? 'infinite' : String(Math.floor(t));
}

export function dnsmasqArgs(request: SharingRequest, files: DnsmasqFiles, opts: { debug?: boolean } = {}): string[] {
  const { ipv4, ipv6 } = request;
  const args: string[] = [];
  // NetworkManager logs every DHCP exchange and query only at trace level.
  if (opts.debug) args.push('--log-dhcp', '--log-queries');
  args.push(
    // No /etc/dnsmasq.conf: a system config would mix in its own options (a bogus gateway...).
    '--conf-file=/dev/null',
    '--no-hosts',
    '--keep-in-foreground',
    // Bound to this link's addresses only, so one dnsmasq per shared link (and the host's own) can run side by side.
    '--bind-interfaces',
    '--except-interface=lo',
    '--clear-on-reload',
    // VPN name servers come first in resolv.conf and must be asked first.
    '--strict-order',
  );
  if (ipv4) {
    args.push(`--listen-address=${ipv4.address}`);
    args.push(`--dhcp-range=${ipv4.rangeStart},${ipv4.rangeEnd},${leaseTimeArg(ipv4.leaseTime)}`);
  }
  if (ipv6) {
    args.push(`--listen-address=${ipv6.address}`);
    // Stateless: SLAAC in the prefix, DNS by RDNSS and by DHCPv6 information requests.
    args.push('--enable-ra', `--dhcp-range=${ipv6.prefix},ra-stateless,${ipv6.prefixlen}`);
    args.push(`--dhcp-option=option6:dns-server,[${ipv6.address}]`);
  }
  args.push(
    `--dhcp-leasefile=${files.leaseFile}`,
    `--pid-file=${files.pidFile}`,
    // nmk: the link by name too (its link-local address answers DNS), its log on stderr, and the root's resolv.conf.
    `--interface=${request.ifname}`,
    '--log-facility=-',
    files.resolvFile ? `--resolv-file=${files.resolvFile}` : '--no-resolv',
  );
  if (files.confDir) args.push(`--conf-dir=${files.confDir}`);
  return args;
}
