/**
 * What the writer leaves out and what it always writes, as NetworkManager
 * does: secrets an agent owns or that are never saved, defaults, and the
 * few properties written even at their default.
 */
import { describe, expect, it } from 'vitest';
import { parse, type ConnectionSettings } from '../../../sdk/index.js';
import { canStore, parseProfile, serializeProfile } from '../profile-codec.js';

const U = '7d1c0a6e-0000-4000-8000-000000000001';

function groups(settings: ConnectionSettings): Record<string, Record<string, string>> {
  const doc = parse(serializeProfile(settings));
  return Object.fromEntries(doc.groupNames().map((g) => [g, Object.fromEntries(doc.keys(g).map((k) => [k, doc.getRaw(g, k)!]))]));
}

describe('secrets', () => {
  it('writes a secret only when its flags say NetworkManager keeps it (0)', () => {
    const base = { connection: { id: 'w', uuid: U, type: '802-11-wireless' }, '802-11-wireless': { ssid: new Uint8Array([0x61]) } };
    expect(groups({ ...base, '802-11-wireless-security': { 'key-mgmt': 'wpa-psk', psk: 'secret123' } })['wifi-security']).toEqual({
      'key-mgmt': 'wpa-psk',
      psk: 'secret123',
    });
    for (const flags of [1, 2, 4]) {
      expect(groups({ ...base, '802-11-wireless-security': { 'key-mgmt': 'wpa-psk', psk: 'secret123', 'psk-flags': flags } })['wifi-security']).toEqual({
        'key-mgmt': 'wpa-psk',
        'psk-flags': String(flags),
      });
    }
  });

  it('keeps VPN secrets in [vpn-secrets], leaving out those whose "<name>-flags" item is not 0', () => {
    const g = groups({
      connection: { id: 'v', uuid: U, type: 'vpn' },
      vpn: {
        'service-type': 'org.freedesktop.NetworkManager.openvpn',
        data: { remote: 'gw', 'password-flags': '0', 'cert-pass-flags': '1' },
        secrets: { password: 'p', 'cert-pass': 'c' },
      },
    });
    expect(g.vpn).toEqual({ 'cert-pass-flags': '1', 'password-flags': '0', remote: 'gw', 'service-type': 'org.freedesktop.NetworkManager.openvpn' });
    expect(g['vpn-secrets']).toEqual({ password: 'p' });
  });
});

describe('defaults', () => {
  it('leaves out properties at their default, keeps empty settings as empty groups, and always writes vlan.flags and ipv6.addr-gen-mode', () => {
    const g = groups({
      connection: { id: 'd', uuid: U, type: 'vlan', autoconnect: true, 'autoconnect-priority': 0 },
      '802-3-ethernet': { mtu: 0 },
      vlan: { id: 7, parent: 'eth0' },
      ipv4: { method: 'auto', 'may-fail': true },
      ipv6: { method: 'auto' },
      proxy: {},
    });
    expect(g).toEqual({
      connection: { id: 'd', uuid: U, type: 'vlan' },
      ethernet: {},
      vlan: { flags: '1', id: '7', parent: 'eth0' },
      ipv4: { method: 'auto' },
      ipv6: { 'addr-gen-mode': 'default', method: 'auto' },
      proxy: {},
    });
  });

  it('reads an [ipv6] group without addr-gen-mode as default-or-eui64 (eui64 with a token), as NetworkManager 1.42 does', () => {
    const read = (ipv6: string) => parseProfile(`[connection]\nid=x\nuuid=${U}\ntype=ethernet\n\n[ipv6]\nmethod=auto\n${ipv6}`, '/x.nmconnection').settings.ipv6!['addr-gen-mode'];
    expect(read('')).toBe(2);
    expect(read('token=::1\n')).toBe(0);
    expect(read('addr-gen-mode=stable-privacy\n')).toBe(1);
    expect(read('addr-gen-mode=3\n')).toBe(3);
  });

  it('writes an explicitly empty dns-options (unlike an absent one)', () => {
    const base: ConnectionSettings = { connection: { id: 'o', uuid: U, type: '802-3-ethernet' }, '802-3-ethernet': {}, ipv4: { method: 'auto' } };
    expect(groups(base).ipv4).toEqual({ method: 'auto' });
    expect(groups({ ...base, ipv4: { method: 'auto', 'dns-options': [] } }).ipv4).toEqual({ 'dns-options': '', method: 'auto' });
  });
});

describe('what keyfiles cannot hold', () => {
  it('says so in canWrite for properties without a keyfile form, and writes the rest', () => {
    const base: ConnectionSettings = { connection: { id: 's', uuid: U, type: '802-3-ethernet' }, '802-3-ethernet': {} };
    expect(canStore(base)).toBe(true);
    expect(canStore({ ...base, '802-3-ethernet': { 's390-options': {} } })).toBe(true);
    // Every property of NetworkManager 1.42 has a keyfile form now; s390 options go to their own group.
    expect(canStore({ ...base, '802-3-ethernet': { 's390-options': { portno: '1' } } })).toBe(true);
    expect(canStore({ ...base, 'no-such-setting': {} })).toBe(false);
    expect(serializeProfile({ ...base, '802-3-ethernet': { 's390-options': { portno: '1' } } })).toContain('[ethernet]\n\n[ethernet-s390-options]\nportno=1\n');
  });

  it('keeps only the JSON config of team settings, as NetworkManager does', () => {
    const g = groups({
      connection: { id: 't', uuid: U, type: 'team' },
      team: { config: '{"runner":{"name":"activebackup"}}', runner: 'activebackup', 'link-watchers': ['name=ethtool'] },
    });
    expect(g.team).toEqual({ config: '{"runner":{"name":"activebackup"}}' });
  });
});
