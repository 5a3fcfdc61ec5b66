/**
 * The live model over the Linux platform when the kernel drops events: the
 * daemon's loop is blocked while `ip -batch` makes thousands of links (with addresses, and routes in main and in a
 * foreign table), so the event socket overflows. Exactly one resync must
 * follow, and the model must then hold what the kernel holds. The model runs
 * inside the namespace (test/platform-conformance/run-linux.ts model-overflow);
 * this file compares its RESULT with `ip`.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Netns, REPO_ROOT } from '../harness/netns.js';

const RUNNER = path.join(REPO_ROOT, 'test/platform-conformance/run-linux.ts');
const PAIRS = 3000;
/**
 * The event buffers (socket and pipe, LinuxPlatformOptions.eventBufferBytes),
 * an eighth of the daemon's 8 MiB: 3000 pairs' link events (about 4 KB each
 * in the socket, 1.3 KB in the pipe) overflow them; at full size it takes
 * more than 10,000 links, which bench/model-events.ts makes.
 */
const BUFFER_BYTES = 1 << 20;

interface Outcome {
  resyncs: number;
  stats: { links: number; addresses: number; trackedRoutes: number; foreignRoutes: number };
  links: Array<{ ifindex: number; name: string; up: boolean; mtu: number }>;
  addresses: string[];
  routes: string[];
}

describe('the live model after lost kernel events', () => {
  let ns: Netns | undefined;
  let outcome: Outcome;

  beforeAll(async () => {
    ns = await Netns.create('nmkmo');
    const r = await ns.runScript(RUNNER, ['model-overflow', String(PAIRS), String(BUFFER_BYTES)], { timeoutMs: 300_000 });
    const line = r.stdout.trim().split('\n').reverse().find((l) => l.startsWith('RESULT '));
    if (r.code !== 0 || !line) throw new Error(`run-linux.ts model-overflow failed (exit ${r.code}):\n${r.stderr}\n${r.stdout}`);
    outcome = JSON.parse(line.slice('RESULT '.length)) as Outcome;
  }, 320_000);
  afterAll(async () => {
    await ns?.destroy();
  });

  it('resynchronised exactly once', () => {
    expect(outcome.resyncs).toBe(1);
  });

  it('holds every link as ip shows it', async () => {
    const ip = await ns!.ipJson<any[]>(['link', 'show']);
    expect(ip.length).toBe(PAIRS * 2 + 1);
    const fromIp = ip.map((l) => `${l.ifindex}:${l.ifname}:${l.flags.includes('UP')}:${l.mtu}`).sort();
    const fromModel = outcome.links.map((l) => `${l.ifindex}:${l.name}:${l.up}:${l.mtu}`).sort();
    expect(fromModel).toEqual(fromIp);
  });

  it('holds every address as ip shows it', async () => {
    const ip = (await ns!.ipJson<any[]>(['addr', 'show'])).flatMap((l) => l.addr_info.map((a: any) => `${l.ifindex}|${a.local}/${a.prefixlen}`));
    expect([...outcome.addresses].sort()).toEqual(ip.sort());
  });

  it('keeps the routes of main and only counts those ip made in table 100', async () => {
    const key = (family: 4 | 6, r: any, names: Map<string, number>) => {
      const dst = r.dst === 'default' ? (family === 4 ? '0.0.0.0/0' : '::/0') : r.dst.includes('/') ? r.dst : `${r.dst}/${family === 4 ? 32 : 128}`;
      return `${family}|254|${dst}|${r.dev ? names.get(r.dev) : 0}|${r.metric ?? 0}`;
    };
    const names = new Map((await ns!.ipJson<any[]>(['link', 'show'])).map((l) => [l.ifname as string, l.ifindex as number]));
    const main = [
      ...(await ns!.ipJson<any[]>(['-4', 'route', 'show', 'table', 'main'])).map((r) => key(4, r, names)),
      ...(await ns!.ipJson<any[]>(['-6', 'route', 'show', 'table', 'main'])).map((r) => key(6, r, names)),
    ];
    expect(main.length).toBeGreaterThan(PAIRS / 10);
    expect([...outcome.routes].sort()).toEqual(main.sort());
    const foreign = await ns!.ipJson<any[]>(['route', 'show', 'table', '100']);
    expect(foreign.length).toBe(PAIRS / 10);
    const local = [...(await ns!.ipJson<any[]>(['-4', 'route', 'show', 'table', 'local'])), ...(await ns!.ipJson<any[]>(['-6', 'route', 'show', 'table', 'local']))];
    expect(outcome.stats.foreignRoutes).toBe(foreign.length + local.length);
  });
});
