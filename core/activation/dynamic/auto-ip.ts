/**
 * Starts the automatic part of one family for an activation: DHCPv4 for
 * ipv4.method auto, router discovery (and DHCPv6 when the router's M/O flags
 * ask) for ipv6.method auto, DHCPv6 alone for ipv6.method dhcp, and the
 * router side for ipv4/ipv6.method shared. It builds each client's request
 * from the profile as NetworkManager does (timeouts, hostname, client id,
 * DUID, IAID, lease file names) and resolves with whether the family came up.
 */
import os from 'node:os';
import path from 'node:path';
import { connectionDefaultsOf, deviceMatchOf, type ConfigView, type ConnectionSettings, type DhcpClientFactory, type DhcpRequest, type Family, type Logger, type Ndisc, type SharingProvider, type SharingSession } from '../../../sdk/index.js';
import type { Device } from '../../devices/device.js';
import type { ActiveConnection } from '../active-connection.js';
import { defaultRouteMetric, type IpPlan } from '../ip-plan.js';
import { DynamicIp, type DynamicIpHost } from './dynamic-ip.js';
import { sharedL3 } from './shared-l3.js';
import type { PrefixDelegation } from './prefix-delegation.js';
import type { SharedIpv6 } from '../shared-address.js';
import type { L3Context } from './l3-config.js';

/** NetworkManager-exact identifiers (core/ip): how the host and the profile name themselves to DHCP servers and routers. */
export interface DhcpIdentities {
  /** IPv4 client identifier bytes as hex ("01:aa:..."), or undefined to send none; `client` is the DHCP plugin's name (defaults differ). */
  clientId4(settings: ConnectionSettings, device: Device, client?: string): string | undefined;
  iaid(family: Family, settings: ConnectionSettings, device: Device): number;
  /** The DHCPv6 DUID bytes as hex. */
  duid(settings: ConnectionSettings, device: Device): string;
  /** connection.stable-id resolved (the UUID when unset). */
  stableId(settings: ConnectionSettings, device: Device): string;
  /** What kind of stable id that is: NetworkManager salts stable-privacy hashes with it. */
  stableType(settings: ConnectionSettings, device: Device): 'uuid' | 'stable-id' | 'generated' | 'random';
  /** The host's secret key (stable-privacy addresses). */
  secretKey(): Uint8Array;
}

export interface AutoIpServices {
  /** The DHCP client `[main] dhcp=` names for the family (internal when that one is missing). */
  dhcpClient(family: Family): DhcpClientFactory | undefined;
  ndisc(): Ndisc | undefined;
  sharing(): SharingProvider | undefined;
  identities: DhcpIdentities;
  config: ConfigView;
  /** Where lease files go. */
  stateDir: string;
  /** Sharing: where the router's address and the clients' prefix come from. */
  sharedAddress4(ac: ActiveConnection): { address: string; prefixlen: number; rangeStart: string; rangeEnd: string };
  sharedPrefix6(ac: ActiveConnection): { prefix: string; prefixlen: number; address: string };
  /** IPv6 sharing: /64s of prefixes delegated from upstream (without it, the ULA alone). */
  delegation?: PrefixDelegation;
}

/** Seconds NetworkManager waits for DHCP when neither the profile nor the config says (nm-device.c). */
const DHCP_TIMEOUT_DEFAULT = 45;
/** Seconds to wait for a first router advertisement when ra-timeout is 0 (the sysctl-derived default is about this). */
const RA_TIMEOUT_DEFAULT = 30;
/** "Infinity" in the timeout properties. */
const FOREVER = 2147483647;

const SETTING: Record<Family, 'ipv4' | 'ipv6'> = { 4: 'ipv4', 6: 'ipv6' };

