/**
 * The Platform contract: what nmk needs from the operating system's network
 * stack. The Linux implementation (plugins/platform-linux) speaks rtnetlink;
 * the fake one (plugins/platform-fake) keeps the same semantics in memory for
 * unit tests. Everything here is plain data so that events can be queued,
 * coalesced and compared without touching the kernel again.
 */
import type { BridgeVlan } from './settings/records/bridge-vlans.js';

/** Address family as the kernel numbers it (AF_INET, AF_INET6). */
export type Family = 4 | 6;

/** Kind-specific link data, decoded from IFLA_INFO_DATA (bond, vlan, bridge...). */
export type LinkInfoData = Record<string, string | number | boolean | undefined>;

export interface Link {
  ifindex: number;
  name: string;
  /**
   * IFLA_INFO_KIND ("bridge", "veth", "bond", "vlan", "macvlan"...), or "" for
   * links the kernel reports no kind for (physical NICs, loopback).
   */
  kind: string;
  /** ARPHRD_* hardware type (1 ethernet, 772 loopback...). */
  arptype: number;
  /** IFF_* flags as the kernel reports them. */
  flags: number;
  /** Administratively up (IFF_UP). */
  up: boolean;
  /** Lower layer up (IFF_LOWER_UP): the carrier. */
  carrier: boolean;
  /** IFLA_OPERSTATE name: "up", "down", "unknown", "lowerlayerdown"... */
  operstate: string;
  mtu: number;
  /** Colon-separated lowercase MAC, or "" when the link has none. */
  mac: string;
  /** ifindex of the controller (IFLA_MASTER), 0 when none. */
  master: number;
  /** ifindex of the parent link (IFLA_LINK: vlan/macvlan parent, veth peer), 0 when none. */
  parent: number;
  /** Decoded kind-specific data, when the kind is known to the platform. */
  info?: LinkInfoData;
  /** IFLA_INFO_SLAVE_KIND when this link is a port ("bond", "bridge"). */
  portKind?: string;
  /**
   * Decoded IFLA_INFO_SLAVE_DATA: the link's options as a port of its
   * controller, by the names LinkChange.portOptions takes (a bridge port's
   * "priority", "path_cost", "hairpin_mode"), when the platform knows the
   * port kind's options. The kernel announces a change of them in a link
   * event only while the port is up; links() and link() always read them.
   */
  portInfo?: LinkInfoData;
}

export interface Address {
  family: Family;
  ifindex: number;
  /** The link's own address: IFA_LOCAL, or IFA_ADDRESS when there is no IFA_LOCAL (NetworkManager's meaning). */
  address: string;
  prefixlen: number;
  /** The far end of a point-to-point address: IFA_ADDRESS when it differs from IFA_LOCAL. */
  peer?: string;
  broadcast?: string;
  label?: string;
  /** RT_SCOPE_* (0 universe, 253 link, 254 host). */
  scope: number;
  /** IFA_F_* flags (permanent 0x80, tentative 0x40, dadfailed 0x08...). */
  flags: number;
  /** Seconds; 0xffffffff means forever. */
  validLifetime: number;
  preferredLifetime: number;
}

export interface Route {
  family: Family;
  /** Routing table id (254 main, 255 local). */
  table: number;
  /** Destination network ("0.0.0.0"/"::" with dstLen 0 for a default route). */
  dst: string;
  dstLen: number;
  gateway?: string;
  /** Preferred source address (RTA_PREFSRC). */
  prefsrc?: string;
  /** Outgoing link, 0 when none (blackhole, multipath). */
  ifindex: number;
  /** RTA_PRIORITY. */
  metric: number;
  /** RTPROT_* (2 kernel, 3 boot, 4 static, 16 dhcp, 186+ others). */
  protocol: number;
  /** RT_SCOPE_*. */
  scope: number;
  /** RTN_* (1 unicast, 2 local, 6 blackhole...). */
  type: number;
  /** RTNH_F_ONLINK: the gateway is taken to be on the link. Present only when set. */
  onlink?: boolean;
  /** IPv4 rtm_tos; present only when not 0. */
  tos?: number;
  /** IPv6 source prefix (RTA_SRC, "from"); present only for source-specific routes. */
  from?: string;
  fromLen?: number;
  /** RTA_METRICS that nmk knows; present only when the kernel reports one. */
  metrics?: RouteMetrics;
}

