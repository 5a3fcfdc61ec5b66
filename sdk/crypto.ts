/**
 * node:crypto, loaded on first use. Importing it loads some twenty of node's
 * internal modules (about 2 MB resident), and an idle daemon needs none of
 * them until it hashes a stable id, makes a UUID or a random MAC. Everything
 * in nmk that needs crypto takes it from here.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';

type NodeCrypto = typeof import('node:crypto');

let loaded: NodeCrypto | undefined;
function nodeCrypto(): NodeCrypto {
  loaded ??= createRequire(import.meta.url)('node:crypto') as NodeCrypto;
  return loaded;
}

export function createHash(algorithm: string): import('node:crypto').Hash {
  return nodeCrypto().createHash(algorithm);
}

/**
 * Bytes from the kernel's random source (/dev/urandom, what getrandom()
 * reads), without loading node:crypto: the first start makes the host's
 * secret key this way (core/ip/host-identity.ts) and an idle daemon needs
 * nothing else from crypto. node:crypto's generator when /dev/urandom cannot
 * be read.
 */
export function randomBytes(size: number): Buffer {
  const out = Buffer.alloc(size);
  let fd: number | undefined;
  try {
    fd = fs.openSync('/dev/urandom', 'r');
    let got = 0;
    while (got < size) {
      const n = fs.readSync(fd, out, got, size - got, null);
      if (n <= 0) throw new Error('short read');
      got += n;
    }
    return out;
  } catch {
    return nodeCrypto().randomBytes(size);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export function randomUUID(): string {
  return nodeCrypto().randomUUID();
}
