/**
 * NetworkManager itself as the reference. For each profile of the table:
 *  1. `nmcli --offline connection add ...` prints the keyfile NetworkManager
 *     1.42 would write;
 *  2. nmk reads that file and must get exactly the settings written by hand
 *     in the table;
 *  3. nmk writes those settings back: the text must be NetworkManager's,
 *     group for group and key for key;
 *  4. `nmcli --offline connection modify` reads nmk's file and prints it
 *     again: NetworkManager must read it back unchanged.
 * Needs /usr/bin/nmcli (Debian's network-manager package); without it every
 * case fails saying so.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, type ConnectionSettings, type KeyFileDocument } from '../../../sdk/index.js';
import { serializeProfile } from '../profile-codec.js';
import { makeTempRoot, nmcliOffline, type TempRoot } from './support.js';

/** A self-signed certificate (openssl req -x509 -newkey ec, valid for 100 years): nmcli reads the 802.1X CA file. */
const CA_PEM = `-----BEGIN CERTIFICATE-----
MIIBhDCCASmgAwIBAgIUCtiUBQ38pUM/vYIbxRBTO2qWwbswCgYIKoZIzj0EAwIw
FjEUMBIGA1UEAwwLbm1rLXRlc3QtQ0EwIBcNMjYxMTIxMDcyNDQxWhgPMjEyNjEw
MjgwNzI0NDFaMBYxFDASBgNVBAMMC25tay10ZXN0LUNBMFkwEwYHKoZIzj0CAQYI
KoZIzj0DAQcDQgAEuWiZMtriYjNVapVTONuCkG4K5A6kv66gs5Qrj2IGu4d95Ye/
8PlVYdK1wF84L8J5dp2j1Vq7It6PmPeT9yYXp6NTMFEwHQYDVR0OBBYEFGx1M8Pn
NezC/NuX06GFmMyaZumKMB8GA1UdIwQYMBaAFGx1M8PnNezC/NuX06GFmMyaZumK
MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSQAwRgIhAIGSmTb/CmLJiN+r
vj5MDpb+XtKyw7tDkC7yqNf3zG0AAiEAg8yih2q/hbamVRHyEyL7ClQUXB20DmDz
SMEz3y+hNUw=
-----END CERTIFICATE-----
`;

const uuid = (n: number) => `11111111-1111-4111-8111-1111111111${String(n).padStart(2, '0')}`;
const text = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

interface Case {
  name: string;
  /** Arguments of `nmcli --offline connection add`. */
  args: string[];
  /** What nmk must read from NetworkManager's file. */
  expected: ConnectionSettings;
}

