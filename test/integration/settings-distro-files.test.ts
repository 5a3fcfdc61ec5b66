/**
 * Distribution files through the running daemon and the real nmcli:
 * - what nmk does not read (ifcfg variables, BONDING_OPTS / BRIDGING_OPTS
 *   items, comments; interfaces(5) hooks, unknown options, mapping and
 *   allow-hotplug stanzas) is still in the file, as it was, after
 *   `nmcli connection modify` rewrote the profile;
 * - a bridge with initscripts' BRIDGING_OPTS (forward_delay=4...) and its
 *   port load, and what nmk ignores is one warning naming file, line and key.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon } from '../harness/daemon.js';
import { Netns } from '../harness/netns.js';
import { parseTerse } from '../harness/nmcli.js';

const SCRIPTS = 'etc/sysconfig/network-scripts';

/** The lines of `text` that are not empty. */
function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

/** The keyfiles nmk wrote (none, when the distribution's plugin kept the profile). */
function keyfiles(root: string): string[] {
  const dir = path.join(root, 'etc/nmk/system-connections');
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

/** Every line of `kept` is in `text`, in the same order. */
function expectLinesInOrder(text: string, kept: string[]): void {
  const have = text.split('\n');
  let from = 0;
  for (const line of kept) {
    const at = have.indexOf(line, from);
    expect(at, `'${line}' in\n${text}`).toBeGreaterThanOrEqual(0);
    from = at + 1;
  }
}

describe('distribution files through the daemon', () => {
  let ns: Netns;
  beforeAll(async () => {
    ns = await Netns.create('nmkp');
  });
  afterAll(async () => ns?.destroy());

  it('ifcfg-rh: nmcli connection modify keeps every variable and comment nmk does not read; initscripts bridge options load', async () => {
    const eth0 = [
      '# Uplink, written by the installer',
      'TYPE=Ethernet',
      'DEVICE=eth0',
      'NAME=uplink',
      'BOOTPROTO=none',
      'IPADDR=192.0.2.2',
      'PREFIX=24',
      'ETHTOOL_OPTS="-K eth0 gro off"',
      'USERCTL=no',
      '# keep this comment',
      'FOO_UNKNOWN=\'a b $c\'',
      'ARPCHECK=no',
      'ONBOOT=yes',
    ];
    const bond = ['TYPE=Bond', 'DEVICE=bond0', 'NAME=bond0', 'BONDING_MASTER=yes', 'BONDING_OPTS="mode=active-backup miimon=100 new_driver_knob=on"', 'BOOTPROTO=dhcp'];
    const br = ['TYPE=Bridge', 'DEVICE=br0', 'NAME=br0', 'STP=yes', 'BRIDGING_OPTS="priority=32768 forward_delay=4 hello_time=2 max_age=20 ageing_time=300 multicast_snooping=1"', 'BOOTPROTO=none', 'IPADDR=198.51.100.2', 'PREFIX=24'];
    const port = ['TYPE=Ethernet', 'DEVICE=eth1', 'NAME=br0-port', 'BRIDGE=br0', 'BRIDGING_OPTS="path_cost=10 isolated=1"'];
    const d = await startDaemon({
      ns,
      profile: 'server',
      config: '[main]\nplugins=ifcfg-rh\n',
      files: {
        [`${SCRIPTS}/ifcfg-eth0`]: { text: `${eth0.join('\n')}\n`, mode: 0o644 },
        [`${SCRIPTS}/ifcfg-eth0:1`]: { text: 'DEVICE=eth0:1\nIPADDR=192.0.2.3\nPREFIX=24\n', mode: 0o644 },
        [`${SCRIPTS}/ifcfg-bond0`]: { text: `${bond.join('\n')}\n`, mode: 0o644 },
        [`${SCRIPTS}/ifcfg-br0`]: { text: `${br.join('\n')}\n`, mode: 0o644 },
        [`${SCRIPTS}/ifcfg-eth1`]: { text: `${port.join('\n')}\n`, mode: 0o644 },
      },
    });
    try {
      const names = parseTerse((await d.nmcli(['-t', '-f', 'NAME,TYPE', 'connection', 'show'])).stdout);
      expect(names.sort()).toEqual([['bond0', 'bond'], ['br0', 'bridge'], ['br0-port', '802-3-ethernet'], ['uplink', '802-3-ethernet']]);
      const bridge = await d.nmcli(['-g', 'bridge.stp,bridge.forward-delay,bridge.priority,bridge.hello-time,bridge.max-age,bridge.ageing-time,bridge.multicast-snooping', 'connection', 'show', 'br0']);
      expect(bridge.stdout.trim().split('\n')).toEqual(['yes', '4', '32768', '2', '20', '300', 'yes']);
      expect((await d.nmcli(['-g', 'connection.master,connection.slave-type,bridge-port.path-cost', 'connection', 'show', 'br0-port'])).stdout.trim().split('\n')).toEqual(['br0', 'bridge', '10']);
      // What nmk ignores is a warning naming file, line and key; nothing is an error.
      const warnings = d.logs.filter((l) => l.level === 'warn').map((l) => l.msg);
      const eth0File = path.join(d.root, SCRIPTS, 'ifcfg-eth0');
      // ETHTOOL_OPTS is read now (the "ethtool" setting): no warning for it.
      expect(warnings.filter((w) => w.startsWith(`${eth0File}:8: key 'ETHTOOL_OPTS'`))).toEqual([]);
      expect((await d.nmcli(['-g', 'ethtool.feature-gro', 'connection', 'show', 'uplink'])).stdout.trim()).toBe('off');
      expect(warnings).toContain(`${path.join(d.root, SCRIPTS, 'ifcfg-bond0')}:5: key 'BONDING_OPTS': unknown bonding option 'new_driver_knob'; ignored`);
      expect(warnings).toContain(`${path.join(d.root, SCRIPTS, 'ifcfg-eth1')}:5: key 'BRIDGING_OPTS': unknown bridge option 'isolated'; ignored`);
      expect(d.logs.filter((l) => l.level === 'error').map((l) => l.msg)).toEqual([]);

      for (const id of ['uplink', 'bond0', 'br0', 'br0-port']) {
        const r = await d.nmcli(['connection', 'modify', id, 'connection.autoconnect-priority', '5']);
        expect(r.code, `${id}: ${r.stderr}`).toBe(0);
      }
      const read = (f: string) => fs.readFileSync(path.join(d.root, SCRIPTS, f), 'utf8');
      // Every line of the old files but the bridge's options is still there, in order.
      expectLinesInOrder(read('ifcfg-eth0'), eth0);
      expectLinesInOrder(read('ifcfg-bond0'), bond);
      expectLinesInOrder(read('ifcfg-eth1'), port);
      expectLinesInOrder(read('ifcfg-br0'), br.filter((l) => !l.startsWith('BRIDGING_OPTS=')));
      // forward_delay was read as DELAY; NetworkManager's writer spells it DELAY= and leaves defaults out.
      expect(read('ifcfg-br0')).toMatch(/^DELAY=4$/m);
      expect(read('ifcfg-br0')).toMatch(/^BRIDGING_OPTS=priority=32768$/m);
      for (const f of ['ifcfg-eth0', 'ifcfg-bond0', 'ifcfg-br0', 'ifcfg-eth1']) expect(read(f)).toMatch(/^AUTOCONNECT_PRIORITY=5$/m);
      expect(read('ifcfg-eth0:1')).toBe('DEVICE=eth0:1\nIPADDR=192.0.2.3\nPREFIX=24\n');
      expect(keyfiles(d.root)).toEqual([]);

      // The rewritten files read back the same after a reload.
      expect((await d.nmcli(['connection', 'reload'])).code).toBe(0);
      expect((await d.nmcli(['-g', 'connection.autoconnect-priority,ipv4.addresses', 'connection', 'show', 'uplink'])).stdout.trim().split('\n')).toEqual(['5', '192.0.2.2/24']);
      expect((await d.nmcli(['-g', 'bridge.forward-delay', 'connection', 'show', 'br0'])).stdout.trim()).toBe('4');
    } finally {
      await d.cleanup();
    }
  });

  it('ifupdown: nmcli connection modify keeps hooks, unknown options, comments and stanzas nmk does not read', async () => {
    const before = ['# /etc/network/interfaces, by hand', 'auto lo', 'iface lo inet loopback', '', 'mapping eth9', '    script /usr/local/sbin/map-eth9', '    map home eth9-home', '', 'allow-hotplug eth8', 'iface eth8 inet dhcp', ''];
    const stanza = [
      'auto eth0',
      'iface eth0 inet static',
      '    address 192.0.2.2/24',
      '    gateway 192.0.2.1',
      '    # reach the lab through the uplink',
      '    post-up ip route add 10.99.0.0/16 via 192.0.2.254',
      '    pre-down ip route del 10.99.0.0/16 via 192.0.2.254',
      '    dns-nameservers 192.0.2.53 192.0.2.54',
      '    bridge-frobnicate 1',
      '    description uplink to the lab',
    ];
    const after = ['', '# spare', 'iface eth7 inet manual', '    up ip link set $IFACE promisc on'];
    const text = `${[...before, ...stanza, ...after].join('\n')}\n`;
    const d = await startDaemon({
      ns,
      profile: 'server',
      config: '[main]\nplugins=ifupdown\n[ifupdown]\nmanaged=true\n',
      files: { 'etc/network/interfaces': { text, mode: 0o644 } },
    });
    try {
      const main = path.join(d.root, 'etc/network/interfaces');
      const warnings = d.logs.filter((l) => l.level === 'warn').map((l) => l.msg);
      expect(warnings.some((w) => w.startsWith(`${main}:20: `) && w.includes("key 'bridge-frobnicate'") && w.includes('unknown bridge option'))).toBe(true);

      const r = await d.nmcli(['connection', 'modify', 'Ifupdown (eth0)', '802-3-ethernet.mtu', '1400', 'ipv4.addresses', '192.0.2.3/24']);
      expect(r.code, r.stderr).toBe(0);
      const now = fs.readFileSync(main, 'utf8');
      // Everything outside eth0's stanza is byte for byte as it was.
      expect(now.startsWith(`${before.join('\n')}\n`)).toBe(true);
      expect(now.endsWith(`${after.join('\n')}\n`)).toBe(true);
      // Inside it, every line nmk does not model is kept, in order; the lines nmk models are written
      // from the profile (first in the stanza), the changes with them.
      const modelled = /^\s+(address|gateway|dns-nameservers) /;
      expectLinesInOrder(now, stanza.filter((l) => !modelled.test(l)));
      expect(lines(now)).toEqual(expect.arrayContaining(['    address 192.0.2.3/24', '    gateway 192.0.2.1', '    dns-nameservers 192.0.2.53 192.0.2.54']));
      expect(lines(now).some((l) => l.trim() === 'mtu 1400')).toBe(true);
      expect(keyfiles(d.root)).toEqual([]);

      expect((await d.nmcli(['connection', 'reload'])).code).toBe(0);
      const shown = await d.nmcli(['-g', '802-3-ethernet.mtu,ipv4.addresses,ipv4.dns', 'connection', 'show', 'Ifupdown (eth0)']);
      expect(shown.stdout.trim().split('\n')).toEqual(['1400', '192.0.2.3/24', '192.0.2.53,192.0.2.54']);
    } finally {
      await d.cleanup();
    }
  });
});
