/**
 * The `records` properties (aa{sv} on D-Bus, string[] in the model): one
 * codec per property, keyed "setting.property".
 */
import type { DBusValue } from '../dbus/value.js';
import type { IpFamily } from '../ip-address.js';
import { bridgeVlanFromDBus, bridgeVlanToDBus, formatBridgeVlan, parseBridgeVlan } from './bridge-vlans.js';
import { formatLinkWatcher, linkWatcherFromDBus, linkWatcherToDBus, parseLinkWatcher } from './link-watchers.js';
import type { Parsed } from './result.js';
import { formatRoutingRule, parseRoutingRule, routingRuleFromDBus, routingRuleToDBus } from './routing-rules.js';
import { formatVlanRange, parseVlanRange, vlanRangeFromDBus, vlanRangeToDBus } from './ovs-trunks.js';
import { formatSriovVf, parseSriovVf, sriovVfFromDBus, sriovVfToDBus } from './sriov-vfs.js';
import { formatQdisc, formatTfilter, parseQdisc, parseTfilter, qdiscFromDBus, qdiscToDBus, tfilterFromDBus, tfilterToDBus } from './tc.js';
import { formatWireguardPeer, parseWireguardPeer, wireguardPeerFromDBus, wireguardPeerToDBus } from './wireguard-peers.js';

export interface RecordCodec {
  /** The canonical text of one record, or why it is invalid. */
  normalize(text: string): Parsed<string>;
  toDBus(text: string): Parsed<Record<string, DBusValue>>;
  /** From a record of plain (unwrapped) values to canonical text. */
  fromDBus(record: Record<string, unknown>): Parsed<string>;
}

function codec<T>(parse: (t: string) => Parsed<T>, format: (v: T) => string, toDBus: (v: T) => Record<string, DBusValue>, fromDBus: (r: Record<string, unknown>) => Parsed<T>): RecordCodec {
  return {
    normalize: (text) => {
      const p = parse(text);
      return p.ok ? { ok: true, value: format(p.value) } : p;
    },
    toDBus: (text) => {
      const p = parse(text);
      return p.ok ? { ok: true, value: toDBus(p.value) } : p;
    },
    fromDBus: (record) => {
      const p = fromDBus(record);
      return p.ok ? { ok: true, value: format(p.value) } : p;
    },
  };
}

const bridgeVlans = codec(parseBridgeVlan, formatBridgeVlan, bridgeVlanToDBus, bridgeVlanFromDBus);
const linkWatchers = codec(parseLinkWatcher, formatLinkWatcher, linkWatcherToDBus, linkWatcherFromDBus);
const rules = (family: IpFamily) =>
  codec((t) => parseRoutingRule(t, family), formatRoutingRule, routingRuleToDBus, (r) => routingRuleFromDBus(r, family));

const CODECS: Readonly<Record<string, RecordCodec>> = {
  'bridge.vlans': bridgeVlans,
  'bridge-port.vlans': bridgeVlans,
  'team.link-watchers': linkWatchers,
  'team-port.link-watchers': linkWatchers,
  'ipv4.routing-rules': rules(4),
  'ipv6.routing-rules': rules(6),
  'tc.qdiscs': codec(parseQdisc, formatQdisc, qdiscToDBus, qdiscFromDBus),
  'tc.tfilters': codec(parseTfilter, formatTfilter, tfilterToDBus, tfilterFromDBus),
  'sriov.vfs': codec(parseSriovVf, formatSriovVf, sriovVfToDBus, sriovVfFromDBus),
  'wireguard.peers': codec(parseWireguardPeer, formatWireguardPeer, wireguardPeerToDBus, wireguardPeerFromDBus),
  'ovs-port.trunks': codec(parseVlanRange, formatVlanRange, vlanRangeToDBus, vlanRangeFromDBus),
};

export function recordCodec(setting: string, property: string): RecordCodec | undefined {
  return CODECS[`${setting}.${property}`];
}

export { parseBridgeVlan, formatBridgeVlan, compareBridgeVlans, type BridgeVlan } from './bridge-vlans.js';
export { parseRoutingRule, formatRoutingRule, type RoutingRule } from './routing-rules.js';
export { ruleSpecFromRoutingRule, ruleSpecsFromSetting, routeSpecFromIpRoute, routeSpecsFromSetting, type RouteDefaults } from './platform-specs.js';
export { parseLinkWatcher, formatLinkWatcher, type LinkWatcher } from './link-watchers.js';
export { parseQdisc, parseTfilter, formatQdisc, formatTfilter, formatQdiscRest, formatTfilterRest, formatTcParentKey, parseTcHandle, type TcObject } from './tc.js';
export { parseSriovVf, parseVfAttributes, formatSriovVf, formatVfAttributes, type SriovVf } from './sriov-vfs.js';
export { parseWireguardPeer, formatWireguardPeer, isWireguardKey, normalizeAllowedIp, isValidEndpoint, type WireguardPeer } from './wireguard-peers.js';
export { parseVlanRange, formatVlanRange, type VlanRange } from './ovs-trunks.js';
export type { Parsed } from './result.js';
