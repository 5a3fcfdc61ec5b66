/**
 * Secrets survive a harmless `nmcli connection modify` through the running
 * daemon, as in NetworkManager: keyfiles written by `nmcli --offline` (Wi-Fi
 * SAE, WEP, wired 802.1X TTLS, OpenVPN) and an ifcfg-rh 802.1X profile whose
 * password lives in keys-NAME keep their secrets in memory (`nmcli -s`) and
 * on disk. A modify that sets a new secret replaces it; an agent-owned
 * secret never reaches a file.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../harness/daemon.js';
import { Netns } from '../harness/netns.js';
import { NMCLI } from '../harness/nmcli.js';

const run = promisify(execFile);
const KEYFILE_DIR = 'etc/nmk/system-connections';
const IFCFG_DIR = 'etc/sysconfig/network-scripts';

/** The keyfile NetworkManager 1.42 writes for `connection add ARGS`, without nmcli's "Info:" remarks. */
async function offlineKeyfile(args: string[]): Promise<string> {
  if (!fs.existsSync(NMCLI)) throw new Error(`${NMCLI} is missing: apt-get install -y network-manager`);
  const { stdout } = await run(NMCLI, ['--offline', 'connection', 'add', ...args], { env: { ...process.env, LC_ALL: 'C', LANG: 'C' } });
  return stdout.split('\n').filter((l) => !l.startsWith('Info: ') && !l.startsWith('Warning: ')).join('\n');
}

interface Case {
  args: string[];
  /** Properties for `nmcli -s -g`, and what it prints for them. */
  props: string;
  shown: string[];
  /** Lines the keyfile must still hold. */
  lines: RegExp[];
}

const CASES: Record<string, Case> = {
  'wifi-sae': {
    args: ['type', 'wifi', 'ifname', 'wlan0', 'ssid', 'Home', 'wifi-sec.key-mgmt', 'sae', 'wifi-sec.psk', 'sae secret 1'],
    props: '802-11-wireless-security.psk',
    shown: ['sae secret 1'],
    lines: [/^psk=sae secret 1$/m],
  },
  'wifi-wep': {
    args: ['type', 'wifi', 'ifname', 'wlan0', 'ssid', 'Old', 'wifi-sec.key-mgmt', 'none', 'wifi-sec.wep-key0', '0123456789', 'wifi-sec.wep-key2', 'abcdef0123', 'wifi-sec.wep-tx-keyidx', '2'],
    props: '802-11-wireless-security.wep-key0,802-11-wireless-security.wep-key2',
    shown: ['0123456789', 'abcdef0123'],
    lines: [/^wep-key0=0123456789$/m, /^wep-key2=abcdef0123$/m],
  },
  'wired-ttls': {
    args: ['type', 'ethernet', 'ifname', 'eth0', '802-1x.eap', 'ttls', '802-1x.identity', 'alice', '802-1x.password', 'tt pw', '802-1x.phase2-auth', 'mschapv2'],
    props: '802-1x.identity,802-1x.password',
    shown: ['alice', 'tt pw'],
    lines: [/^password=tt pw$/m],
  },
  openvpn: {
    args: ['type', 'vpn', 'vpn-type', 'openvpn', 'vpn.service-type', 'org.freedesktop.NetworkManager.openvpn', 'vpn.data', 'remote=vpn.example.com,connection-type=password,password-flags=0', 'vpn.secrets', 'password=ovpn pw'],
    props: 'vpn.secrets',
    shown: ['password = ovpn pw'],
    lines: [/^\[vpn-secrets\]\npassword=ovpn pw$/m],
  },
};