/** The RTA_METRICS values NetworkManager sets, by its route attribute names. */
export const ROUTE_METRIC_NAMES = ['mtu', 'window', 'cwnd', 'initcwnd', 'initrwnd', 'advmss', 'rto_min', 'quickack'] as const;
export type RouteMetricName = (typeof ROUTE_METRIC_NAMES)[number];
/** The metrics a route may lock (RTAX_LOCK), so that PMTU discovery and TCP leave them alone: lock-mtu, lock-window... */
export const LOCKABLE_ROUTE_METRICS = ['mtu', 'window', 'cwnd', 'initcwnd', 'initrwnd', 'advmss'] as const;
export type LockableRouteMetric = (typeof LOCKABLE_ROUTE_METRICS)[number];

/**
 * Per-route path and TCP metrics (RTA_METRICS). Numbers are u32 as the
 * kernel takes them (rto_min in milliseconds); the kernel caps mtu at 65520
 * and advmss at 65495.
 */
export interface RouteMetrics {
  mtu?: number;
  window?: number;
  cwnd?: number;
  initcwnd?: number;
  initrwnd?: number;
  advmss?: number;
  rto_min?: number;
  quickack?: boolean;
  /** Locked metrics, in LOCKABLE_ROUTE_METRICS order when read back. */
  lock?: LockableRouteMetric[];
}

/** The parts of a link that setLink can change; absent fields are left alone. */
export interface LinkChange {
  up?: boolean;
  mtu?: number;
  mac?: string;
  /** ifindex of the new controller; 0 releases the link from its controller. */
  master?: number;
  name?: string;
  /**
   * Kind options to change on the existing link (IFLA_INFO_DATA, the
   * platform's option names as in LinkSpec.info). The kernel refuses some on
   * a live link (a bond's mode while it is up or has ports: EBUSY, ENOTEMPTY);
   * the error names the operation.
   */
  options?: { kind: string; info: LinkInfoData };
  /**
   * Options of the link as a port of its controller (IFLA_INFO_SLAVE_DATA;
   * `kind` is the controller's, "bridge"), by the platform's port option
   * names ("priority", "path_cost", "hairpin_mode"). The kernel takes them
   * only from a link that already has a controller of that kind, before it
   * applies `master`: attach first, then send these in a change of their own.
   */
  portOptions?: { kind: string; info: LinkInfoData };
}

/** What createLink needs: a name, a kind and that kind's options. */
export interface LinkSpec {
  name: string;
  kind: string;
  /** Parent link for vlan, macvlan, macvtap, vxlan (ifindex or name). */
  parent?: number | string;
  mtu?: number;
  mac?: string;
  /** Kind-specific options; the platform encodes them by kind (bond mode, vlan id...). */
  info?: LinkInfoData;
  /** veth: the peer's name (and optionally the namespace it is created in, by fd path or pid). */
  peer?: { name: string; netns?: string | number };
  /** Bring the link up once created. */
  up?: boolean;
}

export interface RouteSpec {
  family: Family;
  dst: string;
  dstLen: number;
  gateway?: string;
  ifindex?: number;
  metric?: number;
  table?: number;
  protocol?: number;
  scope?: number;
  type?: number;
  prefsrc?: string;
  /**
   * RTNH_F_ONLINK: use the gateway even when no address of the link covers
   * it. The kernel refuses it on an IPv4 route without a gateway (EINVAL);
   * NetworkManager drops it there (routeSpecFromIpRoute does the same).
   */
  onlink?: boolean;
  /** IPv4 only: rtm_tos (DSCP bits; the ECN bits must be 0). Part of an IPv4 route's identity. */
  tos?: number;
  /** IPv6 only: source prefix (RTA_SRC, NetworkManager's "from"). Part of an IPv6 route's identity. */
  from?: string;
  fromLen?: number;
  metrics?: RouteMetrics;
}

/** FR_ACT_* (linux/fib_rules.h): what a matching rule does. */
export const RuleAction = { toTable: 1, nop: 3, blackhole: 6, unreachable: 7, prohibit: 8 } as const;

/**
 * A policy routing rule (RTM_NEWRULE), with what NetworkManager's
 * routing-rules carry. Absent fields do not take part in matching.
 */
