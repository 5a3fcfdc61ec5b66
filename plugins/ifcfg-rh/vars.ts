/**
 * Typed reads of an ifcfg file's variables. An empty value counts as unset
 * (NetworkManager writes `KEY=` for a value it could not read); a value that
 * is set but cannot be read as asked throws CONFIG_VALUE naming the file,
 * the line and the key.
 */
import type { NmkError } from '../../sdk/index.js';
import { ifcfgError, printable } from './errors.js';
import { parseBool, parseInteger, parseIPv4, parseMac } from './scalars.js';
import type { ShvarFile } from './shvar-file.js';

export class Vars {
  constructor(readonly file: ShvarFile) {}

  get fileName(): string {
    return this.file.fileName;
  }

  /** The value when set and not empty (svGetValueStr). */
  str(key: string): string | undefined {
    const v = this.file.get(key);
    return v === undefined || v === '' ? undefined : v;
  }

  /** The value as written, "" included (svGetValue). */
  raw(key: string): string | undefined {
    return this.file.get(key);
  }

  has(key: string): boolean {
    return this.str(key) !== undefined;
  }

  bool(key: string): boolean | undefined {
    return this.parsed(key, parseBool, 'is not a boolean (yes/no)');
  }

  int(key: string, min: number, max: number, base: 10 | 0 = 10): number | undefined {
    return this.parsed(key, (v) => parseInteger(v, min, max, base), `is not an integer from ${min} to ${max}`);
  }

  ipv4(key: string): string | undefined {
    return this.parsed(key, parseIPv4, 'is not an IPv4 address');
  }

  mac(key: string, length: number): string | undefined {
    return this.parsed(key, (v) => parseMac(v, length), `is not a ${length}-byte hardware address`);
  }

  /** Reads with `parse`, failing with "'value' <what>" when it returns undefined. */
  parsed<T>(key: string, parse: (text: string) => T | undefined, what: string): T | undefined {
    const v = this.str(key);
    if (v === undefined) return undefined;
    const result = parse(v);
    if (result === undefined) throw this.error(key, `'${printable(v)}' ${what}`);
    return result;
  }

  /** CONFIG_VALUE at the key's line. */
  error(key: string, reason: string): NmkError {
    return ifcfgError('CONFIG_VALUE', reason, { file: this.fileName, line: this.file.lineOf(key), key });
  }

  /** CONFIG_VALUE for the file as a whole. */
  fileError(reason: string): NmkError {
    return ifcfgError('CONFIG_VALUE', reason, { file: this.fileName });
  }
}
