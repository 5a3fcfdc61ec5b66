/**
 * ETHTOOL_OPTS and ETHTOOL_WAKE_ON_LAN in ifcfg files, through the running
 * daemon and the real nmcli: what nmcli shows for the link properties
 * NetworkManager 1.42 reads from them (values from its test-ifcfg-rh.c), an
 * ethtool option NetworkManager skips is one warning naming the file, the key
 * and the option (the profile loads), and `nmcli connection modify ... wake-on-lan
 * magic` writes ETHTOOL_OPTS as NetworkManager's writer spells it.
 * (Debian's NetworkManager has no ifcfg-rh plugin to compare with side by
 * side; the expected files are its writer tests'.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../harness/daemon.js';
import { Netns } from '../harness/netns.js';

const SCRIPTS = 'etc/sysconfig/network-scripts';
/** nmcli -g escapes ':' in a value. */
const escaped = (mac: string): string => mac.replaceAll(':', '\\:');
const FIELDS = ['wake-on-lan', 'wake-on-lan-password', 'auto-negotiate', 'speed', 'duplex'].map((p) => `802-3-ethernet.${p}`).join(',');

/** An ifcfg file for a link that is not in the namespace (nothing activates). */
const ifcfg = (device: string, name: string, ...extra: string[]): { text: string; mode: number } => ({
  text: `${['TYPE=Ethernet', `DEVICE=${device}`, `NAME=${name}`, 'BOOTPROTO=dhcp', 'ONBOOT=no', ...extra].join('\n')}\n`,
  mode: 0o644,
});

const FILES = {
  // test_read_wired_wake_on_lan / _auto_negotiate_off
  [`${SCRIPTS}/ifcfg-wol`]: ifcfg('ethw0', 'wol', 'ETHTOOL_OPTS="speed 100 duplex full wol apgs sopass 00:11:22:33:44:55 autoneg off"'),
  // test_read_wired_auto_negotiate_on: the lone speed is dropped
  [`${SCRIPTS}/ifcfg-autoneg`]: ifcfg('ethw1', 'autoneg', 'ETHTOOL_OPTS="wol apgs sopass 00:11:22:33:44:55 autoneg on speed 100"'),
  // ETHTOOL_WAKE_ON_LAN=ignore wins over wol in ETHTOOL_OPTS
  [`${SCRIPTS}/ifcfg-ignore`]: ifcfg('ethw2', 'ignore', 'ETHTOOL_OPTS="wol g autoneg off speed 1000 duplex full"', 'ETHTOOL_WAKE_ON_LAN=ignore'),
  // test_read_wired_unknown_ethtool_opt's kind: msglvl is skipped
  [`${SCRIPTS}/ifcfg-unknown`]: ifcfg('ethw3', 'unknown', 'ETHTOOL_OPTS="msglvl 0x0f wol ub"'),
  // -K / -G into the "ethtool" setting
  [`${SCRIPTS}/ifcfg-offload`]: ifcfg('ethw6', 'offload', 'ETHTOOL_OPTS="-K ethw6 tso off rx-checksum on ; -G ethw6 rx 512"'),
  // for `nmcli connection modify`
  [`${SCRIPTS}/ifcfg-plain`]: ifcfg('ethw4', 'plain', '# no ETHTOOL_OPTS yet', 'USERCTL=no'),
  [`${SCRIPTS}/ifcfg-fixed`]: ifcfg('ethw5', 'fixed', "ETHTOOL_OPTS='autoneg off speed 100 duplex full'"),
};

