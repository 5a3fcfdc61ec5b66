/**
 * Connectivity checking with the real nmcli, nmkd and NetworkManager 1.42
 * side by side, each in its own namespace with a veth whose far end (in a
 * peer namespace) runs a small HTTP server at 192.0.2.1. Each daemon
 * activates the same static profile (address and gateway) and goes through
 * the same steps; both must print the same thing at each step:
 * 1. the uri is set but the (server) profile leaves checking off: no request
 *    reaches the server, and the state is NetworkManager's guess, "full"
 *    (the device is activated with a default route);
 * 2. `enabled=true` and `nmcli general reload`: the server's answer "NetworkManager
 *    is online" gives "full", and the request came from 192.0.2.10;
 * 3. the server answers other content: "portal"; ConnectivityCheckEnabled set
 *    false over D-Bus brings back the guess ("full"), true again "portal";
 * 4. the server is down: "limited";
 * 5. the link's far end is down (no carrier): "none".
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../harness/daemon.js';
import { Netns, type ExecResult } from '../harness/netns.js';
import { networkManagerConfig, startNetworkManager, type NetworkManagerInstance } from '../harness/networkmanager.js';
import { parseTerse } from '../harness/nmcli.js';
import { runNmk } from '../harness/nmk-cli.js';

const PROFILE = `[connection]
id=lan
uuid=0f4f3a52-6f0e-4d0a-9c64-1a7a8c3c0c01
type=ethernet
interface-name=veth0
autoconnect=false

[ipv4]
method=manual
address1=192.0.2.10/24,192.0.2.1

[ipv6]
method=ignore
`;

const URI = 'http://192.0.2.1/check';
const ONLINE = 'NetworkManager is online\n';
/** [connectivity] without `enabled`: the server profile's (and the harness's NetworkManager config's) enabled=false holds. */
const CHECK_OFF = `[connectivity]\nuri=${URI}\ninterval=300\n`;
const CHECK_ON = `[connectivity]\nenabled=true\nuri=${URI}\ninterval=300\n`;

/** A tiny HTTP server: answers every request with the file's current content and logs the request. */
const SERVER = `
const http = require('http'), fs = require('fs');
http.createServer((q, r) => { console.log('request ' + q.socket.remoteAddress + ' ' + q.url); r.end(fs.readFileSync(process.argv[1])); })
  .listen(80, '192.0.2.1', () => console.log('listening'));
`;

interface Side {
  busAddress: string;
  nmcli(args: string[]): Promise<ExecResult>;
  /** Rewrite the daemon's config with this [connectivity] section (a reload follows). */
  configure(section: string): Promise<void>;
}

/** A namespace for the daemon, one for the server, the veth between them, and the server. */
class World {
  ns!: Netns;
  peer!: Netns;
  dir!: string;
  server?: ChildProcess;
  requests: string[] = [];

  async create(prefix: string): Promise<void> {
    this.dir = await mkdtemp(path.join(os.tmpdir(), 'nmk-concheck-'));
    await writeFile(this.page, ONLINE);
    this.ns = await Netns.create(prefix);
    this.peer = await Netns.create(`${prefix}p`);
    await this.ns.addVeth('veth0', 'veth1', this.peer);
    await this.peer.ip(['addr', 'add', '192.0.2.1/24', 'dev', 'veth1']);
    await this.peer.ip(['link', 'set', 'veth1', 'up']);
    await this.ns.ip(['link', 'set', 'veth0', 'up']);
    await this.startServer();
  }

  get page(): string {
    return path.join(this.dir, 'check');
  }

  async startServer(): Promise<void> {
    const server = this.peer.spawn(process.execPath, ['-e', SERVER, this.page]);
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      server.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        const lines = out.split('\n');
        out = lines.pop()!;
        for (const l of lines) {
          if (l === 'listening') resolve();
          else if (l.startsWith('request ')) this.requests.push(l.slice('request '.length));
        }
      });
      server.on('exit', (code) => reject(new Error(`the HTTP server in ${this.peer.name} exited (${code})`)));
    });
  }

  async stopServer(): Promise<void> {
    const s = this.server;
    if (!s || s.exitCode !== null || s.signalCode !== null) return;
    const gone = new Promise((r) => s.once('exit', r));
    s.kill('SIGKILL');
    await gone;
  }

  async destroy(): Promise<void> {
    await this.stopServer().catch(() => undefined);
    await this.ns?.destroy();
    await this.peer?.destroy();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }
}

/** Set Manager.ConnectivityCheckEnabled as a D-Bus client does. */
async function setCheckEnabled(side: Side, on: boolean): Promise<void> {
  await promisify(execFile)('busctl', [`--address=${side.busAddress}`, 'set-property', 'org.freedesktop.NetworkManager', '/org/freedesktop/NetworkManager', 'org.freedesktop.NetworkManager', 'ConnectivityCheckEnabled', 'b', String(on)]);
}