async function shown(d: Daemon, id: string, props: string): Promise<string[]> {
  const r = await d.nmcli(['-s', '-g', props, 'connection', 'show', id]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.replace(/\n$/, '').split('\n');
}

async function modify(d: Daemon, id: string, ...args: string[]): Promise<void> {
  const r = await d.nmcli(['connection', 'modify', id, ...args]);
  expect(r.code, r.stderr).toBe(0);
}

describe('secrets through the daemon (keyfile)', () => {
  let ns: Netns;
  let d: Daemon;
  const fileOf = (id: string) => path.join(d.root, KEYFILE_DIR, `${id}.nmconnection`);

  beforeAll(async () => {
    ns = await Netns.create('nmksec');
    const files: Record<string, string> = {};
    for (const [id, c] of Object.entries(CASES)) files[`${KEYFILE_DIR}/${id}.nmconnection`] = await offlineKeyfile(['con-name', id, ...c.args]);
    d = await startDaemon({ ns, profile: 'server', files });
  });
  afterAll(async () => {
    await d?.cleanup();
    await ns?.destroy();
  });

  it.each(Object.keys(CASES))('%s: a modify of autoconnect-priority keeps the secrets in memory and on disk', async (id) => {
    const c = CASES[id]!;
    expect(await shown(d, id, c.props)).toEqual(c.shown);
    await modify(d, id, 'connection.autoconnect-priority', '5');
    expect(await shown(d, id, `connection.autoconnect-priority,${c.props}`)).toEqual(['5', ...c.shown]);
    const text = fs.readFileSync(fileOf(id), 'utf8');
    expect(text).toMatch(/^autoconnect-priority=5$/m);
    for (const line of c.lines) expect(text).toMatch(line);
  });

  it('GetSecrets stays root only: another user sees no key and cannot modify', async () => {
    const asNobody = (args: string[]) =>
      run('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', NMCLI, ...args], { env: { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: d.busAddress, LC_ALL: 'C' } }).then(
        (r) => ({ code: 0, out: `${r.stdout}${r.stderr}` }),
        (e) => ({ code: Number(e.code) || 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` }),
      );
    const seen = await asNobody(['-s', '-g', '802-11-wireless-security.wep-key0', 'connection', 'show', 'wifi-wep']);
    expect(seen.out).not.toContain('0123456789');
    const changed = await asNobody(['connection', 'modify', 'wifi-wep', 'connection.autoconnect-priority', '9']);
    expect(changed.code).not.toBe(0);
    expect(fs.readFileSync(fileOf('wifi-wep'), 'utf8')).not.toMatch(/^autoconnect-priority=9$/m);
    expect(await shown(d, 'wifi-wep', '802-11-wireless-security.wep-key0')).toEqual(['0123456789']);
  });

  it('a modify --temporary and a later modify keep them too', async () => {
    await modify(d, '--temporary', 'wifi-sae', 'connection.autoconnect-priority', '6');
    expect(await shown(d, 'wifi-sae', '802-11-wireless-security.psk')).toEqual(['sae secret 1']);
    await modify(d, 'wifi-sae', 'connection.autoconnect-priority', '7');
    expect(await shown(d, 'wifi-sae', '802-11-wireless-security.psk')).toEqual(['sae secret 1']);
    expect(fs.readFileSync(fileOf('wifi-sae'), 'utf8')).toMatch(/^psk=sae secret 1$/m);
  });

  it('a modify that sets a new psk replaces it, in memory and on disk', async () => {
    await modify(d, 'wifi-sae', 'wifi-sec.psk', 'brand new sae');
    expect(await shown(d, 'wifi-sae', '802-11-wireless-security.psk')).toEqual(['brand new sae']);
    const text = fs.readFileSync(fileOf('wifi-sae'), 'utf8');
    expect(text).toMatch(/^psk=brand new sae$/m);
    expect(text).not.toMatch(/sae secret 1/);
  });

  it('an agent-owned psk is not written to disk (nor shown: there is no secret agent, as with NetworkManager)', async () => {
    await modify(d, 'wifi-sae', 'wifi-sec.psk-flags', '1');
    expect(await shown(d, 'wifi-sae', '802-11-wireless-security.psk,802-11-wireless-security.psk-flags')).toEqual(['', '1']);
    const text = fs.readFileSync(fileOf('wifi-sae'), 'utf8');
    expect(text).toMatch(/^psk-flags=1$/m);
    expect(text).not.toMatch(/^psk=/m);
    expect(text).not.toMatch(/brand new sae/);
  });

  it('a profile added with an agent-owned VPN secret keeps it off disk, the system-owned one on it', async () => {
    const r = await d.nmcli(['connection', 'add', 'type', 'vpn', 'con-name', 'vpn2', 'vpn-type', 'openvpn', 'vpn.data', 'remote=vpn.example.com,password-flags=0,otp-flags=1', 'vpn.secrets', 'password=sys pw,otp=agent otp']);
    expect(r.code, r.stderr).toBe(0);
    const text = fs.readFileSync(fileOf('vpn2'), 'utf8');
    expect(text).toMatch(/^\[vpn-secrets\]\npassword=sys pw$/m);
    expect(text).not.toMatch(/agent otp/);
    expect(await shown(d, 'vpn2', 'vpn.secrets')).toEqual(['password = sys pw']);
    await modify(d, 'vpn2', 'connection.autoconnect-priority', '5');
    expect(await shown(d, 'vpn2', 'vpn.secrets')).toEqual(['password = sys pw']);
  });
});

describe('secrets through the daemon (ifcfg-rh keys-NAME)', () => {
  let ns: Netns;
  let d: Daemon;
  const ifcfg = () => path.join(d.root, IFCFG_DIR, 'ifcfg-eth0');
  const keys = () => path.join(d.root, IFCFG_DIR, 'keys-eth0');

  beforeAll(async () => {
    ns = await Netns.create('nmksec');
    d = await startDaemon({
      ns,
      profile: 'server',
      config: '[main]\nplugins=ifcfg-rh\n',
      files: {
        // As NetworkManager's ifcfg-rh writer lays out a wired 802.1X profile: the password in keys-NAME.
        [`${IFCFG_DIR}/ifcfg-eth0`]: {
          text: 'TYPE=Ethernet\nKEY_MGMT=IEEE8021X\nIEEE_8021X_EAP_METHODS=TTLS\nIEEE_8021X_IDENTITY=alice\nIEEE_8021X_INNER_AUTH_METHODS=MSCHAPV2\nBOOTPROTO=dhcp\nNAME=dot1x\nUUID=6c0f8e2a-3b1d-4e5f-9a7b-2c4d6e8f0a1b\nDEVICE=eth0\nONBOOT=yes\n',
          mode: 0o644,
        },
        [`${IFCFG_DIR}/keys-eth0`]: { text: 'IEEE_8021X_PASSWORD="tt pw"\n', mode: 0o600 },
      },
    });
  });
  afterAll(async () => {
    await d?.cleanup();
    await ns?.destroy();
  });

  it('a modify of autoconnect-priority keeps the password in memory and in keys-NAME', async () => {
    expect(await shown(d, 'dot1x', '802-1x.password')).toEqual(['tt pw']);
    await modify(d, 'dot1x', 'connection.autoconnect-priority', '5');
    expect(await shown(d, 'dot1x', 'connection.autoconnect-priority,802-1x.password')).toEqual(['5', 'tt pw']);
    expect(fs.readFileSync(ifcfg(), 'utf8')).toMatch(/^AUTOCONNECT_PRIORITY=5$/m);
    expect(fs.readFileSync(ifcfg(), 'utf8')).not.toMatch(/tt pw/);
    expect(fs.readFileSync(keys(), 'utf8')).toMatch(/^IEEE_8021X_PASSWORD="tt pw"$/m);
    expect(fs.statSync(keys()).mode & 0o777).toBe(0o600);
  });

  it('a modify that sets a new password replaces it in keys-NAME', async () => {
    await modify(d, 'dot1x', '802-1x.password', 'new pw');
    expect(await shown(d, 'dot1x', '802-1x.password')).toEqual(['new pw']);
    expect(fs.readFileSync(keys(), 'utf8')).toMatch(/^IEEE_8021X_PASSWORD="new pw"$/m);
  });

  it('an agent-owned password leaves keys-NAME', async () => {
    await modify(d, 'dot1x', '802-1x.password-flags', '1');
    expect(await shown(d, 'dot1x', '802-1x.password,802-1x.password-flags')).toEqual(['', '1']);
    expect(fs.readFileSync(ifcfg(), 'utf8')).toMatch(/^IEEE_8021X_PASSWORD_FLAGS=user$/m);
    expect(fs.existsSync(keys())).toBe(false);
    expect(fs.readFileSync(ifcfg(), 'utf8')).not.toMatch(/new pw/);
  });
});
