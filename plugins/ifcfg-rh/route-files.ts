/**
 * route-NAME (IPv4) and route6-NAME (IPv6): static routes beside a profile.
 * route-NAME comes in two forms, told apart as NetworkManager does (any line
 * `ADDRESSn=` means the variable form):
 *   ADDRESS0=10.0.0.0  NETMASK0=255.0.0.0  GATEWAY0=1.2.3.4  METRIC0=10  OPTIONS0="table 5"
 *   10.0.0.0/8 via 1.2.3.4 metric 10 table 5        (one `ip route` per line)
 * route6-NAME has only the second form. nmk writes the variable form for IPv4
 * (unless the file already uses lines, as NetworkManager does) and lines for IPv6.
 * A line of the second form nmk cannot read is a warning (file, line) and is
 * skipped, as NetworkManager skips it rather than refuse the whole profile.
 */
import type { IpRoute, NmkError } from '../../sdk/index.js';
import { ifcfgError } from './errors.js';
import { FileWriter, type KeyMatcher } from './file-writer.js';
import { formatRouteLine, formatRouteOptions, parseRouteLine } from './route-line.js';
import { netmaskToPrefix, prefixToNetmask, UINT32_MAX } from './scalars.js';
import type { ByteString } from './shell-value.js';
import { ShvarFile } from './shvar-file.js';
import { Vars } from './vars.js';

/** A route file's content as read (a byte string), or absent. */
export interface RouteFileInput {
  file: string;
  text: ByteString;
}

const VARIABLE_FORM = /^[ \t\n\v\f\r]*ADDRESS[0-9]+=/m;

export function isVariableForm(text: ByteString): boolean {
  return VARIABLE_FORM.test(text);
}

/** The file's routes; `warnings` receives the lines skipped. */
export function readRouteFile(input: RouteFileInput | undefined, family: 4 | 6, warnings: NmkError[]): IpRoute[] {
  if (!input || input.text === '') return [];
  if (family === 4 && isVariableForm(input.text)) return readVariableForm(input);
  return readLineForm(input, family, warnings);
}

function readLineForm(input: RouteFileInput, family: 4 | 6, warnings: NmkError[]): IpRoute[] {
  const routes: IpRoute[] = [];
  input.text.split('\n').forEach((raw, index) => {
    if (/^[ \t\n]*(#|$)/.test(raw)) return;
    const line = Buffer.from(raw, 'latin1').toString('utf8');
    const r = parseRouteLine(line, family);
    if (!r.ok) warnings.push(ifcfgError('CONFIG_VALUE', `invalid route "${line.trim()}": ${r.reason}; ignored`, { file: input.file, line: index + 1 }));
    else addRoute(routes, r.route);
  });
  return routes;
}

function readVariableForm(input: RouteFileInput): IpRoute[] {
  const vars = new Vars(ShvarFile.parse(input.text, input.file));
  const routes: IpRoute[] = [];
  for (let i = 0; vars.has(`ADDRESS${i}`); i++) {
    const dest = vars.ipv4(`ADDRESS${i}`)!;
    const netmask = vars.ipv4(`NETMASK${i}`);
    if (netmask === undefined) throw vars.error(`ADDRESS${i}`, `NETMASK${i} is missing`);
    const prefix = netmaskToPrefix(netmask);
    if (prefixToNetmask(prefix) !== netmask) throw vars.error(`NETMASK${i}`, `'${netmask}' is not a contiguous netmask`);
    const route: IpRoute = { dest, prefix };
    const gateway = vars.ipv4(`GATEWAY${i}`);
    if (gateway !== undefined && gateway !== '0.0.0.0') route.nextHop = gateway;
    const metric = vars.int(`METRIC${i}`, 0, UINT32_MAX);
    if (metric !== undefined) route.metric = metric;
    const options = vars.str(`OPTIONS${i}`);
    let result: IpRoute = route;
    if (options !== undefined) {
      const r = parseRouteLine(options, 4, route);
      if (!r.ok) throw vars.error(`OPTIONS${i}`, r.reason);
      result = r.route;
    }
    addRoute(routes, result);
  }
  return routes;
}

/** Adds a route unless the same one is there (NetworkManager drops duplicates). */
function addRoute(routes: IpRoute[], route: IpRoute): void {
  const key = JSON.stringify(route);
  if (!routes.some((r) => JSON.stringify(r) === key)) routes.push(route);
}

/* ------------------------------------------------------------------------ */

/** Variables of the variable form, all managed by nmk. */
export const ROUTE_VARIABLE_KEYS: readonly KeyMatcher[] = [/^(ADDRESS|NETMASK|GATEWAY|METRIC|OPTIONS)[0-9]+$/];

/**
 * The new content of a route file, or undefined when there are no routes (the
 * file is then removed). `existing` is the current file, whose form (and, in
 * the variable form, whose comments and unknown variables) is kept.
 */
export function writeRouteFile(routes: readonly IpRoute[], family: 4 | 6, file: string, existing: RouteFileInput | undefined): Buffer | undefined {
  if (routes.length === 0) return undefined;
  const variableForm = family === 4 && (!existing || existing.text === '' || isVariableForm(existing.text));
  if (!variableForm) {
    return Buffer.from(routes.map((r) => `${formatRouteLine(r, family)}\n`).join(''), 'utf8');
  }
  const out = new FileWriter(existing ? ShvarFile.parse(existing.text, file) : ShvarFile.empty(file));
  routes.forEach((r, i) => {
    out.set(`ADDRESS${i}`, r.dest);
    out.set(`NETMASK${i}`, prefixToNetmask(r.prefix));
    out.set(`GATEWAY${i}`, r.nextHop);
    out.set(`METRIC${i}`, r.metric !== undefined && r.metric >= 0 ? String(r.metric) : undefined);
    out.set(`OPTIONS${i}`, formatRouteOptions(r.attributes, 4));
  });
  return out.finish(ROUTE_VARIABLE_KEYS).toBytes();
}

