/**
 * Connection profiles through the running daemon: the real nmcli adds,
 * shows, modifies and deletes keyfile profiles (checked on disk), runtime
 * profiles live under the run directory, `nmk connection` reloads and loads
 * files, a broken file is reported and skipped while the rest load, and a
 * server profile that lists only ifcfg-rh (or only ifupdown) brings up
 * exactly those files' profiles.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../harness/daemon.js';
import { JITI_CLI, Netns, REPO_ROOT } from '../harness/netns.js';
import { parseTerse } from '../harness/nmcli.js';

const run = promisify(execFile);

async function nmk(d: Daemon, args: string[]) {
  try {
    const r = await run(process.execPath, [JITI_CLI, path.join(REPO_ROOT, 'cli/main.ts'), ...args], { env: { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: d.busAddress } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e: any) {
    return { code: e.code as number, stdout: e.stdout as string, stderr: e.stderr as string };
  }
}

function write(root: string, rel: string, text: string, mode = 0o600) {
  const f = path.join(root, rel);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, text, { mode });
  fs.chmodSync(f, mode);
  return f;
}

const KEYFILE_DIR = 'etc/nmk/system-connections';

describe('profiles through the daemon (keyfile)', () => {
  let ns: Netns;
  let d: Daemon;

  beforeAll(async () => {
    ns = await Netns.create('nmks');
    await ns.addVeth('veth0', 'veth1');
    d = await startDaemon({ ns, profile: 'server' });
  });
  afterAll(async () => {
    await d?.cleanup();
    await ns?.destroy();
  });

  it('nmcli connection add writes a 0600 keyfile and lists the profile', async () => {
    const r = await d.nmcli(['connection', 'add', 'type', 'ethernet', 'con-name', 'lan', 'ifname', 'veth0', 'ipv4.method', 'manual', 'ipv4.addresses', '10.5.0.2/24', 'ipv4.gateway', '10.5.0.1', 'ipv4.dns', '8.8.8.8,1.1.1.1']);
    expect(r.code, r.stderr).toBe(0);
    const file = path.join(d.root, KEYFILE_DIR, 'lan.nmconnection');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toMatch(/^\[ipv4\]$/m);
    expect(text).toMatch(/^address1=10\.5\.0\.2\/24,10\.5\.0\.1$/m);
    expect(text).toMatch(/^dns=8\.8\.8\.8;1\.1\.1\.1;$/m);
    const rows = parseTerse((await d.nmcli(['-t', '-f', 'NAME,TYPE', 'connection', 'show'])).stdout);
    expect(rows).toContainEqual(['lan', '802-3-ethernet']);
    const shown = await d.nmcli(['-g', 'ipv4.addresses,ipv4.gateway,ipv4.dns', 'connection', 'show', 'lan']);
    expect(shown.stdout.trim().split('\n')).toEqual(['10.5.0.2/24', '10.5.0.1', '8.8.8.8,1.1.1.1']);
  });

  it('nmcli connection modify rewrites the file; nmk connection show agrees', async () => {
    expect((await d.nmcli(['connection', 'modify', 'lan', 'ipv4.addresses', '10.5.0.3/24'])).code).toBe(0);
    expect(fs.readFileSync(path.join(d.root, KEYFILE_DIR, 'lan.nmconnection'), 'utf8')).toMatch(/^address1=10\.5\.0\.3\/24,10\.5\.0\.1$/m);
    const r = await nmk(d, ['-t', 'connection', 'show', 'lan']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ipv4\.address-data:10\.5\.0\.3\/24$/m);
  });

  it('a bond with options and its port round-trip through nmcli', async () => {
    expect((await d.nmcli(['connection', 'add', 'type', 'bond', 'con-name', 'b0', 'ifname', 'bond0', 'bond.options', 'mode=802.3ad,miimon=100'])).code).toBe(0);
    expect((await d.nmcli(['connection', 'add', 'type', 'ethernet', 'con-name', 'b0-port', 'ifname', 'veth1', 'master', 'bond0', 'slave-type', 'bond'])).code).toBe(0);
    const text = fs.readFileSync(path.join(d.root, KEYFILE_DIR, 'b0.nmconnection'), 'utf8');
    expect(text).toMatch(/^\[bond\]\nmiimon=100\nmode=802\.3ad$/m);
    const opts = await d.nmcli(['-g', 'bond.options', 'connection', 'show', 'b0']);
    expect(opts.stdout.trim()).toBe('mode=802.3ad,miimon=100');
  });

  it('refuses an invalid profile over D-Bus, naming the property', async () => {
    const r = await d.nmcli(['connection', 'add', 'type', 'vlan', 'con-name', 'v', 'dev', 'veth0', 'id', '5000']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/vlan\.id|id.*5000|5000/);
    expect(fs.existsSync(path.join(d.root, KEYFILE_DIR, 'v.nmconnection'))).toBe(false);
  });

  it('keeps an unsaved profile under the run directory, and saves it to disk on request', async () => {
    expect((await d.nmcli(['connection', 'add', 'type', 'ethernet', 'con-name', 'tmp', 'ifname', 'veth1', 'save', 'no'])).code).toBe(0);
    const runtime = path.join(d.root, 'run/nmk/system-connections/tmp.nmconnection');
    expect(fs.existsSync(runtime)).toBe(true);
    expect(fs.existsSync(path.join(d.root, KEYFILE_DIR, 'tmp.nmconnection'))).toBe(false);
    expect((await nmk(d, ['-t', 'connection', 'show', 'tmp'])).stdout).toContain(`filename:${runtime}`);
    expect((await d.nmcli(['connection', 'modify', 'tmp', 'connection.autoconnect', 'no'])).code).toBe(0);
    expect(fs.existsSync(path.join(d.root, KEYFILE_DIR, 'tmp.nmconnection'))).toBe(true);
    expect(fs.existsSync(runtime)).toBe(false);
  });

  it('reload picks up files added by hand; load reads one named file; broken files are reported and skipped', async () => {
    const uuid = '7d2c1f0e-3b4a-4c5d-9e8f-0a1b2c3d4e5f';
    write(d.root, `${KEYFILE_DIR}/by-hand.nmconnection`, `[connection]\nid=by-hand\nuuid=${uuid}\ntype=ethernet\n\n[ipv4]\nmethod=auto\n`);
    write(d.root, `${KEYFILE_DIR}/broken.nmconnection`, `[connection]\nid=broken\nuuid=1f1e1d1c-1b1a-4918-8716-151413121110\ntype=vlan\n\n[vlan]\nid=5000\nparent=veth0\n`);
    write(d.root, `${KEYFILE_DIR}/open.nmconnection`, `[connection]\nid=world-readable\nuuid=2f1e1d1c-1b1a-4918-8716-151413121110\ntype=ethernet\n`, 0o644);
    const r = await nmk(d, ['connection', 'reload']);
    expect(r.code, r.stderr).toBe(0);
    const names = parseTerse((await d.nmcli(['-t', '-f', 'NAME', 'connection', 'show'])).stdout).flat();
    expect(names).toContain('by-hand');
    expect(names).not.toContain('broken');
    expect(names).not.toContain('world-readable');
    expect(names).toEqual(expect.arrayContaining(['lan', 'b0', 'b0-port', 'tmp']));
    const warn = d.logs.filter((l) => l.level === 'warn' || l.level === 'error').map((l) => l.msg).join('\n');
    expect(warn).toMatch(/broken\.nmconnection:\d+: (plugin keyfile: )?key 'vlan\.id': 5000/);
    expect(warn).toMatch(/open\.nmconnection/);

    const extra = write(d.root, `${KEYFILE_DIR}/one-more.nmconnection`, `[connection]\nid=one-more\nuuid=3f1e1d1c-1b1a-4918-8716-151413121110\ntype=ethernet\n`);
    const l = await nmk(d, ['connection', 'load', extra]);
    expect(l.code, l.stderr).toBe(0);
    expect(parseTerse((await d.nmcli(['-t', '-f', 'NAME', 'connection', 'show'])).stdout).flat()).toContain('one-more');
  });

  it('nmcli connection delete removes the file', async () => {
    expect((await d.nmcli(['connection', 'delete', 'by-hand'])).code).toBe(0);
    expect(fs.existsSync(path.join(d.root, KEYFILE_DIR, 'by-hand.nmconnection'))).toBe(false);
  });

});

describe('a server profile that lists only one distro format', () => {
  let ns: Netns;
  beforeAll(async () => {
    ns = await Netns.create('nmkf');
  });
  afterAll(async () => ns?.destroy());

  it('with plugins=ifcfg-rh brings up exactly the ifcfg profiles, and NM_CONTROLLED=no leaves the device unmanaged', async () => {
    await ns.addVeth('eth0', 'eth1');
    const d = await startDaemon({
      ns,
      profile: 'server',
      config: '[main]\nplugins=ifcfg-rh\n',
      files: {
        'etc/sysconfig/network-scripts/ifcfg-eth0': { text: 'TYPE=Ethernet\nDEVICE=eth0\nNAME=eth0-static\nBOOTPROTO=none\nIPADDR=10.7.0.2\nPREFIX=24\nONBOOT=yes\n', mode: 0o644 },
        'etc/sysconfig/network-scripts/ifcfg-eth1': { text: 'TYPE=Ethernet\nDEVICE=eth1\nNM_CONTROLLED=no\n', mode: 0o644 },
        'etc/sysconfig/network-scripts/ifcfg-bad': { text: 'TYPE=Ethernet\nDEVICE=eth9\nIPADDR=10.7.0.300\nPREFIX=24\n', mode: 0o644 },
        'etc/network/interfaces': { text: 'auto eth0\niface eth0 inet static\n  address 10.8.0.2/24\n', mode: 0o644 },
      },
    });
    try {
      const rows = parseTerse((await d.nmcli(['-t', '-f', 'NAME', 'connection', 'show'])).stdout).flat();
      expect(rows).toEqual(['eth0-static']);
      expect((await d.nmcli(['-g', 'ipv4.addresses', 'connection', 'show', 'eth0-static'])).stdout.trim()).toBe('10.7.0.2/24');
      const devs = parseTerse((await d.nmcli(['-t', '-f', 'DEVICE,STATE', 'device'])).stdout);
      expect(devs).toContainEqual(['eth1', 'unmanaged']);
      expect(devs).toContainEqual(['eth0', 'unavailable']);
      const errs = d.logs.filter((l) => l.level === 'warn' || l.level === 'error').map((l) => l.msg).join('\n');
      expect(errs).toMatch(/ifcfg-bad:3: (plugin ifcfg-rh: )?key 'IPADDR'/);

      // NM_CONTROLLED=no written later takes effect on a connection reload.
      write(d.root, 'etc/sysconfig/network-scripts/ifcfg-eth0', 'TYPE=Ethernet\nDEVICE=eth0\nNM_CONTROLLED=no\n', 0o644);
      expect((await d.nmcli(['connection', 'reload'])).code).toBe(0);
      const after = parseTerse((await d.nmcli(['-t', '-f', 'DEVICE,STATE', 'device'])).stdout);
      expect(after).toContainEqual(['eth0', 'unmanaged']);
      expect(parseTerse((await d.nmcli(['-t', '-f', 'NAME', 'connection', 'show'])).stdout).flat()).toEqual([]);
    } finally {
      await d.cleanup();
    }
  });

  it('with plugins=ifupdown brings up exactly the /etc/network/interfaces profiles', async () => {
    const d = await startDaemon({
      ns,
      profile: 'server',
      config: '[main]\nplugins=ifupdown\n[ifupdown]\nmanaged=true\n',
      files: {
        'etc/network/interfaces': { text: 'auto lo\niface lo inet loopback\n\nauto eth0\niface eth0 inet static\n  address 10.8.0.2/24\n  gateway 10.8.0.1\n', mode: 0o644 },
        'etc/sysconfig/network-scripts/ifcfg-eth0': { text: 'TYPE=Ethernet\nDEVICE=eth0\nNAME=eth0-static\n', mode: 0o644 },
      },
    });
    try {
      const names = parseTerse((await d.nmcli(['-t', '-f', 'NAME,TYPE', 'connection', 'show'])).stdout);
      expect(names.map((r) => r[1])).toEqual(['802-3-ethernet']);
      const id = names[0]![0]!;
      expect((await d.nmcli(['-g', 'ipv4.addresses,ipv4.gateway', 'connection', 'show', id])).stdout.trim().split('\n')).toEqual(['10.8.0.2/24', '10.8.0.1']);

      // A new profile is written as a stanza into /etc/network/interfaces; the rest of the file stays.
      const add = await d.nmcli(['connection', 'add', 'type', 'ethernet', 'con-name', 'eth3-static', 'ifname', 'eth3', 'ipv4.method', 'manual', 'ipv4.addresses', '10.9.0.3/24']);
      expect(add.code, add.stderr).toBe(0);
      const eni = fs.readFileSync(path.join(d.root, 'etc/network/interfaces'), 'utf8');
      expect(eni).toMatch(/^iface eth3 inet static$/m);
      expect(eni).toMatch(/^\s+address 10\.9\.0\.3\/24$/m);
      expect(eni).toContain('iface eth0 inet static\n  address 10.8.0.2/24\n  gateway 10.8.0.1\n');
    } finally {
      await d.cleanup();
    }
  });
});

describe('several settings plugins at once', () => {
  let ns: Netns;
  beforeAll(async () => {
    ns = await Netns.create('nmkm');
  });
  afterAll(async () => ns?.destroy());

  const UUID = '5a5a5a5a-1b1a-4918-8716-151413121110';

  it('writes new profiles with the first plugin in [main] plugins, lets the first source win a UUID clash, and makes a profile runtime on request', async () => {
    const d = await startDaemon({
      ns,
      config: '[main]\nplugins=ifcfg-rh,keyfile\n',
      files: {
        'etc/sysconfig/network-scripts/ifcfg-dup': { text: `TYPE=Ethernet\nDEVICE=dup0\nNAME=from-ifcfg\nUUID=${UUID}\n`, mode: 0o644 },
        [`${KEYFILE_DIR}/dup.nmconnection`]: `[connection]\nid=from-keyfile\nuuid=${UUID}\ntype=ethernet\n`,
      },
    });
    try {
      const names = parseTerse((await d.nmcli(['-t', '-f', 'NAME,UUID', 'connection', 'show'])).stdout);
      expect(names).toEqual([['from-ifcfg', UUID]]);
      const warn = d.logs.map((l) => l.msg).join('\n');
      expect(warn).toMatch(new RegExp(`two profiles with UUID ${UUID}: .*ifcfg-dup \\(ifcfg-rh\\) wins over .*dup\\.nmconnection \\(keyfile\\)`));

      const add = await d.nmcli(['connection', 'add', 'type', 'ethernet', 'con-name', 'web', 'ifname', 'eth5', 'ipv4.method', 'manual', 'ipv4.addresses', '192.0.2.5/24']);
      expect(add.code, add.stderr).toBe(0);
      const ifcfg = fs.readFileSync(path.join(d.root, 'etc/sysconfig/network-scripts/ifcfg-eth5'), 'utf8');
      expect(ifcfg).toMatch(/^IPADDR=192\.0\.2\.5$/m);
      expect(ifcfg).toMatch(/^PREFIX=24$/m);
      expect(ifcfg).toMatch(/^NAME=web$/m);
      // bash reads back what nmk wrote.
      const { stdout } = await run('bash', ['-c', `set -a; . ${path.join(d.root, 'etc/sysconfig/network-scripts/ifcfg-eth5')}; printf '%s|%s' "$NAME" "$IPADDR"`]);
      expect(stdout).toBe('web|192.0.2.5');

      // A Wi-Fi profile cannot be stored as ifcfg here: the next plugin (keyfile) takes it.
      const wifi = await d.nmcli(['connection', 'add', 'type', 'wifi', 'con-name', 'cafe', 'ifname', 'wlan0', 'ssid', 'Cafe', 'wifi-sec.key-mgmt', 'wpa-psk', 'wifi-sec.psk', 'p;a#ss word']);
      expect(wifi.code, wifi.stderr).toBe(0);
      const kf = fs.readFileSync(path.join(d.root, KEYFILE_DIR, 'cafe.nmconnection'), 'utf8');
      expect(kf).toMatch(/^psk=p;a#ss word$/m);
      // Secrets only through GetSecrets, and only for root.
      expect((await d.nmcli(['-g', '802-11-wireless-security.psk', 'connection', 'show', 'cafe'])).stdout.trim()).toBe('<hidden>');
      expect((await d.nmcli(['-s', '-g', '802-11-wireless-security.psk', 'connection', 'show', 'cafe'])).stdout.trim()).toBe('p;a#ss word');
      const asNobody = await run('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'nmcli', '-s', '-g', '802-11-wireless-security.psk', 'connection', 'show', 'cafe'], {
        env: { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: d.busAddress },
      }).catch((e) => e);
      expect(String(asNobody.stdout ?? '')).not.toContain('p;a#ss word');

      // --temporary: the change lives in memory (runtime), the file on disk is untouched.
      expect((await d.nmcli(['connection', 'modify', '--temporary', 'web', 'ipv4.addresses', '192.0.2.6/24'])).code).toBe(0);
      expect(fs.readFileSync(path.join(d.root, 'etc/sysconfig/network-scripts/ifcfg-eth5'), 'utf8')).toMatch(/^IPADDR=192\.0\.2\.5$/m);
      expect((await d.nmcli(['-g', 'ipv4.addresses', 'connection', 'show', 'web'])).stdout.trim()).toBe('192.0.2.6/24');
      expect(fs.readdirSync(path.join(d.root, 'run/nmk/system-connections'))).toEqual(['web.nmconnection']);
      // Saved again without --temporary: back into the ifcfg file, and the runtime copy is gone.
      expect((await d.nmcli(['connection', 'modify', 'web', 'ipv4.addresses', '192.0.2.7/24'])).code).toBe(0);
      expect(fs.readFileSync(path.join(d.root, 'etc/sysconfig/network-scripts/ifcfg-eth5'), 'utf8')).toMatch(/^IPADDR=192\.0\.2\.7$/m);
      expect(fs.readdirSync(path.join(d.root, 'run/nmk/system-connections'))).toEqual([]);
    } finally {
      await d.cleanup();
    }
  });

  it('does not read profiles at start-up with [main] load-connections=false, until asked', async () => {
    const d = await startDaemon({
      ns,
      config: '[main]\nload-connections=false\n',
      files: { [`${KEYFILE_DIR}/a.nmconnection`]: `[connection]\nid=a\nuuid=${UUID}\ntype=ethernet\n` },
    });
    try {
      expect((await d.nmcli(['-t', '-f', 'NAME', 'connection', 'show'])).stdout.trim()).toBe('');
      expect((await d.nmcli(['connection', 'reload'])).code).toBe(0);
      expect((await d.nmcli(['-t', '-f', 'NAME', 'connection', 'show'])).stdout.trim()).toBe('a');
    } finally {
      await d.cleanup();
    }
  });
});
