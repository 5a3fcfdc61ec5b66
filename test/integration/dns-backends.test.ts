/**
 * DNS backends against real programs (root, network namespaces):
 *  (a) dns=dnsmasq split DNS: two upstream DNS servers (dnsmasq answering
 *      corp.test and example.org differently) in two peer namespaces behind
 *      two veths; nmk's dnsmasq runs in the client namespace, the DnsManager
 *      is fed one config routing corp.test to server A and a default one to
 *      server B, and dig @127.0.0.1 shows where each name was answered;
 *  (b) dns=script: the script receives the DNS state as JSON; a script that
 *      hangs is killed at its time limit and logged, one that fails is logged
 *      with its status, and the manager carries on.
 * The manager and backends are driven directly (activation wiring is tested
 * with nmcli elsewhere).
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DnsConfig } from '../../sdk/index.js';
import { MergedConfig } from '../../core/config/merged-config.js';
import { makePaths } from '../../core/config/paths.js';
import { DnsManager } from '../../core/dns/dns-manager.js';
import { dnsmasqBackend } from '../../plugins/dns-dnsmasq/index.js';
import { scriptBackend } from '../../plugins/dns-script/index.js';
import { recordingLogger, type RecordingLogger } from '../harness/dbus.js';
import { Netns, requireRoot } from '../harness/netns.js';

function configOf(sections: Record<string, Record<string, string>>): MergedConfig {
  const c = new MergedConfig();
  for (const [s, kv] of Object.entries(sections)) for (const [k, v] of Object.entries(kv)) c.set(s, k, v, `test.conf:[${s}]${k}`);
  return c;
}

function tempRoot(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nmk-dns-it-'));
  // dnsmasq drops root after start; it must still reach its servers file under <root>/run/nmk on SIGHUP.
  fs.chmodSync(root, 0o755);
  fs.mkdirSync(path.join(root, 'etc'));
  return root;
}

/** An upstream DNS server: dnsmasq on `address` in `ns`, answering `answers` (domain -> address) and nothing else. */
async function startUpstream(ns: Netns, address: string, answers: Record<string, string>): Promise<{ stop(): Promise<void> }> {
  const args = [
    '--keep-in-foreground', '--conf-file=/dev/null', '--no-resolv', '--no-hosts', '--port=53', '--pid-file=',
    `--listen-address=${address}`, '--bind-interfaces', '--log-facility=-',
    ...Object.entries(answers).map(([d, a]) => `--address=/${d}/${a}`),
  ];
  const child: ChildProcess = ns.spawn('dnsmasq', args);
  let log = '';
  child.stderr?.on('data', (b: Buffer) => (log += b.toString()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await gone;
  };
  const [domain, expected] = Object.entries(answers)[0]!;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`upstream dnsmasq in ${ns.name} exited: ${log}`);
    const r = await ns.tryExec('dig', [`@${address}`, '+short', '+time=1', '+tries=1', domain, 'A']);
    if (r.stdout.trim() === expected) return { stop };
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop();
  throw new Error(`upstream dnsmasq in ${ns.name} did not answer on ${address}: ${log}`);
}

const base = { connectionUuid: 'u', connectionId: 'c', family: 4 as const, searches: [], options: [], priority: 100, isVpn: false };

