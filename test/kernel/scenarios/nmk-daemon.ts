/**
 * Runs in the VM: the real nmkd (compiled for this boot) on a private bus,
 * driven by the real nmcli, on a kernel with bonding, 8021q and dummy. Each
 * nmkd start costs 15 to 60 s of guest time (more on a busy host), so one scenario shares
 * three starts among the cases (profiles: test/kernel/seed-profiles.ts):
 *
 * 1. start: take-over of an `ip`-made 802.3ad bond, a VLAN on it and a bridge
 *    over the VLAN (no kernel change), the ifcfg bond3 brought up from
 *    BONDING_OPTS, dummy9 (NM_CONTROLLED=no) left alone;
 * 2. nmcli: bond0 with two dummy ports and a VLAN, a VLAN-filtering bridge;
 *    `nmcli connection modify bond3 bond.options` + up; bond0 down;
 * 3. SIGTERM and start again, SIGKILL and start again: everything re-adopted,
 *    no kernel change at all.
 *
 * Every kernel message is recorded by `ip monitor`. A section that throws is
 * reported with its error and the next one still runs. The report is
 * asserted by test/kernel/activation.test.ts.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { scenario, sh, step } from '../scenario-kit.js';
import { addresses, link, logged, Monitor, nmcli, nmcliRows, startBus, startNmkd, sysfs, until, type GuestDaemon, type LogLine } from '../guest-nmk.js';
import { ACTIVE_AT_START, ALL_LINKS, FILES, SCRIPTS, TAKE_OVER_LINKS } from '../seed-profiles.js';

const BOND_SYSFS = ['mode', 'miimon', 'updelay', 'downdelay', 'primary', 'active_slave', 'primary_reselect', 'fail_over_mac', 'num_grat_arp', 'resend_igmp', 'all_slaves_active', 'lacp_rate', 'xmit_hash_policy', 'slaves'];
const bondSysfs = (name: string) => Object.fromEntries(BOND_SYSFS.map((f) => [f, sysfs(`${name}/bonding/${f}`)]));
const ports = (s: Record<string, string | undefined>) => (s.slaves ?? '').split(' ').filter(Boolean).sort().join(' ');
const ip = (...args: string[]) => sh('ip', args);
const report: Record<string, unknown> = {};

/** The daemon running now, whose log lines each section reports (info and up, one line each). */
let current: GuestDaemon | undefined;
const logText = (l: LogLine) => [l.level, l.msg, ...['device', 'connection', 'reason', 'err'].filter((k) => l[k] !== undefined).map((k) => `${k}=${String(l[k])}`)].join(' ');

/** Run one part; its error goes into the report and the scenario goes on. */
async function section(name: string, body: () => Promise<Record<string, unknown>>): Promise<void> {
  step(name);
  const started = Date.now();
  const at = current;
  const from = at?.logs.length ?? 0;
  // A section that starts a daemon reports that daemon's lines from its first.
  const logs = () => (current ? current.logs.slice(current === at ? from : 0) : []).filter((l) => l.level !== 'debug' && l.level !== 'trace').map(logText);
  try {
    report[name] = { ...(await body()), ms: Date.now() - started, logs: logs() };
  } catch (e) {
    report[name] = { error: e instanceof Error ? (e.stack ?? e.message) : String(e), ms: Date.now() - started, logs: logs() };
  }
}

