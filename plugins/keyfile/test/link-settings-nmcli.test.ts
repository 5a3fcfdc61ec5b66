/**
 * The settings of tunnels, VRF, loopback, Open vSwitch, WireGuard, tc,
 * SR-IOV, DCB, hostname, user and the s390 options, against NetworkManager
 * 1.42 itself: `nmcli --offline connection add` (or `connection modify`
 * reading a keyfile on stdin, for what nmcli 1.42 cannot set: WireGuard
 * peers, OVS external-ids and other-config, user data) prints the keyfile
 * NetworkManager writes; nmk must read it to the settings written here by
 * hand, write it back byte for byte, and carry the settings through
 * toDBus/fromDBus unchanged. Needs /usr/bin/nmcli.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromDBus, toDBus, type ConnectionSettings } from '../../../sdk/index.js';
import { serializeProfile } from '../profile-codec.js';
import { makeTempRoot, nmcliOffline, type TempRoot } from './support.js';

const uuid = (n: number) => `22222222-2222-4222-8222-2222222222${String(n).padStart(2, '0')}`;
const ipAuto = { ipv4: { method: 'auto' }, ipv6: { 'addr-gen-mode': 3, method: 'auto' }, proxy: {} };
const PRIVATE_KEY = 'yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=';
const PEER1 = 'xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=';
const PEER2 = 'TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=';
const PSK = 'E2SdUsh/h2TemrIlMqPx4YoVVEpnhB2rkfm/2QzMdNA=';

interface Case {
  name: string;
  /** `connection add` arguments; or, with `stdin`, `connection modify` reads that keyfile. */
  args: string[];
  stdin?: string;
  expected: ConnectionSettings;
}

const con = (n: number, id: string, type: string, ifname: string, extra: Record<string, string> = {}) => ({ id, uuid: uuid(n), type, 'interface-name': ifname, ...extra });
const add = (n: number, id: string, type: string, ifname: string, ...rest: string[]) => ['type', type, 'con-name', id, 'ifname', ifname, 'connection.uuid', uuid(n), ...rest];

