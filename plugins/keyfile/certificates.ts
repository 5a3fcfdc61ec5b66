/**
 * 802.1X certificates and keys (ca-cert, client-cert, private-key and their
 * phase2- forms). The model holds NetworkManager's D-Bus bytes: a path as
 * "file://PATH\0", a PKCS#11 URI as "pkcs11:...\0", or the blob itself. In
 * a keyfile (cert_parser / cert_writer_default, nm-keyfile.c):
 *
 *   ca-cert=/etc/pki/ca.pem               an absolute path, written bare
 *   ca-cert=file:///odd/name              a path that would not read back bare
 *   ca-cert=pkcs11:token=...              a PKCS#11 URI
 *   ca-cert=data:;base64,MIIB...          a blob
 *   ca-cert=48;49;50;                     the old byte-list form (read only)
 *
 * A relative path is read relative to the keyfile's directory.
 */
import path from 'node:path';
import type { ReadContext } from './read-context.js';
import { readString } from './scalars.js';

const PATH_PREFIX = 'file://';
const PKCS11_PREFIX = 'pkcs11:';
const BLOB_PREFIX = 'data:;base64,';
const CERT_EXTENSIONS = ['.pem', '.cert', '.crt', '.cer', '.p12', '.der', '.key'];
/** NetworkManager writes paths up to this length bare. */
const MAX_BARE_PATH = 500;

function pathValue(p: string): Uint8Array {
  return new Uint8Array(Buffer.from(`${PATH_PREFIX}${p}\0`, 'utf8'));
}

export function readCertificate(ctx: ReadContext, group: string, key: string): Uint8Array {
  const text = readString(ctx, group, key);
  const dir = path.dirname(ctx.file);
  if (text.startsWith(PATH_PREFIX)) {
    const p = text.slice(PATH_PREFIX.length);
    if (p === '') throw ctx.error(group, key, 'empty certificate path');
    return pathValue(path.isAbsolute(p) ? p : path.join(dir, p));
  }
  if (text.startsWith(PKCS11_PREFIX)) return new Uint8Array(Buffer.from(`${text}\0`, 'utf8'));
  if (text.startsWith(BLOB_PREFIX)) {
    const data = text.slice(BLOB_PREFIX.length);
    if (data.length === 0 || data.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(data)) throw ctx.error(group, key, 'certificate blob is not valid base64');
    return new Uint8Array(Buffer.from(data, 'base64'));
  }
  if (/^(\s*[0-9]{1,3}\s*;)+\s*$/.test(text)) {
    const bytes = text.split(';').slice(0, -1).map((b) => Number(b.trim()));
    if (bytes.every((b) => b <= 255)) return new Uint8Array(bytes);
  }
  if (text.includes('/') || CERT_EXTENSIONS.some((ext) => text.toLowerCase().endsWith(ext))) {
    return pathValue(path.isAbsolute(text) ? text : path.join(dir, text));
  }
  throw ctx.error(group, key, `invalid certificate value '${text}' (expected a path, file://, pkcs11: or data:;base64,)`);
}

/** The keyfile text for a certificate value; undefined when the bytes are none of the three forms. */
export function writeCertificate(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return undefined;
  const asText = Buffer.from(bytes).toString('utf8');
  if (asText.startsWith(PATH_PREFIX) && asText.endsWith('\0')) {
    const p = asText.slice(PATH_PREFIX.length, -1);
    if (p.includes('\0')) return undefined;
    return path.isAbsolute(p) && Buffer.byteLength(p) <= MAX_BARE_PATH ? p : `${PATH_PREFIX}${p}`;
  }
  if (asText.startsWith(PKCS11_PREFIX) && asText.endsWith('\0')) return asText.slice(0, -1);
  return `${BLOB_PREFIX}${Buffer.from(bytes).toString('base64')}`;
}
