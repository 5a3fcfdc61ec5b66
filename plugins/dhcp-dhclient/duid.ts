/**
 * dhclient -6 reads its DUID from the `default-duid "...";` line of its lease
 * file. Like NetworkManager (nm_dhcp_dhclient_save_duid), nmk puts the DUID
 * core chose on top of the file, escaped as dhclient writes it, and keeps the
 * rest of the file.
 */
import fs from 'node:fs';

const PREFIX = 'default-duid "';

/** dhclient's quoting: unprintable bytes as \ooo, shell-special characters backslashed. */
export function escapeDuid(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    if (b < 0x20 || b > 0x7e) out += `\\${b.toString(8).padStart(3, '0')}`;
    else if ('"\'$`\\|&'.includes(c)) out += `\\${c}`;
    else out += c;
  }
  return out;
}

export function duidBytes(hex: string): Buffer {
  const parts = hex.split(':');
  if (parts.length < 2 || parts.some((p) => !/^[0-9a-fA-F]{1,2}$/.test(p))) throw new Error(`DUID ${JSON.stringify(hex)} is not hex bytes separated by ':'`);
  return Buffer.from(parts.map((p) => parseInt(p, 16)));
}

/** The lease file's text with `duidHex` as its default DUID. */
export function withDuid(text: string, duidHex: string): string {
  const kept = text === '' ? [] : text.split('\n').filter((l) => !l.trimStart().startsWith(PREFIX));
  return [`${PREFIX}${escapeDuid(duidBytes(duidHex))}";`, ...kept].join('\n') + (kept.length === 0 ? '\n' : '');
}

export function saveDuid(leaseFile: string, duidHex: string): void {
  let text = '';
  try {
    text = fs.readFileSync(leaseFile, 'latin1');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read the dhclient lease file ${leaseFile}: ${(e as Error).message}`);
  }
  const next = withDuid(text, duidHex);
  if (next !== text) fs.writeFileSync(leaseFile, next, { encoding: 'latin1', mode: 0o600 });
}
