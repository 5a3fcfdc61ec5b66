/**
 * What IPv4 and IPv6 share in an ifcfg file: one DNS1, DNS2... list holding
 * servers of both families (NetworkManager writes the IPv4 ones first), and
 * space-separated search domains.
 */
import type { FileWriter, KeyMatcher } from './file-writer.js';
import { parseIPv4, parseIPv6, splitList } from './scalars.js';
import type { Vars } from './vars.js';

export const DNS_KEYS: readonly KeyMatcher[] = [/^DNS[0-9]+$/];

/**
 * DNS1, DNS2... up to the first one missing, split by family. A server is an
 * address, optionally with "#name" (the DNS-over-TLS server name).
 */
export function readDnsServers(vars: Vars): { 4: string[]; 6: string[] } {
  const found: { 4: string[]; 6: string[] } = { 4: [], 6: [] };
  for (let i = 1; i < 10000; i++) {
    const key = `DNS${i}`;
    const server = vars.parsed(key, parseDnsServer, 'is not an IP address (optionally followed by #server-name)');
    if (server === undefined) break;
    const list = found[server.family];
    if (!list.includes(server.text)) list.push(server.text);
  }
  return found;
}

function parseDnsServer(text: string): { family: 4 | 6; text: string } | undefined {
  const hash = text.indexOf('#');
  const address = hash < 0 ? text : text.slice(0, hash);
  const name = hash < 0 ? '' : text.slice(hash);
  if (name === '#') return undefined;
  const v4 = parseIPv4(address);
  if (v4 !== undefined) return { family: 4, text: v4 + name };
  const v6 = parseIPv6(address);
  return v6 === undefined ? undefined : { family: 6, text: v6 + name };
}

export function readSearchDomains(vars: Vars, key: string): string[] | undefined {
  const v = vars.str(key);
  if (v === undefined) return undefined;
  const domains = [...new Set(splitList(v, ' '))];
  return domains.length ? domains : undefined;
}

/** DNS1.. for IPv4 servers, then IPv6 servers (NetworkManager's order), numbered without gaps. */
export function writeDnsServers(v4: readonly string[], v6: readonly string[], out: FileWriter): void {
  [...v4, ...v6].forEach((s, i) => out.set(`DNS${i + 1}`, s));
}

export function list(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
