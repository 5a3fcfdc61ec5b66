/**
 * The settings model: NetworkManager 1.42's settings and properties as data
 * tables, verification, normalisation and the D-Bus form. Pure TypeScript,
 * no I/O. Values are represented as types.ts describes (ConnectionSettings:
 * settings by D-Bus name, properties by D-Bus name; "address-data",
 * "route-data" and "dns" hold the IP lists; MACs are "AA:BB:..." strings).
 *
 * Tables (schema.ts, tables/*.ts)
 *   SETTINGS: readonly SettingDefinition[]          every setting, one row per property:
 *     PropertyDefinition { setting, name, type: PropertyType, dbus (signature), default?,
 *       min?, max?, values?, flags?, macLength?, secret?, secretFlags?, isSecretFlags?,
 *       canonical? ('strip' | 'lowercase' | 'mac': the form NetworkManager keeps a string in),
 *       deprecated?, description }
 *   settingDefinition(name): SettingDefinition | undefined        (name or keyfile alias)
 *   propertyDefinition(setting, property): PropertyDefinition | undefined
 *   resolveSettingAlias(name): string        "ethernet" → "802-3-ethernet", "wifi", "wifi-security"
 *   keyfileAlias(name): string               "802-3-ethernet" → "ethernet"; others unchanged
 *   isBaseType(name): boolean                may be connection.type
 *   BOND_OPTIONS: readonly BondOptionDefinition[]   bond.options keys: kind, min/max, choices,
 *     default, unsupportedModes, sysfs file, IFLA_BOND_* attribute
 *   bondOption(name), bondModeFromString(text), bondOptionSupported(option, mode),
 *   bondChoiceIndex(option, value), BOND_MODES
 *
 * Verification and normalisation (NetworkManager's nm_connection_verify / _normalize)
 *   verifyConnection(settings): VerifyIssue[]      never throws; all issues, not only the first
 *     VerifyIssue { severity: 'error' | 'normalizable-error' | 'normalizable', setting,
 *       property?, value?, message }  message like "vlan.id: 5000 is out of range 0..4094"
 *   isValidConnection(issues): boolean   no 'error' and no 'normalizable-error'
 *   isNormalizable(issues): boolean      no 'error' (normalizeConnection makes it valid)
 *   normalizeConnection(settings, options?: NormalizeOptions): ConnectionSettings
 *     a normalised copy; idempotent; keeps valid values; NormalizeOptions { ipv4Method?, ipv6Method? }
 *   normalizeAndVerifyConnection(settings, options?): { settings, issues }
 *     both calls in one, verifying once when normalisation changes nothing (loaders of many profiles)
 *   connectionsEqual(a, b): boolean, connectionDifferences(a, b): string[]   absent = default
 *
 * D-Bus form (dbus/*.ts)
 *   toDBus(settings, options?: ToDBusOptions): DBusSettings
 *     DBusSettings = Record<setting, Record<property, DBusValue>>, DBusValue { signature, value }
 *     (x/t as bigint, ay as Uint8Array, aa{sv} records of DBusValue); sends the deprecated twins
 *     (addresses, routes, address-labels, legacy dns beside dns-data, cloned-mac-address bytes
 *     beside assigned-mac-address) unless { legacy: false }; secrets only with
 *     { withSecrets: true }, or only secrets with { onlySecrets: true }.
 *   fromDBus(dict, options?: FromDBusOptions): { settings, issues: VerifyIssue[] }
 *     accepts { signature, value } objects (dbus-next Variants), [signature, value] pairs or bare
 *     values; legacy or new twin forms (the new wins; { preferLegacy: true } for the daemon's
 *     rule); never throws: unreadable input becomes issues ('error' where NetworkManager's
 *     AddConnection refuses, 'normalizable' where it skips an entry).
 *   dbusValue(signature, value): DBusValue, unwrapDBusValue(input)
 *
 * Helpers
 *   connectionType(settings): string | undefined   connection.type, else the single base setting
 *   newUuid(): string, isUuid(text), isAcceptedUuid(text), normalizeUuid(text)
 *   parseMac(text, length?): Uint8Array | undefined, formatMac(bytes): string,
 *   normalizeMac(text, length?), isValidMac(text, length = 6)
 *   parseIp(text, family?), formatIp(bytes), normalizeIp(text, family?), isValidIp, ipFamily,
 *   parseIpPrefix("a/n", family?), networkAddress(a, prefix), isUnspecifiedIp,
 *   ipv4ToLegacyUint32 / ipv4FromLegacyUint32 (the uint32 of legacy D-Bus properties)
 *   isValidInterfaceName(name), interfaceNameProblem(name)
 *   records: parseBridgeVlan/formatBridgeVlan, parseRoutingRule/formatRoutingRule,
 *   parseLinkWatcher/formatLinkWatcher (text forms of the aa{sv} "records" properties)
 *   isValueOfType(value, type), valueOrDefault(settings, row), cloneSettings, valuesEqual
 *   bondOptionProblem(name, value): string | undefined   why a bond.options entry is invalid
 *   uuidFromString(text, namespace?): string   nm_uuid_generate_from_string (MD5 legacy, or version 3)
 *
 * For settings plugins that read distribution formats
 *   text-values.ts: BadValue, parseUintValue(text, min, max, what?), parseMacValue,
 *     parseIfnameValue, parseIpValue(text, family), parsePrefixValue, parseNetmaskValue,
 *     parseCidrValue, parseDomainValue   (canonical value or throw BadValue with the reason)
 *   parseBondOptionWords(def, words): string   a bond option's words as bond.options stores them
 *   interface-draft.ts: InterfaceDraft, IpDraft, emptyIpDraft(method),
 *     interfaceDraftSettings(draft, { id, uuid }): ConnectionSettings, INTERFACE_CONNECTION_TYPES
 *   normalizeReadProfile(settings): { settings } | { problem }   verify, normalise, verify again
 */
