/**
 * Runs in the VM with two NICs (test/kernel/wake-on-lan.test.ts adds them):
 * an Intel 82559ER, whose e100 driver has Wake-on-LAN by magic packet, and a
 * virtio-net, whose driver has none. (qemu's e100 has no PCI power
 * management, so its driver refuses every mode, and its e100e none at all.)
 * The real nmkd and nmcli activate ethernet profiles with
 * 802-3-ethernet.wake-on-lan on both; after each step the scenario reads the
 * modes back through the Linux platform (ETHTOOL_MSG_WOL_GET) and the PCI
 * device's power/wakeup file, which the driver turns on and off with them.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { LinuxPlatform } from '../../../plugins/platform-linux/linux-platform.js';
import { nmcli, startBus, startNmkd, sysfs, type GuestDaemon } from '../guest-nmk.js';
import { scenario, sh, step } from '../scenario-kit.js';

const profile = (id: string, ifname: string, wol: number) => `[connection]
id=${id}
type=ethernet
interface-name=${ifname}
autoconnect=false

[ethernet]
wake-on-lan=${wol}

[ipv4]
method=disabled

[ipv6]
method=ignore
`;

/** The interface whose device the named driver drives. */
function nicOf(driver: string): string {
  const names = readdirSync('/sys/class/net');
  for (const name of names) {
    const uevent = sysfs(`${name}/device/uevent`) ?? '';
    if (uevent.split('\n').includes(`DRIVER=${driver}`)) return name;
  }
  throw new Error(`no NIC driven by ${driver} among ${names.join(', ')}`);
}

await scenario(async () => {
  for (const m of ['e100', 'virtio_net']) sh('modprobe', [m]);
  const e100 = nicOf('e100');
  const virtio = nicOf('virtio_net');
  const platform = new LinuxPlatform();
  const index = async (name: string) => (await platform.link(name))!.ifindex;
  /** What the kernel says now: the platform's read (or its error) and the device's wakeup file. */
  const kernel = async (name: string) => {
    let wol: unknown;
    try {
      wol = await platform.wakeOnLan(await index(name));
    } catch (e) {
      wol = { error: (e as Error).message };
    }
    return { wol, wakeup: sysfs(`${name}/device/power/wakeup`) };
  };
  const report: Record<string, unknown> = { e100, virtio };
  report.before = { e100: await kernel(e100), virtio: await kernel(virtio) };

  const bus = startBus();
  let d: GuestDaemon | undefined;
  const results: Record<string, unknown> = {};
  try {
    const root = mkdtempSync('/run/tmp/nmk-root-');
    d = await startNmkd({
      root,
      bus,
      files: {
        // `default` then means "off": NetworkManager's [connection] ethernet.wake-on-lan.
        'etc/nmk/nmk.conf': '[connection]\nethernet.wake-on-lan=0\n',
        'etc/nmk/system-connections/wol-e100.nmconnection': profile('wol-e100', e100, 64),
        'etc/nmk/system-connections/wol-virtio.nmconnection': profile('wol-virtio', virtio, 64),
      },
    });
    const run = async (name: string, args: string[][], nic: string) => {
      step(name);
      const codes: number[] = [];
      for (const a of args) {
        const r = await nmcli(bus, a);
        codes.push(r.code);
        if (r.code !== 0) step(`nmcli ${a.join(' ')}: ${r.code} ${r.stderr}${r.stdout}`);
      }
      const state = (await nmcli(bus, ['-g', 'GENERAL.STATE', 'device', 'show', nic])).stdout.trim();
      results[name] = { codes, state, ...(await kernel(nic)) };
    };
    const modify = (id: string, value: string) => ['connection', 'modify', id, '802-3-ethernet.wake-on-lan', value];
    await run('e100 up with magic', [['connection', 'up', 'wol-e100']], e100);
    // The e100 driver has magic only: the kernel refuses phy (EINVAL), the reapply still succeeds and nothing changes.
    await run('e100 reapply phy (refused)', [modify('wol-e100', 'phy'), ['device', 'reapply', e100]], e100);
    await run('e100 reapply ignore', [modify('wol-e100', 'ignore'), ['device', 'reapply', e100]], e100);
    await run('e100 up with default (config 0: off)', [modify('wol-e100', 'default'), ['connection', 'up', 'wol-e100']], e100);
    await run('e100 down', [modify('wol-e100', 'magic'), ['connection', 'up', 'wol-e100'], ['connection', 'down', 'wol-e100']], e100);
    await run('virtio up with magic (refused)', [['connection', 'up', 'wol-virtio']], virtio);
  } finally {
    report.steps = results;
    report.exit = await d?.stop();
    bus.stop();
    await platform.stop();
  }
  return report;
});
