/**
 * Valid, normalised profiles of each kind the tests start from. Each is
 * what normalizeConnection makes of the smallest profile of its kind, so
 * verifyConnection reports nothing for any of them.
 */
import type { ConnectionSettings } from '../types.js';

const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const ip = { ipv4: { method: 'auto' }, ipv6: { method: 'auto' }, proxy: {} };

export const PROFILES: Readonly<Record<string, ConnectionSettings>> = {
  ethernetDhcp: {
    connection: { id: 'Wired', uuid: uuid(1), type: '802-3-ethernet', 'interface-name': 'eth0' },
    '802-3-ethernet': {},
    ...ip,
  },
  ethernetStatic: {
    connection: { id: 'Static', uuid: uuid(2), type: '802-3-ethernet', 'interface-name': 'eth1', autoconnect: false },
    '802-3-ethernet': { 'mac-address': '52:54:00:12:34:56', mtu: 9000 },
    ipv4: {
      method: 'manual',
      'address-data': [{ address: '192.0.2.10', prefix: 24 }],
      gateway: '192.0.2.1',
      dns: ['192.0.2.53'],
      'dns-search': ['example.com'],
      'route-data': [{ dest: '198.51.100.0', prefix: 24, nextHop: '192.0.2.254', metric: 100 }],
    },
    ipv6: { method: 'manual', 'address-data': [{ address: '2001:db8::10', prefix: 64 }], gateway: '2001:db8::1' },
    proxy: {},
  },
  bond: {
    connection: { id: 'bond0', uuid: uuid(3), type: 'bond', 'interface-name': 'bond0' },
    bond: { options: { mode: '802.3ad', miimon: '100', lacp_rate: 'fast', xmit_hash_policy: 'layer3+4' } },
    ...ip,
  },
  bondPort: {
    connection: { id: 'bond0-port1', uuid: uuid(4), type: '802-3-ethernet', 'interface-name': 'eth1', master: 'bond0', 'slave-type': 'bond' },
    '802-3-ethernet': {},
    'bond-port': {},
  },
  bridge: {
    connection: { id: 'br0', uuid: uuid(5), type: 'bridge', 'interface-name': 'br0' },
    '802-3-ethernet': {},
    bridge: { stp: false, 'forward-delay': 0, 'vlan-filtering': true, vlans: ['1 pvid untagged', '10-20'] },
    ...ip,
  },
  bridgePort: {
    connection: { id: 'br0-port', uuid: uuid(6), type: '802-3-ethernet', 'interface-name': 'eth2', master: 'br0', 'slave-type': 'bridge' },
    '802-3-ethernet': {},
    'bridge-port': { 'path-cost': 4, vlans: ['10 untagged'] },
  },
  vlan: {
    connection: { id: 'vlan10', uuid: uuid(7), type: 'vlan', 'interface-name': 'eth0.10' },
    '802-3-ethernet': {},
    vlan: { id: 10, parent: 'eth0', flags: 1 },
    ...ip,
  },
  wifiPsk: {
    connection: { id: 'Home', uuid: uuid(8), type: '802-11-wireless' },
    '802-11-wireless': { ssid: new TextEncoder().encode('home-net'), mode: 'infrastructure' },
    '802-11-wireless-security': { 'key-mgmt': 'wpa-psk', psk: 'correct horse battery' },
    ...ip,
  },
  wifiEap: {
    connection: { id: 'Work', uuid: uuid(9), type: '802-11-wireless' },
    '802-11-wireless': { ssid: new TextEncoder().encode('corp') },
    '802-11-wireless-security': { 'key-mgmt': 'wpa-eap' },
    '802-1x': { eap: ['peap'], identity: 'alice', 'phase2-auth': 'mschapv2', password: 'secret' },
    ...ip,
  },
  vpn: {
    connection: { id: 'VPN', uuid: uuid(10), type: 'vpn' },
    vpn: { 'service-type': 'org.freedesktop.NetworkManager.openvpn', data: { remote: 'vpn.example.com', 'password-flags': '1' }, secrets: { password: 'pw' } },
    ...ip,
  },
  team: {
    connection: { id: 'team0', uuid: uuid(11), type: 'team', 'interface-name': 'team0' },
    // NetworkManager keeps config and properties in step: these are the properties it reads from the config.
    team: {
      config: '{"runner": {"name": "activebackup"}, "link_watch": {"name": "ethtool", "delay_up": 5}}',
      runner: 'activebackup',
      'link-watchers': ['name=ethtool delay-up=5'],
    },
    ...ip,
  },
  dummy: {
    connection: { id: 'dummy0', uuid: uuid(12), type: 'dummy', 'interface-name': 'dummy0' },
    dummy: {},
    ipv4: { method: 'manual', 'address-data': [{ address: '203.0.113.1', prefix: 32 }] },
    ipv6: { method: 'disabled' },
    proxy: {},
  },
  vxlan: {
    connection: { id: 'vx', uuid: uuid(13), type: 'vxlan', 'interface-name': 'vx0' },
    vxlan: { id: 42, remote: '192.0.2.99', local: '192.0.2.1' },
    ...ip,
  },
  macvlan: {
    connection: { id: 'mv', uuid: uuid(14), type: 'macvlan', 'interface-name': 'mv0' },
    macvlan: { parent: 'eth0', mode: 2 },
    ...ip,
  },
  veth: {
    connection: { id: 'veth', uuid: uuid(15), type: 'veth', 'interface-name': 'veth0' },
    veth: { peer: 'veth1' },
    ...ip,
  },
  infiniband: {
    connection: { id: 'ib', uuid: uuid(16), type: 'infiniband', 'interface-name': 'ib0.8001' },
    infiniband: { 'transport-mode': 'datagram', parent: 'ib0', 'p-key': 0x8001, mtu: 2044 },
    ...ip,
  },
};
