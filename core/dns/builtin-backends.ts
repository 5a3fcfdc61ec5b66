/**
 * The two DNS modes built into core, as in NetworkManager: "default" (resolv.conf
 * lists the merged servers, searches and options) and "none" (nothing is
 * written to /etc; rc-manager is forced to unmanaged). Other modes come from
 * plugins under Tokens.DnsBackend.
 */
import type { DnsBackend } from '../../sdk/index.js';

export const defaultBackend: DnsBackend = {
  name: 'default',
  update: async (state) => ({ nameservers: state.nameservers, searches: state.searches, options: state.options }),
  stop: async () => undefined,
};

export const noneBackend: DnsBackend = {
  name: 'none',
  update: async () => 'leave',
  stop: async () => undefined,
};

export const BUILTIN_BACKENDS: Record<string, DnsBackend> = { default: defaultBackend, none: noneBackend };
