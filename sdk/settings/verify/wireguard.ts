/**
 * Rules of the wireguard setting (NetworkManager 1.42's verify and
 * verify_secrets): an interface name, IP methods a layer 3 tunnel can use,
 * valid peers, and a private key (when present) that is a 256-bit key in
 * base64.
 */
import { describeValue } from '../issues.js';
import { isWireguardKey, parseWireguardPeer } from '../records/wireguard-peers.js';
import { SECRET_FLAGS_MASK } from '../schema.js';
import type { SettingRules } from './context.js';

const IPV4_METHODS = ['disabled', 'manual'];
const IPV6_METHODS = ['ignore', 'link-local', 'manual', 'disabled'];
const NOT_REQUIRED = 4;

export const wireguardRules: SettingRules = {
  setting: 'wireguard',
  verify(ctx) {
    const S = 'wireguard';
    if (ctx.raw('connection', 'interface-name') === undefined) ctx.error('connection', 'interface-name', 'property is missing (a WireGuard profile needs an interface name)');
    const flags = ctx.num(S, 'private-key-flags') ?? 0;
    if (flags & NOT_REQUIRED) ctx.error(S, 'private-key-flags', `${flags}: the not-required flag (4) is not allowed for the private key`, flags);
    const key = ctx.raw(S, 'private-key') as string | undefined;
    // The key itself stays out of the message: it is a secret.
    if (key !== undefined && !isWireguardKey(key)) ctx.error(S, 'private-key', 'key must be 32 bytes base64 encoded');
    const seen = new Set<string>();
    ctx.list(S, 'peers').forEach((text, i) => {
      const p = parseWireguardPeer(text);
      const shown = describeValue(text.split(' ')[0]);
      if (!p.ok) return ctx.error(S, 'peers', `[${i}] ${shown}: ${p.reason.replace(/'[A-Za-z0-9+/]{43}='/g, '(key)')}`);
      if (p.value.presharedKeyFlags & ~SECRET_FLAGS_MASK) ctx.error(S, 'peers', `[${i}] ${shown}: invalid preshared-key-flags for peer`);
      if (seen.has(p.value.publicKey)) ctx.report('normalizable', S, 'peers', `[${i}] ${shown}: a later peer with the same public key replaces an earlier one`);
      seen.add(p.value.publicKey);
    });
    const m4 = ctx.raw('ipv4', 'method') as string | undefined;
    if (m4 !== undefined && !IPV4_METHODS.includes(m4)) ctx.error('ipv4', 'method', `method "${m4}" is not supported for WireGuard`, m4);
    const m6 = ctx.raw('ipv6', 'method') as string | undefined;
    if (m6 !== undefined && !IPV6_METHODS.includes(m6)) ctx.error('ipv6', 'method', `method "${m6}" is not supported for WireGuard`, m6);
  },
};
