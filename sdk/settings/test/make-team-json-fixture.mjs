#!/usr/bin/env node
/**
 * Writes team-json-cases.json: what NetworkManager 1.42 makes of team and
 * team-port settings, asked of `nmcli --offline` (Debian's network-manager).
 * - "properties" cases: a profile added with those properties and no config;
 *   "config" is the config= line NetworkManager writes (null: no line).
 * - "config" cases: a profile added with that team.config, then one property
 *   set to its default (which makes NetworkManager rebuild the JSON from the
 *   properties it read from the config); "rebuilt" is the config= line then.
 * Run: node sdk/settings/test/make-team-json-fixture.mjs
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'team-json-cases.json');

const PROPERTY_CASES = [
  ['team', { runner: 'activebackup', 'runner-hwaddr-policy': 'by_active' }],
  ['team', { runner: 'roundrobin' }],
  ['team', { runner: 'lacp', 'runner-tx-hash': ['l3', 'l4'], 'notify-peers-count': 2, 'link-watchers': ['name=ethtool delay-up=5'] }],
  ['team', {
    runner: 'lacp', 'runner-tx-hash': ['eth', 'ipv4'], 'runner-tx-balancer': 'basic', 'runner-tx-balancer-interval': 50,
    'runner-active': false, 'runner-fast-rate': true, 'runner-sys-prio': 100, 'runner-min-ports': 2,
    'runner-agg-select-policy': 'count', 'notify-peers-count': 3, 'notify-peers-interval': 4,
    'mcast-rejoin-count': 5, 'mcast-rejoin-interval': 6,
    'link-watchers': ['name=ethtool delay-up=5', 'name=arp_ping target-host=1.2.3.4 source-host=1.1.1.1 validate-active=true vlanid=5 send-always=true'],
  }],
  ['team', { runner: 'loadbalance', 'runner-tx-balancer-interval': 0 }],
  ['team', { 'runner-fast-rate': true, runner: 'lacp' }],
  ['team', { 'runner-active': false, 'runner-agg-select-policy': 'lacp_prio_stable', runner: 'lacp' }],
  ['team', { 'mcast-rejoin-interval': 0 }],
  ['team', { 'notify-peers-interval': 10, 'mcast-rejoin-count': 0 }],
  ['team', { 'link-watchers': ['name=ethtool'] }],
  ['team', { 'link-watchers': ['name=nsna_ping target-host=fe80::1 missed-max=0 interval=100 init-wait=7'] }],
  ['team', { 'link-watchers': ['name=ethtool delay-up=1 delay-down=2', 'name=nsna_ping target-host=host.example missed-max=3'] }],
  ['team', { 'link-watchers': ['name=arp_ping target-host=192.0.2.1 source-host=0.0.0.0 validate-inactive=true vlanid=-1'] }],
  ['team', { runner: 'activebackup', 'runner-hwaddr-policy': 'only_active' }],
  ['team', { runner: 'loadbalance', 'runner-tx-hash': ['tcp'] }],
  ['team-port', { 'queue-id': 3, prio: 5, sticky: true, 'link-watchers': ['name=ethtool delay-up=2'] }],
  ['team-port', { 'lacp-prio': 3, 'lacp-key': 5 }],
  ['team-port', { prio: -10 }],
  ['team-port', { 'queue-id': 0, 'lacp-key': 0 }],
  ['team-port', { 'link-watchers': ['name=arp_ping target-host=10.0.0.1 source-host=10.0.0.2 interval=1 init-wait=2 missed-max=4'] }],
];

const CONFIG_CASES = [
  ['team', '{"runner": {"name": "activebackup"}, "link_watch": {"name": "ethtool"}}'],
  ['team', '{"runner": {"name": "lacp", "active": true, "fast_rate": false, "tx_hash": ["eth", "l4"]}}'],
  ['team', '{"runner": {"name": "lacp", "tx_hash": []}, "device": "team0"}'],
  ['team', '{"runner": {"name": "loadbalance", "tx_balancer": {"name": "basic", "balancing_interval": 20}}, "notify_peers": {"count": 1}, "mcast_rejoin": {"interval": 9}}'],
  ['team', '{"runner": {"name": "lacp", "sys_prio": 7, "agg_select_policy": "bandwidth"}}'],
  ['team', '{"runner": {"name": "broadcast", "min_ports": "2", "sys_prio": 1.5}}'],
  ['team', '{"link_watch": [{"name": "ethtool", "delay_up": 0, "delay_down": 3}, {"name": "arp_ping", "target_host": "192.0.2.9"}, {"name": "nsna_ping", "target_host": "fe80::9", "interval": 5, "missed_max": 3, "vlanid": 4}]}'],
  ['team', '{"link_watch": {"name": "arp_ping", "target_host": "192.0.2.9", "source_host": "192.0.2.8", "vlanid": 12, "send_always": false, "validate_active": true}}'],
  ['team', '{"link_watch": {"name": "fancy"}, "runner": {"name": "roundrobin"}}'],
  ['team', '{"link_watch": []}'],
  ['team', '{"notify_peers": {"count": 0, "interval": "x"}, "runner": {"name": "random"}}'],
  ['team', '{"runner": {"name": "lacp", "tx_hash": ["eth", "", 5, "ipv6"]}}'],
  ['team', '{"runner": {"name": "lacp"}, "link_watch": []}'],
  ['team-port', '{"prio": 5}'],
  ['team-port', '{"prio": 0, "sticky": false}'],
  ['team-port', '{"queue_id": 4, "lacp_prio": 100, "lacp_key": 2, "link_watch": {"name": "ethtool", "delay_down": 8}}'],
  ['team-port', '{"sticky": true, "prio": 100, "other": {"x": 1}}'],
];

const BASE = {
  team: ['type', 'team', 'ifname', 'team0'],
  'team-port': ['type', 'ethernet', 'ifname', 'eth0', 'master', 'team0', 'slave-type', 'team'],
};
/** A property set to its default, to make NetworkManager rebuild the JSON. */
const TOUCH = { team: ['team.notify-peers-count', '-1'], 'team-port': ['team-port.queue-id', '-1'] };

