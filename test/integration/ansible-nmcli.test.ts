/**
 * Fleet tools: Ansible's community.general.nmcli (Debian bookworm's `ansible`
 * package) applies test/fixtures/ansible/network.yml — a bridge with a port,
 * an ethernet profile with addresses, routes, DNS and MTU, a macvlan, a
 * vxlan, two bonds with ports and a VLAN — against nmk and, side by side,
 * against the real NetworkManager 1.42, each in its own network namespace on
 * its own private bus. The module decides "changed" by comparing
 * `nmcli --show-secrets connection show NAME` with what it wants, so:
 * 1. the first run changes every task and fails none, on both daemons;
 * 2. nmcli shows each profile with the values the playbook asked for, and
 *    every setting row the module reads prints on nmk as on NetworkManager;
 * 3. the profiles that come up (bridge, its port, ethernet, macvlan) put
 *    their addresses, routes and MTU in the kernel on both;
 * 4. a second run changes nothing on either daemon, except the two tasks
 *    tagged `module-quirks`: options the module itself never sees as applied
 *    (see the playbook), which NetworkManager too reports as changed on every
 *    run; nmk must report exactly the same.
 * The play sets DBUS_SYSTEM_BUS_ADDRESS with `environment:`; ansible-playbook
 * itself runs with that variable pointing at a socket that does not exist,
 * so a task that escaped the play's environment fails instead of reaching
 * another bus. Bonds and the VLAN are profiles only (`autoconnect: false`):
 * the host kernel has no bonding or 8021q.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../harness/daemon.js';
import { Netns, REPO_ROOT, type ExecResult } from '../harness/netns.js';
import { startNetworkManager, type NetworkManagerInstance } from '../harness/networkmanager.js';

const PLAYBOOK = path.join(REPO_ROOT, 'test/fixtures/ansible/network.yml');
/** Veth pairs in each namespace (the first of each pair is what the playbook names). */
const VETHS = [['vb0', 'vb1'], ['ve0', 've1'], ['vm0', 'vm1'], ['bp0', 'bp1'], ['bp2', 'bp3']] as const;
/** Every profile the playbook makes, by connection.id. */
const PROFILES = ['br0', 'br0-port', 'lan', 'mv', 'vx', 'bond0', 'bond1', 'bp0', 'bp2', 'lan.10', 'mv-flags', 'bond-arp'];
/** Tasks whose options the module never sees as applied (see the playbook's header). */
const QUIRK_TASKS = ['Macvlan with explicit flags (module quirk)', 'Bond with ARP monitoring (module quirk, profile only)'];
// A guard against a hung run, not a performance bound: on a loaded 2-core machine one run can take minutes.
const PLAY_TIMEOUT_MS = 300_000;