export * from './types.js';
export * from './source.js';
export * from './schema.js';
export * from './registry.js';
export * from './issues.js';
export * from './values.js';
export * from './compare.js';
export * from './topology.js';
export * from './mac.js';
export * from './ip-address.js';
export * from './ifname.js';
export * from './uuid.js';
export * from './tables/bond-options.js';
export { ETHTOOL_COALESCE_NAMES, ETHTOOL_FEATURE_NAMES, ETHTOOL_PAUSE_NAMES, ETHTOOL_RING_NAMES } from './tables/ethtool.js';
export * from './uuid-from-string.js';
export * from './text-values.js';
export * from './bond-option-text.js';
export * from './interface-draft.js';
export * from './read-profile.js';
export { PORT_TYPES, MPTCP_FLAGS } from './tables/connection.js';
export { CLONED_MAC_SPECIAL, WAKE_ON_LAN } from './tables/ethernet.js';
export { BRIDGE_VLAN_VID_MIN, BRIDGE_VLAN_VID_MAX, BRIDGE_STP_RANGES } from './tables/bridge.js';
export { VLAN_FLAGS, VLAN_FLAGS_ALL } from './tables/vlan.js';
export { MACVLAN_MODES, INFINIBAND_MAX_MTU } from './tables/virtual.js';
export { IP4_METHODS, IP6_METHODS, ADDR_GEN_MODE, ROUTE_ATTRIBUTES, ADDRESS_ATTRIBUTES, ROUTE_TYPES, type IpAttributeDefinition } from './tables/ip.js';
export { WIFI_MODES, KEY_MGMT, WIFI_CHANNELS, MAC_RANDOMIZATION } from './tables/wifi.js';
export { EAP_METHODS } from './tables/ieee8021x.js';
export { TEAM_RUNNERS, LINK_WATCHER_KEYS } from './tables/team.js';
export { PPP_MRU_RANGE, ADSL_PROTOCOLS, ADSL_ENCAPSULATIONS } from './tables/ppp.js';
export { GSM_APN_MAX, SERIAL_PARITY, BLUETOOTH_TYPES } from './tables/mobile.js';
export { WPAN_MAC_LENGTH, WPAN_MAX_PAGE, WPAN_MAX_CHANNEL } from './tables/lowpan.js';
export { OLPC_MESH_CHANNEL_MAX } from './tables/wireless-extra.js';
export { canonicalString } from './canonical-strings.js';
export {
  recordCodec,
  parseBridgeVlan,
  formatBridgeVlan,
  compareBridgeVlans,
  parseRoutingRule,
  formatRoutingRule,
  parseLinkWatcher,
  formatLinkWatcher,
  type BridgeVlan,
  type RoutingRule,
  ruleSpecFromRoutingRule,
  ruleSpecsFromSetting,
  routeSpecFromIpRoute,
  routeSpecsFromSetting,
  type RouteDefaults,
  type LinkWatcher,
  type RecordCodec,
  type Parsed,
  parseQdisc,
  parseTfilter,
  formatQdisc,
  formatTfilter,
  formatQdiscRest,
  formatTfilterRest,
  formatTcParentKey,
  parseTcHandle,
  type TcObject,
  parseSriovVf,
  parseVfAttributes,
  formatSriovVf,
  formatVfAttributes,
  type SriovVf,
  parseWireguardPeer,
  formatWireguardPeer,
  isWireguardKey,
  normalizeAllowedIp,
  isValidEndpoint,
  type WireguardPeer,
  parseVlanRange,
  formatVlanRange,
  type VlanRange,
} from './records/index.js';
export { IP_TUNNEL_MODES, TUN_MODES, MACSEC_MODES, MACSEC_VALIDATION } from './tables/tunnels.js';
export { WIREGUARD_PEER_KEYS, WIREGUARD_PEER_DEFAULT_PSK_FLAGS } from './tables/wireguard.js';
export { OVS_INTERFACE_TYPES, OVS_VLAN_MODES } from './tables/ovs.js';
export { DCB_FLAGS } from './tables/link-extras.js';
export { verifyConnection } from './verify/verify.js';
export { bondOptionProblem } from './verify/bond.js';
export { normalizeAndVerifyConnection, normalizeConnection, type NormalizeOptions } from './normalize/normalize.js';
export { toDBus, type ToDBusOptions } from './dbus/encode.js';
export { fromDBus, type FromDBusOptions, type FromDBusResult } from './dbus/decode.js';
export { dbusValue, unwrapDBusValue, type DBusValue, type DBusSettings } from './dbus/value.js';
