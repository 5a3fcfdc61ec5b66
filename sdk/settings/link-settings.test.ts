/**
 * Verification, normalisation and D-Bus secrets of the tunnel, VRF,
 * loopback, Open vSwitch, WireGuard, tc, SR-IOV, DCB and user settings.
 */
import { describe, expect, it } from 'vitest';
import { normalizeConnection, toDBus, verifyConnection, type ConnectionSettings } from './index.js';

const PEER = 'xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=';
const PSK = 'E2SdUsh/h2TemrIlMqPx4YoVVEpnhB2rkfm/2QzMdNA=';
const KEY = 'yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=';

function profile(type: string, extra: ConnectionSettings = {}): ConnectionSettings {
  return {
    connection: { id: 'x', uuid: '33333333-3333-4333-8333-333333333333', type, 'interface-name': 'x0' },
    ipv4: { method: 'disabled' },
    ipv6: { method: 'disabled' },
    proxy: {},
    ...extra,
  };
}

const errors = (s: ConnectionSettings) => verifyConnection(s).filter((i) => i.severity !== 'normalizable').map((i) => i.message);

describe('verification of link settings', () => {
  it('accepts valid profiles of each new type', () => {
    expect(errors(profile('vrf', { vrf: { table: 10 } }))).toEqual([]);
    expect(errors(profile('tun', { tun: { mode: 2 } }))).toEqual([]);
    expect(errors(profile('ip-tunnel', { 'ip-tunnel': { mode: 2, remote: '192.0.2.1' } }))).toEqual([]);
    expect(errors(profile('wireguard', { wireguard: { 'private-key': KEY, peers: [`${PEER} allowed-ips=0.0.0.0/0`] } }))).toEqual([]);
    expect(errors(profile('macsec', { macsec: { parent: 'eth0', 'mka-ckn': 'abcd', 'mka-cak': '0123456789abcdef0123456789abcdef' } }))).toEqual([]);
    expect(errors(profile('loopback', { loopback: {}, ipv4: { method: 'auto' }, ipv6: { method: 'auto' } }))).toEqual([]);
  });

  it('names setting, property and value of each broken rule', () => {
    expect(errors(profile('vrf', { vrf: { table: 0 } }))).toEqual(['vrf.table: table cannot be zero']);
    expect(errors(profile('tun', { tun: { mode: 3, owner: 'root' } }))).toEqual(["tun.mode: '3': invalid mode", "tun.owner: 'root': invalid user ID"]);
    expect(errors(profile('ip-tunnel', { 'ip-tunnel': {} }))).toEqual(["ip-tunnel.mode: '0' is not a valid tunnel mode"]);
    expect(errors(profile('ip-tunnel', { 'ip-tunnel': { mode: 1, local: '2001:db8::1', 'input-key': '7' } }))).toEqual([
      "ip-tunnel.local: '2001:db8::1' is not a valid IPv4 address",
      'ip-tunnel.remote: property is missing',
      'ip-tunnel.input-key: tunnel keys can only be specified for GRE and VTI tunnels',
    ]);
    expect(errors(profile('ip-tunnel', { 'ip-tunnel': { mode: 2, remote: '192.0.2.1', 'path-mtu-discovery': false, ttl: 9, fwmark: 3, flags: 1 } }))).toEqual([
      'ip-tunnel.ttl: a fixed TTL is allowed only when path MTU discovery is enabled',
      'ip-tunnel.flags: some flags are invalid for the select mode: 0x1',
      'ip-tunnel.fwmark: can be set only on VTI tunnels',
    ]);
    expect(errors(profile('macsec', { macsec: { 'mka-ckn': 'abc', 'mka-cak': 'zz' } }))).toEqual([
      "macsec.parent: property is not specified and neither is '802-3-ethernet:mac-address'",
      'macsec.mka-ckn: the key must have an even number of characters between 2 and 64',
      'macsec.mka-cak: the key must be 32 characters',
    ]);
    expect(errors(profile('ovs-bridge', { 'ovs-bridge': {}, 'ovs-dpdk': { 'n-rxq-desc': 100 } }))).toContain('ovs-dpdk.n-rxq-desc: 100: must be a power of two');
    expect(errors(profile('ovs-port', { 'ovs-port': { trunks: ['1-10', '5'] } }))).toEqual(['connection.master: A connection with a \'ovs-port\' setting must have a master.', 'ovs-port.trunks: duplicate VLAN 5']);
  });

  it('checks WireGuard keys without showing them', () => {
    const bad = errors(profile('wireguard', { wireguard: { 'private-key': 'secret-text', peers: [`${PEER} preshared-key=nope`] } }));
    expect(bad).toEqual(['wireguard.private-key: key must be 32 bytes base64 encoded', `wireguard.peers: [0] '${PEER}': invalid preshared-key 'nope'`]);
    expect(bad.join(' ')).not.toContain('secret-text');
    expect(errors(profile('wireguard', { wireguard: { 'private-key-flags': 4 } }))).toEqual(['wireguard.private-key-flags: 4: the not-required flag (4) is not allowed for the private key']);
    expect(errors(profile('wireguard', { wireguard: {}, ipv4: { method: 'auto' } }))).toEqual(['ipv4.method: method "auto" is not supported for WireGuard']);
  });

  it('checks tc, sriov, dcb and user', () => {
    const eth = (extra: ConnectionSettings) => profile('802-3-ethernet', { '802-3-ethernet': {}, ...extra });
    expect(errors(eth({ tc: { qdiscs: ['root fq_codel', 'root fq_codel'], tfilters: ['matchall'] } }))).toEqual([
      'tc.qdiscs: there are duplicate TC qdiscs',
      "tc.tfilters: 1. 'matchall': parent not specified.",
    ]);
    expect(errors(eth({ tc: { qdiscs: ['root prio bands 3'] } }))).toEqual(["tc.qdiscs: 1. 'root prio bands 3': unsupported qdisc option: 'bands 3'."]);
    expect(errors(eth({ sriov: { 'total-vfs': 2, vfs: ['1 trust=true', '1 trust=false'] } }))).toEqual(['sriov.vfs: duplicate VF index 1']);
    expect(errors(eth({ sriov: { 'total-vfs': 2, vfs: ['2'] } }))).toEqual(['sriov.vfs: VF with index 2, but the total number of VFs is 2']);
    expect(errors(eth({ sriov: { 'total-vfs': 2, vfs: ['0 mac=zz'] } }))).toEqual(["sriov.vfs: invalid VF 0: 'zz' is not a valid MAC address"]);
    expect(errors(eth({ dcb: { 'app-fcoe-priority': 3, 'priority-group-flags': 1, 'priority-group-bandwidth': [10, 0, 0, 0, 0, 0, 0, 0] } }))).toEqual([
      'dcb.app-fcoe-priority: 3: property invalid (not enabled)',
      'dcb.priority-group-bandwidth: [10,0,0,0,0,0,0,0]: sum not 100%',
    ]);
    expect(errors(eth({ user: { data: { nodot: 'v', 'a..b': 'v', 'ok.key': 'v' } } }))).toEqual([
      `user.data: invalid key "nodot": key requires a '.' for a namespace`,
      'user.data: invalid key "a..b": key cannot contain ".."',
    ]);
  });
});

