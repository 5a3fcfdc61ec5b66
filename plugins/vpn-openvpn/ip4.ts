/**
 * Dotted IPv4 addresses and netmasks, shared by the importer (loaded with
 * the entry, for `nmk connection import`) and the --up environment reader
 * (loaded on the first connect): a module of its own, so the importer does
 * not pull the connect code in.
 */
const IP4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function isIp4(s: string | undefined): s is string {
  const m = s ? IP4.exec(s) : null;
  return !!m && m.slice(1).every((x) => Number(x) <= 255);
}

/** 255.255.255.0 -> 24; undefined when not a contiguous netmask. */
export function netmaskToPrefix(mask: string): number | undefined {
  if (!isIp4(mask)) return undefined;
  const n = mask.split('.').reduce((acc, x) => acc * 256 + Number(x), 0);
  const bits = n.toString(2).padStart(32, '0');
  return /^1*0*$/.test(bits) ? bits.indexOf('0') === -1 ? 32 : bits.indexOf('0') : undefined;
}
