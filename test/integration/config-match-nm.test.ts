/**
 * Ways a config file is read as NetworkManager 1.42 reads it, shown on real
 * veths with the real nmcli, and NetworkManager 1.42 itself run on the same
 * files in a second namespace ending in the same states and addresses:
 * - `match-device=mac:` compares with the permanent address, which a veth
 *   does not have: a section naming veth0's address does not apply to it;
 * - spec lists (unmanaged-devices, match-device) take NetworkManager's
 *   escapes: "\," and "\;" stay inside one entry, a backslash that ends the
 *   value is dropped, blanks around an entry go; tags are read in any case;
 *   an entry without a tag is an exact interface name;
 * - "ethernet.cloned-mac-address+=" in a [connection*] section is dropped
 *   (nmk warns, naming file, section and key).
 * Each profile leaves ethernet.cloned-mac-address unset, so `ip -j link`
 * after `nmcli connection up` shows which section answered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../harness/daemon.js';
import type { Netns } from '../harness/netns.js';
import { DEVICES, linkOnlyKeyfiles, macs, upAll, vethNamespace } from '../harness/veth-pairs.js';
import { startNetworkManager, type NetworkManagerInstance } from '../harness/networkmanager.js';

/** The sections, given veth0's address before anything changed it. */
const defaults = (veth0Mac: string) => `[connection-mac]
match-device=mac:${veth0Mac}
ethernet.cloned-mac-address=02:aa:00:00:00:01

[connection-escaped]
match-device=interface-name:veth2\\,veth4,interface-name:veth6\\
ethernet.cloned-mac-address=02:cc:00:00:00:03

[connection-dropped]
match-device=interface-name:veth4
ethernet.cloned-mac-address+=02:ee:00:00:00:05

[connection]
ethernet.cloned-mac-address=02:bb:00:00:00:02
`;

// veth0: its mac: section does not apply; veth2 and veth4: "\," kept them in one entry; veth4: its += was dropped;
// veth6: named once the final backslash is dropped.
const EXPECTED = { veth0: '02:bb:00:00:00:02', veth2: '02:bb:00:00:00:02', veth4: '02:bb:00:00:00:02', veth6: '02:cc:00:00:00:03' };

// The peers stay out of it on both daemons, each named in another spelling; no device is named by the others.
const PEERS_UNMANAGED = String.raw`[keyfile]
unmanaged-devices=Interface-Name:veth1;veth3 ;interface-name:veth0\,x;EXCEPT:veth2;interface-name:veth5\

[device-peers]
match-device=interface-name:veth6\;,interface-name:veth7
managed=false
`;

const STATES = { veth0: 'disconnected', veth1: 'unmanaged', veth2: 'disconnected', veth3: 'unmanaged', veth4: 'disconnected', veth5: 'unmanaged', veth6: 'disconnected', veth7: 'unmanaged' };

/** The state nmcli shows for each veth. */
async function states(nmcli: (args: string[]) => Promise<{ stdout: string }>): Promise<Record<string, string>> {
  const r = await nmcli(['-t', '-f', 'DEVICE,STATE', 'device']);
  return Object.fromEntries(r.stdout.split('\n').map((l) => l.split(':')).filter(([dev]) => /^veth\d$/.test(dev!)));
}

const keyfiles = linkOnlyKeyfiles('cm', '6e2f1d3b-8c4a-4f72-8b1e-00000000000');

describe('nmk reads mac:, escapes and += in [connection*] sections as NetworkManager 1.42 does (veth, real nmcli)', () => {
  let ns: Netns;
  let d: Daemon;

  beforeAll(async () => {
    ns = await vethNamespace('nmkcm');
    const before = await macs(ns);
    d = await startDaemon({
      ns,
      profile: 'server',
      config: PEERS_UNMANAGED,
      files: {
        'etc/nmk/conf.d/50-match.conf': defaults(before.veth0!),
        ...Object.fromEntries(Object.entries(keyfiles).map(([name, text]) => [`etc/nmk/system-connections/${name}`, { text, mode: 0o600 }])),
      },
    });
  });
  afterAll(async () => {
    await d?.cleanup();
    await ns?.destroy();
  });

  it('warns once, about the dropped += only, naming file, section and key', () => {
    const warnings = d.logs.filter((l) => l.level === 'warn' && /connection|match-device|cloned-mac/.test(l.msg)).map((l) => l.msg);
    expect(warnings).toEqual([
      `${d.root}/etc/nmk/conf.d/50-match.conf:11: key 'connection-dropped.ethernet.cloned-mac-address+': 'ethernet.cloned-mac-address+=' in section [connection-dropped] is dropped: NetworkManager takes += and -= only on list keys (device specs, [main] plugins), not on ethernet.cloned-mac-address`,
    ]);
  });

  it('leaves unmanaged the peers the spec lists name, and only them', async () => {
    expect(await states((args) => d.nmcli(args))).toEqual(STATES);
  });

  it('gives each device the address of the section NetworkManager picks', async () => {
    await upAll((args, opts) => d.nmcli(args, opts), 'cm');
    expect(await macs(ns)).toEqual(EXPECTED);
  });
});

describe('NetworkManager 1.42 with the same files', () => {
  let ns: Netns;
  let nm: NetworkManagerInstance;

  beforeAll(async () => {
    ns = await vethNamespace('nmkcmnm');
    const before = await macs(ns);
    nm = await startNetworkManager({ ns, keyfiles, networking: true, extraConfig: `\n${PEERS_UNMANAGED}\n${defaults(before.veth0!)}` });
  });
  afterAll(async () => {
    await nm?.cleanup();
    await ns?.destroy();
  });

  it('leaves the same peers unmanaged and ends with the same address on every device', async () => {
    // NetworkManager manages the veths as soon as it sees them (no udev); wait until it lists them.
    for (let i = 0; i < 100; i++) {
      const r = await nm.nmcli(['-t', '-f', 'DEVICE,STATE', 'device']);
      if (DEVICES.every((dev) => new RegExp(`^${dev}:disconnected$`, 'm').test(r.stdout))) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    expect(await states((args) => nm.nmcli(args))).toEqual(STATES);
    await upAll((args, opts) => nm.nmcli(args, opts), 'cm');
    expect(await macs(ns)).toEqual(EXPECTED);
  });
});
