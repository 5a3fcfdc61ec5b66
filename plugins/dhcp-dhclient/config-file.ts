/**
 * The dhclient.conf nmk writes per link, as NetworkManager 1.42 writes it
 * (nm-dhcp-dhclient-utils.c, nm_dhcp_dhclient_create_config): the
 * distribution's dhclient.conf merged in (minus what nmk passes itself: the
 * script, timeouts, and the client id and hostname when the profile has
 * them), then the profile's client id, hostname or FQDN, reject list, option
 * definitions and the options NetworkManager asks for on top of dhclient's.
 */
import type { Family } from '../../sdk/index.js';

export interface DhclientConfigInput {
  family: Family;
  ifname: string;
  /** Client identifier bytes as hex ("01:aa:bb:..."), IPv4 only. */
  clientId?: string;
  hostname?: string;
  /** Sent as the FQDN option instead of the host name. */
  fqdn?: string;
  vendorClass?: string;
  /** Seconds; 0 is forever. */
  timeout: number;
  /** IPv4 only: addresses or address/prefix whose offers dhclient ignores. */
  rejectServers: readonly string[];
  /** A distribution's dhclient.conf to merge in, as NetworkManager does. */
  base?: { path: string; text: string };
}

/** Options NetworkManager asks for beyond dhclient's default request list, per family. */
const ALSO_REQUEST: Record<Family, readonly string[]> = {
  4: ['rfc3442-classless-static-routes', 'ms-classless-static-routes', 'static-routes', 'wpad', 'ntp-servers', 'root-path'],
  6: ['dhcp6.name-servers', 'dhcp6.domain-search', 'dhcp6.client-id'],
};

/** dhclient knows these options only by number: name them so it can ask for them and report them. */
const IPV4_OPTION_DEFINITIONS = [
  'option rfc3442-classless-static-routes code 121 = array of unsigned integer 8;',
  'option ms-classless-static-routes code 249 = array of unsigned integer 8;',
  'option wpad code 252 = string;',
];

/**
 * FQDN option flags NetworkManager sends by default (ipv4/ipv6.dhcp-hostname-flags
 * unset): IPv4 "encoded" and "server-update", IPv6 "server-update".
 */
const FQDN_FLAGS: Record<Family, { encoded: boolean; serverUpdate: boolean; noClientUpdate: boolean }> = {
  4: { encoded: true, serverUpdate: true, noClientUpdate: false },
  6: { encoded: false, serverUpdate: true, noClientUpdate: false },
};

const MARK = '# added by nmk';

