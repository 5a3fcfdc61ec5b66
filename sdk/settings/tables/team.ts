/**
 * The "team" and "team-port" settings (teamd). Facts from NetworkManager
 * 1.42 (nm-setting-team.c, nm-setting-team-port.c, nm-team-utils.c). The
 * JSON in config and the individual properties describe the same teamd
 * configuration; normalisation keeps them in step as NetworkManager does
 * (normalize/team-sync.ts, rows in team-json.ts).
 */
import { defineSetting, INT32_MAX, INT32_MIN } from '../schema.js';

export const TEAM_RUNNERS = ['broadcast', 'roundrobin', 'random', 'activebackup', 'loadbalance', 'lacp'] as const;
export const TEAM_TX_HASH = ['eth', 'vlan', 'ipv4', 'ipv6', 'ip', 'l3', 'l4', 'tcp', 'udp', 'sctp'] as const;

/** Keys of a link watcher record and their D-Bus signatures. */
export const LINK_WATCHER_KEYS: Readonly<Record<string, string>> = {
  name: 's',
  'delay-up': 'i',
  'delay-down': 'i',
  'init-wait': 'i',
  interval: 'i',
  'missed-max': 'i',
  'target-host': 's',
  'source-host': 's',
  vlanid: 'i',
  'validate-active': 'b',
  'validate-inactive': 'b',
  'send-always': 'b',
};
export const LINK_WATCHER_NAMES = ['ethtool', 'arp_ping', 'nsna_ping'] as const;

const int = (name: string, description: string, def = -1) =>
  ({ name, type: 'int32', default: def, min: INT32_MIN, max: INT32_MAX, description }) as const;

export const teamSetting = defineSetting({
  name: 'team',
  baseType: true,
  description: 'Team (teamd) controller.',
  properties: [
    { name: 'config', type: 'string', description: 'teamd JSON configuration.' },
    { name: 'link-watchers', type: 'records', description: 'Link watchers, each "name=ethtool delay-up=5 ..." (keys of LINK_WATCHER_KEYS).' },
    int('mcast-rejoin-count', 'teamd mcast_rejoin.count; -1 unset.'),
    int('mcast-rejoin-interval', 'teamd mcast_rejoin.interval; -1 unset.'),
    int('notify-peers-count', 'teamd notify_peers.count; -1 unset.'),
    int('notify-peers-interval', 'teamd notify_peers.interval; -1 unset.'),
    { name: 'runner', type: 'string', values: TEAM_RUNNERS, description: 'teamd runner.name (default roundrobin).' },
    { name: 'runner-active', type: 'boolean', default: true, description: 'teamd runner.active (lacp).' },
    { name: 'runner-agg-select-policy', type: 'string', values: ['lacp_prio', 'lacp_prio_stable', 'bandwidth', 'count', 'port_config'], description: 'teamd runner.agg_select_policy (lacp).' },
    { name: 'runner-fast-rate', type: 'boolean', default: false, description: 'teamd runner.fast_rate (lacp).' },
    { name: 'runner-hwaddr-policy', type: 'string', values: ['same_all', 'by_active', 'only_active'], description: 'teamd runner.hwaddr_policy (activebackup).' },
    int('runner-min-ports', 'teamd runner.min_ports; -1 unset.'),
    int('runner-sys-prio', 'teamd runner.sys_prio; -1 unset.'),
    { name: 'runner-tx-balancer', type: 'string', values: ['basic'], description: 'teamd runner.tx_balancer.name.' },
    int('runner-tx-balancer-interval', 'teamd runner.tx_balancer.interval; -1 unset.'),
    { name: 'runner-tx-hash', type: 'strings', values: TEAM_TX_HASH, description: 'teamd runner.tx_hash fields.' },
  ],
});

export const teamPortSetting = defineSetting({
  name: 'team-port',
  description: 'Properties of a port of a team.',
  properties: [
    { name: 'config', type: 'string', description: 'teamd JSON port configuration.' },
    int('lacp-key', 'teamd lacp_key; -1 unset.'),
    int('lacp-prio', 'teamd lacp_prio; -1 unset.'),
    { name: 'link-watchers', type: 'records', description: 'Link watchers of the port, each "name=ethtool ...".' },
    int('prio', 'teamd port prio.', 0),
    int('queue-id', 'teamd queue_id; -1 unset.'),
    { name: 'sticky', type: 'boolean', default: false, description: 'teamd sticky (activebackup).' },
  ],
});
