/**
 * Runs the sharing plugin inside a network namespace for sharing.test.ts
 * (started under `ip netns exec` with jiti): the plugin's setup gets a
 * minimal PluginContext over a state root, whose platform is the
 * namespace's own /proc/sys, then the shares are started in order with the
 * requests given as JSON (one request or an array: core shares IPv4 and
 * IPv6 of a link as two requests).
 *
 *   driver.ts ROOT REQUEST_JSON
 *
 * stdout: one JSON object a line: {event:'started'}, {event:'start-error',message},
 * {event:'stopped'}, {event:'stop-error',message}, {event:'closed'}.
 * stdin: "stop" (each session's stop(), in start order) or "close" (the daemon's shutdown:
 * ctx.onStop), after either of which the driver exits. stderr: the plugin's log.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger, PluginContext, PluginManifest, SharingProvider, SharingRequest, SharingSession } from '../../../sdk/index.js';
import plugin from '../../../plugins/sharing/index.js';

const [root, requestJson] = process.argv.slice(2);
if (!root || !requestJson) throw new Error('usage: driver.ts ROOT REQUEST_JSON');
const parsed = JSON.parse(requestJson) as SharingRequest | SharingRequest[];
const requests = Array.isArray(parsed) ? parsed : [parsed];

const out = (o: object): void => void process.stdout.write(`${JSON.stringify(o)}\n`);
const line = (level: string) => (msg: string, f?: object) => void process.stderr.write(`${level} ${msg} ${f ? JSON.stringify(f) : ''}\n`);
const logger: Logger = {
  trace: () => undefined,
  debug: line('debug'),
  info: line('info'),
  warn: line('warn'),
  error: line('error'),
  child: () => logger,
  isEnabled: (level) => level !== 'trace',
};

/** The namespace's sysctls, as the Linux platform reads and writes them. */
const sysctlFile = (name: string) => path.join('/proc/sys', ...name.split('.'));
const platform = {
  readSysctl: (name: string) => readFile(sysctlFile(name), 'utf8'),
  writeSysctl: (name: string, value: string) => writeFile(sysctlFile(name), value),
};

const under = (p: string): string => path.join(root, p);
const stops: Array<() => void | Promise<void>> = [];
let provider: SharingProvider | undefined;
const ctx: PluginContext = {
  name: 'sharing',
  manifest: { name: 'sharing', kind: 'other', version: '0.1.0', sdk: '^0.1.0' } as PluginManifest,
  logger,
  config: undefined as never,
  paths: { root, configFile: under('/etc/nmk/nmk.conf'), configDir: under('/etc/nmk/conf.d'), etcDir: under('/etc/nmk'), runDir: under('/run/nmk'), stateDir: under('/var/lib/nmk'), under },
  events: undefined as never,
  // The only service the plugin asks for is the platform (for sysctls).
  resolve: (<T>() => platform as unknown as T) as PluginContext['resolve'],
  resolveAll: () => [],
  provide: (_token, value) => void (provider = value as SharingProvider),
  providePrivate: () => undefined,
  onStop: (fn) => void stops.push(fn),
};

await plugin.setup(ctx);
const sessions: SharingSession[] = [];
try {
  for (const request of requests) sessions.push(await provider!.start(request));
  out({ event: 'started' });
} catch (e) {
  out({ event: 'start-error', message: e instanceof Error ? e.message : String(e) });
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', async (chunk: string) => {
  input += chunk;
  const command = input.split('\n')[0]!.trim();
  if (!input.includes('\n')) return;
  if (command === 'stop') {
    try {
      for (const session of sessions) await session.stop();
      out({ event: 'stopped' });
    } catch (e) {
      out({ event: 'stop-error', message: e instanceof Error ? e.message : String(e) });
    }
  } else {
    for (const fn of stops.reverse()) await fn();
    out({ event: 'closed' });
  }
  process.exit(0);
});