describe('ifcfg-rh ETHTOOL_OPTS through the daemon (real nmcli)', () => {
  let ns: Netns;
  let d: Daemon;

  beforeAll(async () => {
    ns = await Netns.create('nmke');
    d = await startDaemon({ ns, profile: 'server', config: '[main]\nplugins=ifcfg-rh\n', files: FILES });
  });
  afterAll(async () => {
    await d?.cleanup();
    await ns?.destroy();
  });

  const ok = async (args: string[]): Promise<string> => {
    const r = await d.nmcli(args, { timeoutMs: 30_000 });
    expect(r.code, `nmcli ${args.join(' ')}: ${r.stderr}${r.stdout}`).toBe(0);
    return r.stdout;
  };
  const shown = async (id: string): Promise<string[]> => (await ok(['-g', FIELDS, 'connection', 'show', id])).replace(/\n$/, '').split('\n');
  const file = (name: string): string => path.join(d.root, SCRIPTS, name);

  it('nmcli shows the link properties NetworkManager reads from ETHTOOL_OPTS and ETHTOOL_WAKE_ON_LAN', async () => {
    expect(await shown('wol')).toEqual(['phy, arp, magic', escaped('00:11:22:33:44:55'), 'no', '100', 'full']);
    expect(await shown('autoneg')).toEqual(['phy, arp, magic', escaped('00:11:22:33:44:55'), 'yes', '0', '']);
    expect(await shown('ignore')).toEqual(['ignore', '', 'no', '1000', 'full']);
    expect(await shown('plain')).toEqual(['default', '', 'no', '0', '']);
    const offload = await ok(['-g', 'ethtool.feature-tso,ethtool.feature-rx,ethtool.ring-rx,ethtool.feature-gro', 'connection', 'show', 'offload']);
    expect(offload.replace(/\n$/, '').split('\n')).toEqual(['off', 'on', '512', '']);
  });

  it('an ethtool option NetworkManager skips is a warning naming file, key and option; the profile loads', async () => {
    expect(await shown('unknown')).toEqual(['unicast, broadcast', '', 'no', '0', '']);
    const warnings = d.logs.filter((l) => l.level === 'warn').map((l) => l.msg);
    expect(warnings).toContain(`${file('ifcfg-unknown')}:6: key 'ETHTOOL_OPTS': unknown ethtool option 'msglvl 0x0f'; ignored`);
    // ETHTOOL_OPTS is read now: never reported as a variable nmk does not read.
    expect(warnings.filter((w) => w.includes('ETHTOOL') && w.includes('does not read this variable'))).toEqual([]);
    expect(d.logs.filter((l) => l.level === 'error').map((l) => l.msg)).toEqual([]);
  });

  it('nmcli connection modify wake-on-lan magic writes ETHTOOL_OPTS as NetworkManager\'s writer does', async () => {
    await ok(['connection', 'modify', 'plain', '802-3-ethernet.wake-on-lan', 'magic']);
    const plain = fs.readFileSync(file('ifcfg-plain'), 'utf8').split('\n');
    expect(plain.filter((l) => l.startsWith('ETHTOOL'))).toEqual(['ETHTOOL_OPTS="wol g"']);
    // What was in the file stays, in order.
    expect(plain.slice(0, 7)).toEqual(['TYPE=Ethernet', 'DEVICE=ethw4', 'NAME=plain', 'BOOTPROTO=dhcp', 'ONBOOT=no', '# no ETHTOOL_OPTS yet', 'USERCTL=no']);

    await ok(['connection', 'modify', 'fixed', '802-3-ethernet.wake-on-lan', 'magic', '802-3-ethernet.wake-on-lan-password', '00:00:00:11:22:33']);
    const fixed = fs.readFileSync(file('ifcfg-fixed'), 'utf8').split('\n');
    expect(fixed.filter((l) => l.startsWith('ETHTOOL'))).toEqual(['ETHTOOL_OPTS="autoneg off speed 100 duplex full wol gs sopass 00:00:00:11:22:33"']);

    await ok(['connection', 'modify', 'wol', '802-3-ethernet.wake-on-lan', 'ignore', '802-3-ethernet.wake-on-lan-password', '']);
    const wol = fs.readFileSync(file('ifcfg-wol'), 'utf8').split('\n');
    expect(wol.filter((l) => l.startsWith('ETHTOOL'))).toEqual(['ETHTOOL_OPTS="autoneg off speed 100 duplex full"', 'ETHTOOL_WAKE_ON_LAN=ignore']);

    // The files read back the same after a reload.
    await ok(['connection', 'reload']);
    expect(await shown('plain')).toEqual(['magic', '', 'no', '0', '']);
    expect(await shown('fixed')).toEqual(['magic', escaped('00:00:00:11:22:33'), 'no', '100', 'full']);
    expect(await shown('wol')).toEqual(['ignore', '', 'no', '100', 'full']);
  });
});
