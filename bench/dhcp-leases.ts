/**
 * Benchmark (issue 7): N veths getting DHCPv4 leases from one dnsmasq at
 * once. The veths' far ends are ports of one bridge in a second namespace,
 * where dnsmasq serves 10.200.0.0/16 on the bridge. nmkd (compiled, the
 * internal DHCP client) starts with no profiles; N auto/IPv6-disabled
 * keyfiles are written and Settings.ReloadConnections is called; timed until
 * `ip monitor address` has shown N leased addresses and N devices said
 * ACTIVATED. Daemon CPU (all its processes) over that time and RSS at the
 * end. The same for NetworkManager 1.42 (its internal client) unless NM=0.
 * Run: sudo npm run bench -- dhcp (after `npm run build`); DHCP_N=50,200 picks sizes.
 */
import { startDnsmasq } from '../test/harness/dnsmasq.js';
import { fmt, ipBatch, makeNamespaces, makeVeths, ratio, reload, sizes, startDaemon, uuidOf, watch, WITH_NM, writeKeyfiles, type Who } from './activation.lib.js';
import { treeCpuSeconds, treeRssMB, waitQuiet } from './process-tree.lib.js';

const NS = sizes('DHCP_N', [200]);
const names = (n: number) => Array.from({ length: n }, (_, i) => `d${i}`);

function dhcpProfile(id: string, uuid: string, ifname: string): string {
  return `[connection]\nid=${id}\nuuid=${uuid}\ntype=ethernet\ninterface-name=${ifname}\n\n[ethernet]\n\n[ipv4]\nmethod=auto\ndhcp-timeout=300\n\n[ipv6]\naddr-gen-mode=default\nmethod=disabled\n\n[proxy]\n`;
}

interface Outcome {
  seconds: number;
  cpu: number;
  rss: number;
}

async function run(who: Who, n: number): Promise<Outcome> {
  const spaces = await makeNamespaces(who === 'nmk' ? 'bdhk' : 'bdhn');
  try {
    await makeVeths(spaces, names(n));
    await ipBatch(spaces.far, ['link add br0 type bridge forward_delay 0', 'link set br0 up', ...names(n).map((_, i) => `link set f${i} master br0`)]);
    const dnsmasq = await startDnsmasq({ ns: spaces.far, iface: 'br0', address: '10.200.0.1/16', range: '10.200.0.10,10.200.250.250,255.255.0.0', leaseTime: '1h', extraArgs: [`--dhcp-lease-max=${n * 2}`] });
    try {
      const d = await startDaemon(who, spaces.ns);
      try {
        await waitQuiet(d.pid);
        const w = await watch(spaces.ns, d.busAddress);
        try {
          writeKeyfiles(d, new Map(names(n).map((name, i) => [`${name}.nmconnection`, dhcpProfile(name, uuidOf(7, i), name)])));
          const cpu0 = treeCpuSeconds(d.pid);
          const t0 = performance.now();
          await reload(w.client);
          const t1 = await w.until(n, n, 600_000);
          return { seconds: (t1 - t0) / 1000, cpu: treeCpuSeconds(d.pid) - cpu0, rss: treeRssMB(d.pid) };
        } finally {
          await w.close();
        }
      } finally {
        await d.stop();
      }
    } finally {
      await dnsmasq.stop();
    }
  } finally {
    await spaces.destroy();
  }
}

for (const n of NS) {
  const k = await run('nmk', n);
  const m = WITH_NM ? await run('NM', n) : undefined;
  console.log(
    `dhcp N=${n}: nmk ${fmt(k.seconds)} to all bound and activated (CPU ${fmt(k.cpu)}, RSS ${k.rss.toFixed(1)} MB); ` +
      (m ? `NM ${fmt(m.seconds)} (CPU ${fmt(m.cpu)}, RSS ${m.rss.toFixed(1)} MB); nmk/NM time ${ratio(k.seconds, m.seconds)}, CPU ${ratio(k.cpu, m.cpu)}` : 'NM skipped (NM=0)'),
  );
}
