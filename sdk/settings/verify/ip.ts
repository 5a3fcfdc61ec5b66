/**
 * Rules of "ipv4" and "ipv6" (NetworkManager's NMSettingIPConfig verify and
 * the per-family ones): addresses, routes, DNS, gateway, method rules and
 * the DHCP properties.
 */
import { describeValue } from '../issues.js';
import { interfaceNameProblem } from '../ifname.js';
import { formatIp, isUnspecifiedIp, maxPrefix, normalizeIp, parseIp, parseIpPrefix, type IpFamily } from '../ip-address.js';
import { parseRoutingRule } from '../records/routing-rules.js';
import { UINT32_MAX } from '../schema.js';
import { ADDRESS_ATTRIBUTES, DHCP_HOSTNAME_FLAGS, ROUTE_ATTRIBUTES, ROUTE_TYPES } from '../tables/ip.js';
import type { IpRoute } from '../types.js';
import type { SettingRules, VerifyContext } from './context.js';

/** A DNS server entry: an address of the family, optionally "#server-name" (DNS over TLS). */
export function parseDnsServer(text: string, family: IpFamily): { address: string; serverName?: string } | undefined {
  const hash = text.indexOf('#');
  const address = normalizeIp(hash < 0 ? text : text.slice(0, hash), family);
  if (!address) return undefined;
  if (hash < 0) return { address };
  const serverName = text.slice(hash + 1);
  return serverName ? { address, serverName } : undefined;
}

function verifyLabel(label: string): boolean {
  const colon = label.indexOf(':');
  return colon > 0 && interfaceNameProblem(label.slice(0, colon)) === undefined && /^[A-Za-z0-9_]*$/.test(label.slice(colon + 1));
}

function verifyAddresses(ctx: VerifyContext, S: string, family: IpFamily): void {
  ctx.addresses(S).forEach((a, i) => {
    const n = i + 1;
    if (!parseIp(a.address, family)) return ctx.error(S, 'address-data', `${n}. IP address ${describeValue(a.address)} is invalid`, a);
    if (a.prefix < 0 || a.prefix > maxPrefix(family)) return ctx.error(S, 'address-data', `${n}. IP address ${a.address} has invalid prefix ${a.prefix}`, a);
    for (const [name, value] of Object.entries(a.attributes ?? {})) {
      const def = ADDRESS_ATTRIBUTES[name];
      if (name === 'label') {
        if (typeof value !== 'string') ctx.error(S, 'address-data', `${n}. IP address has 'label' property with invalid type`, a);
        else if (!verifyLabel(value)) ctx.error(S, 'address-data', `${n}. IP address has invalid label '${value}'`, a);
      } else if (def && !(family === 4 ? def.v4 : def.v6)) {
        ctx.error(S, 'address-data', `${n}. IP address attribute '${name}' is not valid for IPv${family}`, a);
      }
    }
  });
}

/** Why a route attribute is invalid, or undefined. Unknown attributes are kept, as NetworkManager keeps them. */
function routeAttributeProblem(name: string, value: string | number | boolean, family: IpFamily): string | undefined {
  const def = ROUTE_ATTRIBUTES[name];
  if (!def) return undefined;
  if (!(family === 4 ? def.v4 : def.v6)) return `attribute '${name}' is not valid for IPv${family}`;
  const expected = def.signature === 's' ? 'string' : def.signature === 'b' ? 'boolean' : 'number';
  if (typeof value !== expected) return `attribute '${name}' must be a ${expected}, not ${describeValue(value)}`;
  if (typeof value === 'number' && (!Number.isInteger(value) || value < 0 || value > (def.signature === 'y' ? 255 : UINT32_MAX))) {
    return `attribute '${name}' value ${value} is out of range`;
  }
  if (name === 'src' && !parseIp(value as string, family)) return `attribute 'src' ${describeValue(value)} is not an IPv${family} address`;
  if (name === 'from' && !parseIpPrefix(value as string, 6)) return `attribute 'from' ${describeValue(value)} is not an IPv6 prefix`;
  if (name === 'type' && !(ROUTE_TYPES as readonly string[]).includes(value as string)) return `attribute 'type' ${describeValue(value)} is not one of ${ROUTE_TYPES.join(', ')}`;
  return undefined;
}

function verifyRoutes(ctx: VerifyContext, S: string, family: IpFamily): void {
  ctx.routes(S).forEach((r: IpRoute, i) => {
    const n = i + 1;
    if (!parseIp(r.dest, family)) return ctx.error(S, 'route-data', `${n}. route destination ${describeValue(r.dest)} is invalid`, r);
    if (r.prefix < 0 || r.prefix > maxPrefix(family)) return ctx.error(S, 'route-data', `${n}. route ${r.dest} has invalid prefix ${r.prefix}`, r);
    if (r.nextHop !== undefined && !parseIp(r.nextHop, family)) return ctx.error(S, 'route-data', `${n}. route next hop ${describeValue(r.nextHop)} is invalid`, r);
    if (r.metric !== undefined && (r.metric < -1 || r.metric > UINT32_MAX)) return ctx.error(S, 'route-data', `${n}. route metric ${r.metric} is out of range -1..${UINT32_MAX}`, r);
    for (const [name, value] of Object.entries(r.attributes ?? {})) {
      const problem = routeAttributeProblem(name, value, family);
      if (problem) return ctx.error(S, 'route-data', `${n}. route ${r.dest}/${r.prefix}: invalid attribute: ${problem}`, r);
    }
  });
}