describe('dns=dnsmasq: split DNS through a local dnsmasq', () => {
  let client: Netns;
  let peerA: Netns;
  let peerB: Netns;
  const upstream: { stop(): Promise<void> }[] = [];
  let root: string;
  let dns: DnsManager | undefined;
  let logger: RecordingLogger;

  beforeAll(async () => {
    requireRoot();
    client = await Netns.create('nmkdc');
    peerA = await Netns.create('nmkda');
    peerB = await Netns.create('nmkdb');
    await client.addVeth('va', 'pa', peerA);
    await client.addVeth('vb', 'pb', peerB);
    for (const [ns, dev, addr] of [[client, 'va', '10.1.0.2/24'], [client, 'vb', '10.2.0.2/24'], [peerA, 'pa', '10.1.0.1/24'], [peerB, 'pb', '10.2.0.1/24']] as const) {
      await ns.ip(['addr', 'add', addr, 'dev', dev]);
      await ns.ip(['link', 'set', dev, 'up']);
    }
    // Each upstream answers the same names with its own addresses, so an answer tells who gave it.
    upstream.push(await startUpstream(peerA, '10.1.0.1', { 'corp.test': '10.1.1.1', 'example.org': '10.1.9.9' }));
    upstream.push(await startUpstream(peerB, '10.2.0.1', { 'corp.test': '10.2.1.1', 'example.org': '10.2.9.9' }));
    root = tempRoot();
  });

  afterAll(async () => {
    await dns?.stop();
    for (const u of upstream) await u.stop();
    for (const ns of [client, peerA, peerB]) await ns?.destroy();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  const dig = async (name: string) => (await client.exec('dig', ['@127.0.0.1', '+short', '+time=2', '+tries=2', name, 'A'])).stdout.trim();

  it('sends corp.test to the connection that routes it and everything else to the default connection', async () => {
    const paths = makePaths(root);
    logger = recordingLogger();
    const factory = dnsmasqBackend({ paths, logger, prefix: ['ip', 'netns', 'exec', client.name] });
    dns = new DnsManager({ config: configOf({ main: { dns: 'dnsmasq', 'rc-manager': 'file' } }), paths, logger, factories: () => [factory] });
    await dns.start();
    expect(dns.snapshot()).toMatchObject({ mode: 'dnsmasq', rcManager: 'file' });

    const corp: DnsConfig = { ...base, ifindex: 10, ifname: 'va', nameservers: ['10.1.0.1'], domains: ['corp.test'], isDefault: false };
    const wan: DnsConfig = { ...base, ifindex: 11, ifname: 'vb', nameservers: ['10.2.0.1'], domains: [], searches: ['home.test'], isDefault: true };
    dns.set('/ac/corp', [corp]);
    dns.set('/ac/wan', [wan]);
    await dns.idle();

    expect(fs.readFileSync(path.join(root, 'run/nmk/dnsmasq-servers.conf'), 'utf8').split('\n').filter((l) => l.startsWith('server='))).toEqual([
      // The default connection sorts first at equal priority; its server takes every other domain.
      'server=10.2.0.1@vb',
      'server=/corp.test/10.1.0.1@va',
    ]);
    expect(fs.readFileSync(path.join(root, 'etc/resolv.conf'), 'utf8')).toBe('# Generated by NetworkManager (nmk)\nsearch home.test\nnameserver 127.0.0.1\noptions edns0 trust-ad\n');
    expect(fs.readFileSync(path.join(root, 'run/nmk/no-stub-resolv.conf'), 'utf8')).toContain('nameserver 10.2.0.1\nnameserver 10.1.0.1\n');

    expect(await dig('host.corp.test')).toBe('10.1.1.1');
    expect(await dig('www.example.org')).toBe('10.2.9.9');

    // The corp connection goes: after the servers file is rewritten and dnsmasq re-reads it, B answers corp.test too.
    dns.remove('/ac/corp');
    await dns.idle();
    let answer = '';
    for (let i = 0; i < 50 && answer !== '10.2.1.1'; i++) {
      answer = await dig('other.corp.test');
      if (answer !== '10.2.1.1') await new Promise((r) => setTimeout(r, 100));
    }
    expect(answer).toBe('10.2.1.1');
  });

  it('starts dnsmasq again when it dies, and stop() ends it and puts the real servers back in resolv.conf', async () => {
    const pidFile = path.join(root, 'run/nmk/dnsmasq.pid');
    const first = Number(fs.readFileSync(pidFile, 'utf8').trim());
    process.kill(first, 'SIGKILL');
    let second = first;
    for (let i = 0; i < 100 && (second === first || !second); i++) {
      await new Promise((r) => setTimeout(r, 50));
      second = Number(fs.readFileSync(pidFile, 'utf8').trim() || 0);
    }
    expect(second).not.toBe(first);
    expect(logger.lines.some((l) => l.level === 'warn' && l.msg.startsWith(`dnsmasq (pid ${first}) was killed by SIGKILL; starting it again`))).toBe(true);
    expect(await dig('www.example.org')).toBe('10.2.9.9');

    await dns!.stop();
    dns = undefined;
    const stat = fs.existsSync(`/proc/${second}/stat`) ? fs.readFileSync(`/proc/${second}/stat`, 'utf8') : '';
    expect(stat === '' || /\) Z /.test(stat)).toBe(true); // gone (or a zombie nobody reaps, FACTS.md)
    expect(fs.readFileSync(path.join(root, 'etc/resolv.conf'), 'utf8')).toBe('# Generated by NetworkManager (nmk)\nsearch home.test\nnameserver 10.2.0.1\n');
    expect((await client.tryExec('dig', ['@127.0.0.1', '+short', '+time=1', '+tries=1', 'www.example.org', 'A'])).stdout).not.toContain('10.2.9.9');
  });
});

describe('dns=script', () => {
  let root: string;
  let dns: DnsManager | undefined;
  afterEach(async () => {
    await dns?.stop();
    dns = undefined;
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  async function withScript(body: string, timeout = '10') {
    root = tempRoot();
    const script = path.join(root, 'dns-hook');
    fs.writeFileSync(script, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    const paths = makePaths(root);
    const config = configOf({ main: { dns: 'script', 'rc-manager': 'file' }, dns: { script, 'script-timeout': timeout } });
    const logger = recordingLogger();
    dns = new DnsManager({ config, paths, logger, factories: () => [scriptBackend({ config, logger })] });
    await dns.start();
    return { logger, script, paths };
  }

  const eth0: DnsConfig = { ...base, ifindex: 2, ifname: 'eth0', nameservers: ['10.0.0.1'], searches: ['lan.test'], domains: ['lan.test'], isDefault: true };

  it('hands the script the whole DNS state as JSON and leaves /etc/resolv.conf alone', async () => {
    const { logger } = await withScript('cat > "$(dirname "$0")/received.json"');
    fs.writeFileSync(path.join(root, 'etc/resolv.conf'), 'nameserver 9.9.9.9\n');
    dns!.set('/ac/1', [eth0]);
    await dns!.idle();
    const got = JSON.parse(fs.readFileSync(path.join(root, 'received.json'), 'utf8'));
    expect(got.version).toBe(1);
    expect(got.state).toMatchObject({ nameservers: ['10.0.0.1'], searches: ['lan.test'], options: [] });
    expect(got.state.configs[0]).toMatchObject({ ifname: 'eth0', nameservers: ['10.0.0.1'], routing: { domains: ['lan.test'], defaultRoute: 'yes' } });
    expect(fs.readFileSync(path.join(root, 'etc/resolv.conf'), 'utf8')).toBe('nameserver 9.9.9.9\n');
    expect(fs.readFileSync(path.join(root, 'run/nmk/resolv.conf'), 'utf8')).toContain('nameserver 10.0.0.1');
    expect(logger.lines.filter((l) => l.level === 'warn')).toEqual([]);
  });

  it('kills a script that hangs at its time limit (with what it started) and logs it; the next change runs it again', async () => {
    // A 3 s limit: on a loaded machine the script must have time to start its child before it is killed.
    const { logger, script } = await withScript('cat >/dev/null\nsleep 300 &\necho $! > "$(dirname "$0")/child.pid"\nwait', '3');
    dns!.set('/ac/1', [eth0]);
    await dns!.idle();
    const warns = logger.lines.filter((l) => l.level === 'warn').map((l) => l.msg);
    expect(warns).toEqual([`DNS backend 'script' failed: DNS script ${script} did not finish within 3 s and was killed; resolv.conf keeps its last content`]);
    const child = Number(fs.readFileSync(path.join(root, 'child.pid'), 'utf8'));
    // SIGKILL is delivered at once but the process is gone (or a zombie) only a moment later.
    const dead = () => {
      const stat = fs.existsSync(`/proc/${child}/stat`) ? fs.readFileSync(`/proc/${child}/stat`, 'utf8') : '';
      return stat === '' || /\) Z /.test(stat);
    };
    await expect.poll(dead, { timeout: 3000 }).toBe(true);

    fs.writeFileSync(script, '#!/bin/sh\ncat > "$(dirname "$0")/received.json"\n');
    dns!.set('/ac/1', [{ ...eth0, nameservers: ['10.0.0.2'] }]);
    await dns!.idle();
    expect(JSON.parse(fs.readFileSync(path.join(root, 'received.json'), 'utf8')).state.nameservers).toEqual(['10.0.0.2']);
    expect(logger.lines.filter((l) => l.level === 'warn')).toHaveLength(1);
  });

  it('logs a script that exits non-zero with its status and last error line', async () => {
    const { logger, script } = await withScript('cat >/dev/null\necho "resolver refused" >&2\nexit 4');
    dns!.set('/ac/1', [eth0]);
    await dns!.idle();
    expect(logger.lines.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual([
      `DNS backend 'script' failed: DNS script ${script} exited with status 4: resolver refused; resolv.conf keeps its last content`,
    ]);
  });
});