export interface RuleSpec {
  family: Family;
  /** FRA_PRIORITY. Always sent (0 is a priority too), as NetworkManager does. */
  priority: number;
  /** FIB_RULE_INVERT: "not". */
  invert?: boolean;
  /** Source prefix (FRA_SRC); fromLen defaults to the full length. */
  from?: string;
  fromLen?: number;
  /** Destination prefix (FRA_DST). */
  to?: string;
  toLen?: number;
  /** IPv4 DSCP bits (fib_rule_hdr.tos; the ECN bits must be 0). */
  tos?: number;
  /** FRA_IP_PROTO: IPPROTO_* (6 tcp, 17 udp). */
  ipproto?: number;
  /** FRA_FWMARK and FRA_FWMASK; a mark without a mask matches all its bits. */
  fwmark?: number;
  fwmask?: number;
  /** FRA_SPORT_RANGE / FRA_DPORT_RANGE, inclusive. */
  sport?: [number, number];
  dport?: [number, number];
  iifname?: string;
  oifname?: string;
  /** FRA_UID_RANGE, inclusive. */
  uidRange?: [number, number];
  /** FRA_SUPPRESS_PREFIXLEN: ignore lookups that found a prefix this long or shorter. */
  suppressPrefixlength?: number;
  /** Routing table; required for action toTable. When removing, absent matches any. */
  table?: number;
  /** A RuleAction value: toTable when adding and absent; when removing, absent matches any. (goto is not supported.) */
  action?: number;
  /** FRA_PROTOCOL, RTPROT_* (NetworkManager's rules are 4, static). */
  protocol?: number;
}

const ruleActionNames = new Map<number, string>(Object.entries(RuleAction).map(([k, v]) => [v, k]));

/**
 * A rule in `ip rule` words, for operation texts: "priority 5 from
 * 10.0.0.0/8 table 100". Takes anything a caller passed, valid or not.
 */
export function describeRule(r: RuleSpec): string {
  const words = [`priority ${String(r.priority)}`];
  const prefix = (a: unknown, len: unknown) => (len === undefined ? String(a) : `${String(a)}/${String(len)}`);
  const range = (v: unknown) => (Array.isArray(v) ? (v[0] === v[1] ? String(v[0]) : `${String(v[0])}-${String(v[1])}`) : String(v));
  if (r.invert) words.push('not');
  if (r.from !== undefined) words.push(`from ${prefix(r.from, r.fromLen)}`);
  if (r.to !== undefined) words.push(`to ${prefix(r.to, r.toLen)}`);
  if (r.tos) words.push(`tos ${String(r.tos)}`);
  if (r.ipproto) words.push(`ipproto ${String(r.ipproto)}`);
  if (r.fwmark !== undefined || r.fwmask !== undefined) words.push(`fwmark ${String(r.fwmark ?? 0)}${r.fwmask !== undefined ? `/${String(r.fwmask)}` : ''}`);
  if (r.sport !== undefined) words.push(`sport ${range(r.sport)}`);
  if (r.dport !== undefined) words.push(`dport ${range(r.dport)}`);
  if (r.iifname !== undefined) words.push(`iif ${r.iifname}`);
  if (r.oifname !== undefined) words.push(`oif ${r.oifname}`);
  if (r.uidRange !== undefined) words.push(`uidrange ${range(r.uidRange)}`);
  if (r.suppressPrefixlength !== undefined) words.push(`suppress_prefixlength ${String(r.suppressPrefixlength)}`);
  if (r.table !== undefined) words.push(`table ${String(r.table)}`);
  if (r.action !== undefined && r.action !== RuleAction.toTable) words.push(`type ${ruleActionNames.get(r.action) ?? String(r.action)}`);
  if (r.protocol !== undefined) words.push(`proto ${String(r.protocol)}`);
  return words.join(' ');
}

/** A rule as the kernel lists it. */
export interface Rule extends RuleSpec {
  /** 0 for actions without a table. */
  table: number;
  action: number;
  /** RTPROT_* (2 kernel for the default rules, 0 when the adder gave none). */
  protocol: number;
}

export interface AddressSpec {
  family: Family;
  ifindex: number;
  address: string;
  prefixlen: number;
  peer?: string;
  broadcast?: string;
  /** Seconds; omitted means forever. */
  validLifetime?: number;
  preferredLifetime?: number;
  /** Extra IFA_F_* flags, e.g. IFA_F_NOPREFIXROUTE (0x200). */
  flags?: number;
  /** Add or update (`ip address replace`): renewing a lease refreshes the lifetimes of an address already there. */
  replace?: boolean;
}

/** One change seen on the platform, in kernel order. */
export type PlatformEvent =
  | { type: 'link'; action: 'new' | 'del'; link: Link }
  | { type: 'address'; action: 'new' | 'del'; address: Address }
  | { type: 'route'; action: 'new' | 'del'; route: Route }
  /**
   * Events were lost (the kernel's socket overflowed, ENOBUFS): the snapshot
   * is the whole state as dumped afterwards, and replaces everything known.
   */
  | { type: 'resync'; snapshot: PlatformSnapshot };