/** Rows of the profiles, as the playbook asked for them (the module's own view: `nmcli --show-secrets connection show`). */
const EXPECTED_ROWS: Record<string, Record<string, string>> = {
  br0: {
    'connection.type': 'bridge', 'connection.interface-name': 'br0', 'connection.autoconnect': 'yes',
    'ipv4.method': 'manual', 'ipv4.addresses': '198.51.100.1/24', 'ipv4.gateway': '198.51.100.254',
    'ipv4.routes': '{ ip = 203.0.113.0/24, nh = 198.51.100.253 }',
    'ipv6.method': 'manual', 'ipv6.addresses': '2001:db8:100::1/64', 'ipv6.addr-gen-mode': 'eui64',
    'bridge.stp': 'yes', 'bridge.priority': '4096', 'bridge.forward-delay': '4',
  },
  'br0-port': {
    'connection.type': '802-3-ethernet', 'connection.interface-name': 'vb0', 'connection.master': 'br0', 'connection.slave-type': 'bridge',
    'bridge-port.priority': '16', 'bridge-port.path-cost': '10', 'bridge-port.hairpin-mode': 'no',
  },
  lan: {
    'connection.type': '802-3-ethernet', 'connection.interface-name': 've0', 'connection.zone': 'trusted', '802-3-ethernet.mtu': '1400',
    'ipv4.method': 'manual', 'ipv4.addresses': '192.0.2.10/24, 192.0.2.11/24', 'ipv4.gateway': '192.0.2.1',
    'ipv4.routes': '{ ip = 198.18.0.0/16, nh = 192.0.2.254, mt = 20 }; { ip = 198.19.0.0/16, nh = 192.0.2.254 onlink=true table=100 }',
    'ipv4.route-metric': '50', 'ipv4.may-fail': 'no', 'ipv4.dns': '192.0.2.53,192.0.2.54', 'ipv4.dns-search': 'example.test,corp.example.test',
    'ipv6.method': 'manual', 'ipv6.addresses': '2001:db8::10/64', 'ipv6.routes': '{ ip = 2001:db8:1::/64, nh = 2001:db8::1 }',
    'ipv6.dns': '2001:db8::53', 'ipv6.ip6-privacy': '0 (disabled)',
  },
  mv: {
    'connection.type': 'macvlan', 'connection.interface-name': 'mv0', 'ipv4.method': 'manual', 'ipv4.addresses': '198.18.5.1/24',
    'ipv6.method': 'disabled', 'macvlan.parent': 'vm0', 'macvlan.mode': '2 (bridge)', 'macvlan.promiscuous': 'yes', 'macvlan.tap': 'no',
  },
  vx: {
    'connection.type': 'vxlan', 'connection.interface-name': 'vx0', 'ipv4.method': 'auto', 'ipv6.method': 'auto',
    'vxlan.id': '42', 'vxlan.local': '192.0.2.10', 'vxlan.remote': '192.0.2.20',
  },
  bond0: {
    'connection.type': 'bond', 'connection.autoconnect': 'no', 'ipv4.addresses': '198.18.9.1/24', 'ipv4.gateway': '198.18.9.254', 'ipv6.method': 'disabled',
    'bond.options': 'mode=802.3ad,downdelay=200,miimon=100,updelay=200,xmit_hash_policy=layer3+4',
  },
  bond1: { 'connection.type': 'bond', 'bond.options': 'mode=active-backup,miimon=50,primary=bp4' },
  bp0: { 'connection.type': '802-3-ethernet', 'connection.master': 'bond0', 'connection.slave-type': 'bond', 'connection.autoconnect': 'no' },
  bp2: { 'connection.type': '802-3-ethernet', 'connection.master': 'bond0', 'connection.slave-type': 'bond', 'connection.autoconnect': 'no' },
  'lan.10': {
    'connection.type': 'vlan', 'connection.interface-name': 've0.10', 'vlan.parent': 've0', 'vlan.id': '10',
    '802-3-ethernet.mtu': '1400', 'ipv4.addresses': '198.18.11.1/24',
  },
  'mv-flags': { 'macvlan.promiscuous': 'yes', 'macvlan.tap': 'no' },
  'bond-arp': { 'bond.options': 'mode=active-backup,arp_interval=1000,arp_ip_target=198.18.12.254' },
};

/**
 * What the kernel must show once the autoconnected and `up`-ed profiles are
 * active: global addresses, ve0's MTU, vb0 in br0, the macvlan's mode, and
 * the static IPv4 routes (`table dst via gw dev metric flags`) with
 * NetworkManager's metrics (a bridge's is 425). IPv6 static routes are listed
 * without their metric: NetworkManager 1.42 gives `ve0` 101 (the bridge port
 * vb0, also ethernet, reserved 100 first), which nmk does not copy.
 */
const EXPECTED_KERNEL = {
  addresses: {
    br0: ['198.51.100.1/24', '2001:db8:100::1/64'],
    ve0: ['192.0.2.10/24', '192.0.2.11/24', '2001:db8::10/64'],
    mv0: ['198.18.5.1/24'],
  },
  ve0Mtu: 1400,
  vb0Master: 'br0',
  mv0Mode: 'bridge',
  routes4: [
    '100 198.19.0.0/16 via 192.0.2.254 dev ve0 metric 50 onlink',
    'main 198.18.0.0/16 via 192.0.2.254 dev ve0 metric 20',
    'main 203.0.113.0/24 via 198.51.100.253 dev br0 metric 425',
    'main default via 192.0.2.1 dev ve0 metric 50',
    'main default via 198.51.100.254 dev br0 metric 425',
  ],
  routes6: ['main 2001:db8:1::/64 via 2001:db8::1 dev ve0'],
};

