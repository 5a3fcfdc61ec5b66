/**
 * The settings store keeps secrets across updates, with the real keyfile and
 * ifcfg-rh sources on a temporary root: profiles made by `nmcli --offline`,
 * updated the way nmcli does it (GetSettings without secrets, one property
 * changed, Update), then checked in memory (what GetSecrets gives) and on disk.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { SETTINGS, type ConfigView, type ConnectionSettings, type SettingsSource } from '../../sdk/index.js';
import { LocalEventBus } from '../../core/events/event-bus.js';
import { settingsFromWire, settingsToWire } from '../../core/settings/dbus-form.js';
import type { Profile } from '../../core/settings/profile.js';
import { SettingsStore } from '../../core/settings/settings-store.js';
import { IfcfgRhSource } from '../../plugins/ifcfg-rh/ifcfg-source.js';
import { writeIfcfg } from '../../plugins/ifcfg-rh/writer.js';
import { serializeProfile } from '../../plugins/keyfile/profile-codec.js';
import { makeTempRoot, NMCLI, recordingLogger, type TempRoot } from '../../plugins/keyfile/test/support.js';

const run = promisify(execFile);

/** The keyfile nmcli --offline prints, without its "Info: ..." remarks (WEP key type guesses). */
async function nmcliOffline(args: string[]): Promise<string> {
  if (!fs.existsSync(NMCLI)) throw new Error(`${NMCLI} is missing: apt-get install -y network-manager`);
  const { stdout } = await run(NMCLI, ['--offline', ...args], { env: { ...process.env, LC_ALL: 'C', LANG: 'C' } });
  return stdout.split('\n').filter((l) => !l.startsWith('Info: ') && !l.startsWith('Warning: ')).join('\n');
}

const config = { getBoolean: (_s: string, _k: string, fallback: boolean) => fallback } as unknown as ConfigView;

function storeOf(sources: SettingsSource[]): SettingsStore {
  const logger = recordingLogger([]);
  return new SettingsStore(() => sources, new LocalEventBus(logger), logger, config);
}

/** What nmcli sends for `connection modify ID connection.autoconnect-priority N`: the public settings, one value changed. */
function asNmcliModify(p: Profile, change: (s: ConnectionSettings) => void = (s) => (s.connection!['autoconnect-priority'] = 5)): ConnectionSettings {
  const s = settingsFromWire(settingsToWire(p.settings, { withSecrets: false }));
  change(s);
  return s;
}

/** What GetSecrets gives: every secret property by "setting.property". */
function secretsOf(p: Profile): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [setting, props] of Object.entries(settingsToWire(p.settings, { withSecrets: true, onlySecrets: true }))) {
    for (const [name, v] of Object.entries(props)) out[`${setting}.${name}`] = v.value;
  }
  return out;
}

const PROFILES: Record<string, { args: string[]; secrets: Record<string, unknown>; lines: RegExp[] }> = {
  sae: {
    args: ['type', 'wifi', 'ifname', 'wlan0', 'ssid', 'Home', 'wifi-sec.key-mgmt', 'sae', 'wifi-sec.psk', 'sae secret 1'],
    secrets: { '802-11-wireless-security.psk': 'sae secret 1' },
    lines: [/^psk=sae secret 1$/m],
  },
  wep: {
    args: ['type', 'wifi', 'ifname', 'wlan0', 'ssid', 'Old', 'wifi-sec.key-mgmt', 'none', 'wifi-sec.wep-key0', '0123456789', 'wifi-sec.wep-key2', 'abcdef0123', 'wifi-sec.wep-tx-keyidx', '2'],
    secrets: { '802-11-wireless-security.wep-key0': '0123456789', '802-11-wireless-security.wep-key2': 'abcdef0123' },
    lines: [/^wep-key0=0123456789$/m, /^wep-key2=abcdef0123$/m],
  },
  ttls: {
    args: ['type', 'ethernet', 'ifname', 'eth0', '802-1x.eap', 'ttls', '802-1x.identity', 'alice', '802-1x.password', 'tt pw', '802-1x.phase2-auth', 'mschapv2'],
    secrets: { '802-1x.password': 'tt pw' },
    lines: [/^password=tt pw$/m],
  },
  ovpn: {
    args: ['type', 'vpn', 'vpn-type', 'openvpn', 'vpn.service-type', 'org.freedesktop.NetworkManager.openvpn', 'vpn.data', 'remote=vpn.example.com,connection-type=password,password-flags=0', 'vpn.secrets', 'password=ovpn pw'],
    secrets: { 'vpn.secrets': { password: 'ovpn pw' } },
    lines: [/^\[vpn-secrets\]\npassword=ovpn pw$/m],
  },
  wireguard: {
    args: ['type', 'wireguard', 'ifname', 'wg0', 'wireguard.private-key', Buffer.alloc(32, 1).toString('base64')],
    secrets: { 'wireguard.private-key': Buffer.alloc(32, 1).toString('base64') },
    lines: [/^private-key=AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=$/m],
  },
};

