/**
 * dns=script: at each DNS change a packager's program receives the whole DNS
 * state as JSON on its standard input (`[dns] script=PATH`), so a distribution
 * can feed any resolver nmk does not know. resolv.conf is left to the script.
 *
 * The program runs with a time limit (`[dns] script-timeout=`, 10 s): then its
 * process group gets SIGTERM and, a second later, SIGKILL. A non-zero exit,
 * a signal or the limit is a rejected update naming the script and what
 * happened (core logs it and carries on). The JSON is
 * `{ "version": 1, "state": DnsState }`: the version lets the format grow.
 */
import { definePlugin, Tokens, type DnsBackendFactory } from '../../sdk/index.js';
import type { ScriptBackendOptions } from './backend.js';

export type { ScriptBackendOptions } from './backend.js';

/** The backend's code is imported when core creates it: a daemon with another dns= never loads it. */
let backend: Promise<typeof import('./backend.js')> | undefined;
const loadBackend = () => (backend ??= import('./backend.js'));

export function scriptBackend(o: ScriptBackendOptions): DnsBackendFactory {
  return {
    name: 'script',
    create: async () => (await loadBackend()).scriptBackend(o).create(),
  };
}

export default definePlugin({
  setup(ctx) {
    ctx.provide(Tokens.DnsBackend, scriptBackend({ config: ctx.config, logger: ctx.logger }));
  },
});
