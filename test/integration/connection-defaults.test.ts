/**
 * Per-device `[connection*]` defaults with the real kernel and the real nmcli:
 * four veths, profiles that leave ethernet.cloned-mac-address unset, and a
 * conf.d file whose sections give each device its own default
 * (match-device by name, by type with except:, a stop-match section without
 * the key, a type:veth section that NetworkManager never matches, and the
 * plain [connection] last). What `ip -j link` shows after
 * `nmcli connection up` is each device's answer. NetworkManager 1.42 runs the
 * same config and profiles in a second namespace and must end with the same
 * addresses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../harness/daemon.js';
import type { Netns } from '../harness/netns.js';
import { DEVICES, linkOnlyKeyfiles, macs, PEERS, upAll, vethNamespace } from '../harness/veth-pairs.js';
import { startNetworkManager, type NetworkManagerInstance } from '../harness/networkmanager.js';

const DEFAULTS = `[connection-one]
match-device=interface-name:veth0
ethernet.cloned-mac-address=02:aa:00:00:00:01

[connection-stop]
match-device=interface-name:veth4
stop-match=yes

# NetworkManager 1.42 calls a veth "ethernet" (nm-device.c get_type_description): type:veth matches nothing.
[connection-veth-type]
match-device=type:veth
ethernet.cloned-mac-address=02:dd:00:00:00:04

[connection-ethernet]
match-device=type:ethernet,except:interface-name:veth2
ethernet.cloned-mac-address=02:cc:00:00:00:03

[connection]
ethernet.cloned-mac-address=02:bb:00:00:00:02
`;

// The peers stay out of it on both daemons.
const PEERS_UNMANAGED = `[device-peers]
match-device=${PEERS.map((p) => `interface-name:${p}`).join(',')}
managed=false
`;

const keyfiles = linkOnlyKeyfiles('cd', '5d1e0c2a-7b3f-4e61-9a0d-00000000000');

/** What each device must show: its section's address, or the address it had (stop-match, no key: preserve). */
const expected = (before: Record<string, string>) => ({
  veth0: '02:aa:00:00:00:01',
  veth2: '02:bb:00:00:00:02',
  veth4: before.veth4,
  veth6: '02:cc:00:00:00:03',
});

describe('[connection*] defaults per device (veth, real nmcli)', () => {
  let ns: Netns;
  let d: Daemon;
  let before: Record<string, string>;

  beforeAll(async () => {
    ns = await vethNamespace('nmkcd');
    before = await macs(ns);
    d = await startDaemon({
      ns,
      profile: 'server',
      config: PEERS_UNMANAGED,
      files: {
        'etc/nmk/conf.d/50-defaults.conf': DEFAULTS,
        ...Object.fromEntries(Object.entries(keyfiles).map(([name, text]) => [`etc/nmk/system-connections/${name}`, { text, mode: 0o600 }])),
      },
    });
  });
  afterAll(async () => {
    await d?.cleanup();
    await ns?.destroy();
  });

  it('takes the sections without a warning', () => {
    expect(d.logs.filter((l) => l.level === 'warn' && /connection|stop-match|match-device/.test(l.msg))).toEqual([]);
  });

  it('gives each device the address of the first section that matches it and has the key', async () => {
    await upAll((args, opts) => d.nmcli(args, opts), 'cd');
    expect(await macs(ns)).toEqual(expected(before));
    // The peers were left alone.
    const peers = await ns.ipJson<Array<{ ifname: string; address: string }>>(['link', 'show']);
    expect(peers.filter((l) => PEERS.includes(l.ifname)).every((l) => !['02:aa:00:00:00:01', '02:bb:00:00:00:02', '02:cc:00:00:00:03', '02:dd:00:00:00:04'].includes(l.address))).toBe(true);
  });

  it('a reload that drops the sections leaves only [connection]: every device takes its address at the next activation', async () => {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(`${d.root}/etc/nmk/conf.d/50-defaults.conf`, '[connection]\nethernet.cloned-mac-address=02:bb:00:00:00:02\n');
    const r = await d.nmcli(['general', 'reload', 'conf']);
    expect(r.code, r.stderr).toBe(0);
    await d.waitForLog((l) => l.msg === 'configuration reloaded');
    for (const dev of ['veth0', 'veth6']) {
      const up = await d.nmcli(['connection', 'up', `cd-${dev}`], { timeoutMs: 30_000 });
      expect(up.code, up.stderr).toBe(0);
    }
    const now = await macs(ns);
    expect([now.veth0, now.veth6]).toEqual(['02:bb:00:00:00:02', '02:bb:00:00:00:02']);
  });
});

describe('NetworkManager 1.42 with the same config and profiles', () => {
  let ns: Netns;
  let nm: NetworkManagerInstance;
  let before: Record<string, string>;

  beforeAll(async () => {
    ns = await vethNamespace('nmkcdnm');
    before = await macs(ns);
    nm = await startNetworkManager({ ns, keyfiles, networking: true, extraConfig: `\n${PEERS_UNMANAGED}\n${DEFAULTS}` });
  });
  afterAll(async () => {
    await nm?.cleanup();
    await ns?.destroy();
  });

  it('ends with the same address on every device as nmk', async () => {
    // NetworkManager manages the veths as soon as it sees them (no udev); wait until it lists them.
    for (let i = 0; i < 100; i++) {
      const r = await nm.nmcli(['-t', '-f', 'DEVICE,STATE', 'device']);
      if (DEVICES.every((dev) => new RegExp(`^${dev}:disconnected$`, 'm').test(r.stdout))) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    await upAll((args, opts) => nm.nmcli(args, opts), 'cd');
    expect(await macs(ns)).toEqual(expected(before));
  });
});