/** A dhclient.conf string literal: backslash and quote escaped, anything unprintable as octal. */
export function dhclientString(s: string): string {
  let out = '"';
  for (const byte of Buffer.from(s, 'utf8')) {
    if (byte === 0x22 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else if (byte < 0x20 || byte > 0x7e) out += `\\${byte.toString(8).padStart(3, '0')}`;
    else out += String.fromCharCode(byte);
  }
  return `${out}"`;
}

function hexBytes(hex: string): Buffer {
  const parts = hex.split(':');
  if (parts.some((p) => !/^[0-9a-fA-F]{1,2}$/.test(p))) throw new Error(`client id ${JSON.stringify(hex)} is not hex bytes separated by ':'`);
  return Buffer.from(parts.map((p) => parseInt(p, 16)));
}

/**
 * `send dhcp-client-identifier`: a type-0 identifier whose rest is printable
 * goes as a string (as NetworkManager writes it), anything else as hex bytes.
 */
function clientIdValue(hex: string): string {
  const bytes = hexBytes(hex);
  const rest = bytes.subarray(1);
  const printable = bytes[0] === 0 && rest.length > 0 && [...rest].every((b) => b >= 0x20 && b <= 0x7e && b !== 0x5c && b !== 0x22);
  if (printable) return `"\\x00${rest.toString('latin1')}"`;
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** What survives of the base file, and the request list it sets. */
interface Merged {
  lines: string[];
  requests: string[];
  /** The base file had a `request` statement: dhclient's defaults are replaced. */
  resetRequests: boolean;
  /** `send fqdn.*` lines (without the prefix), added after nmk's own. */
  fqdnOptions: string[];
}

/** Blocks that describe other leases or interfaces; only an `interface` block for this link is kept (unwrapped). */
const FOREIGN_BLOCKS = ['lease', 'alias', 'interface', 'pseudo'];

/**
 * Adds the option names of a `request`/`also request` line (or its
 * continuation) to `into`; true when the statement ended (';').
 */
function grabRequestOptions(into: string[], text: string): boolean {
  for (let word of text.split(/[\t ,]/)) {
    if (word === '') continue;
    if (word.startsWith(';')) return true;
    if (!/^[A-Za-z0-9]/.test(word)) continue;
    const end = word.endsWith(';');
    if (end) word = word.slice(0, -1);
    if (word && !into.includes(word)) into.push(word);
    if (end) return true;
  }
  return false;
}

/** The interface name of `interface "eth0" {` or `interface eth0 {`, or undefined. */
function blockInterface(line: string): string | undefined {
  const m = /^interface\s+(?:"([^"]+)"|([^\s{]+)\s*\{)/.exec(line);
  return m?.[1] ?? m?.[2];
}

function mergeBase(input: DhclientConfigInput, text: string): Merged {
  const merged: Merged = { lines: [], requests: [], resetRequests: false, fqdnOptions: [] };
  const hasName = input.hostname !== undefined || input.fqdn !== undefined;
  // One entry per open block: 'b' a skipped block, 'c' a kept one (a conditional).
  const stack: Array<'b' | 'c'> = [];
  let skipped = 0;
  let blockIface: string | undefined;
  let inRequest = false;
  let inAlsoRequest = false;
  for (const raw of text.split(/[\r\n]+/)) {
    let line = raw.trim();
    if (line === '') continue;
    if (!inRequest && line.includes('{')) {
      if (FOREIGN_BLOCKS.some((b) => line.startsWith(b))) {
        skipped++;
        stack.push('b');
        if (blockIface === undefined && line.startsWith('interface')) {
          blockIface = blockInterface(line);
          if (blockIface !== undefined) continue;
        }
      } else if (!line.includes('}')) {
        stack.push('c'); // "} else {" neither opens nor closes
      }
    } else if (!inRequest && line.includes('}') && stack.length > 0) {
      if (stack.pop() === 'b') {
        skipped--;
        blockIface = undefined;
        continue;
      }
    }
    if (skipped > 0 && blockIface === undefined) continue;
    if (blockIface !== undefined && blockIface !== input.ifname) continue;

    // nmk enforces the profile's timeout itself, and stops dhclient instead of letting it retry.
    if (line.startsWith('timeout ') || line.startsWith('retry ')) continue;
    if (line.startsWith('send dhcp-client-identifier') && input.clientId !== undefined) continue;
    if (line.startsWith('send vendor-class-identifier') && input.vendorClass !== undefined) continue;
    if (hasName && (line.startsWith('send host-name') || line.startsWith('send fqdn.fqdn'))) continue;
    if (line.startsWith('send fqdn.')) {
      merged.fqdnOptions.push(line.slice('send fqdn.'.length));
      continue;
    }
    if (line.startsWith('script ')) continue; // nmk passes its own helper
    if (line.startsWith('request ')) {
      inRequest = true;
      line = line.slice('request '.length);
      merged.requests.length = 0;
      merged.resetRequests = true;
    }
    if (inRequest) {
      inRequest = !grabRequestOptions(merged.requests, line);
      continue;
    }
    if (line.startsWith('also request ')) {
      inAlsoRequest = true;
      line = line.slice('also request '.length);
    }
    if (inAlsoRequest) {
      inAlsoRequest = !grabRequestOptions(merged.requests, line);
      continue;
    }
    merged.lines.push(line);
  }
  return merged;
}

function ipv4Lines(input: DhclientConfigInput): string[] {
  const lines: string[] = [];
  if (input.clientId !== undefined) lines.push(`send dhcp-client-identifier ${clientIdValue(input.clientId)}; ${MARK}`);
  if (input.fqdn !== undefined) {
    const f = FQDN_FLAGS[4];
    const onOff = (b: boolean) => (b ? 'on' : 'off');
    lines.push(`send fqdn.fqdn ${dhclientString(input.fqdn)}; ${MARK}`);
    lines.push(`send fqdn.encoded ${onOff(f.encoded)};`);
    lines.push(`send fqdn.server-update ${onOff(f.serverUpdate)};`);
    lines.push(`send fqdn.no-client-update ${onOff(f.noClientUpdate)};`);
  } else if (input.hostname !== undefined) {
    lines.push(`send host-name ${dhclientString(input.hostname)}; ${MARK}`);
  }
  // NetworkManager's dhclient plugin ignores ipv4.dhcp-vendor-class-identifier; nmk sends it.
  if (input.vendorClass !== undefined) lines.push(`send vendor-class-identifier ${dhclientString(input.vendorClass)}; ${MARK}`);
  lines.push('', ...IPV4_OPTION_DEFINITIONS, '');
  return lines;
}

function ipv6Lines(input: DhclientConfigInput): string[] {
  const name = input.fqdn ?? input.hostname;
  if (name === undefined) return [];
  const f = FQDN_FLAGS[6];
  const lines = [`send fqdn.fqdn ${dhclientString(name)}; ${MARK}`];
  if (f.serverUpdate) lines.push('send fqdn.server-update on;');
  if (f.noClientUpdate) lines.push('send fqdn.no-client-update on;');
  lines.push('');
  return lines;
}

/** The whole dhclient.conf for one link and family. */
export function dhclientConfig(input: DhclientConfigInput): string {
  const out: string[] = ['# Created by nmk'];
  const merged = input.base ? mergeBase(input, input.base.text) : { lines: [], requests: [], resetRequests: false, fqdnOptions: [] };
  if (input.base) out.push(`# Merged from ${input.base.path}`, '', ...merged.lines);
  else out.push('');

  // dhclient's own give-up time (60 s by default) must not come before the profile's.
  if (input.timeout >= 60) out.push(`timeout ${Math.min(input.timeout + 1, 0x7fffffff)};`);
  if (input.family === 4 && input.rejectServers.length > 0) out.push(`reject ${input.rejectServers.join(', ')};`);

  out.push(...(input.family === 4 ? ipv4Lines(input) : ipv6Lines(input)));
  const requests = [...merged.requests];
  for (const name of ALSO_REQUEST[input.family]) if (!requests.includes(name)) requests.push(name);
  if (merged.resetRequests) out.push('request; # override dhclient defaults');
  for (const name of requests) out.push(`also request ${name};`);
  if (merged.fqdnOptions.length > 0) {
    out.push('', `# FQDN options from ${input.base!.path}`);
    for (const o of merged.fqdnOptions) out.push(`send fqdn.${o}`);
  }
  out.push('');
  return `${out.join('\n')}\n`;
}