/** _nm_utils_iaid_verify: a special word or a 32-bit number (decimal, 0x hex, or 4 hex bytes). */
function validIaid(text: string): boolean {
  if (['mac', 'perm-mac', 'ifname', 'stable'].includes(text)) return true;
  if (/^\d+$/.test(text)) return Number(text) <= UINT32_MAX;
  if (/^0x[0-9a-fA-F]{1,8}$/.test(text)) return true;
  return /^[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2}){3}$/.test(text);
}

function verifyHostnameFlags(ctx: VerifyContext, S: string, family: IpFamily): void {
  const flags = ctx.num(S, 'dhcp-hostname-flags') ?? 0;
  if (flags === 0) return;
  const F = DHCP_HOSTNAME_FLAGS;
  const reason =
    ctx.bool(S, 'dhcp-send-hostname') === false
      ? "the property cannot be set when 'dhcp-send-hostname' is disabled"
      : flags & ~0xf
        ? 'unknown flags'
        : flags & F.FQDN_CLEAR_FLAGS && flags !== F.FQDN_CLEAR_FLAGS
          ? "'fqdn-clear-flags' flag is incompatible with other FQDN flags"
          : flags & F.FQDN_NO_UPDATE && flags & F.FQDN_SERV_UPDATE
            ? "'fqdn-no-update' and 'fqdn-serv-update' flags cannot be set at the same time"
            : family === 6 && flags & F.FQDN_ENCODED
              ? "DHCPv6 does not support the 'fqdn-encoded' flag"
              : undefined;
  if (reason) ctx.error(S, 'dhcp-hostname-flags', `${flags}: ${reason}`, flags);
}

function verifyCommon(ctx: VerifyContext, S: string, family: IpFamily): string | undefined {
  const method = ctx.raw(S, 'method') as string | undefined;
  if (method === undefined) ctx.error(S, 'method', 'property is missing');
  if (ctx.raw(S, 'dhcp-hostname') === '') ctx.error(S, 'dhcp-hostname', 'property is empty', '');
  ctx.list(S, 'dns').forEach((d, i) => {
    if (!parseDnsServer(d, family)) ctx.error(S, 'dns', `${i + 1}. DNS server address ${describeValue(d)} is invalid`, d);
  });
  verifyAddresses(ctx, S, family);
  const gateway = ctx.raw(S, 'gateway') as string | undefined;
  if (gateway !== undefined && isNoGateway(gateway)) {
    ctx.report('normalizable', S, 'gateway', `${describeValue(gateway)} means no gateway`, gateway);
  } else if (gateway !== undefined) {
    if (ctx.addresses(S).length === 0) ctx.error(S, 'gateway', `${describeValue(gateway)}: gateway cannot be set if there are no addresses configured`, gateway);
    else if (!parseIp(gateway, family)) ctx.error(S, 'gateway', `${describeValue(gateway)}: gateway is invalid`, gateway);
  }
  verifyRoutes(ctx, S, family);
  ctx.list(S, 'routing-rules').forEach((text, i) => {
    const p = parseRoutingRule(text, family);
    if (!p.ok) ctx.error(S, 'routing-rules', `${i + 1}. rule ${describeValue(text)} is invalid: ${p.reason}`, text);
  });
  const iaid = ctx.raw(S, 'dhcp-iaid') as string | undefined;
  if (iaid !== undefined && !validIaid(iaid)) ctx.error(S, 'dhcp-iaid', `'${iaid}' is not a valid IAID`, iaid);
  verifyHostnameFlags(ctx, S, family);
  const reject = ctx.list(S, 'dhcp-reject-servers');
  if (reject.length && family === 6) ctx.error(S, 'dhcp-reject-servers', `${describeValue(reject)}: the property is currently supported only for DHCPv4`, reject);
  for (const r of family === 4 ? reject : []) {
    if (!parseIpPrefix(r, 4)) ctx.error(S, 'dhcp-reject-servers', `'${r}' is not a valid IP or subnet`, r);
  }
  if (gateway !== undefined && !isNoGateway(gateway) && ctx.bool(S, 'never-default')) {
    ctx.report('normalizable-error', S, 'gateway', `${describeValue(gateway)}: a gateway is incompatible with 'never-default'`, gateway);
  }
  return method;
}

/** Properties that only some methods allow: none of them may be set for `method`. */
function forbid(ctx: VerifyContext, S: string, method: string, properties: string[]): void {
  for (const p of properties) {
    const v = ctx.get(S, p);
    if (Array.isArray(v) && v.length > 0) ctx.error(S, p, `${describeValue(v)}: this property is not allowed for 'method=${method}'`, v);
  }
}

