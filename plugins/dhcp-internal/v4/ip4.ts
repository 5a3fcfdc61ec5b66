/** Small IPv4 helpers for the DHCPv4 client: dotted quads ↔ bytes and integers, MAC text ↔ bytes. */

/** "a.b.c.d" → 4 bytes; undefined when it is not a dotted quad. */
export function ip4ToBytes(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

export function bytesToIp4(b: Uint8Array, offset = 0): string {
  return `${b[offset]}.${b[offset + 1]}.${b[offset + 2]}.${b[offset + 3]}`;
}

/** Unsigned 32-bit value of a dotted quad (0 for an invalid one). */
export function ip4ToInt(text: string): number {
  const b = ip4ToBytes(text);
  return b ? ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0 : 0;
}

export function intToIp4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** The prefix length of a netmask: its leading one bits (a non-contiguous mask counts up to its first zero). */
export function netmaskToPrefix(mask: number): number {
  let plen = 0;
  while (plen < 32 && (mask & (0x80000000 >>> plen)) !== 0) plen++;
  return plen;
}

export function prefixToNetmask(plen: number): number {
  return plen === 0 ? 0 : (0xffffffff << (32 - plen)) >>> 0;
}

/** The classful prefix of an address (A /8, B /16, C /24); 0 for class D and E, as NetworkManager's get_default_prefix0. */
export function classfulPrefix(addr: number): number {
  if ((addr & 0x80000000) === 0) return 8;
  if ((addr & 0xc0000000) >>> 0 === 0x80000000) return 16;
  if ((addr & 0xe0000000) >>> 0 === 0xc0000000) return 24;
  return 0;
}

/** "aa:bb:cc:dd:ee:ff" → bytes; undefined when malformed. */
export function macToBytes(text: string): Uint8Array | undefined {
  const parts = text.split(':');
  if (parts.length < 1 || parts.some((p) => !/^[0-9a-fA-F]{2}$/.test(p))) return undefined;
  return Uint8Array.from(parts.map((p) => parseInt(p, 16)));
}

export function bytesToHex(b: Uint8Array, sep = ':'): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(sep);
}

/** "01:aa:bb" → bytes; undefined when malformed (clientId of a DhcpRequest). */
export function hexToBytes(text: string): Uint8Array | undefined {
  return macToBytes(text);
}

/** Whether `addr` lies in `spec`: an address ("10.0.0.1") or a prefix ("10.0.0.0/8"). */
export function ip4Matches(addr: string, spec: string): boolean {
  const [base, len] = spec.split('/');
  const plen = len === undefined ? 32 : Number(len);
  if (!ip4ToBytes(base ?? '') || !Number.isInteger(plen) || plen < 0 || plen > 32) return false;
  const mask = prefixToNetmask(plen);
  return ((ip4ToInt(addr) & mask) >>> 0) === ((ip4ToInt(base!) & mask) >>> 0);
}
