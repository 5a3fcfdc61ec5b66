/**
 * Runs in the VM (its kernel filters bridge VLANs; the host's cannot): the
 * real nmkd and nmcli bring up a VLAN-filtering bridge with bridge.vlans and
 * a dummy port with bridge-port.vlans, then `nmcli connection modify` of the
 * port's VLANs and `nmcli device reapply` change them in place while
 * `ip monitor link` records whether the port ever left the bridge. Reports
 * `bridge -j vlan show` at each step; asserted by test/kernel/bridge-vlans.test.ts.
 */
import { mkdtempSync } from 'node:fs';
import { scenario, sh, step } from '../scenario-kit.js';
import { link, logged, Monitor, nmcli, nmcliRows, startBus, startNmkd, until, type GuestDaemon } from '../guest-nmk.js';

const NO_IP = '\n[ipv4]\nmethod=disabled\n\n[ipv6]\nmethod=ignore\n';
const FILES: Record<string, string> = {
  'etc/nmk/system-connections/brv.nmconnection':
    `[connection]\nid=brv\nuuid=7d1e0000-0000-4000-8000-0000000000b1\ntype=bridge\ninterface-name=brv\nautoconnect=false\n\n[bridge]\nstp=false\nvlan-filtering=true\nvlans=100-101\n${NO_IP}`,
  'etc/nmk/system-connections/brv-port.nmconnection':
    '[connection]\nid=brv-port\nuuid=7d1e0000-0000-4000-8000-0000000000b2\ntype=dummy\ninterface-name=dummyv\nmaster=brv\nslave-type=bridge\nautoconnect=false\n\n[bridge-port]\nvlans=1 pvid untagged,10,20-22\n',
};

/** `bridge -j vlan show`, as the kernel lists it. */
const vlanShow = () => JSON.parse(sh('bridge', ['-j', 'vlan', 'show']) || '[]') as unknown;

await scenario(async () => {
  for (const m of ['dummy', 'bridge']) sh('modprobe', [m]);
  const root = mkdtempSync('/run/tmp/nmk-root-');
  const bus = startBus();
  let d: GuestDaemon | undefined;
  let monitor: Monitor | undefined;
  const active = async () => (await nmcliRows(bus, ['-t', '-f', 'NAME,DEVICE,STATE', 'connection', 'show', '--active'])).sort();
  try {
    d = await startNmkd({ root, bus, files: FILES });
    step('up');
    const upBridge = await nmcli(bus, ['connection', 'up', 'brv']);
    const upPort = await nmcli(bus, ['connection', 'up', 'brv-port']);
    const rows = await until(active, (r) => r.filter((x) => x[2] === 'activated').length === 2, 30_000);
    const atUp = { upBridge, upPort, active: rows, vlans: vlanShow(), master: link('dummyv')?.master, filtering: link('brv')?.linkinfo?.info_data?.vlan_filtering };

    step('modify and reapply');
    const modify = await nmcli(bus, ['connection', 'modify', 'brv-port', 'bridge-port.vlans', '5 pvid untagged, 10, 30-31']);
    monitor = new Monitor();
    const reapply = await nmcli(bus, ['device', 'reapply', 'dummyv']);
    await logged(d, (l) => /bridge VLANs of port dummyv/.test(l.msg), 2, 30_000);
    const changes = await monitor.settle(2000, 20_000);
    const afterReapply = { modify, reapply, vlans: vlanShow(), master: link('dummyv')?.master, active: await active(), changes };
    return {
      atUp,
      afterReapply,
      logs: d.logs.filter((l) => l.level !== 'debug' && l.level !== 'trace').map((l) => `${l.level} ${l.msg}`),
    };
  } finally {
    monitor?.stop();
    await d?.stop();
    bus.stop();
    for (const l of ['dummyv', 'brv']) if (link(l)) sh('ip', ['link', 'del', l]);
  }
});