export interface PlatformSnapshot {
  links: Link[];
  addresses: Address[];
  routes: Route[];
}

export type PlatformListener = (event: PlatformEvent) => void;

/**
 * The platform. Every method that changes the kernel resolves once the kernel
 * acknowledged it and rejects with a PlatformError (errno and a message naming
 * the operation and the link) otherwise. Methods may be called concurrently;
 * an implementation pipelines them rather than serialising round trips.
 */
export interface Platform {
  /** Start delivering events; resolves with the initial full dump. */
  start(listener: PlatformListener): Promise<PlatformSnapshot>;
  /** Stop delivering events and release sockets. Leaves the kernel as it is. */
  stop(): Promise<void>;

  links(): Promise<Link[]>;
  link(ifindexOrName: number | string): Promise<Link | undefined>;
  addresses(ifindex?: number): Promise<Address[]>;
  routes(filter?: { family?: Family; table?: number }): Promise<Route[]>;

  createLink(spec: LinkSpec): Promise<Link>;
  deleteLink(ifindex: number): Promise<void>;
  setLink(ifindex: number, change: LinkChange): Promise<void>;

  addAddress(spec: AddressSpec): Promise<void>;
  removeAddress(spec: AddressSpec): Promise<void>;
  addRoute(spec: RouteSpec): Promise<void>;
  removeRoute(spec: RouteSpec): Promise<void>;

  /**
   * Policy routing rules, in the kernel's order (by priority, then age).
   * Read on demand only: rules are not in the snapshot or the events.
   */
  rules(family?: Family): Promise<Rule[]>;
  /** EEXIST when the kernel holds an equal rule (errors read "add rule priority 5 from 10.0.0.0/8 table 100: EEXIST"). */
  addRule(spec: RuleSpec): Promise<void>;
  /** Removes the first rule that matches every field given; ENOENT when none does. */
  removeRule(spec: RuleSpec): Promise<void>;

  /** Read a sysctl by its dotted or slashed name ("net.ipv6.conf.eth0.disable_ipv6"). */
  readSysctl(name: string): Promise<string>;
  writeSysctl(name: string, value: string): Promise<void>;
  /** Read a link's sysfs attribute, e.g. sysfs("bond0", "bonding/mode"). */
  readSysfs(ifname: string, attribute: string): Promise<string>;
  writeSysfs(ifname: string, attribute: string, value: string): Promise<void>;

  /**
   * The VLANs of a bridge itself (`bridge vlan ... self`) or of a bridge
   * port, in VID order; a VID range comes back as one entry per VID. Empty
   * for a link that is neither, or on a kernel without VLAN filtering.
   */
  bridgeVlans(ifindex: number): Promise<BridgeVlan[]>;
  /**
   * Make the VLANs of a bridge itself, or of a bridge port, exactly `vlans`
   * (at most one pvid): VIDs not listed are removed, listed ones are added or
   * get the listed flags, and VIDs already as listed are not touched, so a
   * port keeps forwarding on them. A kernel without VLAN filtering refuses
   * any addition with EOPNOTSUPP.
   */
  setBridgeVlans(ifindex: number, vlans: readonly BridgeVlan[]): Promise<void>;

  /** A link's Wake-on-LAN modes and what its driver supports (ETHTOOL_MSG_WOL_GET); EOPNOTSUPP from a driver without Wake-on-LAN (veth). */
  wakeOnLan(ifindex: number): Promise<WakeOnLan>;
  /**
   * Make a link's Wake-on-LAN modes exactly `modes` (none: off), as
   * `ethtool -s DEV wol` does (ETHTOOL_MSG_WOL_SET); `password`, six bytes
   * written as a MAC address, is the SecureOn password that goes with
   * 'magicsecure'. EOPNOTSUPP from a driver without Wake-on-LAN, EINVAL for a
   * mode (or a password) it does not support. Nothing is restored later.
   */
  setWakeOnLan(ifindex: number, modes: readonly WakeOnLanMode[], password?: string): Promise<void>;

