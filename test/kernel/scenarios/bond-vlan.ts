/**
 * Runs in the VM: the Linux platform creates an 802.3ad bond with two dummy
 * ports and a VLAN on top, and the scenario reports what the kernel says
 * (sysfs, /proc/net/vlan, `ip -d -j link`) next to what the platform's own
 * dump decodes. test/kernel/bond-vlan.test.ts asserts on it.
 */
import { readFileSync } from 'node:fs';
import { LinuxPlatform } from '../../../plugins/platform-linux/linux-platform.js';
import type { Link, Logger, PlatformEvent } from '../../../sdk/index.js';
import { ipJson, scenario, sh, step } from '../scenario-kit.js';

const quiet: Logger = {
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => quiet,
  isEnabled: () => false,
};

/** The parts of a platform Link this scenario is about. */
function summary(link: Link | undefined) {
  if (!link) return undefined;
  const { ifindex, name, kind, info, master, parent, portKind } = link;
  return { ifindex, name, kind, info, master, parent, portKind };
}

function readTrim(file: string): string {
  return readFileSync(file, 'utf8').trim();
}

/** /proc/net/vlan/<name>: "bond0.10  VID: 10 ..." and "Device: bond0". */
function procVlan(name: string) {
  const text = readFileSync(`/proc/net/vlan/${name}`, 'utf8');
  return { vid: Number(/VID:\s*(\d+)/.exec(text)?.[1]), device: /Device:\s*(\S+)/.exec(text)?.[1], text };
}

await scenario(async () => {
  for (const m of ['bonding', '8021q', 'dummy']) {
    step(`modprobe ${m}`);
    sh('modprobe', [m]);
  }
  const platform = new LinuxPlatform({ logger: quiet });
  const events: PlatformEvent[] = [];
  step('platform.start');
  await platform.start((e) => events.push(e));

  step('createLink bond0');
  const bond = await platform.createLink({ name: 'bond0', kind: 'bond', info: { mode: '802.3ad', miimon: 100 } });
  step('createLink dummy0, dummy1');
  const ports = [await platform.createLink({ name: 'dummy0', kind: 'dummy' }), await platform.createLink({ name: 'dummy1', kind: 'dummy' })];
  for (const port of ports) {
    step(`setLink ${port.name} master bond0`);
    await platform.setLink(port.ifindex, { master: bond.ifindex });
  }
  step('createLink bond0.10');
  const vlan = await platform.createLink({ name: 'bond0.10', kind: 'vlan', parent: bond.ifindex, info: { id: 10 } });

  step('read back');
  const dump = await platform.links();
  const byName = (name: string) => summary(dump.find((l) => l.name === name));
  const result = {
    created: { bond: summary(bond), ports: ports.map(summary), vlan: summary(vlan) },
    sysfs: {
      mode: readTrim('/sys/class/net/bond0/bonding/mode'),
      miimon: readTrim('/sys/class/net/bond0/bonding/miimon'),
      slaves: readTrim('/sys/class/net/bond0/bonding/slaves'),
    },
    platformSysfsMode: await platform.readSysfs('bond0', 'bonding/mode'),
    ip: {
      bond0: ipJson(['link', 'show', 'bond0'])[0],
      vlan: ipJson(['link', 'show', 'bond0.10'])[0],
    },
    procVlan: procVlan('bond0.10'),
    platform: { bond0: byName('bond0'), dummy0: byName('dummy0'), dummy1: byName('dummy1'), vlan: byName('bond0.10') },
    linkEvents: events.flatMap((e) => (e.type === 'link' ? [`${e.action} ${e.link.name}`] : [])),
  };
  step('platform.stop');
  await platform.stop();
  return result;
});
