/**
 * dns=dnsmasq: a local caching dnsmasq with split DNS (see dnsmasq-process.ts
 * and servers-file.ts). resolv.conf then lists 127.0.0.1 only, with the
 * merged searches and "edns0 trust-ad", as NetworkManager writes it for a
 * caching plugin; core keeps the real servers in no-stub-resolv.conf and puts
 * them back in resolv.conf when nmkd stops.
 */
import { definePlugin, Tokens, type DnsBackendFactory } from '../../sdk/index.js';
import type { DnsmasqBackendOptions } from './backend.js';
import type { DnsmasqProcess } from './dnsmasq-process.js';

export type { DnsmasqBackendOptions } from './backend.js';

/** The backend's code is imported when core creates it: a daemon with another dns= never loads it. */
let backend: Promise<typeof import('./backend.js')> | undefined;
const loadBackend = () => (backend ??= import('./backend.js'));

export function dnsmasqBackend(o: DnsmasqBackendOptions, running = new Set<DnsmasqProcess>()): DnsBackendFactory {
  return {
    name: 'dnsmasq',
    create: async () => (await loadBackend()).dnsmasqBackend(o, running).create(),
  };
}

export default definePlugin({
  setup(ctx) {
    const running = new Set<DnsmasqProcess>();
    ctx.provide(Tokens.DnsBackend, dnsmasqBackend({ paths: ctx.paths, logger: ctx.logger }, running));
    // Core stops the backend first; this is the safety net when it could not (a failed start-up).
    ctx.onStop(() => Promise.all([...running].map((p) => p.stop())).then(() => undefined));
  },
});
