import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeConnection, recordCodec, SETTINGS, type ConnectionSettings, type PropertyDefinition, type SettingValue } from '../../sdk/index.js';
import { validProfile } from '../../sdk/settings/test/arbitraries.js';
import { hasAnySecret, keepStoredSecrets, mergeSecrets } from './secrets.js';

const wifi = (sec: Record<string, SettingValue>): ConnectionSettings => ({
  connection: { id: 'w', uuid: '5b0c3f4e-0d7a-4a57-9a43-4b1f0e7d2a11', type: '802-11-wireless', 'autoconnect-priority': 0 },
  '802-11-wireless': { ssid: new TextEncoder().encode('Home') },
  '802-11-wireless-security': sec,
  ipv4: { method: 'auto' },
  ipv6: { method: 'auto' },
});
const sae = wifi({ 'key-mgmt': 'sae', psk: 'sae secret 1' });
const wep = wifi({ 'key-mgmt': 'none', 'wep-key0': '0123456789', 'wep-key2': 'abcdef0123', 'wep-tx-keyidx': 2, 'wep-key-type': 1 });
const ttls: ConnectionSettings = {
  connection: { id: 't', uuid: '0e8f3a9c-5d21-4c6b-8f0e-2a7d9b1c4e35', type: '802-3-ethernet' },
  '802-3-ethernet': {},
  '802-1x': { eap: ['ttls'], identity: 'alice', password: 'tt pw', 'phase2-auth': 'mschapv2' },
};
const vpn: ConnectionSettings = {
  connection: { id: 'v', uuid: '9a1d7c3e-2b4f-4e6a-8c0d-1f3e5a7b9c2d', type: 'vpn' },
  vpn: { 'service-type': 'org.freedesktop.NetworkManager.openvpn', data: { remote: 'vpn.example.com', 'password-flags': '0', 'otp-flags': '1' }, secrets: { password: 'ovpn pw', otp: '123456' } },
};

/** A profile with every secret property (and item) removed, as GetSettings sends it and nmcli sends it back. */
function withoutSecrets(p: ConnectionSettings): ConnectionSettings {
  const out: ConnectionSettings = {};
  for (const [setting, values] of Object.entries(p)) {
    const def = SETTINGS.find((s) => s.name === setting);
    out[setting] = Object.fromEntries(Object.entries(values).filter(([name]) => !def?.properties.find((r) => r.name === name)?.secret));
  }
  return out;
}

const modify = (p: ConnectionSettings, priority: number): ConnectionSettings => ({ ...p, connection: { ...p.connection, 'autoconnect-priority': priority } });

describe('an update without secrets', () => {
  it.each([
    ['Wi-Fi SAE', sae],
    ['WEP', wep],
    ['802.1X TTLS', ttls],
    ['OpenVPN', vpn],
  ])('keeps the stored secrets of a %s profile, and takes the new settings', (_kind, stored) => {
    const incoming = modify(withoutSecrets(stored), 5);
    expect(hasAnySecret(incoming)).toBe(false);
    expect(keepStoredSecrets(stored, incoming)).toEqual(modify(stored, 5));
  });

  it('keeps the secret whatever flags the update gives it (the writers decide what reaches disk)', () => {
    const incoming = withoutSecrets(sae);
    incoming['802-11-wireless-security']!['psk-flags'] = 1;
    expect(keepStoredSecrets(sae, incoming)['802-11-wireless-security']).toEqual({ 'key-mgmt': 'sae', psk: 'sae secret 1', 'psk-flags': 1 });
  });

  it('keeps nothing when it drops a setting the stored profile has (NetworkManager refuses the whole merge)', () => {
    const incoming = withoutSecrets(sae);
    delete incoming.ipv6;
    expect(keepStoredSecrets(sae, incoming)).toBe(incoming);
  });

  it('adds settings of its own without losing the secrets', () => {
    const incoming = { ...withoutSecrets(ttls), ipv4: { method: 'disabled' } };
    expect(keepStoredSecrets(ttls, incoming)['802-1x']!.password).toBe('tt pw');
  });

  it('changes neither input', () => {
    const stored = structuredClone(vpn);
    const incoming = withoutSecrets(vpn);
    const before = structuredClone(incoming);
    keepStoredSecrets(stored, incoming);
    expect(stored).toEqual(vpn);
    expect(incoming).toEqual(before);
  });
});

