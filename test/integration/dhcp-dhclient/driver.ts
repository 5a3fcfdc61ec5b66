/**
 * Runs the dhclient plugin inside a network namespace for
 * dhcp-dhclient.test.ts (started under `ip netns exec` with jiti): the
 * plugin's setup gets a minimal PluginContext over a state root, then one
 * client is started with the request given as JSON in argv[3].
 *
 *   driver.ts ROOT REQUEST_JSON
 *
 * stdout: one JSON object a line: {event:'started'}, {event:'lease',lease},
 * {event:'failure',reason,message}, {event:'stopped'}, {event:'start-error',message}.
 * stdin: "stop release", "stop" (no release) or "close" (the daemon's shutdown:
 * ctx.onStop). stderr: the plugin's log.
 */
import path from 'node:path';
import type { DhcpClientFactory, DhcpRequest, DhcpSession, Logger, PluginContext, PluginManifest } from '../../../sdk/index.js';
import plugin from '../../../plugins/dhcp-dhclient/index.js';

const [root, requestJson] = process.argv.slice(2);
if (!root || !requestJson) throw new Error('usage: driver.ts ROOT REQUEST_JSON');
const request = JSON.parse(requestJson) as DhcpRequest;

const out = (o: object): void => void process.stdout.write(`${JSON.stringify(o)}\n`);
const logger: Logger = {
  trace: () => undefined,
  debug: (msg, f) => void process.stderr.write(`debug ${msg} ${f ? JSON.stringify(f) : ''}\n`),
  info: (msg, f) => void process.stderr.write(`info ${msg} ${f ? JSON.stringify(f) : ''}\n`),
  warn: (msg, f) => void process.stderr.write(`warn ${msg} ${f ? JSON.stringify(f) : ''}\n`),
  error: (msg, f) => void process.stderr.write(`error ${msg} ${f ? JSON.stringify(f) : ''}\n`),
  child: () => logger,
  isEnabled: () => true,
};

const under = (p: string): string => path.join(root, p);
const stops: Array<() => void | Promise<void>> = [];
let factory: DhcpClientFactory | undefined;
const ctx: PluginContext = {
  name: 'dhcp-dhclient',
  manifest: { name: 'dhcp-dhclient', kind: 'dhcp', version: '0.1.0', sdk: '^0.1.0' } as PluginManifest,
  logger,
  config: undefined as never,
  paths: { root, configFile: under('/etc/nmk/nmk.conf'), configDir: under('/etc/nmk/conf.d'), etcDir: under('/etc/nmk'), runDir: under('/run/nmk'), stateDir: under('/var/lib/nmk'), under },
  events: undefined as never,
  resolve: () => {
    throw new Error('the dhclient plugin resolves nothing');
  },
  resolveAll: () => [],
  provide: (_token, value) => void (factory = value as DhcpClientFactory),
  providePrivate: () => undefined,
  onStop: (fn) => void stops.push(fn),
};

await plugin.setup(ctx);
let session: DhcpSession | undefined;
try {
  session = await factory!.start(request, {
    onLease: (lease) => out({ event: 'lease', lease }),
    onFailure: (reason, message) => out({ event: 'failure', reason, message }),
  });
  out({ event: 'started' });
} catch (e) {
  out({ event: 'start-error', message: (e as Error).message });
}

let buffered = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', async (chunk: string) => {
  buffered += chunk;
  let nl;
  while ((nl = buffered.indexOf('\n')) >= 0) {
    const line = buffered.slice(0, nl).trim();
    buffered = buffered.slice(nl + 1);
    if (line.startsWith('stop')) {
      await session?.stop(line === 'stop release');
      out({ event: 'stopped' });
    } else if (line === 'close') {
      for (const fn of stops.reverse()) await fn();
      out({ event: 'closed' });
      process.exit(0);
    }
  }
});
