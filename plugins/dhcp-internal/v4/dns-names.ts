/**
 * Domain names in DHCP options: the RFC 1035 compressed list of option 119
 * (RFC 3397), the plain text of options 12 and 15, and the DNS wire format
 * the client writes into option 81 (RFC 4702).
 */

/**
 * Decode a search list. Pointers may only go backwards, into names already
 * read, so a loop cannot happen. Label bytes outside [A-Za-z0-9_-] are
 * escaped as NetworkManager prints them ("\." "\\" "\DDD"). A damaged name
 * ends the list; the names before it are kept and `error` says where.
 */
export function decodeSearchList(data: Uint8Array): { names: string[]; error?: string } {
  const names: string[] = [];
  let pos = 0;
  while (pos < data.length) {
    const r = readName(data, pos);
    if ('error' in r) return { names, error: `search domain #${names.length} is invalid: ${r.error}` };
    names.push(r.name);
    pos = r.next;
  }
  return { names };
}

function readName(data: Uint8Array, start: number): { name: string; next: number } | { error: string } {
  const labels: string[] = [];
  let pos = start;
  let next = -1; // where the caller continues: after the first pointer, or after the final zero label
  let limit = start; // a pointer must point before this
  for (;;) {
    if (pos >= data.length) return { error: 'name runs past the end of the option' };
    const c = data[pos]!;
    if (c === 0) {
      if (next < 0) next = pos + 1;
      break;
    }
    if ((c & 0xc0) === 0xc0) {
      if (pos + 1 >= data.length) return { error: 'truncated compression pointer' };
      const target = ((c & 0x3f) << 8) | data[pos + 1]!;
      if (target >= limit) return { error: `compression pointer to ${target} does not point backwards` };
      if (next < 0) next = pos + 2;
      limit = target;
      pos = target;
      continue;
    }
    if ((c & 0xc0) !== 0) return { error: `label length byte 0x${c.toString(16)} is reserved` };
    if (pos + 1 + c > data.length) return { error: 'label runs past the end of the option' };
    labels.push(printLabel(data.subarray(pos + 1, pos + 1 + c)));
    pos += 1 + c;
  }
  if (labels.length === 0) return { error: 'empty (root) name' };
  const name = labels.join('.');
  if (name.length > 253) return { error: 'name longer than 253 characters' };
  return { name, next };
}

function printLabel(bytes: Uint8Array): string {
  let s = '';
  for (const c of bytes) {
    const ch = String.fromCharCode(c);
    if (/[A-Za-z0-9_-]/.test(ch)) s += ch;
    else if (ch === '.' || ch === '\\') s += `\\${ch}`;
    else s += `\\${c.toString().padStart(3, '0')}`;
  }
  return s;
}

/**
 * A host or domain name from option 12 or 15: ASCII labels of 1–63 letters,
 * digits, '-' or '_', at most 253 characters, a trailing dot dropped; not the
 * root, not localhost. Undefined when the text is not such a name.
 */
export function validateDomain(text: string): string | undefined {
  const name = text.endsWith('.') ? text.slice(0, -1) : text;
  if (!name || name.length > 253) return undefined;
  const labels = name.split('.');
  if (labels.some((l) => l.length < 1 || l.length > 63 || !/^[A-Za-z0-9_-]+$/.test(l))) return undefined;
  const lower = name.toLowerCase();
  if (lower === 'localhost' || lower.endsWith('.localhost') || lower === 'localhost.localdomain') return undefined;
  return name;
}

/**
 * Text option data as NetworkManager accepts it: trailing NULs dropped, an
 * embedded NUL refused. Undefined when refused.
 */
export function optionText(data: Uint8Array): string | undefined {
  let n = data.length;
  while (n > 0 && data[n - 1] === 0) n--;
  const body = data.subarray(0, n);
  if (body.includes(0)) return undefined;
  return Buffer.from(body).toString('utf8');
}

/** A name in DNS wire format, root label included ("a.b" → 01 61 01 62 00); undefined when a label is empty or too long. */
export function encodeDnsName(name: string): Uint8Array | undefined {
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
  const out: number[] = [];
  for (const label of trimmed.split('.')) {
    const bytes = Buffer.from(label, 'utf8');
    if (bytes.length < 1 || bytes.length > 63) return undefined;
    out.push(bytes.length, ...bytes);
  }
  out.push(0);
  return out.length > 255 ? undefined : Uint8Array.from(out);
}

/**
 * Encode names as an option 119 value with RFC 1035 compression of common
 * suffixes (used by tests to play a server, and as the inverse of decodeSearchList).
 */
export function encodeSearchList(names: string[]): Uint8Array {
  const out: number[] = [];
  const seen = new Map<string, number>();
  for (const name of names) {
    const labels = name.split('.');
    for (let i = 0; i < labels.length; i++) {
      const suffix = labels.slice(i).join('.').toLowerCase();
      const at = seen.get(suffix);
      if (at !== undefined) {
        out.push(0xc0 | (at >> 8), at & 0xff);
        break;
      }
      if (out.length < 0x3fff) seen.set(suffix, out.length);
      const bytes = Buffer.from(labels[i]!, 'utf8');
      out.push(bytes.length, ...bytes);
      if (i === labels.length - 1) out.push(0);
    }
  }
  return Uint8Array.from(out);
}
