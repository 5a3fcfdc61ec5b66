/**
 * Route attributes in routeN_options ("table=200,onlink=true"): which exist,
 * their types and families come from the model's ROUTE_ATTRIBUTES
 * (NetworkManager 1.42's ip_route_attribute_spec). The text format is
 * nm_utils_parse_variant_attributes with ',' between attributes and '='
 * between name and value; a backslash escapes either. Written sorted by name, as
 * NetworkManager does.
 */
import { ROUTE_ATTRIBUTES, ROUTE_TYPES, type IpAttributeDefinition } from '../../sdk/index.js';
import { canonicalAddress, type Family } from './ip-text.js';
import type { ReadContext } from './read-context.js';
import { parseCInteger } from './scalars.js';

/**
 * String attributes hold more than free text (NetworkManager's type_detail):
 * an address (src), an address with optional prefix (from), a route type.
 */
const STRING_FORMS: Readonly<Record<string, 'address' | 'prefix' | 'route-type'>> = { src: 'address', from: 'prefix', type: 'route-type' };

function knows(row: IpAttributeDefinition, family: Family): boolean {
  return family === 4 ? row.v4 : row.v6;
}

/** Splits at unescaped `sep`, keeping escapes for the next step. */
function splitEscaped(text: string, sep: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) {
      current += c + text[i + 1];
      i++;
    } else if (c === sep) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
}

function unescapeAttribute(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

function escapeAttribute(text: string): string {
  return text.replace(/[\\,=]/g, (c) => `\\${c}`);
}

function parseValue(name: string, row: IpAttributeDefinition, raw: string, family: Family): string | number | boolean | undefined {
  switch (row.signature) {
    case 'u':
    case 'y': {
      if (!/^\s*[0-9]+\s*$/.test(raw)) return undefined;
      const v = parseCInteger(raw);
      const max = row.signature === 'y' ? 255n : 0xffffffffn;
      return v !== undefined && v >= 0n && v <= max ? Number(v) : undefined;
    }
    case 'b': {
      const t = raw.trim().toLowerCase();
      if (['true', 'yes', 'on', '1'].includes(t)) return true;
      if (['false', 'no', 'off', '0'].includes(t)) return false;
      return undefined;
    }
    case 's':
      switch (STRING_FORMS[name]) {
        case 'address':
          return canonicalAddress(raw, family);
        case 'prefix': {
          const [addr, plen, ...rest] = raw.split('/');
          const a = canonicalAddress(addr ?? '', family);
          if (a === undefined || rest.length > 0) return undefined;
          if (plen === undefined) return a;
          const n = Number(plen);
          return /^[0-9]+$/.test(plen) && n <= (family === 4 ? 32 : 128) ? `${a}/${n}` : undefined;
        }
        case 'route-type':
          return (ROUTE_TYPES as readonly string[]).includes(raw) ? raw : undefined;
        default:
          return raw;
      }
  }
}

/** routeN_options text → attributes; an unknown attribute or bad value is an error. */
export function parseRouteAttributes(ctx: ReadContext, group: string, key: string, text: string, family: Family): Record<string, string | number | boolean> {
  const attributes: Record<string, string | number | boolean> = {};
  for (const item of splitEscaped(text, ',')) {
    if (item === '') continue;
    const [rawName, ...rawValue] = splitEscaped(item, '=');
    const name = unescapeAttribute(rawName ?? '');
    const row = ROUTE_ATTRIBUTES[name];
    if (!row) throw ctx.error(group, key, `unknown route attribute '${name}' (known: ${Object.keys(ROUTE_ATTRIBUTES).join(', ')})`);
    if (!knows(row, family)) throw ctx.error(group, key, `route attribute '${name}' is not valid for IPv${family}`);
    if (rawValue.length === 0) throw ctx.error(group, key, `route attribute '${name}' has no value (write ${name}=VALUE)`);
    const raw = unescapeAttribute(rawValue.join('='));
    const value = parseValue(name, row, raw, family);
    if (value === undefined) throw ctx.error(group, key, `invalid value '${raw}' for route attribute '${name}'`);
    attributes[name] = value;
  }
  return attributes;
}

/** Attributes → "a=1,b=true", sorted by name; attributes nmk does not know are left out. */
export function formatRouteAttributes(attributes: Readonly<Record<string, string | number | boolean>>): string {
  return Object.keys(attributes)
    .filter((name) => ROUTE_ATTRIBUTES[name] !== undefined)
    .sort()
    .map((name) => {
      const v = attributes[name]!;
      return `${escapeAttribute(name)}=${escapeAttribute(typeof v === 'boolean' ? (v ? 'true' : 'false') : String(v))}`;
    })
    .join(',');
}