/** The kernel as `ip` left it before nmkd started: built by hand, as an administrator or an initramfs would. */
function buildByHand(): void {
  ip('link', 'add', 'bond7', 'type', 'bond', 'mode', '802.3ad', 'miimon', '100');
  for (const p of ['dummy70', 'dummy71']) {
    ip('link', 'add', p, 'type', 'dummy');
    ip('link', 'set', p, 'master', 'bond7');
  }
  ip('link', 'set', 'bond7', 'up');
  ip('link', 'add', 'link', 'bond7', 'name', 'bond7.20', 'type', 'vlan', 'id', '20');
  // A short forward delay: the kernel's own "port forwarding" message comes before nmkd starts (as in test/integration/take-over.test.ts).
  ip('link', 'add', 'br7', 'type', 'bridge', 'stp_state', '0', 'forward_delay', '200');
  ip('link', 'set', 'bond7.20', 'master', 'br7');
  ip('link', 'set', 'bond7.20', 'up');
  ip('link', 'set', 'br7', 'up');
  ip('addr', 'add', '192.0.2.7/24', 'dev', 'br7');
  // bond3's future ports, with carrier (their peers up), like cabled NICs.
  for (const p of ['p1', 'p2']) {
    ip('link', 'add', p, 'type', 'veth', 'peer', 'name', `${p}-peer`);
    ip('link', 'set', `${p}-peer`, 'up');
    ip('link', 'set', p, 'up');
  }
  ip('link', 'add', 'dummy9', 'type', 'dummy');
  ip('link', 'set', 'dummy9', 'up');
  ip('addr', 'add', '198.18.0.9/24', 'dev', 'dummy9');
}

const snapshot = (names: string[]) => Object.fromEntries(names.map((l) => [l, { addrs: addresses(l), master: link(l)?.master, up: link(l)?.flags?.includes('UP') }]));

