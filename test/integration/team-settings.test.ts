/**
 * Team profiles through the running daemon: the real nmcli sends team and
 * team-port properties without a JSON config (as it does against
 * NetworkManager 1.42), and nmk keeps them as NetworkManager does: the
 * keyfile's config= line is the one `nmcli --offline` prints for the same
 * arguments (byte for byte), GetSettings carries the config and the
 * properties, and after a restart on the same files nmcli shows the runner.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../harness/daemon.js';
import { runBusTool, startPrivateBus, type PrivateBus } from '../harness/dbus.js';
import { Netns } from '../harness/netns.js';

const NM = 'org.freedesktop.NetworkManager';
const KEYFILE_DIR = 'etc/nmk/system-connections';

const TEAM_ARGS = ['type', 'team', 'con-name', 'tm0', 'ifname', 'team0', 'team.runner', 'activebackup', 'team.runner-hwaddr-policy', 'by_active', 'team.link-watchers', 'name=ethtool delay-up=5'];
const PORT_ARGS = ['type', 'ethernet', 'con-name', 'tm0-port', 'ifname', 'eth7', 'master', 'team0', 'slave-type', 'team', 'team-port.prio', '10', 'team-port.sticky', 'yes'];

/** The config= line of [group] in a keyfile text, or undefined. */
function configLine(text: string, group: string): string | undefined {
  const body = text.split(/^\[/m).find((g) => g.startsWith(`${group}]`));
  return body?.split('\n').find((l) => l.startsWith('config='));
}

/** What NetworkManager 1.42 writes for these nmcli arguments. */
function offlineConfig(args: string[], group: string): string | undefined {
  const r = spawnSync('nmcli', ['--offline', 'connection', 'add', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`nmcli --offline failed: ${r.stderr}`);
  return configLine(r.stdout, group);
}

describe('team profiles through nmkd', () => {
  let ns: Netns | undefined;
  let bus: PrivateBus | undefined;
  let root: string | undefined;
  let d: Daemon | undefined;

  beforeAll(async () => {
    ns = await Netns.create('nmkt');
    bus = await startPrivateBus();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'nmk-team-'));
    d = await startDaemon({ ns, root, busAddress: bus.address, profile: 'server' });
  });
  afterAll(async () => {
    await d?.cleanup();
    await bus?.stop();
    if (root) fs.rmSync(root, { recursive: true, force: true });
    await ns?.destroy();
  });

  const keyfile = (name: string) => fs.readFileSync(path.join(root!, KEYFILE_DIR, `${name}.nmconnection`), 'utf8');

  it('writes the config NetworkManager writes for properties sent without one', async () => {
    for (const [args, name, group] of [[TEAM_ARGS, 'tm0', 'team'], [PORT_ARGS, 'tm0-port', 'team-port']] as const) {
      const r = await d!.nmcli(['connection', 'add', ...args]);
      expect(r.code, r.stderr).toBe(0);
      const want = offlineConfig([...args], group);
      expect(want).toBeDefined();
      expect(configLine(keyfile(name), group)).toBe(want);
    }
  });

  it('GetSettings carries the config and the properties', async () => {
    const uuid = (await d!.nmcli(['-g', 'connection.uuid', 'connection', 'show', 'tm0'])).stdout.trim();
    const found = await runBusTool('gdbus', ['call', '--system', '--dest', NM, '--object-path', `/org/freedesktop/NetworkManager/Settings`, '--method', `${NM}.Settings.GetConnectionByUuid`, uuid], bus!.address);
    const p = /'(\/[^']+)'/.exec(found.stdout)?.[1];
    expect(p, found.stderr).toBeDefined();
    const r = await runBusTool('gdbus', ['call', '--system', '--dest', NM, '--object-path', p!, '--method', `${NM}.Settings.Connection.GetSettings`], bus!.address);
    expect(r.code, r.stderr).toBe(0);
    // gdbus prints the reply as GVariant text: {..., 'team': {'config': <'...'>, 'runner': <'activebackup'>, ...}, ...}
    const team = r.stdout;
    expect(team).toContain("'runner': <'activebackup'>");
    expect(team).toContain("'runner-hwaddr-policy': <'by_active'>");
    expect(team).toContain(`'config': <'${configLine(keyfile('tm0'), 'team')!.slice('config='.length)}'>`);
  });

  it('a modify through nmcli rebuilds the config, and a restart keeps the runner', async () => {
    const r = await d!.nmcli(['connection', 'modify', 'tm0', 'team.runner', 'lacp', 'team.runner-hwaddr-policy', '', 'team.runner-fast-rate', 'yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(configLine(keyfile('tm0'), 'team')).toBe('config={ "runner": { "name": "lacp", "fast_rate": true }, "link_watch": { "name": "ethtool", "delay_up": 5 } }');
    await d!.stop();
    d = await startDaemon({ ns: ns!, root, busAddress: bus!.address, profile: 'server' });
    const shown = await d.nmcli(['-g', 'team.runner,team.runner-fast-rate,team.link-watchers', 'connection', 'show', 'tm0']);
    expect(shown.stdout.trim().split('\n')).toEqual(['lacp', 'yes', 'name=ethtool delay-up=5']);
    const port = await d.nmcli(['-g', 'team-port.prio,team-port.sticky', 'connection', 'show', 'tm0-port']);
    expect(port.stdout.trim().split('\n')).toEqual(['10', 'yes']);
  });
});