function table(caFile: string): Case[] {
  const ipv6Auto = { 'addr-gen-mode': 3, method: 'auto' };
  return [
    {
      name: 'ethernet-dhcp',
      args: ['type', 'ethernet', 'con-name', 'eth-dhcp', 'ifname', 'eth0', 'connection.uuid', uuid(1)],
      expected: {
        connection: { id: 'eth-dhcp', uuid: uuid(1), type: '802-3-ethernet', 'interface-name': 'eth0' },
        '802-3-ethernet': {},
        ipv4: { method: 'auto' },
        ipv6: ipv6Auto,
        proxy: {},
      },
    },
    {
      name: 'ethernet-static',
      args: [
        'type', 'ethernet', 'con-name', 'eth static', 'ifname', 'eth1', 'connection.uuid', uuid(2), 'connection.autoconnect', 'no',
        'ethernet.mtu', '9000', 'ethernet.cloned-mac-address', '02:00:00:aa:bb:cc',
        'ipv4.method', 'manual', 'ipv4.addresses', '192.0.2.10/24,198.51.100.7/25', 'ipv4.gateway', '192.0.2.1',
        'ipv4.dns', '192.0.2.53,192.0.2.54', 'ipv4.dns-search', 'example.com,lab.example.com',
        'ipv4.routes', '10.10.0.0/16 192.0.2.254 100 table=200, 10.20.0.0/16',
        'ipv6.method', 'manual', 'ipv6.addresses', '2001:db8::10/64', 'ipv6.gateway', '2001:db8::1',
      ],
      expected: {
        connection: { id: 'eth static', uuid: uuid(2), type: '802-3-ethernet', autoconnect: false, 'interface-name': 'eth1' },
        '802-3-ethernet': { 'cloned-mac-address': '02:00:00:AA:BB:CC', mtu: 9000 },
        ipv4: {
          'address-data': [
            { address: '192.0.2.10', prefix: 24 },
            { address: '198.51.100.7', prefix: 25 },
          ],
          gateway: '192.0.2.1',
          dns: ['192.0.2.53', '192.0.2.54'],
          'dns-search': ['example.com', 'lab.example.com'],
          method: 'manual',
          'route-data': [
            { dest: '10.10.0.0', prefix: 16, nextHop: '192.0.2.254', metric: 100, attributes: { table: 200 } },
            { dest: '10.20.0.0', prefix: 16 },
          ],
        },
        ipv6: { 'addr-gen-mode': 3, 'address-data': [{ address: '2001:db8::10', prefix: 64 }], gateway: '2001:db8::1', method: 'manual' },
        proxy: {},
      },
    },
    {
      name: 'ethernet-ipv6',
      args: [
        'type', 'ethernet', 'con-name', 'v6', 'ifname', 'eth0', 'connection.uuid', uuid(3), 'connection.autoconnect-priority', '10',
        'ethernet.mac-address', '52:54:00:12:34:56', 'ipv4.method', 'disabled',
        'ipv6.method', 'manual', 'ipv6.addresses', '2001:db8:1::5/64', 'ipv6.routes', '2001:db8:2::/48 2001:db8:1::1 50 onlink=true',
        'ipv6.addr-gen-mode', 'eui64', 'ipv6.token', '::1:2:3:4', 'ipv6.dns', '2001:4860:4860::8888', 'ipv6.ip6-privacy', '2',
      ],
      expected: {
        connection: { id: 'v6', uuid: uuid(3), type: '802-3-ethernet', 'autoconnect-priority': 10, 'interface-name': 'eth0' },
        '802-3-ethernet': { 'mac-address': '52:54:00:12:34:56' },
        ipv4: { method: 'disabled' },
        ipv6: {
          'addr-gen-mode': 0,
          'address-data': [{ address: '2001:db8:1::5', prefix: 64 }],
          dns: ['2001:4860:4860::8888'],
          'ip6-privacy': 2,
          method: 'manual',
          'route-data': [{ dest: '2001:db8:2::', prefix: 48, nextHop: '2001:db8:1::1', metric: 50, attributes: { onlink: true } }],
          token: '::1:2:3:4',
        },
        proxy: {},
      },
    },
    {
      name: 'ethernet-ipv4-options',
      args: [
        'type', 'ethernet', 'con-name', 'opts', 'ifname', 'eth3', 'connection.uuid', uuid(4), 'ipv6.addr-gen-mode', 'default-or-eui64',
        'ipv4.dns-options', 'rotate,timeout:2', 'ipv4.never-default', 'yes', 'ipv4.route-metric', '300', 'ipv4.dhcp-send-hostname', 'no',
      ],
      expected: {
        connection: { id: 'opts', uuid: uuid(4), type: '802-3-ethernet', 'interface-name': 'eth3' },
        '802-3-ethernet': {},
        ipv4: { 'dhcp-send-hostname': false, 'dns-options': ['rotate', 'timeout:2'], method: 'auto', 'never-default': true, 'route-metric': 300 },
        ipv6: { 'addr-gen-mode': 2, method: 'auto' },
        proxy: {},
      },
    },
    {
      name: 'bond',
      args: [
        'type', 'bond', 'con-name', 'bond0', 'ifname', 'bond0', 'connection.uuid', uuid(5),
        'bond.options', 'mode=802.3ad,miimon=100,lacp_rate=fast,xmit_hash_policy=layer3+4', 'ipv4.method', 'disabled', 'ipv6.method', 'ignore',
      ],
      expected: {
        connection: { id: 'bond0', uuid: uuid(5), type: 'bond', 'interface-name': 'bond0' },
        bond: { options: { lacp_rate: 'fast', miimon: '100', mode: '802.3ad', xmit_hash_policy: 'layer3+4' } },
        ipv4: { method: 'disabled' },
        ipv6: { 'addr-gen-mode': 3, method: 'ignore' },
        proxy: {},
      },
    },
    ...[1, 2].map(
      (port): Case => ({
        name: `bond-port-${port}`,
        args: ['type', 'ethernet', 'con-name', `bond0-port${port}`, 'ifname', `eth${port + 1}`, 'connection.uuid', uuid(5 + port), 'master', 'bond0', 'slave-type', 'bond'],
        expected: {
          connection: { id: `bond0-port${port}`, uuid: uuid(5 + port), type: '802-3-ethernet', 'interface-name': `eth${port + 1}`, master: 'bond0', 'slave-type': 'bond' },
          '802-3-ethernet': {},
          'bond-port': {},
        },
      }),
    ),
    {
      name: 'bridge',
      args: ['type', 'bridge', 'con-name', 'br0', 'ifname', 'br0', 'connection.uuid', uuid(8), 'bridge.stp', 'no', 'bridge.priority', '4096', 'bridge.vlan-filtering', 'yes', 'bridge.vlans', '10-20 untagged, 30 pvid'],
      expected: {
        connection: { id: 'br0', uuid: uuid(8), type: 'bridge', 'interface-name': 'br0' },
        '802-3-ethernet': {},
        bridge: { priority: 4096, stp: false, 'vlan-filtering': true, vlans: ['10-20 untagged', '30 pvid'] },
        ipv4: { method: 'auto' },
        ipv6: ipv6Auto,
        proxy: {},
      },
    },
    {
      name: 'bridge-port',
      args: ['type', 'ethernet', 'con-name', 'br0-port', 'ifname', 'eth4', 'connection.uuid', uuid(9), 'master', 'br0', 'slave-type', 'bridge', 'bridge-port.path-cost', '50'],
      expected: {
        connection: { id: 'br0-port', uuid: uuid(9), type: '802-3-ethernet', 'interface-name': 'eth4', master: 'br0', 'slave-type': 'bridge' },
        '802-3-ethernet': {},
        'bridge-port': { 'path-cost': 50 },
      },
    },
    {
      name: 'vlan',
      args: ['type', 'vlan', 'con-name', 'vlan10', 'ifname', 'eth0.10', 'connection.uuid', uuid(10), 'vlan.parent', 'eth0', 'vlan.id', '10', 'ipv4.method', 'manual', 'ipv4.addresses', '10.0.10.2/24'],
      expected: {
        connection: { id: 'vlan10', uuid: uuid(10), type: 'vlan', 'interface-name': 'eth0.10' },
        '802-3-ethernet': {},
        vlan: { flags: 1, id: 10, parent: 'eth0' },
        ipv4: { 'address-data': [{ address: '10.0.10.2', prefix: 24 }], method: 'manual' },
        ipv6: ipv6Auto,
        proxy: {},
      },
    },
    {
      name: 'macvlan',
      args: ['type', 'macvlan', 'con-name', 'mv0', 'ifname', 'mv0', 'connection.uuid', uuid(11), 'macvlan.parent', 'eth0', 'macvlan.mode', '2'],
      expected: {
        connection: { id: 'mv0', uuid: uuid(11), type: 'macvlan', 'interface-name': 'mv0' },
        macvlan: { mode: 2, parent: 'eth0' },
        ipv4: { method: 'auto' },
        ipv6: ipv6Auto,
        proxy: {},
      },
    },
    {
      name: 'wifi-psk',
      args: [
        'type', 'wifi', 'con-name', 'Home Wi-Fi', 'ifname', 'wlan0', 'connection.uuid', uuid(12), 'ssid', 'Home;Net',
        'wifi-sec.key-mgmt', 'wpa-psk', 'wifi-sec.psk', 's3cret;pa#ss word', 'connection.permissions', 'user:alice',
      ],
      expected: {
        connection: { id: 'Home Wi-Fi', uuid: uuid(12), type: '802-11-wireless', 'interface-name': 'wlan0', permissions: ['user:alice:'] },
        '802-11-wireless': { mode: 'infrastructure', ssid: text('Home;Net') },
        '802-11-wireless-security': { 'key-mgmt': 'wpa-psk', psk: 's3cret;pa#ss word' },
        ipv4: { method: 'auto' },
        ipv6: ipv6Auto,
        proxy: {},
      },
    },
    {
      name: 'wifi-binary-ssid',
      args: ['type', 'wifi', 'con-name', 'odd', 'ifname', 'wlan1', 'connection.uuid', uuid(13), 'ssid', 'caf\u00e9'],
      expected: {
        connection: { id: 'odd', uuid: uuid(13), type: '802-11-wireless', 'interface-name': 'wlan1' },
        '802-11-wireless': { mode: 'infrastructure', ssid: text('caf\u00e9') },
        ipv4: { method: 'auto' },
        ipv6: ipv6Auto,
        proxy: {},
      },
    },
    {
      name: '802-1x-peap',
      args: [
        'type', 'ethernet', 'con-name', 'corp-8021x', 'ifname', 'eth5', 'connection.uuid', uuid(14),
        '802-1x.eap', 'peap', '802-1x.identity', 'alice', '802-1x.anonymous-identity', 'anon', '802-1x.password', 'p@ss w;rd',
        '802-1x.phase2-auth', 'mschapv2', '802-1x.ca-cert', caFile,
      ],
      expected: {
        connection: { id: 'corp-8021x', uuid: uuid(14), type: '802-3-ethernet', 'interface-name': 'eth5' },
        '802-3-ethernet': {},
        '802-1x': {
          'anonymous-identity': 'anon',
          'ca-cert': text(`file://${caFile}\0`),
          eap: ['peap'],
          identity: 'alice',
          password: 'p@ss w;rd',
          'phase2-auth': 'mschapv2',
        },
        ipv4: { method: 'auto' },
        ipv6: ipv6Auto,
        proxy: {},
      },
    },
    {
      name: 'vpn-openvpn',
      args: [
        'type', 'vpn', 'con-name', 'office-vpn', 'connection.uuid', uuid(15), 'vpn-type', 'openvpn',
        'vpn.data', 'remote=vpn.example.com, connection-type=password, username=bob, port=1194', 'vpn.secrets', 'password=hunter2',
        'connection.permissions', 'user:bob',
      ],
      expected: {
        connection: { id: 'office-vpn', uuid: uuid(15), type: 'vpn', permissions: ['user:bob:'] },
        vpn: {
          data: { 'connection-type': 'password', port: '1194', remote: 'vpn.example.com', username: 'bob' },
          secrets: { password: 'hunter2' },
          'service-type': 'org.freedesktop.NetworkManager.openvpn',
        },
        ipv4: { method: 'auto' },
        ipv6: ipv6Auto,
        proxy: {},
      },
    },
  ];
}

