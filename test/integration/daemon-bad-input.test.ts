/**
 * Bad input to the daemon: each problem gets one clear message naming the
 * file, line, key or plugin; nmkd refuses to start (non-zero exit) only when
 * what failed was required, and otherwise runs on without it.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon } from '../harness/daemon.js';
import { Netns } from '../harness/netns.js';
import { parseTerse } from '../harness/nmcli.js';

let ns: Netns;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nmk-bad-'));

function plugin(dir: string, manifest: object | string, code?: string) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'nmk-plugin.json'), typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
  if (code) fs.writeFileSync(path.join(dir, 'index.mjs'), code);
}
const manifest = (name: string) => ({ name, kind: 'other', version: '1.0.0', sdk: '^0.1.0' });

beforeAll(async () => {
  ns = await Netns.create('nmkb');
  await ns.addVeth('veth0', 'veth1');
  plugin(path.join(tmp, 'plugins/bad-manifest'), '{"name": "bad-manifest", "kind": 42}');
  plugin(path.join(tmp, 'plugins/thrower'), manifest('thrower'), 'export default { setup() { throw new Error("cannot reach the frobnicator"); } };\n');
});
afterAll(async () => {
  await ns?.destroy();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Start nmkd expecting it to run: returns its log lines, then stops it. */
async function runsWith(opts: Parameters<typeof startDaemon>[0]) {
  const d = await startDaemon(opts);
  try {
    const devices = parseTerse((await d.nmcli(['-t', '-f', 'DEVICE', 'device'])).stdout).flat();
    return { logs: d.logs, devices, root: d.root };
  } finally {
    await d.cleanup();
  }
}

const line = (logs: Array<{ level: string; msg: string }>, level: string, re: RegExp) => logs.find((l) => l.level === level && re.test(l.msg));

describe('nmkd and bad input', () => {
  it('refuses to start on a config syntax error, naming the file and line', async () => {
    const err = await startDaemon({ ns, config: '[main]\nplugins=keyfile\n[logging\nlevel=INFO\n' }).then(
      async (d) => { await d.cleanup(); return undefined; },
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/code 1/);
    expect(err?.message).toMatch(/etc\/nmk\/nmk\.conf:3: .*group/);
  });

  it('warns about an unknown key naming file, line and key, and runs on', async () => {
    const r = await runsWith({ ns, config: '[main]\nplugins=keyfile\nfrobnicate=yes\n' });
    const w = line(r.logs, 'warn', /unknown key 'frobnicate'/);
    expect(w?.msg).toMatch(/etc\/nmk\/nmk\.conf:3: key 'main\.frobnicate'/);
    expect(r.devices).toContain('veth0');
  });

  it('reports an unknown plugin in [main] plugins, naming it and the line, and runs on', async () => {
    const r = await runsWith({ ns, config: '[main]\nplugins=ifcfg-suse,keyfile\n' });
    expect(line(r.logs, 'error', /nmk\.conf:2: key 'main\.plugins': unknown plugin 'ifcfg-suse' in \[main\] plugins/)).toBeDefined();
    expect(r.devices).toContain('veth0');
  });

  it('reports a malformed manifest naming its file, and a plugin that throws naming the plugin, and runs on', async () => {
    const r = await runsWith({ ns, args: ['--plugin-dir', path.join(tmp, 'plugins')], config: '[plugins]\nenable=thrower\n' });
    expect(line(r.logs, 'error', new RegExp(`${path.join(tmp, 'plugins/bad-manifest/nmk-plugin.json')}: field 'kind' must be one of`))).toBeDefined();
    expect(line(r.logs, 'error', /plugin thrower failed; continuing without it/)).toBeDefined();
    expect(JSON.stringify(r.logs)).toContain('cannot reach the frobnicator');
    expect(r.devices).toContain('veth0');
  });

  it('refuses to start when a required plugin throws, naming it', async () => {
    const err = await startDaemon({ ns, args: ['--plugin-dir', path.join(tmp, 'plugins')], config: '[plugins]\nrequired=thrower\n' }).then(
      async (d) => { await d.cleanup(); return undefined; },
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/code 1/);
    expect(err?.message).toMatch(/required plugin thrower failed: .*cannot reach the frobnicator/);
  });

  it('refuses to start without a platform, saying so', async () => {
    const err = await startDaemon({ ns, config: '[plugins]\ndisable=platform-linux\n' }).then(
      async (d) => { await d.cleanup(); return undefined; },
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/no platform plugin is loaded/);
  });

  it('refuses to start when the bus is not there, naming the address', async () => {
    const address = `unix:path=${tmp}/no-such-bus`;
    const err = await startDaemon({ ns, busAddress: address }).then(
      async (d) => { await d.cleanup(); return undefined; },
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/code 1/);
    expect(err?.message).toContain(`${tmp}/no-such-bus`);
  });

  it('rejects an unknown command-line option with status 2', async () => {
    const r = await ns.tryExec(process.execPath, [path.resolve('node_modules/jiti/lib/jiti-cli.mjs'), path.resolve('core/main.ts'), '--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("nmkd: unknown option '--frobnicate'");
  });

  it('tells systemd it is ready through NOTIFY_SOCKET', async () => {
    const sock = path.join(tmp, 'notify.sock');
    // socat receives the datagram systemd-notify sends for nmkd.
    const socat = spawn('socat', ['-u', `UNIX-RECV:${sock}`, 'STDOUT'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let got = '';
    socat.stdout.on('data', (b) => (got += b));
    try {
      for (let i = 0; i < 50 && !fs.existsSync(sock); i++) await new Promise((r) => setTimeout(r, 20));
      const d = await startDaemon({ ns, env: { NOTIFY_SOCKET: sock } });
      try {
        for (let i = 0; i < 100 && !got.includes('READY=1'); i++) await new Promise((r) => setTimeout(r, 20));
        expect(got).toContain('READY=1');
        expect(got).toMatch(/STATUS=managing \d+ devices/);
      } finally {
        await d.cleanup();
      }
    } finally {
      socat.kill();
    }
  });
});