function num(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The profile's value, else the device's `[connection*] ipv4.KEY` from the config, else the default. */
function timeoutOf(settings: ConnectionSettings, family: Family, key: string, config: ConfigView, device: Device, fallback: number): number {
  const own = num(settings[SETTING[family]]?.[key]) ?? 0;
  const seconds = own > 0 ? own : connectionDefaultsOf(config).getInteger(`${SETTING[family]}.${key}`, deviceMatchOf(device), 0) || fallback;
  return seconds >= FOREVER ? 0 : seconds;
}

export function l3Context(ac: ActiveConnection, family: Family): L3Context {
  const ip = ac.applied[SETTING[family]] ?? {};
  const metricSetting = num(ip['route-metric']) ?? -1;
  let metric = metricSetting >= 0 ? metricSetting : defaultRouteMetric(ac.device.deviceType);
  if (family === 6 && metric === 0) metric = 1024;
  const table = (num(ip['route-table']) ?? 0) > 0 ? (ip['route-table'] as number) : 254;
  const privacy = num(ip['ip6-privacy']);
  return {
    family,
    ifindex: ac.device.ifindex,
    metric,
    table,
    neverDefault: ip['never-default'] === true,
    ignoreAutoRoutes: ip['ignore-auto-routes'] === true,
    ignoreAutoDns: ip['ignore-auto-dns'] === true,
    privacy: privacy === 1 || privacy === 2,
  };
}

/** The hostname sent to DHCP servers: the profile's, else the machine's (not "localhost"), unless dhcp-send-hostname is off. */
function hostnameToSend(settings: ConnectionSettings, family: Family): { hostname?: string; fqdn?: string } {
  const ip = settings[SETTING[family]] ?? {};
  if (ip['dhcp-send-hostname'] === false) return {};
  const fqdn = family === 4 ? str(ip['dhcp-fqdn']) : undefined;
  if (fqdn) return { fqdn };
  const name = str(ip['dhcp-hostname']) ?? os.hostname();
  if (!name || name === 'localhost' || name.startsWith('localhost.')) return {};
  // A dotted name goes out as an FQDN option, as NetworkManager sends it.
  return name.includes('.') ? { fqdn: name } : { hostname: name };
}

function acd(own: unknown, config: ConfigView, device: Device): { acdTimeout?: number } {
  const ms = typeof own === 'number' && own >= 0 ? own : connectionDefaultsOf(config).getInteger('ipv4.dad-timeout', deviceMatchOf(device), 0);
  return ms > 0 ? { acdTimeout: ms } : {};
}

export function dhcpRequest(ac: ActiveConnection, family: Family, services: AutoIpServices, client: string, extra: Partial<DhcpRequest> = {}): DhcpRequest {
  const d = ac.device;
  const settings = ac.applied;
  const ip = settings[SETTING[family]] ?? {};
  const ids = services.identities;
  const reject = ip['dhcp-reject-servers'];
  return {
    family,
    ifindex: d.ifindex,
    ifname: d.name,
    hwaddr: d.link.mac,
    uuid: ac.uuid,
    stableId: ids.stableId(settings, d),
    clientId: family === 4 ? ids.clientId4(settings, d, client) : ids.duid(settings, d),
    iaid: ids.iaid(family, settings, d),
    ...hostnameToSend(settings, family),
    ...(family === 4 && str(ip['dhcp-vendor-class-identifier']) ? { vendorClass: str(ip['dhcp-vendor-class-identifier']) } : {}),
    timeout: timeoutOf(settings, family, 'dhcp-timeout', services.config, d, DHCP_TIMEOUT_DEFAULT),
    rejectServers: Array.isArray(reject) ? reject.map(String) : [],
    // ipv4.dad-timeout: -1 takes the device's `[connection*] ipv4.dad-timeout`, whose default is 0 (no ARP probe) in NetworkManager 1.42.
    ...(family === 4 ? acd(ip['dad-timeout'], services.config, d) : {}),
    // NetworkManager's lease file names: internal-UUID-IFNAME.lease, dhclient6-UUID-IFNAME.lease...
    leaseFile: path.join(services.stateDir, `${client}${family === 6 ? '6' : ''}-${ac.uuid}-${d.name}.lease`),
    ...extra,
  };
}

export type AutoStart = { dyn: DynamicIp; ready: Promise<boolean> } | { error: string };

/** Start the family's automatic method; an error names what is missing (no DHCP client plugin...). */
export function startAutoIp(ac: ActiveConnection, plan: IpPlan, services: AutoIpServices, host: DynamicIpHost, logger: Logger): AutoStart {
  const family = plan.family;
  const dyn = new DynamicIp(family, l3Context(ac, family), host);
  const dhcp = (infoOnly: boolean) => {
    const factory = services.dhcpClient(6);
    if (!factory) {
      logger.warn('IPv6: the router asks for DHCPv6 but no DHCPv6 client plugin is loaded');
      return undefined;
    }
    return dyn.startDhcp('dhcp6', factory, dhcpRequest(ac, 6, services, factory.name, { infoOnly }), infoOnly);
  };
  switch (plan.dynamic) {
    case 'dhcp': {
      const factory = services.dhcpClient(family);
      if (!factory) return { error: `no DHCPv${family} client plugin is loaded (check [main] dhcp= and [plugins])` };
      const source = family === 4 ? 'dhcp4' : 'dhcp6';
      return { dyn, ready: dyn.startDhcp(source, factory, dhcpRequest(ac, family, services, factory.name)) };
    }
    case 'ndisc': {
      const ndisc = services.ndisc();
      if (!ndisc) return { error: 'no IPv6 router discovery plugin (ndisc) is loaded' };
      const ip = ac.applied.ipv6 ?? {};
      const mode = num(ip['addr-gen-mode']);
      const request = {
        ifindex: ac.device.ifindex,
        ifname: ac.device.name,
        hwaddr: ac.device.link.mac,
        // 0 eui64 and 2 default-or-eui64 make EUI-64 identifiers; stable-privacy otherwise (NetworkManager's default).
        addrGenMode: mode === 0 || mode === 2 ? ('eui64' as const) : ('stable-privacy' as const),
        stableId: services.identities.stableId(ac.applied, ac.device),
        stableType: services.identities.stableType(ac.applied, ac.device),
        ...(str(ip.token) ? { token: str(ip.token) } : {}),
        timeout: timeoutOf(ac.applied, 6, 'ra-timeout', services.config, ac.device, RA_TIMEOUT_DEFAULT),
        secretKey: services.identities.secretKey(),
      };
      return { dyn, ready: dyn.startNdisc(ndisc, request, dhcp) };
    }
    case 'shared': {
      const provider = services.sharing();
      if (!provider) return { error: 'no sharing plugin is loaded' };
      return { dyn, ready: startShared(ac, family, dyn, provider, services, logger) };
    }
    default:
      return { error: `method '${plan.method}' has no automatic part` };
  }
}

async function startShared(ac: ActiveConnection, family: Family, dyn: DynamicIp, provider: SharingProvider, services: AutoIpServices, logger: Logger): Promise<boolean> {
  const d = ac.device;
  const ctx = dyn.ctx;
  try {
    if (family === 4) {
      const { address, prefixlen, rangeStart, rangeEnd } = services.sharedAddress4(ac);
      await dyn.update('shared', sharedL3(4, address, prefixlen, ctx));
      // NetworkManager's dnsmasq hands out leases of one hour.
      dyn.own(await provider.start({ ifindex: d.ifindex, ifname: d.name, uuid: ac.uuid, ipv4: { address, prefixlen, rangeStart, rangeEnd, leaseTime: 3600 } }));
    } else {
      await startShared6(ac, dyn, provider, services, logger);
    }
    return true;
  } catch (err) {
    logger.warn(`IPv${family} sharing on ${d.name} failed: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  }
}

/**
 * IPv6 sharing: a /64 of a prefix delegated from upstream when one comes
 * within the pool's wait, else the ULA; later the link moves (its address
 * and the advertised prefix) whenever the pool hands it another /64 or takes
 * it away. Throws when the first share cannot start.
 */
async function startShared6(ac: ActiveConnection, dyn: DynamicIp, provider: SharingProvider, services: AutoIpServices, logger: Logger): Promise<void> {
  const d = ac.device;
  const ula = services.sharedPrefix6(ac);
  let session: SharingSession | undefined;
  let served: string | undefined;
  let closed = false;
  let chain: Promise<void> = Promise.resolve();
  const use = (choice: SharedIpv6 | { prefix: string; prefixlen: number; address: string }): Promise<void> => {
    const step = chain.then(async () => {
      if (closed || served === choice.prefix) return;
      // The old share goes first: the sharing plugin serves one IPv6 prefix per link.
      const old = session;
      session = undefined;
      served = undefined;
      await old?.stop();
      await dyn.update('shared', sharedL3(6, choice.address, choice.prefixlen, dyn.ctx));
      if (closed) return;
      session = await provider.start({ ifindex: d.ifindex, ifname: d.name, uuid: ac.uuid, ipv6: { prefix: choice.prefix, prefixlen: choice.prefixlen, address: choice.address } });
      served = choice.prefix;
    });
    chain = step.catch(() => undefined);
    return step;
  };
  const moved = (subnet: SharedIpv6 | undefined) =>
    use(subnet ?? ula).catch((err: unknown) => logger.warn(`IPv6 sharing on ${d.name} could not move to ${(subnet ?? ula).prefix}/64: ${err instanceof Error ? err.message : String(err)}`));

  const pool = services.delegation;
  let wake: (() => void) | undefined;
  let waiting = true;
  const member = pool?.join(ac, (subnet) => {
    if (waiting) wake?.();
    else void moved(subnet);
  });
  dyn.own({
    stop: async () => {
      closed = true;
      member?.leave();
      wake?.();
      await chain;
      await session?.stop();
    },
  });
  if (member && !member.subnet && member.waiting) {
    logger.info(`IPv6 sharing on ${d.name}: waiting up to ${pool!.waitMs / 1000} s for a delegated prefix`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, pool!.waitMs);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
  // From here on every change moves the link (after the first share, in order).
  waiting = false;
  await use(member?.subnet ?? ula);
}

/**
 * Ask the upstream for prefixes to share: a DHCPv6 client of its own on the
 * upstream (source dhcp6-pd), IA_PD only, as NetworkManager asks even when
 * the router's M flag is off. It keeps asking until a server delegates (no
 * timeout), and its failure never touches the upstream connection.
 */
export function requestPrefixes(upstream: ActiveConnection, dyn: DynamicIp, services: AutoIpServices, logger: Logger): Promise<boolean> | undefined {
  const factory = services.dhcpClient(6);
  if (!factory) {
    logger.warn(`ipv6-pd: no DHCPv6 client plugin is loaded to ask ${upstream.device.name} for a prefix`);
    return undefined;
  }
  const request = dhcpRequest(upstream, 6, services, factory.name, {
    infoOnly: true,
    prefixDelegation: true,
    timeout: 0,
    // Its own lease file: the upstream's DHCPv6 client keeps its own.
    leaseFile: path.join(services.stateDir, `${factory.name}6-pd-${upstream.uuid}-${upstream.device.name}.lease`),
  });
  return dyn.startDhcp('dhcp6-pd', factory, request, true);
}