export const ipv4Rules: SettingRules = {
  setting: 'ipv4',
  verify(ctx) {
    const S = 'ipv4';
    const method = verifyCommon(ctx, S, 4);
    if (method === 'manual' && ctx.addresses(S).length === 0) {
      ctx.error(S, 'address-data', "this property cannot be empty for 'method=manual'");
    } else if (method === 'link-local' || method === 'disabled') {
      forbid(ctx, S, method, ['dns', 'dns-search', 'address-data']);
    } else if (method === 'shared') {
      forbid(ctx, S, method, ['dns', 'dns-search']);
    }
    const ll = ctx.num(S, 'link-local');
    if (ll === 3 && method === 'disabled') ctx.error(S, 'link-local', '3: cannot enable ipv4.link-local with ipv4.method=disabled', ll);
    if (ll === 2 && method === 'link-local') ctx.error(S, 'link-local', '2: cannot disable ipv4.link-local with ipv4.method=link-local', ll);
    if (ctx.raw(S, 'dhcp-client-id') === '') ctx.error(S, 'dhcp-client-id', 'property is empty', '');
    const fqdn = ctx.raw(S, 'dhcp-fqdn') as string | undefined;
    if (fqdn === '') ctx.error(S, 'dhcp-fqdn', 'property is empty', '');
    else if (fqdn !== undefined && !fqdn.includes('.')) ctx.error(S, 'dhcp-fqdn', `'${fqdn}' is not a valid FQDN`, fqdn);
    else if (fqdn !== undefined && ctx.raw(S, 'dhcp-hostname') !== undefined) ctx.error(S, 'dhcp-fqdn', `${describeValue(fqdn)}: property cannot be set when dhcp-hostname is also set`, fqdn);
    if ((ctx.num(S, 'dhcp-hostname-flags') ?? 0) & 0xf && fqdn === undefined) {
      ctx.error(S, 'dhcp-hostname-flags', `${ctx.num(S, 'dhcp-hostname-flags')}: FQDN flags requires a FQDN set`, ctx.num(S, 'dhcp-hostname-flags'));
    }
    if (method === 'shared' && ctx.addresses(S).length > 1) {
      ctx.report('normalizable-error', S, 'address-data', `${ctx.addresses(S).length} addresses: multiple addresses are not allowed for 'method=shared'`, ctx.addresses(S));
    }
    if (method === 'disabled' && ctx.bool(S, 'may-fail') === false) {
      ctx.report('normalizable', S, 'may-fail', 'false: property should be TRUE when method is set to disabled', false);
    }
  },
};

/** _nm_utils_inet6_is_token: an IPv6 address whose first 64 bits are zero and the rest are not. */
function isToken(bytes: Uint8Array): boolean {
  return bytes.slice(0, 8).every((b) => b === 0) && bytes.slice(8).some((b) => b !== 0);
}

/** _nm_utils_dhcp_duid_valid: a special word or hex bytes (the type and at least one byte of data). */
function validDuid(text: string): boolean {
  if (['lease', 'llt', 'll', 'stable-llt', 'stable-ll', 'stable-uuid'].includes(text)) return true;
  const bytes = text.split(':');
  return bytes.length >= 3 && bytes.length <= 130 && bytes.every((b) => /^[0-9a-fA-F]{1,2}$/.test(b));
}

export const ipv6Rules: SettingRules = {
  setting: 'ipv6',
  verify(ctx) {
    const S = 'ipv6';
    const method = verifyCommon(ctx, S, 6);
    if (method === 'manual' && ctx.addresses(S).length === 0) {
      ctx.error(S, 'address-data', "this property cannot be empty for 'method=manual'");
    } else if (method === 'ignore' || method === 'link-local' || method === 'disabled') {
      forbid(ctx, S, method, ['dns', 'dns-search', 'address-data']);
    }
    const token = ctx.raw(S, 'token') as string | undefined;
    if (token !== undefined) {
      if (ctx.num(S, 'addr-gen-mode') !== 0) {
        ctx.error(S, 'token', `${describeValue(token)}: only makes sense with EUI64 address generation mode`, token);
      } else {
        const parsed = parseIp(token, 6);
        if (!parsed || !isToken(parsed.bytes)) ctx.error(S, 'token', `${describeValue(token)}: value is not a valid token`, token);
        else if (formatIp(parsed.bytes) !== token) ctx.report('normalizable-error', S, 'token', `${describeValue(token)}: token is not in canonical form`, token);
      }
    }
    const duid = ctx.raw(S, 'dhcp-duid') as string | undefined;
    if (duid !== undefined && !validDuid(duid)) ctx.error(S, 'dhcp-duid', `${describeValue(duid)}: invalid DUID`, duid);
    if ((method === 'ignore' || method === 'disabled') && ctx.bool(S, 'may-fail') === false) {
      ctx.report('normalizable', S, 'may-fail', 'false: property should be TRUE when method is set to ignore or disabled', false);
    }
  },
};

/** Gateway "0.0.0.0"/"::" means no gateway (NetworkManager stores none). */
export function isNoGateway(text: string): boolean {
  return isUnspecifiedIp(text);
}