function arg(v) {
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (Array.isArray(v)) return v.join(v[0]?.startsWith('name=') ? ', ' : ',');
  return String(v);
}

/** The config= value of the [setting] group of the keyfile nmcli prints (GKeyFile's escapes undone), or null. */
function configOf(setting, args) {
  const r = spawnSync('nmcli', ['--offline', 'connection', 'add', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`nmcli ${args.join(' ')}: ${r.stderr}`);
  const group = r.stdout.split(/^\[/m).find((g) => g.startsWith(`${setting}]`));
  const line = group?.split('\n').find((l) => l.startsWith('config='));
  return line === undefined ? null : line.slice('config='.length).replace(/\\(.)/g, (_, c) => ({ s: ' ', n: '\n', t: '\t', r: '\r' })[c] ?? c);
}

const version = spawnSync('nmcli', ['--version'], { encoding: 'utf8' }).stdout.trim();
const cases = {
  generatedBy: `${version} --offline (sdk/settings/test/make-team-json-fixture.mjs)`,
  properties: PROPERTY_CASES.map(([setting, properties]) => ({
    setting,
    properties,
    config: configOf(setting, [...BASE[setting], ...Object.entries(properties).flatMap(([k, v]) => [`${setting}.${k}`, arg(v)])]),
  })),
  config: CONFIG_CASES.map(([setting, config]) => ({
    setting,
    config,
    rebuilt: configOf(setting, [...BASE[setting], `${setting}.config`, config, ...TOUCH[setting]]),
  })),
};
fs.writeFileSync(OUT, `${JSON.stringify(cases, null, 2)}\n`);
console.log(`wrote ${cases.properties.length + cases.config.length} cases to ${OUT}`);
