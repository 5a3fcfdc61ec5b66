import { describe, expect, it } from 'vitest';
import { cloneSettings, isValidConnection, normalizeConnection, verifyConnection, type ConnectionSettings, type IssueSeverity } from './index.js';
import { PROFILES } from './test/profiles.js';

describe('valid profiles', () => {
  it.each(Object.entries(PROFILES))('%s verifies without issues and is normalised', (_name, profile) => {
    expect(verifyConnection(profile)).toEqual([]);
    expect(normalizeConnection(profile)).toEqual(profile);
  });
});

type Mutate = (p: ConnectionSettings) => void;
interface Case {
  from: keyof typeof PROFILES;
  mutate: Mutate;
  severity: IssueSeverity;
  /** The message must start with this ("setting.property: ..." or "setting: ..."). */
  where: string;
  /** ...and contain this (the offending value, or the reason). */
  says: string;
}

const cases: Record<string, Case> = {
  'connection.id missing': { from: 'ethernetDhcp', mutate: (p) => delete p['connection']!['id'], severity: 'error', where: 'connection.id', says: 'property is missing' },
  'connection.id empty': { from: 'ethernetDhcp', mutate: (p) => (p['connection']!['id'] = ''), severity: 'error', where: 'connection.id', says: 'property is empty' },
  'connection.uuid invalid': { from: 'ethernetDhcp', mutate: (p) => (p['connection']!['uuid'] = 'not-a-uuid'), severity: 'error', where: 'connection.uuid', says: "'not-a-uuid' is not a valid UUID" },
  'connection.uuid missing': { from: 'ethernetDhcp', mutate: (p) => delete p['connection']!['uuid'], severity: 'normalizable-error', where: 'connection.uuid', says: 'property is missing' },
  'connection.uuid upper case': { from: 'ethernetDhcp', mutate: (p) => (p['connection']!['uuid'] = '00000000-0000-4000-8000-00000000000A'), severity: 'normalizable', where: 'connection.uuid', says: "'00000000-0000-4000-8000-00000000000A'" },
  'connection.type unknown': { from: 'ethernetDhcp', mutate: (p) => (p['connection']!['type'] = 'frobnicator'), severity: 'error', where: 'connection.type', says: "connection type 'frobnicator' is not valid" },
  'connection.type alias': { from: 'ethernetDhcp', mutate: (p) => (p['connection']!['type'] = 'ethernet'), severity: 'error', where: 'connection.type', says: "'802-3-ethernet'" },
  'connection.type unsupported': { from: 'ethernetDhcp', mutate: (p) => (p['connection']!['type'] = 'hsr'), severity: 'error', where: 'connection.type', says: "'hsr' is not supported" },
  'connection.type missing, base found': { from: 'bond', mutate: (p) => delete p['connection']!['type'], severity: 'normalizable-error', where: 'connection.type', says: "should be set to 'bond'" },
  'connection.type missing, no base': { from: 'ethernetDhcp', mutate: (p) => { delete p['connection']!['type']; delete p['802-3-ethernet']; }, severity: 'error', where: 'connection.type', says: 'property is missing' },
  'base setting missing but addable': { from: 'ethernetDhcp', mutate: (p) => delete p['802-3-ethernet'], severity: 'normalizable-error', where: '802-3-ethernet:', says: "setting required for connection of type '802-3-ethernet'" },
  'base setting missing and not addable': { from: 'vlan', mutate: (p) => delete p['vlan'], severity: 'error', where: 'vlan:', says: "setting required for connection of type 'vlan'" },
  'interface name too long': { from: 'ethernetDhcp', mutate: (p) => (p['connection']!['interface-name'] = 'a-very-long-interface-name'), severity: 'error', where: 'connection.interface-name', says: "'a-very-long-interface-name': interface name is longer than 15 characters" },
  'interface name with slash': { from: 'ethernetDhcp', mutate: (p) => (p['connection']!['interface-name'] = 'eth/0'), severity: 'error', where: 'connection.interface-name', says: "'eth/0': interface name contains an invalid character" },
  'metered guess refused': { from: 'ethernetDhcp', mutate: (p) => (p['connection']!['metered'] = 3), severity: 'error', where: 'connection.metered', says: '3 is not one of 0, 1, 2' },
  'unknown property': { from: 'ethernetDhcp', mutate: (p) => (p['connection']!['colour'] = 'blue'), severity: 'error', where: 'connection.colour', says: 'unknown property' },
  'unknown setting': { from: 'ethernetDhcp', mutate: (p) => (p['frob'] = {}), severity: 'error', where: 'frob:', says: 'unknown setting' },
  'alias used as setting name': { from: 'ethernetDhcp', mutate: (p) => (p['ethernet'] = {}), severity: 'error', where: 'ethernet:', says: "must be named '802-3-ethernet'" },
  'wrong value type': { from: 'ethernetDhcp', mutate: (p) => (p['connection']!['autoconnect'] = 'yes'), severity: 'error', where: 'connection.autoconnect', says: "expected a boolean, got 'yes'" },
  'mptcp disabled with others': { from: 'ethernetDhcp', mutate: (p) => (p['connection']!['mptcp-flags'] = 3), severity: 'error', where: 'connection.mptcp-flags', says: '3: "disabled" flag cannot be combined' },
  'permissions format': { from: 'ethernetDhcp', mutate: (p) => (p['connection']!['permissions'] = ['group:wheel']), severity: 'error', where: 'connection.permissions', says: "'group:wheel'" },
  // Ports
  'slave-type without master': { from: 'bondPort', mutate: (p) => delete p['connection']!['master'], severity: 'error', where: 'connection.master', says: "slave-type 'bond'" },
  'master without slave-type': { from: 'bondPort', mutate: (p) => { delete p['connection']!['slave-type']; delete p['bond-port']; }, severity: 'error', where: 'connection.slave-type', says: "cannot set 'master' ('bond0') without 'slave-type'" },
  'master, slave-type detectable': { from: 'bridgePort', mutate: (p) => delete p['connection']!['slave-type'], severity: 'normalizable-error', where: 'connection.slave-type', says: "'slave-type' should be 'bridge'" },
  'bridge port without bridge-port setting': { from: 'bridgePort', mutate: (p) => delete p['bridge-port'], severity: 'normalizable-error', where: 'bridge-port:', says: "slave-type 'bridge' requires a 'bridge-port' setting" },
  'bridge-port on a bond port': { from: 'bondPort', mutate: (p) => (p['bridge-port'] = {}), severity: 'error', where: 'connection.slave-type', says: "'bond': a connection with a 'bridge-port' setting must have the slave-type set to 'bridge'" },
  'port with ipv4': { from: 'bondPort', mutate: (p) => (p['ipv4'] = { method: 'auto' }), severity: 'normalizable-error', where: 'ipv4:', says: 'setting not allowed in slave connection' },
  'unknown slave-type': { from: 'bondPort', mutate: (p) => (p['connection']!['slave-type'] = 'hub'), severity: 'error', where: 'connection.slave-type', says: "'hub' is not one of" },
  // Bond
  'bond without interface name': { from: 'bond', mutate: (p) => delete p['connection']!['interface-name'], severity: 'error', where: 'connection.interface-name', says: 'a bond needs an interface name' },
  'bond options without mode': { from: 'bond', mutate: (p) => (p['bond']!['options'] = { miimon: '100' }), severity: 'normalizable-error', where: 'bond.options', says: "mandatory option 'mode' is missing" },
  'bond unknown mode': { from: 'bond', mutate: (p) => (p['bond']!['options'] = { mode: 'fastest' }), severity: 'error', where: 'bond.options', says: "invalid value 'fastest' for option 'mode'" },
  'bond unknown option': { from: 'bond', mutate: (p) => ((p['bond']!['options'] as Record<string, string>)['turbo'] = '1'), severity: 'error', where: 'bond.options', says: "invalid option 'turbo'" },
  'bond option out of range': { from: 'bond', mutate: (p) => ((p['bond']!['options'] as Record<string, string>)['resend_igmp'] = '256'), severity: 'error', where: 'bond.options', says: "invalid value '256' for option 'resend_igmp'" },
  'bond updelay needs miimon': { from: 'bond', mutate: (p) => (p['bond']!['options'] = { mode: 'active-backup', miimon: '0', updelay: '200' }), severity: 'error', where: 'bond.options', says: "'updelay' option (200) requires 'miimon' option to be enabled" },
  'bond downdelay needs miimon': { from: 'bond', mutate: (p) => (p['bond']!['options'] = { mode: 'active-backup', miimon: '0', downdelay: '200' }), severity: 'error', where: 'bond.options', says: "'downdelay' option (200) requires 'miimon'" },
  'bond arp_interval needs arp_ip_target': { from: 'bond', mutate: (p) => (p['bond']!['options'] = { mode: 'active-backup', arp_interval: '100' }), severity: 'error', where: 'bond.options', says: "'arp_interval' option (100) requires 'arp_ip_target'" },
  'bond arp_ip_target needs arp_interval': { from: 'bond', mutate: (p) => (p['bond']!['options'] = { mode: 'active-backup', arp_ip_target: '192.0.2.1' }), severity: 'error', where: 'bond.options', says: "'arp_ip_target' option ('192.0.2.1') requires 'arp_interval'" },
  'bond arp_ip_target invalid': { from: 'bond', mutate: (p) => (p['bond']!['options'] = { mode: 'active-backup', arp_interval: '100', arp_ip_target: '192.0.2.1,300.1.1.1' }), severity: 'error', where: 'bond.options', says: "'300.1.1.1' is not a valid IPv4 address for 'arp_ip_target'" },
  'bond arp_interval in balance-alb': { from: 'bond', mutate: (p) => (p['bond']!['options'] = { mode: 'balance-alb', arp_interval: '100', arp_ip_target: '192.0.2.1' }), severity: 'error', where: 'bond.options', says: "'mode=balance-alb' is incompatible with 'arp_interval > 0'" },
  'bond lacp_rate=fast outside 802.3ad': { from: 'bond', mutate: (p) => (p['bond']!['options'] = { mode: 'active-backup', lacp_rate: 'fast' }), severity: 'error', where: 'bond.options', says: "'lacp_rate=fast' option is only valid with mode '802.3ad'" },
  'bond lacp_rate=slow outside 802.3ad is dropped': { from: 'bond', mutate: (p) => (p['bond']!['options'] = { mode: 'active-backup', lacp_rate: 'slow' }), severity: 'normalizable', where: 'bond.options', says: "'lacp_rate=slow' option is not valid with mode 'active-backup'" },
  'bond primary outside active-backup': { from: 'bond', mutate: (p) => (p['bond']!['options'] = { mode: 'balance-rr', primary: 'eth0' }), severity: 'error', where: 'bond.options', says: "'primary' option ('eth0') is only valid for 'mode=active-backup'" },
  'bond numeric mode': { from: 'bond', mutate: (p) => (p['bond']!['options'] = { mode: '1' }), severity: 'normalizable', where: 'bond.options', says: "'mode=1' option should be string ('active-backup')" },
  'bond peer_notif_delay multiple': { from: 'bond', mutate: (p) => (p['bond']!['options'] = { mode: 'active-backup', miimon: '100', peer_notif_delay: '150' }), severity: 'error', where: 'bond.options', says: "'peer_notif_delay' option (150) needs to be a value multiple of 'miimon' value (100)" },
  'bond grat_arp and unsol_na differ': { from: 'bond', mutate: (p) => (p['bond']!['options'] = { mode: 'active-backup', num_grat_arp: '2', num_unsol_na: '3' }), severity: 'error', where: 'bond.options', says: "'num_grat_arp' (2) and 'num_unsol_na' (3) cannot have different values" },
  'bond balance-slb outside balance-xor': { from: 'bond', mutate: (p) => (p['bond']!['options'] = { mode: 'active-backup', 'balance-slb': '1' }), severity: 'error', where: 'bond.options', says: 'balance-slb requires bond mode "balance-xor"' },
  // Bridge
  'bridge forward-delay out of STP range': { from: 'bridge', mutate: (p) => Object.assign(p['bridge']!, { stp: true, 'forward-delay': 1 }), severity: 'error', where: 'bridge.forward-delay', says: "value '1' is out of range <2-30>" },
  'bridge group-forward-mask bits': { from: 'bridge', mutate: (p) => (p['bridge']!['group-forward-mask'] = 1), severity: 'error', where: 'bridge.group-forward-mask', says: "1: the mask can't contain bits 0 (STP), 1 (MAC) or 2 (LACP)" },
  'bridge hash max power of two': { from: 'bridge', mutate: (p) => (p['bridge']!['multicast-hash-max'] = 1000), severity: 'error', where: 'bridge.multicast-hash-max', says: '1000' },
  'bridge group address': { from: 'bridge', mutate: (p) => (p['bridge']!['group-address'] = '01:80:C2:00:00:01'), severity: 'error', where: 'bridge.group-address', says: "'01:80:C2:00:00:01' is not a valid link local MAC address" },
  'bridge duplicate VLAN': { from: 'bridge', mutate: (p) => (p['bridge']!['vlans'] = ['10-20', '15']), severity: 'error', where: 'bridge.vlans', says: 'duplicate bridge VLAN vid 15' },
  'bridge two PVIDs': { from: 'bridge', mutate: (p) => (p['bridge']!['vlans'] = ['1 pvid', '2 pvid']), severity: 'error', where: 'bridge.vlans', says: 'only one VLAN can be the PVID' },
  'bridge VLAN syntax': { from: 'bridgePort', mutate: (p) => (p['bridge-port']!['vlans'] = ['10 tagged']), severity: 'error', where: 'bridge-port.vlans', says: "'10 tagged': invalid option 'tagged'" },
  'bridge VLANs unsorted': { from: 'bridge', mutate: (p) => (p['bridge']!['vlans'] = ['10-20', '1 pvid untagged']), severity: 'normalizable', where: 'bridge.vlans', says: 'not sorted' },
  'bridge without ethernet': { from: 'bridge', mutate: (p) => delete p['802-3-ethernet'], severity: 'normalizable', where: 'bridge:', says: 'should have a ethernet setting' },
  'bridge-port priority range': { from: 'bridgePort', mutate: (p) => (p['bridge-port']!['priority'] = 64), severity: 'error', where: 'bridge-port.priority', says: '64 is out of range 0..63' },
  // VLAN
  'vlan id out of range': { from: 'vlan', mutate: (p) => (p['vlan']!['id'] = 5000), severity: 'error', where: 'vlan.id', says: '5000 is out of range 0..4094' },
  'vlan id 4095': { from: 'vlan', mutate: (p) => (p['vlan']!['id'] = 4095), severity: 'error', where: 'vlan.id', says: '4095 is out of range 0..4094' },
  'vlan without parent': { from: 'vlan', mutate: (p) => delete p['vlan']!['parent'], severity: 'error', where: 'vlan.parent', says: "neither is '802-3-ethernet:mac-address'" },
  'vlan parent bad': { from: 'vlan', mutate: (p) => (p['vlan']!['parent'] = 'not a name'), severity: 'error', where: 'vlan.parent', says: "'not a name' is neither an UUID nor an interface name" },
  'vlan unknown flag': { from: 'vlan', mutate: (p) => (p['vlan']!['flags'] = 16), severity: 'error', where: 'vlan.flags', says: '16 has unknown flags' },
  'vlan protocol': { from: 'vlan', mutate: (p) => (p['vlan']!['protocol'] = '802.1x'), severity: 'error', where: 'vlan.protocol', says: "'802.1x' is not one of 802.1Q, 802.1ad" },
  'vlan priority map': { from: 'vlan', mutate: (p) => (p['vlan']!['ingress-priority-map'] = ['9:3']), severity: 'error', where: 'vlan.ingress-priority-map', says: "'9:3'" },
  'vlan without ethernet': { from: 'vlan', mutate: (p) => delete p['802-3-ethernet'], severity: 'normalizable', where: 'vlan:', says: 'should have a ethernet setting' },
  // Ethernet
  'ethernet bad MAC': { from: 'ethernetStatic', mutate: (p) => (p['802-3-ethernet']!['mac-address'] = '52:54:00:12:34'), severity: 'error', where: '802-3-ethernet.mac-address', says: "'52:54:00:12:34' is not a valid MAC address" },
  'ethernet cloned MAC': { from: 'ethernetStatic', mutate: (p) => (p['802-3-ethernet']!['cloned-mac-address'] = 'sometimes'), severity: 'error', where: '802-3-ethernet.cloned-mac-address', says: "'sometimes' is not a valid MAC address" },
  'ethernet duplex value': { from: 'ethernetStatic', mutate: (p) => Object.assign(p['802-3-ethernet']!, { speed: 100, duplex: 'double' }), severity: 'error', where: '802-3-ethernet.duplex', says: "'double' is not one of half, full" },
  'ethernet speed without duplex': { from: 'ethernetStatic', mutate: (p) => (p['802-3-ethernet']!['speed'] = 1000), severity: 'normalizable', where: '802-3-ethernet.duplex', says: 'speed 1000' },
  'ethernet wol exclusive': { from: 'ethernetStatic', mutate: (p) => (p['802-3-ethernet']!['wake-on-lan'] = 0x41), severity: 'error', where: '802-3-ethernet.wake-on-lan', says: "65: Wake-on-LAN mode 'default' and 'ignore' are exclusive" },
  'ethernet wol password without magic': { from: 'ethernetStatic', mutate: (p) => (p['802-3-ethernet']!['wake-on-lan-password'] = '00:11:22:33:44:55'), severity: 'error', where: '802-3-ethernet.wake-on-lan-password', says: "'00:11:22:33:44:55': Wake-on-LAN password can only be used with magic" },
  // IP
  'ipv4 manual without addresses': { from: 'ethernetStatic', mutate: (p) => { delete p['ipv4']!['address-data']; delete p['ipv4']!['gateway']; }, severity: 'error', where: 'ipv4.address-data', says: "cannot be empty for 'method=manual'" },
  'ipv4 disabled with addresses': { from: 'ethernetStatic', mutate: (p) => { p['ipv4']!['method'] = 'disabled'; delete p['ipv4']!['dns']; delete p['ipv4']!['dns-search']; delete p['ipv4']!['gateway']; }, severity: 'error', where: 'ipv4.address-data', says: "not allowed for 'method=disabled'" },
  'ipv4 link-local with dns': { from: 'ethernetDhcp', mutate: (p) => Object.assign(p['ipv4']!, { method: 'link-local', dns: ['192.0.2.53'] }), severity: 'error', where: 'ipv4.dns', says: `["192.0.2.53"]: this property is not allowed for 'method=link-local'` },
  'ipv4 method unknown': { from: 'ethernetDhcp', mutate: (p) => (p['ipv4']!['method'] = 'magic'), severity: 'error', where: 'ipv4.method', says: "'magic' is not one of auto, link-local, manual, shared, disabled" },
  'ipv4 method missing': { from: 'ethernetDhcp', mutate: (p) => delete p['ipv4']!['method'], severity: 'error', where: 'ipv4.method', says: 'property is missing' },
  'ipv4 bad address': { from: 'ethernetStatic', mutate: (p) => (p['ipv4']!['address-data'] = [{ address: '192.0.2.300', prefix: 24 }]), severity: 'error', where: 'ipv4.address-data', says: "1. IP address '192.0.2.300' is invalid" },
  'ipv4 prefix out of range': { from: 'ethernetStatic', mutate: (p) => (p['ipv4']!['address-data'] = [{ address: '192.0.2.3', prefix: 33 }]), severity: 'error', where: 'ipv4.address-data', says: 'invalid prefix 33' },
  'ipv6 prefix out of range': { from: 'ethernetStatic', mutate: (p) => (p['ipv6']!['address-data'] = [{ address: '2001:db8::3', prefix: 129 }]), severity: 'error', where: 'ipv6.address-data', says: 'invalid prefix 129' },
  'ipv6 address in ipv4': { from: 'ethernetStatic', mutate: (p) => (p['ipv4']!['address-data'] = [{ address: '2001:db8::3', prefix: 64 }]), severity: 'error', where: 'ipv4.address-data', says: "'2001:db8::3' is invalid" },
  'ipv4 label': { from: 'ethernetStatic', mutate: (p) => (p['ipv4']!['address-data'] = [{ address: '192.0.2.3', prefix: 24, attributes: { label: 'nolabel' } }]), severity: 'error', where: 'ipv4.address-data', says: "invalid label 'nolabel'" },
  'gateway without addresses': { from: 'ethernetDhcp', mutate: (p) => (p['ipv4']!['gateway'] = '192.0.2.1'), severity: 'error', where: 'ipv4.gateway', says: "'192.0.2.1': gateway cannot be set if there are no addresses" },
  'gateway wrong family': { from: 'ethernetStatic', mutate: (p) => (p['ipv4']!['gateway'] = '2001:db8::1'), severity: 'error', where: 'ipv4.gateway', says: "'2001:db8::1': gateway is invalid" },
  'gateway with never-default': { from: 'ethernetStatic', mutate: (p) => (p['ipv4']!['never-default'] = true), severity: 'normalizable-error', where: 'ipv4.gateway', says: "'192.0.2.1': a gateway is incompatible with 'never-default'" },
  'dns invalid': { from: 'ethernetStatic', mutate: (p) => (p['ipv4']!['dns'] = ['dns.example.com']), severity: 'error', where: 'ipv4.dns', says: "1. DNS server address 'dns.example.com' is invalid" },
  'route bad next hop': { from: 'ethernetStatic', mutate: (p) => (p['ipv4']!['route-data'] = [{ dest: '198.51.100.0', prefix: 24, nextHop: '2001:db8::1' }]), severity: 'error', where: 'ipv4.route-data', says: "next hop '2001:db8::1' is invalid" },
  'route attribute family': { from: 'ethernetStatic', mutate: (p) => (p['ipv6']!['route-data'] = [{ dest: '2001:db8:2::', prefix: 48, attributes: { tos: 4 } }]), severity: 'error', where: 'ipv6.route-data', says: "attribute 'tos' is not valid for IPv6" },
  'routing rule invalid': { from: 'ethernetStatic', mutate: (p) => (p['ipv4']!['routing-rules'] = ['from 10.0.0.0/8 table 5']), severity: 'error', where: 'ipv4.routing-rules', says: "1. rule 'from 10.0.0.0/8 table 5' is invalid: missing priority" },
  'ipv6 reject servers': { from: 'ethernetDhcp', mutate: (p) => (p['ipv6']!['dhcp-reject-servers'] = ['2001:db8::1']), severity: 'error', where: 'ipv6.dhcp-reject-servers', says: 'supported only for DHCPv4' },
  'ipv4 shared with two addresses': { from: 'ethernetStatic', mutate: (p) => { Object.assign(p['ipv4']!, { method: 'shared', 'address-data': [{ address: '10.0.0.1', prefix: 24 }, { address: '10.0.1.1', prefix: 24 }] }); delete p['ipv4']!['dns']; delete p['ipv4']!['dns-search']; delete p['ipv4']!['gateway']; }, severity: 'normalizable-error', where: 'ipv4.address-data', says: "2 addresses: multiple addresses are not allowed for 'method=shared'" },
  'ipv4 disabled may-fail false': { from: 'ethernetDhcp', mutate: (p) => Object.assign(p['ipv4']!, { method: 'disabled', 'may-fail': false }), severity: 'normalizable', where: 'ipv4.may-fail', says: 'false: property should be TRUE' },
  'ipv6 token without eui64': { from: 'ethernetDhcp', mutate: (p) => (p['ipv6']!['token'] = '::1'), severity: 'error', where: 'ipv6.token', says: "'::1': only makes sense with EUI64" },
  'ipv6 token not canonical': { from: 'ethernetDhcp', mutate: (p) => Object.assign(p['ipv6']!, { 'addr-gen-mode': 0, token: '::0:1' }), severity: 'normalizable-error', where: 'ipv6.token', says: "'::0:1': token is not in canonical form" },
  'ipv4 fqdn with hostname': { from: 'ethernetDhcp', mutate: (p) => Object.assign(p['ipv4']!, { 'dhcp-fqdn': 'host.example.com', 'dhcp-hostname': 'host' }), severity: 'error', where: 'ipv4.dhcp-fqdn', says: "'host.example.com': property cannot be set when dhcp-hostname" },
  'ipv4 missing on a non-port': { from: 'ethernetDhcp', mutate: (p) => delete p['ipv4'], severity: 'normalizable', where: 'ipv4:', says: 'setting is required for non-slave connections' },
  // Wi-Fi
  'wifi ssid missing': { from: 'wifiPsk', mutate: (p) => delete p['802-11-wireless']!['ssid'], severity: 'error', where: '802-11-wireless.ssid', says: 'property is missing' },
  'wifi ssid too long': { from: 'wifiPsk', mutate: (p) => (p['802-11-wireless']!['ssid'] = new Uint8Array(33)), severity: 'error', where: '802-11-wireless.ssid', says: 'SSID length 33 is out of range <1-32> bytes' },
  'wifi channel without band': { from: 'wifiPsk', mutate: (p) => (p['802-11-wireless']!['channel'] = 6), severity: 'error', where: '802-11-wireless.band', says: "'channel' (6) requires setting 'band'" },
  'wifi channel not in band': { from: 'wifiPsk', mutate: (p) => Object.assign(p['802-11-wireless']!, { band: 'a', channel: 6 }), severity: 'error', where: '802-11-wireless.channel', says: "'6' is not a valid channel for band 'a'" },
  'wifi key-mgmt missing': { from: 'wifiPsk', mutate: (p) => delete p['802-11-wireless-security']!['key-mgmt'], severity: 'error', where: '802-11-wireless-security.key-mgmt', says: 'property is missing' },
  'wifi key-mgmt invalid': { from: 'wifiPsk', mutate: (p) => (p['802-11-wireless-security']!['key-mgmt'] = 'wpa3'), severity: 'error', where: '802-11-wireless-security.key-mgmt', says: "'wpa3' is not one of none, ieee8021x, wpa-psk" },
  'wifi eap needs 802-1x': { from: 'wifiEap', mutate: (p) => delete p['802-1x'], severity: 'error', where: '802-1x:', says: "'wpa-eap' security requires '802-1x' setting presence" },
  'wifi psk too short': { from: 'wifiPsk', mutate: (p) => (p['802-11-wireless-security']!['psk'] = 'short'), severity: 'error', where: '802-11-wireless-security.psk', says: '5 characters' },
  'wifi shared auth with wpa': { from: 'wifiPsk', mutate: (p) => (p['802-11-wireless-security']!['auth-alg'] = 'shared'), severity: 'error', where: '802-11-wireless-security.auth-alg', says: "'shared' can only be used with 'key-mgmt=none' (WEP), not 'wpa-psk'" },
  'wifi pmf with none': { from: 'wifiPsk', mutate: (p) => Object.assign(p['802-11-wireless-security']!, { 'key-mgmt': 'none', pmf: 3, psk: undefined }), severity: 'error', where: '802-11-wireless-security.pmf', says: "'required' can only be used with" },
  'wifi ap-isolation outside AP mode': { from: 'wifiPsk', mutate: (p) => (p['802-11-wireless']!['ap-isolation'] = 1), severity: 'error', where: '802-11-wireless.ap-isolation', says: '1: AP isolation can be set only in AP mode' },
  '802-1x peap without phase2': { from: 'wifiEap', mutate: (p) => delete p['802-1x']!['phase2-auth'], severity: 'error', where: '802-1x.phase2-auth', says: "exactly one of 'phase2-auth' (undefined) and 'phase2-autheap' (undefined)" },
  '802-1x tls without key': { from: 'wifiEap', mutate: (p) => (p['802-1x']!['eap'] = ['tls']), severity: 'error', where: '802-1x.client-cert', says: 'property is missing' },
  '802-1x unknown eap': { from: 'wifiEap', mutate: (p) => (p['802-1x']!['eap'] = ['chap']), severity: 'error', where: '802-1x.eap', says: "'chap' is not one of" },
  '802-1x optional on wifi': { from: 'wifiEap', mutate: (p) => (p['802-1x']!['optional'] = true), severity: 'error', where: '802-1x.optional', says: 'can be enabled only on Ethernet' },
  // VPN and others
  'vpn service-type missing': { from: 'vpn', mutate: (p) => delete p['vpn']!['service-type'], severity: 'error', where: 'vpn.service-type', says: 'property is missing' },
  'vpn multi-connect': { from: 'vpn', mutate: (p) => (p['connection']!['multi-connect'] = 3), severity: 'error', where: 'connection.multi-connect', says: '3: cannot set connection.multi-connect for VPN setting' },
  'team config not JSON': { from: 'team', mutate: (p) => (p['team']!['config'] = '{runner'), severity: 'error', where: 'team.config', says: "'{runner': team config is not valid JSON" },
  'team runner': { from: 'team', mutate: (p) => (p['team']!['runner'] = 'fastest'), severity: 'error', where: 'team.runner', says: "'fastest' is not one of" },
  'team link watcher': { from: 'team', mutate: (p) => (p['team']!['link-watchers'] = ['name=arp_ping interval=1']), severity: 'error', where: 'team.link-watchers', says: 'arp_ping needs target-host' },
  'dummy without interface name': { from: 'dummy', mutate: (p) => delete p['connection']!['interface-name'], severity: 'error', where: 'connection.interface-name', says: 'a dummy needs an interface name' },
  'veth without peer': { from: 'veth', mutate: (p) => delete p['veth']!['peer'], severity: 'error', where: 'veth.peer', says: 'property is not specified' },
  'vxlan id range': { from: 'vxlan', mutate: (p) => (p['vxlan']!['id'] = 16777216), severity: 'error', where: 'vxlan.id', says: '16777216 is out of range 0..16777215' },
  'vxlan family mismatch': { from: 'vxlan', mutate: (p) => (p['vxlan']!['local'] = '2001:db8::1'), severity: 'error', where: 'vxlan.local', says: "'2001:db8::1' is not a valid IP4 address" },
  'vxlan source ports': { from: 'vxlan', mutate: (p) => Object.assign(p['vxlan']!, { 'source-port-min': 2000, 'source-port-max': 1000 }), severity: 'error', where: 'vxlan.source-port-min', says: '2000 is greater than local port max 1000' },
  'macvlan not promiscuous': { from: 'macvlan', mutate: (p) => (p['macvlan']!['promiscuous'] = false), severity: 'error', where: 'macvlan.promiscuous', says: 'only in passthru mode' },
  'infiniband wrong name': { from: 'infiniband', mutate: (p) => (p['connection']!['interface-name'] = 'ib7'), severity: 'error', where: 'connection.interface-name', says: "must be 'ib0.8001' or unset (instead it is 'ib7')" },
  'infiniband mtu': { from: 'infiniband', mutate: (p) => (p['infiniband']!['mtu'] = 70000), severity: 'normalizable-error', where: 'infiniband.mtu', says: 'mtu can be at most 65520 but it is 70000' },
  'proxy pac without auto': { from: 'ethernetDhcp', mutate: (p) => (p['proxy']!['pac-url'] = 'http://wpad/wpad.dat'), severity: 'error', where: 'proxy.pac-url', says: "'http://wpad/wpad.dat': this property is not allowed for method none" },
  'match empty': { from: 'ethernetDhcp', mutate: (p) => (p['match'] = { 'interface-name': ['eth*', ''] }), severity: 'error', where: 'match.interface-name', says: "'' is empty" },
};