interface Side {
  label: 'nmk' | 'NetworkManager';
  ns: Netns;
  busAddress: string;
  nmcli(args: string[]): Promise<ExecResult>;
}

interface PlayRun {
  code: number;
  output: string;
  recap?: { ok: number; changed: number; unreachable: number; failed: number };
  /** Changed tasks in order, "name" or "name (item)". */
  changedTasks: string[];
}

/** The PLAY RECAP line and the changed tasks of the default callback's output. */
function parsePlay(code: number, output: string): PlayRun {
  const changedTasks: string[] = [];
  let task = '';
  for (const line of output.split('\n')) {
    const t = /^TASK \[(.*)\] \**$/.exec(line);
    if (t) task = t[1]!;
    const c = /^changed: \[[^\]]+\](?: => \(item=(.*)\))?/.exec(line);
    if (c) changedTasks.push(c[1] === undefined ? task : `${task} (${c[1]})`);
  }
  const r = /^localhost\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/m.exec(output);
  const recap = r ? { ok: Number(r[1]), changed: Number(r[2]), unreachable: Number(r[3]), failed: Number(r[4]) } : undefined;
  return { code, output, recap, changedTasks };
}

/** The module's parse of `nmcli --show-secrets connection show NAME`: "name: value" lines, value trimmed. */
function parseShow(stdout: string): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) rows.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  return rows;
}

/**
 * Rows that are the daemon's, not the profile's: the random UUID nmcli
 * generates, the time of the last activation (each daemon's own clock; nmk
 * printed 0 for active profiles when this test was written),
 * and everything about the active connection (GENERAL.*, IP4.*, IP6.*,
 * DHCP*), which the module does not read.
 */
const NOT_COMPARED = /^(connection\.uuid|connection\.timestamp|GENERAL\..*|IP[46]\..*|DHCP[46]\..*)$/;

function settingsRows(rows: Map<string, string>): Map<string, string> {
  return new Map([...rows].filter(([k]) => !NOT_COMPARED.test(k)));
}

