/**
 * Rules of ip-tunnel, tun, macsec, vrf and loopback (NetworkManager 1.42's
 * verify of each).
 */
import { isValidInterfaceName } from '../ifname.js';
import { parseIp } from '../ip-address.js';
import { IP_TUNNEL_FLAGS_ALL, IP_TUNNEL_MODES as M, MACSEC_CAK_LENGTH, MACSEC_CKN_MAX_LENGTH, MACSEC_MODES, TUN_MODES } from '../tables/tunnels.js';
import { isAcceptedUuid } from '../uuid.js';
import type { SettingRules, VerifyContext } from './context.js';

/** The endpoint family of each tunnel mode. */
const MODE_FAMILY: Readonly<Record<number, 4 | 6>> = {
  [M.IPIP]: 4, [M.SIT]: 4, [M.ISATAP]: 4, [M.GRE]: 4, [M.VTI]: 4, [M.GRETAP]: 4,
  [M.IP6IP6]: 6, [M.IPIP6]: 6, [M.IP6GRE]: 6, [M.VTI6]: 6, [M.IP6GRETAP]: 6,
};
const KEYED_MODES: readonly number[] = [M.GRE, M.GRETAP, M.IP6GRE, M.IP6GRETAP, M.VTI, M.VTI6];
const LAYER2_MODES: readonly number[] = [M.GRETAP, M.IP6GRETAP];

function isUint32Text(text: string): boolean {
  return /^\s*\d+\s*$/.test(text) && Number(text) <= 0xffffffff;
}

function requireInterfaceName(ctx: VerifyContext, kind: string): void {
  if (ctx.raw('connection', 'interface-name') === undefined) ctx.error('connection', 'interface-name', `property is missing (a ${kind} needs an interface name)`);
}

export const ipTunnelRules: SettingRules = {
  setting: 'ip-tunnel',
  verify(ctx) {
    const S = 'ip-tunnel';
    const mode = ctx.num(S, 'mode') ?? 0;
    const family = MODE_FAMILY[mode];
    if (family === undefined) return ctx.error(S, 'mode', `'${mode}' is not a valid tunnel mode`, mode);
    const parent = ctx.raw(S, 'parent') as string | undefined;
    if (parent !== undefined && !isValidInterfaceName(parent) && !isAcceptedUuid(parent)) ctx.error(S, 'parent', `'${parent}' is neither an UUID nor an interface name`, parent);
    const local = ctx.raw(S, 'local') as string | undefined;
    if (local !== undefined && local !== '' && !parseIp(local, family)) ctx.error(S, 'local', `'${local}' is not a valid IPv${family} address`, local);
    const remote = ctx.raw(S, 'remote') as string | undefined;
    if (remote === undefined) ctx.error(S, 'remote', 'property is missing');
    else if (!parseIp(remote, family)) ctx.error(S, 'remote', `'${remote}' is not a valid IPv${family} address`, remote);
    for (const key of ['input-key', 'output-key']) {
      const text = ctx.raw(S, key) as string | undefined;
      if (!text) continue;
      if (!KEYED_MODES.includes(mode)) ctx.error(S, key, 'tunnel keys can only be specified for GRE and VTI tunnels', text);
      else if (!isUint32Text(text)) ctx.error(S, key, `'${text}' is not a valid tunnel key`, text);
    }
    const ttl = ctx.num(S, 'ttl') ?? 0;
    if (ctx.bool(S, 'path-mtu-discovery') === false && ttl !== 0) ctx.error(S, 'ttl', 'a fixed TTL is allowed only when path MTU discovery is enabled', ttl);
    let flags = ctx.num(S, 'flags') ?? 0;
    if (mode === M.IPIP6 || mode === M.IP6IP6) flags &= ~IP_TUNNEL_FLAGS_ALL;
    if (flags !== 0) ctx.error(S, 'flags', `some flags are invalid for the select mode: 0x${flags.toString(16)}`, ctx.num(S, 'flags'));
    const fwmark = ctx.num(S, 'fwmark') ?? 0;
    if (fwmark !== 0 && mode !== M.VTI && mode !== M.VTI6) ctx.error(S, 'fwmark', 'can be set only on VTI tunnels', fwmark);
    if (ctx.has('802-3-ethernet') && !LAYER2_MODES.includes(mode)) ctx.report('normalizable-error', S, 'mode', `wired setting not allowed for mode ${mode}`, mode);
  },
};