  /**
   * A link's offload features as `ethtool -k` lists them
   * (ETHTOOL_MSG_FEATURES_GET), keyed by the kernel's name
   * ("tx-tcp-segmentation", "rx-gro"): every feature the kernel names.
   */
  ethtoolFeatures(ifindex: number): Promise<EthtoolFeatureStates>;
  /**
   * Ask for features on or off by kernel name, as `ethtool -K` does
   * (ETHTOOL_MSG_FEATURES_SET); features not named keep what was asked of
   * them before. The kernel keeps a feature the driver cannot change (not
   * available, or never changed) without an error, and turns off one whose
   * dependency is off: read the features back to see what took. EOPNOTSUPP
   * for a name the kernel does not know (Linux's answer).
   */
  setEthtoolFeatures(ifindex: number, wanted: Readonly<Record<string, boolean>>): Promise<void>;
  /**
   * A link's interrupt coalescing, ring sizes or pause frames
   * (ETHTOOL_MSG_COALESCE_GET, _RINGS_GET, _PAUSE_GET; `ethtool -c/-g/-a`),
   * keyed by the ethtool setting's names without their group prefix
   * ("rx-usecs", "rx-jumbo", "autoneg"): only what the driver reports.
   * EOPNOTSUPP from a driver without the operation (a veth has none).
   */
  ethtoolParams(ifindex: number, group: EthtoolParamGroup): Promise<EthtoolParams>;
  /**
   * Change only the values given (ETHTOOL_MSG_*_SET; `ethtool -C/-G/-A`),
   * all or none: EOPNOTSUPP from a driver without the operation or for a
   * value it does not support, EINVAL for one it refuses (a ring above its
   * maximum).
   */
  setEthtoolParams(ifindex: number, group: EthtoolParamGroup, values: Readonly<EthtoolParams>): Promise<void>;
}

/** One offload feature of a link, with the names NetworkManager's platform gives its ETHTOOL_GFEATURES bits. */
export interface EthtoolFeatureState {
  /** On now. */
  active: boolean;
  /** What was last asked (the kernel's wanted_features); on but not active when a dependency keeps it off. */
  requested: boolean;
  /** The driver lets it change (hw_features); `ethtool -k` shows the others as [fixed]. */
  available: boolean;
  /** The kernel never lets it change (NETIF_F_NEVER_CHANGE: netns-local, vlan-challenged...). */
  neverChanged: boolean;
}

/** Offload features by kernel name. */
export type EthtoolFeatureStates = Record<string, EthtoolFeatureState>;

/** The ethtool groups read and set as values, named as the ethtool setting's property prefixes. */
export type EthtoolParamGroup = 'coalesce' | 'ring' | 'pause';

/** Values of one group: coalesce and ring values are numbers (uint32), pause values booleans. */
export type EthtoolParams = Record<string, number | boolean>;

/** Wake-on-LAN modes as ethtool names them (the WAKE_* bits of linux/ethtool.h, in bit order). */
export const WAKE_ON_LAN_MODES = ['phy', 'ucast', 'mcast', 'bcast', 'arp', 'magic', 'magicsecure', 'filter'] as const;
export type WakeOnLanMode = (typeof WAKE_ON_LAN_MODES)[number];

/** A link's Wake-on-LAN state. */
export interface WakeOnLan {
  modes: WakeOnLanMode[];
  supported: WakeOnLanMode[];
  /** The SecureOn password ("01:02:03:04:05:06"), when the driver has 'magicsecure'. */
  password?: string;
}

/** A kernel error, carrying errno and naming the operation and the link. */
export class PlatformError extends Error {
  override readonly name = 'PlatformError';
  constructor(
    /** Positive errno value (17 EEXIST, 19 ENODEV, 1 EPERM...). */
    readonly errno: number,
    /** Symbolic errno name ("EEXIST"). */
    readonly code: string,
    /** What was attempted, e.g. "create link veth0 (veth)". */
    readonly operation: string,
    detail?: string,
  ) {
    super(`${operation}: ${code}${detail ? ` (${detail})` : ''}`);
  }
}

/** The errno values nmk names; the platforms use these for their errors. */
export const Errno = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EIO: 5,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  EINVAL: 22,
  ENOSPC: 28,
  ERANGE: 34,
  EOPNOTSUPP: 95,
  EADDRNOTAVAIL: 99,
  ENETUNREACH: 101,
  ENOBUFS: 105,
} as const;

const errnoNames = new Map<number, string>(Object.entries(Errno).map(([k, v]) => [v, k]));

/** Symbolic name of an errno value, "E<number>" for ones nmk does not name. */
export function errnoName(errno: number): string {
  return errnoNames.get(Math.abs(errno)) ?? `E${Math.abs(errno)}`;
}

/** RT_TABLE_* ids. */
export const RouteTable = { unspec: 0, default: 253, main: 254, local: 255 } as const;

/** ARPHRD_* values nmk distinguishes. */
export const ArpType = { ether: 1, infiniband: 32, loopback: 772, none: 65534 } as const;