const CASES: Case[] = [
  {
    name: 's390 options in their own group',
    args: add(1, 's390', 'ethernet', 'eth0', 'ethernet.s390-subchannels', '0.0.0600,0.0.0601,0.0.0602', 'ethernet.s390-nettype', 'qeth', 'ethernet.s390-options', 'portno=0,layer2=1,bridge_role=primary'),
    expected: {
      connection: con(1, 's390', '802-3-ethernet', 'eth0'),
      '802-3-ethernet': { 's390-nettype': 'qeth', 's390-subchannels': ['0.0.0600', '0.0.0601', '0.0.0602'], 's390-options': { bridge_role: 'primary', layer2: '1', portno: '0' } },
      ...ipAuto,
    },
  },
  {
    name: 'tc qdiscs and filters',
    args: add(2, 'tc', 'ethernet', 'eth0',
      'tc.qdiscs', 'root handle 1234: fq_codel limit 10 target 5, ingress, parent 1234:2 handle 5: sfq perturb -3 quantum 100, parent 2:1 tbf rate 1000000000000 burst 10 limit 20 latency 30',
      'tc.tfilters', 'parent ffff: matchall action simple sdata hello\\ world, root matchall action drop, parent 1: handle 2: matchall action mirred egress redirect dev eth1'),
    expected: {
      connection: con(2, 'tc', '802-3-ethernet', 'eth0'),
      '802-3-ethernet': {},
      ...ipAuto,
      tc: {
        qdiscs: ['root handle 1234: fq_codel limit 10 target 5', 'ingress', 'parent 1234:2 handle 5: sfq perturb -3 quantum 100', 'parent 2:1 tbf burst 10 latency 30 limit 20 rate 1000000000000'],
        tfilters: ['parent ffff: matchall action simple sdata hello\\ world', 'root matchall action drop', 'parent 1: handle 2: matchall action mirred dev eth1 egress redirect'],
      },
    },
  },
  {
    name: 'sriov and hostname',
    args: add(3, 'sriov', 'ethernet', 'eth0', 'sriov.total-vfs', '4', 'sriov.autoprobe-drivers', '0',
      'sriov.vfs', '2 trust=true, 0 mac=00:11:22:33:44:55 spoof-check=true trust=false min-tx-rate=10 max-tx-rate=1000 vlans=3;1.2.ad',
      'hostname.from-dhcp', '0', 'hostname.from-dns-lookup', '1', 'hostname.only-from-default', '1', 'hostname.priority', '-5'),
    expected: {
      connection: con(3, 'sriov', '802-3-ethernet', 'eth0'),
      '802-3-ethernet': {},
      sriov: { 'autoprobe-drivers': 0, 'total-vfs': 4, vfs: ['0 mac=00:11:22:33:44:55 max-tx-rate=1000 min-tx-rate=10 spoof-check=true trust=false vlans=1.2.ad;3', '2 trust=true'] },
      hostname: { 'from-dhcp': 0, 'from-dns-lookup': 1, 'only-from-default': 1, priority: -5 },
      ...ipAuto,
    },
  },
  {
    name: 'dcb',
    args: add(4, 'dcb', 'ethernet', 'eth0', 'dcb.app-fcoe-flags', '7', 'dcb.app-fcoe-priority', '3', 'dcb.app-fcoe-mode', 'vn2vn', 'dcb.app-iscsi-flags', '1',
      'dcb.app-iscsi-priority', '4', 'dcb.app-fip-flags', '1', 'dcb.app-fip-priority', '2', 'dcb.priority-flow-control-flags', '1', 'dcb.priority-flow-control', '1,0,0,1,1,0,1,0',
      'dcb.priority-group-flags', '1', 'dcb.priority-group-id', '0,0,0,0,1,1,1,1', 'dcb.priority-group-bandwidth', '13,13,13,13,12,12,12,12',
      'dcb.priority-bandwidth', '100,100,100,100,100,100,100,100', 'dcb.priority-strict-bandwidth', '0,0,0,0,1,1,1,1', 'dcb.priority-traffic-class', '7,6,5,4,3,2,1,0'),
    expected: {
      connection: con(4, 'dcb', '802-3-ethernet', 'eth0'),
      '802-3-ethernet': {},
      dcb: {
        'app-fcoe-flags': 7, 'app-fcoe-mode': 'vn2vn', 'app-fcoe-priority': 3, 'app-fip-flags': 1, 'app-fip-priority': 2, 'app-iscsi-flags': 1, 'app-iscsi-priority': 4,
        'priority-bandwidth': [100, 100, 100, 100, 100, 100, 100, 100], 'priority-flow-control': [1, 0, 0, 1, 1, 0, 1, 0], 'priority-flow-control-flags': 1,
        'priority-group-bandwidth': [13, 13, 13, 13, 12, 12, 12, 12], 'priority-group-flags': 1, 'priority-group-id': [0, 0, 0, 0, 1, 1, 1, 1],
        'priority-strict-bandwidth': [0, 0, 0, 0, 1, 1, 1, 1], 'priority-traffic-class': [7, 6, 5, 4, 3, 2, 1, 0],
      },
      ...ipAuto,
    },
  },
  {
    name: 'ovs-bridge',
    args: add(5, 'ovsbr', 'ovs-bridge', 'br0', 'ovs-bridge.datapath-type', 'netdev', 'ovs-bridge.fail-mode', 'secure', 'ovs-bridge.mcast-snooping-enable', 'yes', 'ovs-bridge.rstp-enable', 'yes', 'ovs-bridge.stp-enable', 'yes'),
    expected: { connection: con(5, 'ovsbr', 'ovs-bridge', 'br0'), 'ovs-bridge': { 'datapath-type': 'netdev', 'fail-mode': 'secure', 'mcast-snooping-enable': true, 'rstp-enable': true, 'stp-enable': true }, ...ipAuto },
  },
  {
    name: 'ovs-port',
    args: add(6, 'ovsport', 'ovs-port', 'port0', 'master', 'br0', 'ovs-port.bond-mode', 'balance-slb', 'ovs-port.lacp', 'active', 'ovs-port.vlan-mode', 'trunk', 'ovs-port.trunks', '10-20,30', 'ovs-port.bond-updelay', '10', 'ovs-port.bond-downdelay', '20', 'ovs-port.tag', '5'),
    expected: {
      connection: con(6, 'ovsport', 'ovs-port', 'port0', { master: 'br0', 'slave-type': 'ovs-bridge' }),
      'ovs-port': { 'bond-downdelay': 20, 'bond-mode': 'balance-slb', 'bond-updelay': 10, lacp: 'active', tag: 5, trunks: ['10-20', '30'], 'vlan-mode': 'trunk' },
    },
  },
  {
    name: 'ovs-interface with ovs-dpdk',
    args: add(7, 'ovsdpdk', 'ovs-interface', 'i0', 'master', 'port0', 'ovs-interface.type', 'dpdk', 'ovs-interface.ofport-request', '10', 'ovs-dpdk.devargs', '0000:01:00.0', 'ovs-dpdk.n-rxq', '2', 'ovs-dpdk.n-rxq-desc', '1024', 'ovs-dpdk.n-txq-desc', '2048'),
    expected: {
      connection: con(7, 'ovsdpdk', 'ovs-interface', 'i0', { master: 'port0', 'slave-type': 'ovs-port' }),
      'ovs-dpdk': { devargs: '0000:01:00.0', 'n-rxq': 2, 'n-rxq-desc': 1024, 'n-txq-desc': 2048 },
      'ovs-interface': { 'ofport-request': 10, type: 'dpdk' },
      ...ipAuto,
    },
  },
  {
    name: 'ovs-patch, external-ids, other-config and user data',
    args: [],
    stdin: `[connection]\nid=ovspatch\nuuid=${uuid(8)}\ntype=ovs-interface\ninterface-name=i1\nmaster=port0\nslave-type=ovs-port\n\n[ovs-interface]\ntype=patch\n\n[ovs-patch]\npeer=i2\n\n[ovs-external-ids]\ndata.my-id=abc\n\n[ovs-other-config]\ndata.stp-path-cost=7\n\n[user]\norg.example.key=v a;l\n`,
    expected: {
      connection: con(8, 'ovspatch', 'ovs-interface', 'i1', { master: 'port0', 'slave-type': 'ovs-port' }),
      'ovs-interface': { type: 'patch' },
      'ovs-patch': { peer: 'i2' },
      'ovs-external-ids': { data: { 'my-id': 'abc' } },
      'ovs-other-config': { data: { 'stp-path-cost': '7' } },
      user: { data: { 'org.example.key': 'v a;l' } },
      ...ipAuto,
    },
  },
  {
    name: 'loopback',
    args: add(9, 'lo', 'loopback', 'lo', 'loopback.mtu', '65536'),
    expected: { connection: con(9, 'lo', 'loopback', 'lo'), loopback: { mtu: 65536 }, ...ipAuto },
  },
  {
    name: 'vrf',
    args: add(10, 'vrf', 'vrf', 'vrf0', 'vrf.table', '100'),
    expected: { connection: con(10, 'vrf', 'vrf', 'vrf0'), vrf: { table: 100 }, ...ipAuto },
  },
  {
    name: 'tun',
    args: add(11, 'tun', 'tun', 'tun0', 'tun.mode', 'tap', 'tun.owner', '1000', 'tun.group', '100', 'tun.multi-queue', 'yes', 'tun.pi', 'yes', 'tun.vnet-hdr', 'yes'),
    expected: { connection: con(11, 'tun', 'tun', 'tun0'), tun: { group: '100', mode: 2, 'multi-queue': true, owner: '1000', pi: true, 'vnet-hdr': true }, ...ipAuto },
  },
  {
    name: 'veth',
    args: add(12, 'veth', 'veth', 'veth0', 'veth.peer', 'veth1'),
    expected: { connection: con(12, 'veth', 'veth', 'veth0'), veth: { peer: 'veth1' }, ...ipAuto },
  },
  {
    name: 'ip-tunnel gre',
    args: add(13, 'gre', 'ip-tunnel', 'gre1', 'ip-tunnel.mode', 'gre', 'ip-tunnel.remote', '192.0.2.1', 'ip-tunnel.local', '192.0.2.2', 'ip-tunnel.parent', 'eth0', 'ip-tunnel.input-key', '5', 'ip-tunnel.output-key', '6', 'ip-tunnel.ttl', '64', 'ip-tunnel.tos', '16', 'ip-tunnel.mtu', '1400'),
    expected: {
      connection: con(13, 'gre', 'ip-tunnel', 'gre1'),
      'ip-tunnel': { 'input-key': '5', local: '192.0.2.2', mode: 2, mtu: 1400, 'output-key': '6', parent: 'eth0', remote: '192.0.2.1', tos: 16, ttl: 64 },
      ...ipAuto,
    },
  },
  {
    name: 'ip-tunnel ip6ip6',
    args: add(14, 'ip6tnl', 'ip-tunnel', 't6', 'ip-tunnel.mode', 'ip6ip6', 'ip-tunnel.remote', '2001:db8::1', 'ip-tunnel.encapsulation-limit', '3', 'ip-tunnel.flow-label', '77', 'ip-tunnel.flags', '3', 'ip-tunnel.path-mtu-discovery', 'no'),
    expected: { connection: con(14, 'ip6tnl', 'ip-tunnel', 't6'), 'ip-tunnel': { 'encapsulation-limit': 3, flags: 3, 'flow-label': 77, mode: 6, 'path-mtu-discovery': false, remote: '2001:db8::1' }, ...ipAuto },
  },
  {
    name: 'ip-tunnel vti',
    args: add(15, 'vti', 'ip-tunnel', 'vti1', 'ip-tunnel.mode', 'vti', 'ip-tunnel.remote', '192.0.2.9', 'ip-tunnel.fwmark', '9'),
    expected: { connection: con(15, 'vti', 'ip-tunnel', 'vti1'), 'ip-tunnel': { fwmark: 9, mode: 5, remote: '192.0.2.9' }, ...ipAuto },
  },
  {
    name: 'macsec',
    args: add(16, 'macsec', 'macsec', 'ms0', 'macsec.parent', 'eth0', 'macsec.mode', 'psk', 'macsec.mka-cak', '0123456789abcdef0123456789abcdef', 'macsec.mka-ckn', '0123456789abcdef', 'macsec.port', '5', 'macsec.validation', '1', 'macsec.encrypt', 'no', 'macsec.send-sci', 'no'),
    expected: {
      connection: con(16, 'macsec', 'macsec', 'ms0'),
      macsec: { encrypt: false, 'mka-cak': '0123456789abcdef0123456789abcdef', 'mka-ckn': '0123456789abcdef', parent: 'eth0', port: 5, 'send-sci': false, validation: 1 },
      ...ipAuto,
    },
  },
  {
    name: 'wireguard',
    args: add(17, 'wg', 'wireguard', 'wg0', 'wireguard.private-key', PRIVATE_KEY, 'wireguard.listen-port', '51820', 'wireguard.fwmark', '5', 'wireguard.peer-routes', 'no', 'wireguard.mtu', '1420', 'wireguard.ip4-auto-default-route', '1', 'wireguard.ip6-auto-default-route', '0'),
    expected: {
      connection: con(17, 'wg', 'wireguard', 'wg0'),
      wireguard: { fwmark: 5, 'ip4-auto-default-route': 1, 'ip6-auto-default-route': 0, 'listen-port': 51820, mtu: 1420, 'peer-routes': false, 'private-key': PRIVATE_KEY },
      ipv4: { method: 'disabled' },
      ipv6: { 'addr-gen-mode': 3, method: 'disabled' },
      proxy: {},
    },
  },
  {
    name: 'wireguard peers',
    args: [],
    stdin: `[connection]\nid=wgpeers\nuuid=${uuid(18)}\ntype=wireguard\ninterface-name=wg1\n\n[wireguard]\nprivate-key-flags=1\n\n[wireguard-peer.${PEER1}]\nendpoint=192.95.5.67:1234\nallowed-ips=10.192.122.3/32;10.192.124.1/24;\npreshared-key=${PSK}\npreshared-key-flags=0\npersistent-keepalive=25\n\n[wireguard-peer.${PEER2}]\nendpoint=[2607:5300:60:6b0::c05f:543]:2468\nallowed-ips=::/0;0.0.0.0/0\npreshared-key-flags=1\n\n[ipv4]\nmethod=manual\naddress1=10.0.0.1/24\n\n[ipv6]\naddr-gen-mode=default\nmethod=disabled\n`,
    expected: {
      connection: con(18, 'wgpeers', 'wireguard', 'wg1'),
      wireguard: {
        'private-key-flags': 1,
        peers: [
          `${PEER1} allowed-ips=10.192.122.3/32;10.192.124.1/24 endpoint=192.95.5.67:1234 persistent-keepalive=25 preshared-key=${PSK} preshared-key-flags=0`,
          `${PEER2} allowed-ips=::/0;0.0.0.0/0 endpoint=[2607:5300:60:6b0::c05f:543]:2468 preshared-key-flags=1`,
        ],
      },
      ipv4: { 'address-data': [{ address: '10.0.0.1', prefix: 24 }], method: 'manual' },
      ipv6: { 'addr-gen-mode': 3, method: 'disabled' },
      proxy: {},
    },
  },
];

let t: TempRoot;
beforeAll(() => {
  t = makeTempRoot('nmk-keyfile-links-');
});
afterAll(() => t?.cleanup());

describe('link settings in keyfiles written by nmcli --offline (NetworkManager 1.42)', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s: read, written back byte for byte, and through D-Bus', async (_name, c) => {
    const original = c.stdin === undefined ? await nmcliOffline(['connection', 'add', ...c.args]) : await nmcliOffline(['connection', 'modify'], c.stdin);
    const file = t.put('persistent', `${path.basename(c.name).replace(/\W+/g, '-')}.nmconnection`, original);
    const loaded = await t.source.loadFile(file);
    expect(loaded?.errors.map((e) => e.message)).toEqual([]);
    const settings = loaded!.profiles[0]!.settings;
    expect(settings).toEqual(c.expected);
    expect(serializeProfile(settings)).toBe(original.endsWith('\n') ? original : `${original}\n`);
    const back = fromDBus(toDBus(settings, { withSecrets: true }));
    expect(back.issues).toEqual([]);
    expect(back.settings).toEqual(settings);
  });
});