describe('keyfile profiles keep their secrets through the store', () => {
  let t: TempRoot | undefined;
  afterEach(() => {
    t?.cleanup();
    t = undefined;
  });

  it.each(Object.keys(PROFILES))('%s: updates without secrets (Update, UpdateUnsaved, Save) keep them in memory and on disk', async (name) => {
    t = makeTempRoot();
    const { args, secrets, lines } = PROFILES[name]!;
    const file = t.put('persistent', `${name}.nmconnection`, await nmcliOffline(['connection', 'add', 'con-name', name, ...args]));
    const store = storeOf([t.source]);
    expect((await store.loadAll()).errors).toEqual([]);
    const p = store.find(name)!;
    expect(secretsOf(p)).toEqual(secrets);

    await store.update(p, asNmcliModify(p), 'disk');
    expect(p.settings.connection!['autoconnect-priority']).toBe(5);
    expect(secretsOf(p)).toEqual(secrets);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toMatch(/^autoconnect-priority=5$/m);
    for (const line of lines) expect(text).toMatch(line);

    // UpdateUnsaved: the runtime copy keeps them too.
    await store.update(p, asNmcliModify(p, (s) => (s.connection!['autoconnect-priority'] = 7)), 'memory');
    expect(secretsOf(p)).toEqual(secrets);
    const runtime = fs.readFileSync(p.stored.file, 'utf8');
    for (const line of lines) expect(runtime).toMatch(line);
    // Save (Update2 with no settings, to disk).
    await store.update(p, p.settings, 'disk');
    expect(secretsOf(p)).toEqual(secrets);
    for (const line of lines) expect(fs.readFileSync(file, 'utf8')).toMatch(line);
  });

  it('a modify that sets a new psk replaces it; other secrets the update does not carry are gone, as in NetworkManager', async () => {
    t = makeTempRoot();
    const file = t.put('persistent', 'wep.nmconnection', await nmcliOffline(['connection', 'add', 'con-name', 'wep', ...PROFILES.wep!.args]));
    const store = storeOf([t.source]);
    await store.loadAll();
    const p = store.find('wep')!;
    await store.update(p, asNmcliModify(p, (s) => (s['802-11-wireless-security']!['wep-key0'] = 'fedcba9876')), 'disk');
    expect(secretsOf(p)).toEqual({ '802-11-wireless-security.wep-key0': 'fedcba9876' });
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toMatch(/^wep-key0=fedcba9876$/m);
    expect(text).not.toMatch(/^wep-key2=/m);
  });

  it('an agent-owned or not-saved secret reaches no file, and memory holds what the file reads back (as GetSecrets without an agent shows)', async () => {
    t = makeTempRoot();
    const file = t.put('persistent', 'sae.nmconnection', await nmcliOffline(['connection', 'add', 'con-name', 'sae', ...PROFILES.sae!.args]));
    const store = storeOf([t.source]);
    await store.loadAll();
    const p = store.find('sae')!;
    await store.update(p, asNmcliModify(p, (s) => (s['802-11-wireless-security']!['psk-flags'] = 1)), 'disk');
    expect(secretsOf(p)).toEqual({});
    let text = fs.readFileSync(file, 'utf8');
    expect(text).toMatch(/^psk-flags=1$/m);
    expect(text).not.toMatch(/^psk=/m);

    await store.update(p, asNmcliModify(p, (s) => Object.assign(s['802-11-wireless-security']!, { psk: 'ask me', 'psk-flags': 2 })), 'disk');
    expect(secretsOf(p)).toEqual({});
    text = fs.readFileSync(file, 'utf8');
    expect(text).toMatch(/^psk-flags=2$/m);
    expect(text).not.toMatch(/ask me/);
  });

  it('AddConnection with secrets: the system-owned VPN item is stored, the agent-owned one is not', async () => {
    t = makeTempRoot();
    const text = await nmcliOffline(['connection', 'add', 'con-name', 'ovpn', ...PROFILES.ovpn!.args.slice(0, -4), 'vpn.data', 'remote=vpn.example.com,password-flags=0,otp-flags=1', 'vpn.secrets', 'password=ovpn pw']);
    const scratch = makeTempRoot();
    try {
      const reader = storeOf([scratch.source]);
      scratch.put('persistent', 'ovpn.nmconnection', text);
      await reader.loadAll();
      const settings = structuredClone(reader.find('ovpn')!.settings);
      settings.vpn!.secrets = { password: 'ovpn pw', otp: '123456' };
      const store = storeOf([t.source]);
      const p = await store.add(settings, { persist: 'disk' });
      expect(secretsOf(p)).toEqual({ 'vpn.secrets': { password: 'ovpn pw' } });
      const written = fs.readFileSync(p.stored.file, 'utf8');
      expect(written).toMatch(/^\[vpn-secrets\]\npassword=ovpn pw$/m);
      expect(written).not.toMatch(/123456/);
      // And an update without secrets keeps the stored one.
      await store.update(p, asNmcliModify(p), 'disk');
      expect(secretsOf(p)).toEqual({ 'vpn.secrets': { password: 'ovpn pw' } });
    } finally {
      scratch.cleanup();
    }
  });
});

