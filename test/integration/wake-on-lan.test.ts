/**
 * 802-3-ethernet.wake-on-lan with the real nmcli on veths. NetworkManager
 * 1.42 never touches a veth's Wake-on-LAN (wake_on_lan_enable returns first
 * for NM_IS_DEVICE_VETH), so a veth profile asking for magic packets
 * activates, and nmk says at debug why nothing was set; the kernel itself
 * refuses Wake-on-LAN on a veth (EOPNOTSUPP), which the Linux platform
 * reports as such. The values round-trip through nmcli and the keyfile as
 * NetworkManager writes them (`nmcli --offline`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../harness/daemon.js';
import { Netns, REPO_ROOT } from '../harness/netns.js';
import { NMCLI } from '../harness/nmcli.js';

const KEYFILE = 'etc/nmk/system-connections/wol.nmconnection';
const WOL = '802-3-ethernet.wake-on-lan';
const PASSWORD = '802-3-ethernet.wake-on-lan-password';

/** The [ethernet] group of a keyfile, as lines. */
const ethernetGroup = (text: string): string[] => {
  const lines = text.split('\n');
  const start = lines.indexOf('[ethernet]');
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i > start && l.startsWith('['));
  return lines.slice(start + 1, end < 0 ? undefined : end).filter((l) => l.trim() !== '');
};

describe('wake-on-lan on veths (real nmcli)', () => {
  let ns: Netns;
  let d: Daemon;

  beforeAll(async () => {
    ns = await Netns.create('nmkw');
    await ns.addVeth('veth0', 'veth1');
    for (const l of ['veth0', 'veth1']) await ns.ip(['link', 'set', l, 'up']);
    d = await startDaemon({
      ns,
      profile: 'server',
      // A global default too: NetworkManager skips veths before it would even look at it.
      config: '[keyfile]\nunmanaged-devices=interface-name:veth1\n\n[connection]\nethernet.wake-on-lan=64\n',
    });
  });
  afterAll(async () => {
    await d?.cleanup();
    await ns?.destroy();
  });

  const ok = async (args: string[]) => {
    const r = await d.nmcli(args, { timeoutMs: 30_000 });
    expect(r.code, `nmcli ${args.join(' ')}: ${r.stderr}${r.stdout}`).toBe(0);
    return r.stdout;
  };
  const shown = async () => (await ok(['-t', '-f', `${WOL},${PASSWORD}`, 'connection', 'show', 'wol'])).trim().split('\n');
  const addArgs = ['type', 'ethernet', 'con-name', 'wol', 'ifname', 'veth0', 'autoconnect', 'no', 'ipv4.method', 'disabled', 'ipv6.method', 'ignore', WOL, 'magic', PASSWORD, '00:11:22:aa:bb:cc'];

  it('stores magic and a password as NetworkManager does, and nmcli shows them back', async () => {
    await d.nmcli(['connection', 'delete', 'wol']); // a retried test starts afresh
    await ok(['connection', 'add', ...addArgs]);
    expect(await shown()).toEqual([`${WOL}:magic`, `${PASSWORD}:00:11:22:aa:bb:cc`]);
    // What NetworkManager 1.42 itself would write, with no daemon.
    const expected = ethernetGroup(execFileSync(NMCLI, ['--offline', 'connection', 'add', ...addArgs], { encoding: 'utf8' }));
    expect(expected).toEqual(['wake-on-lan=64', 'wake-on-lan-password=00:11:22:aa:bb:cc']);
    expect(ethernetGroup(await readFile(path.join(d.root, KEYFILE), 'utf8'))).toEqual(expected);
  });

  it.each([
    ['phy,broadcast', 'phy, broadcast', 18],
    ['ignore', 'ignore', 32768],
    // NetworkManager's nmcli prints 0 as nothing (checked against NetworkManager 1.42.4).
    ['none', '', 0],
    ['default', 'default', 1],
  ])("%s round-trips (nmcli shows '%s', the keyfile holds %i)", async (value, printed, number) => {
    await ok(['connection', 'modify', 'wol', PASSWORD, '', WOL, value]);
    expect(await shown()).toEqual([`${WOL}:${printed}`, `${PASSWORD}:`]);
    const group = ethernetGroup(await readFile(path.join(d.root, KEYFILE), 'utf8'));
    // NetworkManager leaves the default value out of a keyfile.
    expect(group).toEqual(number === 1 ? [] : [`wake-on-lan=${number}`]);
  });

  it('a veth profile with magic activates; nothing is asked of the kernel, and the log says why', async () => {
    await ok(['connection', 'modify', 'wol', WOL, 'magic', PASSWORD, '00:11:22:aa:bb:cc']);
    await ok(['connection', 'up', 'wol']);
    expect((await ok(['-t', '-f', 'GENERAL.STATE,GENERAL.CONNECTION', 'device', 'show', 'veth0'])).trim().split('\n')).toEqual(['GENERAL.STATE:100 (connected)', 'GENERAL.CONNECTION:wol']);
    const line = await d.waitForLog((l) => l.msg.includes('wake-on-lan') && l.device === 'veth0');
    expect(line).toMatchObject({ level: 'debug', msg: '802-3-ethernet.wake-on-lan=magic not applied to veth0: NetworkManager leaves the Wake-on-LAN of veth devices alone' });
    expect(d.logs.filter((l) => l.msg.startsWith('setting 802-3-ethernet.wake-on-lan'))).toEqual([]);
  });

  it('a changed wake-on-lan is reapplied without re-activation, as NetworkManager allows', async () => {
    await ok(['connection', 'modify', 'wol', PASSWORD, '', WOL, 'phy']);
    await ok(['device', 'reapply', 'veth0']);
    expect((await ok(['-t', '-f', 'GENERAL.STATE', 'device', 'show', 'veth0'])).trim()).toBe('GENERAL.STATE:100 (connected)');
    await d.waitForLog((l) => l.msg === '802-3-ethernet.wake-on-lan=phy not applied to veth0: NetworkManager leaves the Wake-on-LAN of veth devices alone');
  });

  it('the kernel refuses Wake-on-LAN on a veth, and the Linux platform says EOPNOTSUPP', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'nmk-wol-'));
    try {
      const script = path.join(dir, 'wol.ts');
      await writeFile(
        script,
        `import { LinuxPlatform } from ${JSON.stringify(path.join(REPO_ROOT, 'plugins/platform-linux/linux-platform.ts'))};
const p = new LinuxPlatform();
const link = await p.link('veth1');
const out: string[] = [];
for (const f of [() => p.wakeOnLan(link!.ifindex), () => p.setWakeOnLan(link!.ifindex, ['magic'])]) {
  try { await f(); out.push('accepted'); } catch (e) { out.push((e as Error).message); }
}
await p.stop();
console.log('RESULT ' + JSON.stringify(out));
`,
      );
      const r = await ns.runScript(script, [], { timeoutMs: 60_000 });
      const result = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
      expect(result, r.stderr + r.stdout).toBeDefined();
      expect(JSON.parse(result!.slice(7))).toEqual([expect.stringMatching(/^read wake-on-lan of veth1 \(ifindex \d+\): EOPNOTSUPP$/), expect.stringMatching(/^set wake-on-lan of veth1 \(ifindex \d+\) to magic: EOPNOTSUPP$/)]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
