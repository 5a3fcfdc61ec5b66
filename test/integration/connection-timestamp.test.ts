/**
 * connection.timestamp with the real nmcli: `nmcli connection up` stamps the
 * profile with the time it activated, nmcli shows it (connection.timestamp
 * and the TIMESTAMP column), the state directory's timestamps file holds it
 * (NetworkManager's [timestamps] UUID=SECONDS), the profile's keyfile does
 * not, and a restarted daemon shows the same value.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../harness/daemon.js';
import { Netns } from '../harness/netns.js';
import { parseTerse } from '../harness/nmcli.js';

const UUID = '5d1c7a0e-3b2f-4c6e-9a1d-7e8f9a0b1c01';
const LAN = `[connection]
id=lan
uuid=${UUID}
type=ethernet
interface-name=veth0
autoconnect=false

[ipv4]
method=manual
address1=192.0.2.10/24

[ipv6]
method=ignore
`;
const IDLE = `[connection]
id=idle
uuid=5d1c7a0e-3b2f-4c6e-9a1d-7e8f9a0b1c02
type=ethernet
interface-name=veth2
autoconnect=false

[ipv4]
method=disabled

[ipv6]
method=ignore
`;

const KEYFILE = 'etc/nmk/system-connections/lan.nmconnection';
const STAMPS = 'var/lib/nmk/timestamps';

/** The timestamps file as UUID -> seconds; undefined while it does not exist. */
function stamps(root: string): Record<string, number> | undefined {
  const f = path.join(root, STAMPS);
  if (!fs.existsSync(f)) return undefined;
  const [head, ...rest] = fs.readFileSync(f, 'utf8').split('\n').filter(Boolean);
  expect(head).toBe('[timestamps]');
  return Object.fromEntries(rest.map((l) => l.split('=')).map(([k, v]) => [k, Number(v)]));
}

/** The file is written shortly after a burst of activations: wait (bounded) until it holds the profile. */
async function stampedOnDisk(root: string): Promise<Record<string, number> | undefined> {
  for (let i = 0; i < 100 && stamps(root)?.[UUID] === undefined; i++) await new Promise((r) => setTimeout(r, 50));
  return stamps(root);
}

describe('connection.timestamp (real nmcli)', () => {
  let ns: Netns;
  let first: Daemon | undefined;
  let second: Daemon | undefined;

  beforeAll(async () => {
    ns = await Netns.create('nmkts');
    await ns.addVeth('veth0', 'veth1');
    await ns.addVeth('veth2', 'veth3');
    for (const l of ['veth0', 'veth1', 'veth2', 'veth3']) await ns.ip(['link', 'set', l, 'up']);
    first = await startDaemon({
      ns,
      profile: 'server',
      config: '[keyfile]\nunmanaged-devices=interface-name:veth1;interface-name:veth3\n',
      files: {
        [KEYFILE]: { text: LAN, mode: 0o600 },
        'etc/nmk/system-connections/idle.nmconnection': { text: IDLE, mode: 0o600 },
      },
    });
  });
  afterAll(async () => {
    await second?.cleanup();
    await first?.cleanup(); // removes the shared state root and the bus
    await ns?.destroy();
  });

  let stamped = 0;

  it('nmcli connection up sets connection.timestamp to the time of activation', async () => {
    const d = first!;
    expect((await d.nmcli(['-g', 'connection.timestamp', 'connection', 'show', 'lan'])).stdout.trim()).toBe('0');
    const before = Math.floor(Date.now() / 1000);
    const up = await d.nmcli(['connection', 'up', 'lan'], { timeoutMs: 30_000 });
    expect(up.code, up.stderr + up.stdout).toBe(0);
    const after = Math.ceil(Date.now() / 1000);
    stamped = Number((await d.nmcli(['-g', 'connection.timestamp', 'connection', 'show', 'lan'])).stdout.trim());
    expect(stamped).toBeGreaterThanOrEqual(before);
    expect(stamped).toBeLessThanOrEqual(after);
    // The TIMESTAMP column of the list; a profile never activated keeps 0.
    const rows = parseTerse((await d.nmcli(['-t', '-f', 'NAME,TIMESTAMP', 'connection'])).stdout);
    expect(rows).toContainEqual(['lan', String(stamped)]);
    expect(rows).toContainEqual(['idle', '0']);
  });

  it('the timestamps file holds it, and the keyfile does not', async () => {
    expect(await stampedOnDisk(first!.root)).toEqual({ [UUID]: stamped });
    expect(fs.readFileSync(path.join(first!.root, KEYFILE), 'utf8')).not.toMatch(/timestamp/);
  });

  it('a restarted daemon shows the same timestamp', async () => {
    // Down first, so nothing is re-adopted (and stamped anew) at the next start.
    const down = await first!.nmcli(['connection', 'down', 'lan'], { timeoutMs: 30_000 });
    expect(down.code, down.stderr + down.stdout).toBe(0);
    // Going down stamps the time again, as NetworkManager does (the profile was in use until then).
    const lastUsed = Number((await first!.nmcli(['-g', 'connection.timestamp', 'connection', 'show', 'lan'])).stdout.trim());
    expect(lastUsed).toBeGreaterThanOrEqual(stamped);
    expect(await first!.stop()).toBe(0);
    expect(stamps(first!.root)).toEqual({ [UUID]: lastUsed });
    second = await startDaemon({ ns, root: first!.root, busAddress: first!.busAddress, profile: 'server', config: '[keyfile]\nunmanaged-devices=interface-name:veth1;interface-name:veth3\n' });
    expect((await second.nmcli(['-g', 'connection.timestamp', 'connection', 'show', 'lan'])).stdout.trim()).toBe(String(lastUsed));
  });
});