describe('ifcfg-rh profiles keep their secrets in keys-NAME', () => {
  let root: string | undefined;
  afterEach(() => {
    if (root) fs.rmSync(root, { recursive: true, force: true });
    root = undefined;
  });

  it('a wired 802.1X profile: the password stays in keys-NAME across an update without secrets; agent-owned never reaches it', async () => {
    const t = makeTempRoot('nmk-ifcfg-secrets-');
    root = t.root;
    const dir = path.join(t.root, 'etc/sysconfig/network-scripts');
    const store = storeOf([new IfcfgRhSource({ dir })]);
    const settings: ConnectionSettings = {
      connection: { id: 'ttls', uuid: 'c6f0a2b4-1d3e-4f5a-8b7c-9d0e1f2a3b4c', type: '802-3-ethernet', 'interface-name': 'eth0' },
      '802-3-ethernet': {},
      '802-1x': { eap: ['ttls'], identity: 'alice', password: 'tt pw', 'phase2-auth': 'mschapv2' },
      ipv4: { method: 'auto' },
      ipv6: { method: 'auto' },
    };
    const p = await store.add(settings, { persist: 'disk' });
    const ifcfg = p.stored.file;
    const keys = path.join(dir, path.basename(ifcfg).replace(/^ifcfg-/, 'keys-'));
    expect(fs.readFileSync(keys, 'utf8')).toMatch(/^IEEE_8021X_PASSWORD="tt pw"$/m);
    expect(fs.statSync(keys).mode & 0o777).toBe(0o600);

    await store.update(p, asNmcliModify(p), 'disk');
    expect(secretsOf(p)).toEqual({ '802-1x.password': 'tt pw' });
    expect(fs.readFileSync(keys, 'utf8')).toMatch(/^IEEE_8021X_PASSWORD="tt pw"$/m);
    expect(fs.readFileSync(ifcfg, 'utf8')).not.toMatch(/tt pw/);

    await store.update(p, asNmcliModify(p, (s) => (s['802-1x']!['password-flags'] = 1)), 'disk');
    expect(secretsOf(p)).toEqual({});
    expect(fs.existsSync(keys)).toBe(false);
    expect(fs.readFileSync(ifcfg, 'utf8')).toMatch(/^IEEE_8021X_PASSWORD_FLAGS=user$/m);
  });
});

describe('the keyfile writer stores only system-owned secrets', () => {
  // Every string secret with a flags property, from the tables (settings added later are covered too).
  const rows = SETTINGS.flatMap((s) => s.properties.filter((p) => p.secret && p.secretFlags && p.type === 'string'));

  it.each(rows.map((r) => [`${r.setting}.${r.name}`, r] as const))('%s: written with flags 0, never with agent-owned, not-saved or not-required', (_name, row) => {
    const profile = (flags: number): ConnectionSettings => ({
      connection: { id: 'x', uuid: '2b3c4d5e-6f70-4811-9a2b-3c4d5e6f7081', type: '802-3-ethernet' },
      [row.setting]: { [row.name]: 'TOPSECRETVALUE', [row.secretFlags!]: flags },
    });
    expect(serializeProfile(profile(0))).toContain('TOPSECRETVALUE');
    for (const flags of [1, 2, 4, 3]) expect(serializeProfile(profile(flags)), `flags ${flags}`).not.toContain('TOPSECRETVALUE');
  });
});

describe('the ifcfg-rh writer puts only system-owned secrets in keys-NAME', () => {
  it.each([0, 1, 2, 4, 3])('802-1x.password with flags %i', (flags) => {
    const out = writeIfcfg({
      settings: {
        connection: { id: 'x', uuid: '4c5d6e7f-8091-4a2b-9c3d-4e5f60718293', type: '802-3-ethernet', 'interface-name': 'eth0' },
        '802-3-ethernet': {},
        '802-1x': { eap: ['ttls'], identity: 'alice', password: 'TOPSECRETVALUE', 'password-flags': flags, 'phase2-auth': 'pap' },
        ipv4: { method: 'auto' },
        ipv6: { method: 'auto' },
      },
      ifcfgPath: '/etc/sysconfig/network-scripts/ifcfg-eth0',
      interfaceOf: () => undefined,
    });
    expect(out.ifcfg.toString()).not.toContain('TOPSECRETVALUE');
    if (flags === 0) expect(out.keys?.toString()).toMatch(/^IEEE_8021X_PASSWORD=TOPSECRETVALUE$/m);
    else expect(out.keys).toBeUndefined();
  });
});
