/**
 * The daemon harness end to end: nmkd starts in a namespace on a private bus,
 * the real nmcli lists that namespace's links, and SIGTERM stops it with
 * status 0, leaving the links in place.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Netns } from '../harness/netns.js';
import { startDaemon, type Daemon } from '../harness/daemon.js';
import { parseTerse } from '../harness/nmcli.js';

describe('nmkd in a namespace, seen by nmcli', () => {
  let ns: Netns | undefined;
  let daemon: Daemon | undefined;

  beforeAll(async () => {
    ns = await Netns.create('nmkd');
    await ns.addVeth('veth0', 'veth1');
    daemon = await startDaemon({ ns });
  });

  afterAll(async () => {
    await daemon?.cleanup();
    await ns?.destroy();
  });

  it('logs JSON lines with level and msg', () => {
    const ready = daemon!.logs.find((l) => l.msg === 'ready');
    expect(ready?.level).toBe('info');
    expect(daemon!.logs.filter((l) => l.level === 'raw')).toEqual([]);
  });

  it('lists the namespace links with their types', async () => {
    const r = await daemon!.nmcli(['-t', '-f', 'DEVICE,TYPE', 'device']);
    expect(r.code, r.stderr).toBe(0);
    const rows = parseTerse(r.stdout);
    // libnm describes a veth as "ethernet" (nm_device_get_type_description maps
    // NMDeviceVeth to Ethernet), so that is what nmcli prints with real NetworkManager too.
    expect(rows).toContainEqual(['veth0', 'ethernet']);
    expect(rows).toContainEqual(['veth1', 'ethernet']);
    expect(rows).toContainEqual(['lo', 'loopback']);
    expect(rows).toHaveLength(3);
  });

  it('exits 0 on SIGTERM and leaves the links as they were', async () => {
    expect(await daemon!.stop()).toBe(0);
    const links = await ns!.ipJson<any[]>(['link', 'show']);
    expect(links.map((l) => l.ifname).sort()).toEqual(['lo', 'veth0', 'veth1']);
  });
});
