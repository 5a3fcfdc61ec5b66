/**
 * Where each team and team-port property lives in teamd's JSON config, as
 * NetworkManager 1.42 maps them (its team attribute table in nm-team-utils.c).
 * The rows are in the order NetworkManager writes the JSON: a nested object
 * ("runner", "tx_balancer") opens where its first row is written, so building
 * the JSON row by row gives NetworkManager's key order.
 */

/** How a value is held: model type and JSON type are the same except for link watchers (text records ↔ objects). */
export type TeamJsonType = 'int32' | 'boolean' | 'string' | 'strings' | 'link-watchers';

export interface TeamJsonRow {
  /** Property of the team or team-port setting. */
  property: string;
  /** Keys from the top of the JSON object to the value. */
  path: readonly string[];
  type: TeamJsonType;
  /** NetworkManager's default; undefined means unset (null, or an empty list). */
  default?: number | boolean;
}

const row = (property: string, path: string, type: TeamJsonType, def?: number | boolean): TeamJsonRow =>
  ({ property, path: path.split('.'), type, default: def });

export const TEAM_JSON_ROWS: readonly TeamJsonRow[] = [
  row('runner', 'runner.name', 'string'),
  row('runner-hwaddr-policy', 'runner.hwaddr_policy', 'string'),
  row('runner-tx-hash', 'runner.tx_hash', 'strings'),
  row('runner-tx-balancer', 'runner.tx_balancer.name', 'string'),
  row('runner-tx-balancer-interval', 'runner.tx_balancer.balancing_interval', 'int32', -1),
  row('runner-active', 'runner.active', 'boolean', true),
  row('runner-fast-rate', 'runner.fast_rate', 'boolean', false),
  row('runner-sys-prio', 'runner.sys_prio', 'int32', -1),
  row('runner-min-ports', 'runner.min_ports', 'int32', -1),
  row('runner-agg-select-policy', 'runner.agg_select_policy', 'string'),
  row('notify-peers-count', 'notify_peers.count', 'int32', -1),
  row('notify-peers-interval', 'notify_peers.interval', 'int32', -1),
  row('mcast-rejoin-count', 'mcast_rejoin.count', 'int32', -1),
  row('mcast-rejoin-interval', 'mcast_rejoin.interval', 'int32', -1),
  row('link-watchers', 'link_watch', 'link-watchers'),
];

export const TEAM_PORT_JSON_ROWS: readonly TeamJsonRow[] = [
  row('queue-id', 'queue_id', 'int32', -1),
  row('prio', 'prio', 'int32', 0),
  row('sticky', 'sticky', 'boolean', false),
  row('lacp-prio', 'lacp_prio', 'int32', -1),
  row('lacp-key', 'lacp_key', 'int32', -1),
  row('link-watchers', 'link_watch', 'link-watchers'),
];

/** The rows of a setting that keeps its properties in a JSON config. */
export const TEAM_JSON_SETTINGS: Readonly<Record<string, readonly TeamJsonRow[]>> = {
  team: TEAM_JSON_ROWS,
  'team-port': TEAM_PORT_JSON_ROWS,
};

/** One key of a link watcher object: its key in the text record, in JSON, which watchers have it, its default. */
export interface LinkWatcherJsonRow {
  key: string;
  json: string;
  type: 'int' | 'boolean' | 'string';
  /** Watcher names that carry this key (NetworkManager keeps no other key of a watcher). */
  names: readonly string[];
  /** Omitted from the JSON when equal; undefined: a string, omitted when unset. */
  default?: number | boolean;
  /** Lowest accepted value (NetworkManager refuses the whole watcher below it). */
  min?: number;
  max?: number;
}

const ALL = ['ethtool', 'nsna_ping', 'arp_ping'] as const;
const PING = ['nsna_ping', 'arp_ping'] as const;
const ARP = ['arp_ping'] as const;
const INT32_MAX = 2147483647;

/** In NetworkManager's JSON order (its link watcher attribute table). */
export const LINK_WATCHER_JSON_ROWS: readonly LinkWatcherJsonRow[] = [
  { key: 'name', json: 'name', type: 'string', names: ALL },
  { key: 'delay-up', json: 'delay_up', type: 'int', names: ['ethtool'], default: 0, min: 0, max: INT32_MAX },
  { key: 'delay-down', json: 'delay_down', type: 'int', names: ['ethtool'], default: 0, min: 0, max: INT32_MAX },
  { key: 'interval', json: 'interval', type: 'int', names: PING, default: 0, min: 0, max: INT32_MAX },
  { key: 'init-wait', json: 'init_wait', type: 'int', names: PING, default: 0, min: 0, max: INT32_MAX },
  { key: 'missed-max', json: 'missed_max', type: 'int', names: PING, default: 3, min: 0, max: INT32_MAX },
  { key: 'source-host', json: 'source_host', type: 'string', names: ARP },
  { key: 'target-host', json: 'target_host', type: 'string', names: PING },
  { key: 'validate-active', json: 'validate_active', type: 'boolean', names: ARP, default: false },
  { key: 'validate-inactive', json: 'validate_inactive', type: 'boolean', names: ARP, default: false },
  { key: 'vlanid', json: 'vlanid', type: 'int', names: ARP, default: -1, min: -1, max: 4094 },
  { key: 'send-always', json: 'send_always', type: 'boolean', names: ARP, default: false },
];

/** Host keys each watcher must have (NetworkManager builds no watcher without them). */
export const LINK_WATCHER_REQUIRED: Readonly<Record<string, readonly string[]>> = {
  ethtool: [],
  nsna_ping: ['target-host'],
  arp_ping: ['target-host', 'source-host'],
};

/** Characters NetworkManager refuses in a watcher's host names. */
export const LINK_WATCHER_HOST_FORBIDDEN = /[ \\/\t="']/;
