/**
 * dns=systemd-resolved: each link's servers and routing domains go to
 * systemd-resolved over D-Bus (org.freedesktop.resolve1, see link-calls.ts);
 * links that lose their DNS get RevertLink. resolv.conf lists resolved's stub
 * 127.0.0.53 with "edns0 trust-ad", as NetworkManager writes it for this
 * caching plugin; with rc-manager=auto (unmanaged under resolved) only nmk's
 * own copy is written and /etc/resolv.conf stays resolved's.
 *
 * When resolved is not on the bus (no owner of org.freedesktop.resolve1, and
 * D-Bus activation, tried once as NetworkManager does, did not start it):
 * a warning, and resolv.conf gets the servers themselves (what dns=default
 * would write) so a written resolv.conf still resolves; nmk watches the name
 * and sends the last configuration as soon as resolved appears.
 * At stop the links keep their settings, as with NetworkManager: DNS keeps
 * working while nmkd is down.
 *
 * The bus is the system bus: $DBUS_SYSTEM_BUS_ADDRESS or the standard socket.
 */
import { definePlugin, Tokens, type DnsBackendFactory } from '../../sdk/index.js';
import type { ResolvedBackendOptions } from './backend.js';

export type { ResolvedBackendOptions } from './backend.js';

/** The backend's code is imported when core creates it: a daemon with another dns= never loads it. */
let backend: Promise<typeof import('./backend.js')> | undefined;
const loadBackend = () => (backend ??= import('./backend.js'));

export function resolvedBackend(o: ResolvedBackendOptions): DnsBackendFactory {
  return {
    name: 'systemd-resolved',
    create: async () => (await loadBackend()).resolvedBackend(o).create(),
  };
}

export default definePlugin({
  setup(ctx) {
    ctx.provide(Tokens.DnsBackend, resolvedBackend({ logger: ctx.logger }));
  },
});
