/**
 * SipHash-2-4 (Aumasson and Bernstein), which NetworkManager uses as
 * c_siphash_hash() for the IAID from an interface name and for systemd's
 * node-specific DHCPv4 client id. Inputs here are a few bytes, so BigInt's
 * speed does not matter and keeps the 64-bit arithmetic readable.
 */
const MASK = (1n << 64n) - 1n;

function rotl(x: bigint, b: bigint): bigint {
  return ((x << b) | (x >> (64n - b))) & MASK;
}

/** The 64-bit hash of `data` under a 16-byte key, as an unsigned BigInt (read little-endian, as the C code returns it). */
export function siphash24(key: Uint8Array, data: Uint8Array): bigint {
  if (key.length !== 16) throw new Error(`siphash24: the key must be 16 bytes, not ${key.length}`);
  const kv = new DataView(key.buffer, key.byteOffset, 16);
  const k0 = kv.getBigUint64(0, true);
  const k1 = kv.getBigUint64(8, true);
  let v0 = k0 ^ 0x736f6d6570736575n;
  let v1 = k1 ^ 0x646f72616e646f6dn;
  let v2 = k0 ^ 0x6c7967656e657261n;
  let v3 = k1 ^ 0x7465646279746573n;

  const round = () => {
    v0 = (v0 + v1) & MASK; v1 = rotl(v1, 13n); v1 ^= v0; v0 = rotl(v0, 32n);
    v2 = (v2 + v3) & MASK; v3 = rotl(v3, 16n); v3 ^= v2;
    v0 = (v0 + v3) & MASK; v3 = rotl(v3, 21n); v3 ^= v0;
    v2 = (v2 + v1) & MASK; v1 = rotl(v1, 17n); v1 ^= v2; v2 = rotl(v2, 32n);
  };
  const compress = (m: bigint) => {
    v3 ^= m;
    round();
    round();
    v0 ^= m;
  };

  const full = data.length - (data.length % 8);
  const dv = new DataView(data.buffer, data.byteOffset, data.length);
  for (let i = 0; i < full; i += 8) compress(dv.getBigUint64(i, true));
  // The last block: the remaining bytes, little-endian, with the length's low byte on top.
  let last = BigInt(data.length & 0xff) << 56n;
  for (let i = full; i < data.length; i++) last |= BigInt(data[i]!) << BigInt(8 * (i - full));
  compress(last);

  v2 ^= 0xffn;
  for (let i = 0; i < 4; i++) round();
  return (v0 ^ v1 ^ v2 ^ v3) & MASK;
}