/** A document as group → key → raw value (order does not matter to NetworkManager's reader). */
function asMap(doc: KeyFileDocument): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const group of doc.groupNames()) out[group] = Object.fromEntries(doc.keys(group).map((k) => [k, doc.getRaw(group, k)!]));
  return out;
}

let t: TempRoot;
let caFile: string;

beforeAll(() => {
  t = makeTempRoot('nmk-keyfile-nmcli-');
  caFile = path.join(t.root, 'corp-ca.pem');
  fs.writeFileSync(caFile, CA_PEM);
});
afterAll(() => t?.cleanup());

describe('keyfiles written by nmcli --offline (NetworkManager 1.42)', () => {
  // The table needs caFile, known only once beforeAll ran; the names are fixed.
  const names = table('/ca.pem').map((c) => c.name);

  it.each(names)('%s: read, written back and re-read by NetworkManager unchanged', async (name) => {
    const c = table(caFile).find((x) => x.name === name)!;
    const original = await nmcliOffline(['connection', 'add', ...c.args]);
    const file = t.put('persistent', `${c.name}.nmconnection`, original);

    const loaded = await t.source.loadFile(file);
    expect(loaded?.errors.map((e) => e.message)).toEqual([]);
    const settings = loaded!.profiles[0]!.settings;
    expect(settings).toEqual(c.expected);

    const written = serializeProfile(settings);
    expect(asMap(parse(written))).toEqual(asMap(parse(original)));
    // Line for line too: same groups and keys in the same order.
    expect(written).toBe(original.endsWith('\n') ? original : `${original}\n`);

    const reread = await nmcliOffline(['connection', 'modify'], written);
    expect(asMap(parse(reread))).toEqual(asMap(parse(original)));
  });
});