export const tunRules: SettingRules = {
  setting: 'tun',
  verify(ctx) {
    const mode = ctx.num('tun', 'mode');
    if (mode !== TUN_MODES.TUN && mode !== TUN_MODES.TAP) ctx.error('tun', 'mode', `'${mode}': invalid mode`, mode);
    for (const [key, what] of [['owner', 'user'], ['group', 'group']] as const) {
      const id = ctx.raw('tun', key) as string | undefined;
      if (id !== undefined && !(/^\s*\d+\s*$/.test(id) && Number(id) <= 0x7fffffff)) ctx.error('tun', key, `'${id}': invalid ${what} ID`, id);
    }
  },
};

/** mka-cak (32 hex digits) or mka-ckn (2-64 hex digits, even); undefined when valid. */
function macsecKeyProblem(key: string | undefined, cak: boolean): string | undefined {
  if (cak && key === undefined) return undefined;
  if (!key) return 'the key is empty';
  if (cak && key.length !== MACSEC_CAK_LENGTH) return `the key must be ${MACSEC_CAK_LENGTH} characters`;
  if (!cak && (key.length < 2 || key.length > MACSEC_CKN_MAX_LENGTH || key.length % 2 !== 0)) return 'the key must have an even number of characters between 2 and 64';
  if (!/^[0-9a-fA-F]+$/.test(key)) return 'the key contains non-hexadecimal characters';
  return undefined;
}

export const macsecRules: SettingRules = {
  setting: 'macsec',
  verify(ctx) {
    const S = 'macsec';
    const parent = ctx.raw(S, 'parent') as string | undefined;
    if (parent !== undefined) {
      if (isAcceptedUuid(parent)) {
        const master = ctx.raw('connection', 'slave-type') === 'macsec' ? (ctx.raw('connection', 'master') as string | undefined) : undefined;
        if (master !== undefined && master !== parent) ctx.error(S, 'parent', `'${parent}' value doesn't match 'master=${master}'`, parent);
      } else if (!isValidInterfaceName(parent)) ctx.error(S, 'parent', `'${parent}' is neither an UUID nor an interface name`, parent);
    } else if (ctx.raw('802-3-ethernet', 'mac-address') === undefined) {
      ctx.error(S, 'parent', "property is not specified and neither is '802-3-ethernet:mac-address'");
    }
    const mode = ctx.num(S, 'mode');
    if (mode === MACSEC_MODES.PSK) {
      const ckn = macsecKeyProblem(ctx.raw(S, 'mka-ckn') as string | undefined, false);
      if (ckn) ctx.error(S, 'mka-ckn', ckn, ctx.raw(S, 'mka-ckn'));
      // The CAK is a secret: absent is fine (an agent may own it), but a given one must read.
      const cak = macsecKeyProblem(ctx.raw(S, 'mka-cak') as string | undefined, true);
      if (cak) ctx.error(S, 'mka-cak', cak);
    } else if (mode === MACSEC_MODES.EAP) {
      if (!ctx.has('802-1x')) ctx.error(S, undefined, "EAP key management requires '802-1x' setting presence");
      const stray = ctx.raw(S, 'mka-cak') !== undefined ? 'mka-cak' : ctx.raw(S, 'mka-ckn') !== undefined ? 'mka-ckn' : undefined;
      if (stray) ctx.report('normalizable', S, stray, 'only valid for psk mode');
    } else ctx.error(S, 'mode', 'must be either psk (0) or eap (1)', mode);
  },
};

export const vrfRules: SettingRules = {
  setting: 'vrf',
  verify(ctx) {
    requireInterfaceName(ctx, 'VRF');
    if ((ctx.num('vrf', 'table') ?? 0) === 0) ctx.error('vrf', 'table', 'table cannot be zero', 0);
  },
};

export const loopbackRules: SettingRules = {
  setting: 'loopback',
  verify(ctx) {
    for (const family of ['ipv4', 'ipv6'] as const) {
      const method = ctx.raw(family, 'method') as string | undefined;
      if (method !== undefined && method !== 'auto' && method !== 'manual') ctx.error(family, 'method', `${family} method "${method}" is not supported for loopback`, method);
    }
    const ll = ctx.raw('ipv4', 'link-local') as number | undefined;
    // NMSettingIP4LinkLocal: 0 default, 1 auto, 2 disabled, 3 enabled.
    if (ll !== undefined && ![0, 1, 2].includes(ll)) ctx.error('ipv4', 'link-local', 'ipv4.link-local cannot be enabled for loopback', ll);
    const port = ctx.raw('connection', 'slave-type') !== undefined ? 'slave-type' : ctx.raw('connection', 'master') !== undefined ? 'master' : undefined;
    if (port) ctx.error('connection', port, 'a loopback profile cannot be a port', ctx.raw('connection', port));
  },
};