describe('Ansible community.general.nmcli against nmk, as against NetworkManager 1.42', () => {
  let tmp: string | undefined;
  let ansibleEnv: NodeJS.ProcessEnv;
  const namespaces: Netns[] = [];
  let nmk: Daemon | undefined;
  let nm: NetworkManagerInstance | undefined;
  let sides: Side[] = [];
  const children = new Set<ChildProcess>();
  const firstRun = new Map<string, PlayRun>();
  /** Side label -> profile name -> its rows after the first run. */
  const shown = new Map<string, Map<string, Map<string, string>>>();

  /** ansible-playbook on one side, never rejecting: the exit code and output are the result. */
  const play = (side: Side, extra: string[] = []): Promise<PlayRun> =>
    new Promise((resolve) => {
      const args = ['-i', 'localhost,', '-c', 'local', '--diff', '-e', `nm_bus=${side.busAddress}`, ...extra, PLAYBOOK];
      const child = execFile('ansible-playbook', args, { cwd: tmp, env: ansibleEnv, timeout: PLAY_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
        children.delete(child);
        const code = err ? (typeof (err as any).code === 'number' ? (err as any).code : -1) : 0;
        const killed = (err as any)?.killed ? `\n(ansible-playbook killed after ${PLAY_TIMEOUT_MS} ms)` : '';
        resolve(parsePlay(code, `${stdout}${stderr}${killed}`));
      });
      children.add(child);
    });

  /** The same play on every side at once (the daemons are independent). */
  const playAll = async (extra: string[] = []) => new Map((await Promise.all(sides.map(async (s) => [s.label, await play(s, extra)] as const))));

  const failure = (label: string, run: PlayRun) => `${label}: ansible-playbook exited ${run.code}\n${run.output.slice(-6000)}`;

  const show = async (side: Side, name: string): Promise<Map<string, string>> => {
    const r = await side.nmcli(['--show-secrets', 'connection', 'show', name]);
    if (r.code !== 0) throw new Error(`${side.label}: nmcli connection show ${name} exited ${r.code}: ${r.stderr}`);
    return parseShow(r.stdout);
  };

  beforeAll(async () => {
    const check = await new Promise<string | undefined>((resolve) =>
      execFile('ansible-doc', ['-t', 'module', 'community.general.nmcli'], { timeout: 60_000 }, (err, _o, stderr) =>
        resolve(err ? `${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'ansible-doc is not installed' : stderr.trim() || err.message}` : undefined)));
    if (check) {
      throw new Error(`Ansible with community.general.nmcli is missing (${check}): apt-get install -y --no-install-recommends ansible, as scripts/bootstrap.sh does`);
    }
    tmp = await mkdtemp(path.join(os.tmpdir(), 'nmk-ansible-'));
    // An empty config of our own, so no ansible.cfg of the host or the developer changes the run.
    await writeFile(path.join(tmp, 'ansible.cfg'), '[defaults]\n');
    ansibleEnv = {
      PATH: process.env.PATH,
      HOME: tmp,
      LANG: 'C.UTF-8',
      LC_ALL: 'C.UTF-8',
      ANSIBLE_CONFIG: path.join(tmp, 'ansible.cfg'),
      ANSIBLE_LOCAL_TEMP: path.join(tmp, 'local'),
      ANSIBLE_REMOTE_TEMP: path.join(tmp, 'remote'),
      ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3',
      ANSIBLE_NOCOLOR: '1',
      ANSIBLE_FORCE_COLOR: '0',
      ANSIBLE_RETRY_FILES_ENABLED: '0',
      // Only the play's `environment:` may name the daemon's bus (see the header).
      DBUS_SYSTEM_BUS_ADDRESS: `unix:path=${path.join(tmp, 'no-bus-here')}`,
    };
    for (const prefix of ['nmkak', 'nmkan']) {
      const ns = await Netns.create(prefix);
      namespaces.push(ns);
      for (const [a, b] of VETHS) {
        await ns.addVeth(a, b);
        await ns.ip(['link', 'set', a, 'up']);
        await ns.ip(['link', 'set', b, 'up']);
      }
    }
    const [nsK, nsN] = namespaces as [Netns, Netns];
    // Started one after the other so a failure of the second still leaves the first to afterAll.
    nmk = await startDaemon({ ns: nsK, profile: 'server', logLevel: 'info' });
    nm = await startNetworkManager({ ns: nsN, networking: true });
    sides = [
      { label: 'nmk', ns: nsK, busAddress: nmk.busAddress, nmcli: (a) => nmk!.nmcli(a) },
      { label: 'NetworkManager', ns: nsN, busAddress: nm.busAddress, nmcli: (a) => nm!.nmcli(a) },
    ];
  }, 180_000);

  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await nmk?.cleanup();
    await nm?.cleanup();
    for (const ns of namespaces) await ns.destroy();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }, 60_000);

  it('the first run changes every task and fails none, on nmk as on NetworkManager', async () => {
    const runs = await playAll();
    for (const [label, run] of runs) {
      expect(run.recap, failure(label, run)).toBeDefined();
      expect(run.recap!.failed, failure(label, run)).toBe(0);
      expect(run.code, failure(label, run)).toBe(0);
      firstRun.set(label, run);
    }
    const nmRun = runs.get('NetworkManager')!;
    const nmkRun = runs.get('nmk')!;
    // 11 tasks; the loop over the two bond ports counts once in the recap.
    expect(nmRun.recap!.changed, failure('NetworkManager', nmRun)).toBe(11);
    expect(nmkRun.recap).toEqual(nmRun.recap);
    expect(nmkRun.changedTasks).toEqual(nmRun.changedTasks);
  }, PLAY_TIMEOUT_MS + 10_000);

  it('nmcli shows every profile with the values the playbook asked for', async () => {
    expect(firstRun.size, 'the first run did not complete').toBe(2);
    for (const side of sides) {
      const rows = new Map<string, Map<string, string>>();
      await Promise.all(PROFILES.map(async (name) => rows.set(name, await show(side, name))));
      shown.set(side.label, rows);
    }
    const wrong: string[] = [];
    for (const side of sides) {
      for (const [name, want] of Object.entries(EXPECTED_ROWS)) {
        const rows = shown.get(side.label)!.get(name)!;
        for (const [k, v] of Object.entries({ 'connection.id': name, ...want })) {
          if (rows.get(k) !== v) wrong.push(`${side.label} ${name} ${k}: ${JSON.stringify(rows.get(k))}, want ${JSON.stringify(v)}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('every setting of every profile prints on nmk as on NetworkManager (what the module compares)', () => {
    expect(shown.size, 'the profiles were not read').toBe(2);
    const diffs: string[] = [];
    for (const name of PROFILES) {
      const a = settingsRows(shown.get('NetworkManager')!.get(name)!);
      const b = settingsRows(shown.get('nmk')!.get(name)!);
      for (const key of new Set([...a.keys(), ...b.keys()])) {
        if (a.get(key) !== b.get(key)) diffs.push(`${name} ${key}: NetworkManager ${JSON.stringify(a.get(key))}, nmk ${JSON.stringify(b.get(key))}`);
      }
    }
    expect(diffs).toEqual([]);
  });

  it('the bridge, its port, the ethernet profile and the macvlan are in the kernel with their addresses, routes and MTU', async () => {
    expect(firstRun.size, 'the first run did not complete').toBe(2);
    const observe = async (ns: Netns) => {
      const links = await ns.ipJson<any[]>(['addr', 'show']);
      const byName = new Map(links.map((l) => [l.ifname as string, l]));
      const global = (dev: string) => (byName.get(dev)?.addr_info ?? []).filter((a: any) => a.scope === 'global').map((a: any) => `${a.local}/${a.prefixlen}`).sort();
      const route = (r: any, metric: boolean) =>
        `${r.table ?? 'main'} ${r.dst} via ${r.gateway} dev ${r.dev}${metric ? ` metric ${r.metric ?? 0}` : ''}${(r.flags ?? []).map((f: string) => ` ${f}`).join('')}`;
      return {
        addresses: { br0: global('br0'), ve0: global('ve0'), mv0: global('mv0') },
        ve0Mtu: byName.get('ve0')?.mtu,
        vb0Master: byName.get('vb0')?.master,
        mv0Mode: byName.get('mv0')?.linkinfo?.info_data?.mode,
        routes4: (await ns.ipJson<any[]>(['-4', 'route', 'show', 'table', 'all', 'proto', 'static'])).map((r) => route(r, true)).sort(),
        routes6: (await ns.ipJson<any[]>(['-6', 'route', 'show', 'table', 'all', 'proto', 'static'])).map((r) => route(r, false)).sort(),
      };
    };
    // The bridge, its port and the macvlan come up through autoconnect, after the module returned: wait for them.
    const settled = async (side: Side) => {
      let seen = await observe(side.ns);
      for (let i = 0; i < 120 && !isDeepStrictEqual(seen, EXPECTED_KERNEL); i++) {
        await new Promise((r) => setTimeout(r, 500));
        seen = await observe(side.ns);
      }
      return [side.label, seen] as const;
    };
    const seen = Object.fromEntries(await Promise.all(sides.map(settled)));
    expect(seen).toEqual({ nmk: EXPECTED_KERNEL, NetworkManager: EXPECTED_KERNEL });
  }, 150_000);

  it('a second run changes nothing but the two module-quirk tasks, on nmk exactly as on NetworkManager', async () => {
    expect(firstRun.size, 'the first run did not complete').toBe(2);
    const runs = await playAll();
    for (const [label, run] of runs) {
      expect(run.recap, failure(label, run)).toBeDefined();
      expect(run.recap!.failed, failure(label, run)).toBe(0);
      // Every other task is "ok": the module found each profile as it wants it.
      expect(run.changedTasks, failure(label, run)).toEqual(QUIRK_TASKS);
      expect(run.recap!.changed, failure(label, run)).toBe(QUIRK_TASKS.length);
    }
    expect(runs.get('nmk')!.recap).toEqual(runs.get('NetworkManager')!.recap);
    // The quirk tasks' `nmcli connection modify` wrote the values the profiles already had: still alike on both.
    const [k, n] = sides as [Side, Side];
    for (const name of ['mv-flags', 'bond-arp']) {
      const before = settingsRows(shown.get('NetworkManager')!.get(name)!);
      expect(settingsRows(await show(n, name)), `NetworkManager ${name}`).toEqual(before);
      expect(settingsRows(await show(k, name)), `nmk ${name}`).toEqual(before);
    }
  }, PLAY_TIMEOUT_MS + 10_000);
});
