/**
 * Value parsers for the option tables, on the settings model's own helpers
 * (so an address is canonical the way NetworkManager prints it). Each
 * returns the value in the model's representation or throws BadValue with
 * the reason; the caller turns that into an NmkError naming the file, the
 * line and the key.
 */
import { interfaceNameProblem, ipFamily, normalizeIp, normalizeMac } from '../../../sdk/index.js';

export class BadValue extends Error {}

export type Family = 4 | 6;

export function parseUint(text: string, min: number, max: number, what = 'value'): number {
  if (!/^[0-9]+$/.test(text)) throw new BadValue(`invalid ${what} '${text}': expected a whole number`);
  const n = Number(text);
  if (n < min || n > max) throw new BadValue(`invalid ${what} '${text}': expected ${min} to ${max}`);
  return n;
}

/** "52:54:00:AB:CD:EF", as the settings model holds MAC addresses. */
export function parseMac(text: string): string {
  const mac = normalizeMac(text, 6);
  if (!mac) throw new BadValue(`invalid MAC address '${text}'`);
  return mac;
}

/** A kernel interface name (dev_valid_name). */
export function parseIfname(text: string): string {
  const problem = interfaceNameProblem(text);
  if (problem) throw new BadValue(`invalid interface name '${text}': ${problem}`);
  return text;
}

/** An address of `family` in canonical text (inet_ntop's). */
export function parseIp(text: string, family: Family): string {
  const ip = normalizeIp(text, family);
  if (!ip) throw new BadValue(`invalid IPv${family} address '${text}'`);
  return ip;
}

export function familyOf(text: string): Family | undefined {
  return ipFamily(text);
}

export function parsePrefix(text: string, family: Family): number {
  return parseUint(text, 0, family === 4 ? 32 : 128, 'prefix length');
}

/** A dotted IPv4 netmask ("255.255.255.0") or a prefix length ("24"). */
export function parseNetmask(text: string, family: Family): number {
  if (family === 6 || /^[0-9]+$/.test(text)) return parsePrefix(text, family);
  const ip = normalizeIp(text, 4);
  if (!ip) throw new BadValue(`invalid netmask '${text}'`);
  const bits = ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const prefix = 32 - Math.log2(2 ** 32 - bits);
  if (!Number.isInteger(prefix)) throw new BadValue(`invalid netmask '${text}': the bits are not contiguous`);
  return prefix;
}

/** "ADDR/PREFIX" or "ADDR"; the prefix is undefined when absent. */
export function parseCidr(text: string, family: Family): { address: string; prefix?: number } {
  const slash = text.indexOf('/');
  if (slash < 0) return { address: parseIp(text, family) };
  return { address: parseIp(text.slice(0, slash), family), prefix: parsePrefix(text.slice(slash + 1), family) };
}

/** A DNS search domain: labels of letters, digits, '-' and '_' (a leading '~' is NetworkManager's routing-only mark). */
export function parseDomain(text: string): string {
  if (!/^~?([A-Za-z0-9_-]+\.)*[A-Za-z0-9_-]+\.?$/.test(text) && text !== '~' && text !== '~.') throw new BadValue(`invalid DNS domain '${text}'`);
  return text;
}