describe('normalisation of link settings', () => {
  it('sorts VFs and trunks, drops psk keys in eap mode and ethernet from a layer 3 tunnel', () => {
    const n = normalizeConnection(profile('ip-tunnel', { 'ip-tunnel': { mode: 1, remote: '192.0.2.1' }, '802-3-ethernet': {}, sriov: { 'total-vfs': 8, vfs: ['5', '1 trust=true'] } }));
    expect(n['802-3-ethernet']).toBeUndefined();
    expect(n['sriov']!['vfs']).toEqual(['1 trust=true', '5']);
    const m = normalizeConnection(profile('macsec', { macsec: { parent: 'eth0', mode: 1, 'mka-ckn': 'abcd' }, '802-1x': { eap: ['md5'], identity: 'me', password: 'pw' } }));
    expect(m['macsec']).toEqual({ parent: 'eth0', mode: 1 });
  });
});

describe('secrets inside WireGuard peers', () => {
  const settings = profile('wireguard', {
    wireguard: { 'private-key': KEY, peers: [`${PEER} allowed-ips=10.0.0.0/8 endpoint=192.0.2.1:51820 preshared-key=${PSK} preshared-key-flags=0`] },
  });

  it('leaves preshared keys out of GetSettings and keeps the rest of the peer', () => {
    const wire = toDBus(settings);
    expect(wire['wireguard']!['private-key']).toBeUndefined();
    const peers = wire['wireguard']!['peers']!.value as Record<string, { value: unknown }>[];
    expect(Object.keys(peers[0]!).sort()).toEqual(['allowed-ips', 'endpoint', 'preshared-key-flags', 'public-key']);
    expect(JSON.stringify(wire, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(PSK);
  });

  it('sends each peer\'s key and preshared key in GetSecrets', () => {
    const wire = toDBus(settings, { onlySecrets: true });
    expect(Object.keys(wire)).toEqual(['wireguard']);
    expect(wire['wireguard']!['private-key']!.value).toBe(KEY);
    const peers = wire['wireguard']!['peers']!.value as Record<string, { value: unknown }>[];
    expect(peers.map((p) => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v.value])))).toEqual([{ 'public-key': PEER, 'preshared-key': PSK }]);
  });
});