await scenario(async () => {
  for (const m of ['bonding', '8021q', 'dummy', 'veth', 'bridge']) sh('modprobe', [m]);
  const root = mkdtempSync('/run/tmp/nmk-root-');
  const monitor = new Monitor();
  const bus = startBus();
  let d: GuestDaemon | undefined;
  const daemons: GuestDaemon[] = [];
  const active = async () => (await nmcliRows(bus, ['-t', '-f', 'NAME,DEVICE,STATE', 'connection', 'show', '--active'])).sort();
  const activated = (rows: string[][]) => rows.filter((r) => r[2] === 'activated').length;
  /** Every kernel message, in order, with the phase it came in. */
  const seen: string[] = [];
  const record = (phase: string, lines: string[]) => seen.push(...lines.map((l) => `${phase}: ${l}`));
  try {
    buildByHand();
    // The kernel's own late messages (link-local addresses, DAD, bridge port states) end before nmkd starts.
    step('wait for the kernel to settle');
    report.settledBeforeStart = (await monitor.settle(4000, 60_000)).length;
    report.before = { takeOver: snapshot(TAKE_OVER_LINKS), dummy9: snapshot(['dummy9']), bond7: bondSysfs('bond7') };

    await section('start', async () => {
      d = current = await startNmkd({ root, bus, files: FILES });
      daemons.push(d);
      await logged(d, (l) => l.msg === 'activated', ACTIVE_AT_START.length);
      const rows = await until(active, (r) => activated(r) >= ACTIVE_AT_START.length, 30_000);
      const bond3 = await until(() => bondSysfs('bond3'), (s) => ports(s) === 'p1 p2', 30_000);
      const changes = await monitor.settle(3000);
      record('start', changes);
      return {
        readyMs: d.readyMs,
        startup: d.logs.filter((l) => ['profiles loaded', 'platform read', 'serving on D-Bus', 'ready'].includes(l.msg)).map((l) => `${String(l.time)} ${l.msg}`),
        active: rows,
        devices: await nmcliRows(bus, ['-t', '-f', 'DEVICE,STATE,CONNECTION', 'device']),
        changes,
        bond3,
        bond3Addrs: addresses('bond3'),
        takeOverLogs: d.logs.filter((l) => /assum|re-adopt/.test(l.msg)).map((l) => `${l.msg} ${String(l.device ?? '')}`),
      };
    });

    await section('activation', async () => {
      const up: Record<string, unknown> = {};
      for (const id of ['bond0', 'bond0-port0', 'bond0-port1', 'bond0.10']) up[id] = await nmcli(bus, ['connection', 'up', id]);
      const rows = await until(active, (r) => r.some((x) => x[0] === 'bond0.10' && x[2] === 'activated'), 30_000);
      return {
        up,
        active: rows.filter((r) => r[0]!.startsWith('bond0')),
        bond0: bondSysfs('bond0'),
        kernel: { bond0: link('bond0'), dummy0: link('dummy0'), dummy1: link('dummy1'), vlan: link('bond0.10') },
        vlanAddrs: addresses('bond0.10'),
        bondPorts: (await nmcli(bus, ['-g', 'BOND.SLAVES', 'device', 'show', 'bond0'])).stdout.trim(),
      };
    });

    await section('bridgeVlanFiltering', async () => {
      const add = await nmcli(bus, ['connection', 'add', 'type', 'bridge', 'ifname', 'br5', 'con-name', 'br5', 'autoconnect', 'no',
        'bridge.stp', 'no', 'bridge.vlan-filtering', 'yes', 'bridge.vlan-default-pvid', '5', 'ipv4.method', 'disabled', 'ipv6.method', 'disabled']);
      const up = await nmcli(bus, ['connection', 'up', 'br5']);
      return { add, up, filtering: sysfs('br5/bridge/vlan_filtering'), pvid: sysfs('br5/bridge/default_pvid'), stp: sysfs('br5/bridge/stp_state'), link: link('br5') };
    });

    await section('modifyBond3', async () => {
      const modify = await nmcli(bus, ['connection', 'modify', 'bond3', 'bond.options', 'mode=802.3ad,miimon=250,lacp_rate=fast,xmit_hash_policy=layer3+4']);
      const ifcfg = readFileSync(`${root}/${SCRIPTS}/ifcfg-bond3`, 'utf8');
      const up = await nmcli(bus, ['connection', 'up', 'bond3']);
      const sysfsAfter = await until(() => bondSysfs('bond3'), (s) => (s.mode ?? '').startsWith('802.3ad') && ports(s) === 'p1 p2', 60_000);
      const rows = await until(active, (r) => r.filter((x) => x[0]!.startsWith('bond3') && x[2] === 'activated').length === 3, 30_000);
      return { modify, ifcfg, up, sysfs: sysfsAfter, active: rows.filter((r) => r[0]!.startsWith('bond3')), addrs: addresses('bond3') };
    });

    await section('unmanaged', async () => ({ up: await nmcli(bus, ['connection', 'up', 'dummy9-tempting']) }));

    await section('bond0Down', async () => {
      const down = await nmcli(bus, ['connection', 'down', 'bond0']);
      const left = await until(() => ['bond0', 'dummy0', 'dummy1', 'bond0.10'].filter((l) => link(l) !== undefined), (l) => l.length === 0, 30_000);
      return { down, linksLeft: left, active: (await active()).filter((r) => r[0]!.startsWith('bond0')) };
    });

    // Whatever the changes above caused has ended before the restarts begin.
    record('nmcli', await monitor.settle(3000));
    const expectActive = (await active()).filter((r) => r[2] === 'activated');
    report.activeBeforeRestarts = expectActive;
    const restart = async (how: 'SIGTERM' | 'SIGKILL') => {
      const before = snapshot(ALL_LINKS);
      const exit = how === 'SIGTERM' ? await d!.stop() : (await d!.kill(), 'killed');
      d = current = await startNmkd({ root, bus, files: {} });
      daemons.push(d);
      await logged(d, (l) => l.msg === 'activated', expectActive.length);
      const rows = await until(active, (r) => activated(r) >= expectActive.length, 30_000);
      const changes = await monitor.settle(3000);
      record(how, changes);
      return { exit, readyMs: d.readyMs, active: rows, changes, before, after: snapshot(ALL_LINKS), readopted: d.logs.filter((l) => /assum|re-adopt/.test(l.msg)).map((l) => String(l.device ?? '')).sort() };
    };
    await section('afterSigterm', () => restart('SIGTERM'));
    await section('afterSigkill', () => restart('SIGKILL'));

    record('end', monitor.take());
    report.messages = seen;
    report.after = { takeOver: snapshot(TAKE_OVER_LINKS), dummy9: snapshot(['dummy9']), bond7: bondSysfs('bond7') };
    report.warnings = daemons.map((x) => x.logs.filter((l) => l.level === 'warn' || l.level === 'error' || l.level === 'raw').map(logText));
    return report;
  } finally {
    monitor.stop();
    await (d as GuestDaemon | undefined)?.stop();
    bus.stop();
    for (const l of ALL_LINKS) if (link(l)) sh('ip', ['link', 'del', l]);
  }
});