async function ok(side: Side, args: string[]): Promise<string> {
  const r = await side.nmcli(args);
  expect(r.code, `nmcli ${args.join(' ')}: ${r.stderr}${r.stdout}`).toBe(0);
  return r.stdout.trim();
}

/**
 * What a step shows: the manager's state after a check, as `general` prints
 * it, and the device's IPv4 state (and IPv6's, where it does not depend on
 * when the kernel's link-local address appeared: with checking off).
 */
async function observe(side: Side, families = 'GENERAL.IP4-CONNECTIVITY'): Promise<string[]> {
  const checked = await ok(side, ['networking', 'connectivity', 'check']);
  const general = await ok(side, ['-t', '-f', 'CONNECTIVITY', 'general']);
  const dev = parseTerse(await ok(side, ['-t', '-f', families, 'device', 'show', 'veth0'])).map((r) => r.slice(1).join(':'));
  return [checked, general, ...dev];
}

/** The steps of the header, recording what each shows. */
async function scenario(side: Side, world: World): Promise<Record<string, unknown>> {
  const seen: Record<string, unknown> = {};
  seen.before = await ok(side, ['-t', '-f', 'CONNECTIVITY', 'general']);
  await ok(side, ['connection', 'up', 'lan']);
  seen.off = await observe(side, 'GENERAL.IP4-CONNECTIVITY,GENERAL.IP6-CONNECTIVITY');
  seen.offRequests = world.requests.length;
  await side.configure(CHECK_ON);
  seen.full = await observe(side);
  seen.from = [...new Set(world.requests.map((r) => r.split(' ')[0]))];
  await writeFile(world.page, '<html>Please log in</html>\n');
  seen.portal = await observe(side);
  // nmk's own `general` reads the same Connectivity property.
  const mine = await runNmk(side.busAddress, ['-t', '-f', 'CONNECTIVITY', 'general']);
  seen.nmkGeneral = mine.code === 0 ? mine.stdout.trim() : `exit ${mine.code}: ${mine.stderr}`;
  await setCheckEnabled(side, false);
  seen.switchedOff = await observe(side);
  await setCheckEnabled(side, true);
  seen.switchedOn = await observe(side);
  await world.stopServer();
  seen.down = await observe(side);
  await world.peer.ip(['link', 'set', 'veth1', 'down']);
  seen.noCarrier = (await observe(side)).slice(0, 2);
  return seen;
}

const EXPECTED = {
  // The device is disconnected: the guess is "none".
  before: 'none',
  off: ['full', 'full', '4 (full)', '4 (full)'],
  offRequests: 0,
  full: ['full', 'full', '4 (full)'],
  from: ['192.0.2.10'],
  portal: ['portal', 'portal', '2 (portal)'],
  nmkGeneral: 'portal',
  switchedOff: ['full', 'full', '4 (full)'],
  switchedOn: ['portal', 'portal', '2 (portal)'],
  down: ['limited', 'limited', '3 (limited)'],
  noCarrier: ['none', 'none'],
};

describe('connectivity checking (real nmcli, nmkd and NetworkManager side by side)', () => {
  const worlds: World[] = [];
  let nmk: Daemon | undefined;
  let nm: NetworkManagerInstance | undefined;

  beforeAll(async () => {
    for (const prefix of ['nmkcc', 'nmkccn']) {
      const w = new World();
      worlds.push(w);
      await w.create(prefix);
    }
  });
  afterAll(async () => {
    await nmk?.cleanup();
    await nm?.cleanup();
    for (const w of worlds) await w.destroy();
  });

  it('nmkd: off by the server profile (a guess, no request), then full, portal, limited and none', async () => {
    const world = worlds[0]!;
    nmk = await startDaemon({
      ns: world.ns,
      profile: 'server',
      config: CHECK_OFF,
      files: { 'etc/nmk/system-connections/lan.nmconnection': { text: PROFILE, mode: 0o600 } },
    });
    const d = nmk;
    const side: Side = {
      busAddress: d.busAddress,
      nmcli: (args) => d.nmcli(args),
      configure: async (section) => {
        await writeFile(path.join(d.root, 'etc/nmk/nmk.conf'), section);
        await ok(side, ['general', 'reload']);
      },
    };
    expect(await scenario(side, world)).toEqual(EXPECTED);
  });

  it('NetworkManager 1.42 shows the same at every step', async () => {
    const world = worlds[1]!;
    nm = await startNetworkManager({ ns: world.ns, keyfiles: { 'lan.nmconnection': PROFILE }, networking: true, extraConfig: CHECK_OFF });
    const n = nm;
    const side: Side = {
      busAddress: n.busAddress,
      nmcli: (args) => n.nmcli(args),
      configure: async (section) => {
        await writeFile(n.configFile, networkManagerConfig(n.keyfileDir, 'INFO', section));
        await ok(side, ['general', 'reload']);
      },
    };
    expect(await scenario(side, world)).toEqual(EXPECTED);
  });
});
