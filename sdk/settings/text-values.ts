/**
 * Parsers for option values written as text in distribution configuration
 * files (Debian's interfaces, Gentoo's conf.d/net), on the model's own
 * helpers so a value is canonical the way NetworkManager prints it. The
 * ifupdown and ifnet readers used the same set; it lives here once.
 *
 * Each returns the value in the model's representation or throws BadValue
 * with the reason; the caller turns that into an NmkError naming the file,
 * the line and the key.
 */
import { interfaceNameProblem } from './ifname.js';
import { normalizeIp, type IpFamily } from './ip-address.js';
import { normalizeMac } from './mac.js';

/** A value that cannot be read; the message is the reason, ready for an error naming the file and key. */
export class BadValue extends Error {
  override readonly name = 'BadValue';
}

/** Decimal digits only, in min..max; `what` names the value in the reason. */
export function parseUintValue(text: string, min: number, max: number, what = 'value'): number {
  if (!/^[0-9]+$/.test(text)) throw new BadValue(`invalid ${what} '${text}': expected a whole number`);
  const n = Number(text);
  if (n < min || n > max) throw new BadValue(`invalid ${what} '${text}': expected ${min} to ${max}`);
  return n;
}

/** A 6-byte MAC address as the model holds it ("52:54:00:AB:CD:EF"). */
export function parseMacValue(text: string): string {
  const mac = normalizeMac(text, 6);
  if (!mac) throw new BadValue(`invalid MAC address '${text}'`);
  return mac;
}

/** A kernel interface name (dev_valid_name). */
export function parseIfnameValue(text: string): string {
  const problem = interfaceNameProblem(text);
  if (problem) throw new BadValue(`invalid interface name '${text}': ${problem}`);
  return text;
}

/** An address of `family` in canonical text (inet_ntop's). */
export function parseIpValue(text: string, family: IpFamily): string {
  const ip = normalizeIp(text, family);
  if (!ip) throw new BadValue(`invalid IPv${family} address '${text}'`);
  return ip;
}

export function parsePrefixValue(text: string, family: IpFamily): number {
  return parseUintValue(text, 0, family === 4 ? 32 : 128, 'prefix length');
}

/** A dotted IPv4 netmask ("255.255.255.0") or a prefix length ("24"). */
export function parseNetmaskValue(text: string, family: IpFamily): number {
  if (family === 6 || /^[0-9]+$/.test(text)) return parsePrefixValue(text, family);
  const ip = normalizeIp(text, 4);
  if (!ip) throw new BadValue(`invalid netmask '${text}'`);
  const bits = ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const prefix = 32 - Math.log2(2 ** 32 - bits);
  if (!Number.isInteger(prefix)) throw new BadValue(`invalid netmask '${text}': the bits are not contiguous`);
  return prefix;
}

/** "ADDR/PREFIX" or "ADDR"; the prefix is undefined when absent. */
export function parseCidrValue(text: string, family: IpFamily): { address: string; prefix?: number } {
  const slash = text.indexOf('/');
  if (slash < 0) return { address: parseIpValue(text, family) };
  return { address: parseIpValue(text.slice(0, slash), family), prefix: parsePrefixValue(text.slice(slash + 1), family) };
}

/** A DNS search domain: labels of letters, digits, '-' and '_' (a leading '~' is NetworkManager's routing-only mark). */
export function parseDomainValue(text: string): string {
  if (!/^~?([A-Za-z0-9_-]+\.)*[A-Za-z0-9_-]+\.?$/.test(text) && text !== '~' && text !== '~.') throw new BadValue(`invalid DNS domain '${text}'`);
  return text;
}