describe('WireGuard: the private key and each peer\'s preshared-key', () => {
  const key = (n: number) => Buffer.alloc(32, n).toString('base64');
  const peer = (text: string) => {
    const r = recordCodec('wireguard', 'peers')!.normalize(text);
    if (!r.ok) throw new Error(r.reason);
    return r.value;
  };
  const stored: ConnectionSettings = {
    connection: { id: 'wg', uuid: '3d5e7f90-1a2b-4c3d-8e4f-5a6b7c8d9e0f', type: 'wireguard', 'interface-name': 'wg0' },
    wireguard: {
      'private-key': key(1),
      peers: [peer(`${key(2)} allowed-ips=10.0.0.0/8 preshared-key=${key(3)} preshared-key-flags=0`), peer(`${key(4)} allowed-ips=10.1.0.0/16`)],
    },
  };
  const withoutPeerSecrets = (p: ConnectionSettings): ConnectionSettings => {
    const out = withoutSecrets(p);
    out.wireguard!.peers = [peer(`${key(2)} allowed-ips=10.0.0.0/8 preshared-key-flags=0`), peer(`${key(4)} allowed-ips=10.1.0.0/16`)];
    return out;
  };

  it('counts a peer\'s preshared-key as a secret', () => {
    expect(hasAnySecret(stored)).toBe(true);
    expect(hasAnySecret(withoutPeerSecrets(stored))).toBe(false);
    const onlyPeer = withoutPeerSecrets(stored);
    onlyPeer.wireguard!.peers = stored.wireguard!.peers!;
    expect(hasAnySecret(onlyPeer)).toBe(true);
  });

  it('keeps both across an update without secrets', () => {
    const incoming = modify(withoutPeerSecrets(stored), 5);
    expect(keepStoredSecrets(stored, incoming)).toEqual(modify(stored, 5));
  });

  it('keeps the private key and the other peers\' keys when the update removes a peer', () => {
    const incoming = withoutPeerSecrets(stored);
    incoming.wireguard!.peers = [peer(`${key(4)} allowed-ips=10.1.0.0/16`)];
    expect(keepStoredSecrets(stored, incoming).wireguard).toEqual({ 'private-key': key(1), peers: [peer(`${key(4)} allowed-ips=10.1.0.0/16`)] });
  });

  it('moves a peer\'s key to the peer of the same public key, wherever it now is', () => {
    const incoming = withoutPeerSecrets(stored);
    incoming.wireguard!.peers = [...(incoming.wireguard!.peers as string[])].reverse();
    const kept = keepStoredSecrets(stored, incoming).wireguard!.peers as string[];
    expect(kept).toEqual([...(stored.wireguard!.peers as string[])].reverse());
  });
});

describe('an update with secrets', () => {
  it('replaces the secrets: the new one is stored, those it does not carry are gone', () => {
    const incoming = withoutSecrets(wep);
    incoming['802-11-wireless-security']!['wep-key0'] = 'fedcba9876';
    expect(keepStoredSecrets(wep, incoming)).toBe(incoming);
    expect(keepStoredSecrets(wep, incoming)['802-11-wireless-security']!['wep-key2']).toBeUndefined();
  });

  it('counts one VPN secret item as secrets; an empty vpn.secrets is none', () => {
    const one = withoutSecrets(vpn);
    one.vpn!.secrets = { password: 'new' };
    expect(keepStoredSecrets(vpn, one).vpn!.secrets).toEqual({ password: 'new' });
    const empty = withoutSecrets(vpn);
    empty.vpn!.secrets = {};
    expect(hasAnySecret(empty)).toBe(false);
    expect(keepStoredSecrets(vpn, empty).vpn!.secrets).toEqual(vpn.vpn!.secrets);
  });
});

/** A value of the row's type that holds something. */
function someValue(row: PropertyDefinition): SettingValue {
  switch (row.type) {
    case 'bytes':
      return Uint8Array.from([1, 2, 3]);
    case 'dict':
      return { item: 'value' };
    case 'strings':
    case 'records':
      return ['one'];
    case 'uint32s':
      return [1];
    case 'boolean':
      return true;
    case 'string':
      return `secret-${row.name}`;
    default:
      return 1;
  }
}

describe('every secret row of the tables', () => {
  const rows = SETTINGS.flatMap((s) => s.properties.filter((p) => p.secret));

  it('is found by the table rows alone', () => {
    expect(rows.length).toBeGreaterThanOrEqual(16);
  });

  it.each(rows.map((r) => [`${r.setting}.${r.name}`, r] as const))('%s is a secret, kept by an update without secrets and replaced by one with', (_name, row) => {
    const stored: ConnectionSettings = { connection: { id: 'x' }, [row.setting]: { [row.name]: someValue(row) } };
    expect(hasAnySecret(stored)).toBe(true);
    const incoming: ConnectionSettings = { connection: { id: 'y' }, [row.setting]: {} };
    expect(keepStoredSecrets(stored, incoming)).toEqual({ connection: { id: 'y' }, [row.setting]: { [row.name]: someValue(row) } });
    const replaced = mergeSecrets({ connection: {}, [row.setting]: {} }, stored);
    expect(replaced[row.setting]![row.name]).toEqual(someValue(row));
  });
});

describe('property: any generated profile with secrets', () => {
  const withSecret = validProfile.map((p) => normalizeConnection(p)).filter(hasAnySecret);
  const newSecret = fc.string({ minLength: 8, maxLength: 63 }).filter((s) => /^[ -~]+$/.test(s));

  it('keeps its secrets across an update that carries none', () => {
    fc.assert(
      fc.property(withSecret, fc.integer({ min: -999, max: 999 }), (stored, priority) => {
        const kept = keepStoredSecrets(stored, modify(withoutSecrets(stored), priority));
        expect(kept).toEqual(modify(stored, priority));
      }),
      { numRuns: 200 },
    );
  });

  it('takes the new secrets from an update that carries them, and only those', () => {
    fc.assert(
      fc.property(withSecret, newSecret, (stored, secret) => {
        const incoming = withoutSecrets(stored);
        if (incoming['802-11-wireless-security']) incoming['802-11-wireless-security'].psk = secret;
        else incoming.vpn!.secrets = { fresh: secret };
        const result = keepStoredSecrets(stored, incoming);
        expect(result).toEqual(incoming);
        expect(hasAnySecret(withoutSecrets(result))).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