describe('each rule reports setting, property and value', () => {
  it.each(Object.entries(cases))('%s', (_name, c) => {
    const profile = cloneSettings(PROFILES[c.from]!);
    c.mutate(profile);
    for (const s of Object.values(profile)) for (const [k, v] of Object.entries(s)) if (v === undefined) delete s[k];
    const issues = verifyConnection(profile);
    const hit = issues.find((i) => i.message.startsWith(c.where.endsWith(':') ? c.where : `${c.where}:`) && i.message.includes(c.says));
    expect(hit, `no issue "${c.where}: …${c.says}…" in ${JSON.stringify(issues.map((i) => i.message), null, 1)}`).toBeDefined();
    expect(hit!.severity).toBe(c.severity);
    const [setting, property] = c.where.replace(/:$/, '').split(/\.(.*)/);
    expect(hit!.setting).toBe(setting);
    expect(hit!.property).toBe(property || undefined);
    expect(isValidConnection(issues)).toBe(c.severity === 'normalizable');
  });
});

describe('bond ports', () => {
  it('need no bond-port setting (NetworkManager 1.42 does not add one; nmcli does when it creates a profile)', () => {
    const p = cloneSettings(PROFILES['bondPort']!);
    delete p['bond-port'];
    expect(verifyConnection(p)).toEqual([]);
  });
});

describe('verifyConnection on bad input', () => {
  it('reports a missing connection setting', () => {
    expect(verifyConnection({})).toEqual([{ severity: 'error', setting: 'connection', message: 'connection: setting not found' }]);
    expect(verifyConnection(null as unknown as ConnectionSettings)[0]!.message).toBe('connection: setting not found');
  });
  it('does not throw on values of the wrong shape', () => {
    const p = { connection: { id: 5, uuid: [], type: {} }, ipv4: { 'address-data': 'x', method: 3 }, bond: 7 } as unknown as ConnectionSettings;
    const issues = verifyConnection(p);
    expect(issues.length).toBeGreaterThan(3);
    expect(issues.every((i) => i.message.startsWith(`${i.setting}`))).toBe(true);
  });
});
