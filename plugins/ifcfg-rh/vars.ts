/**
 * Typed reads of an ifcfg file's variables. An empty value counts as unset
 * (NetworkManager writes `KEY=` for a value it could not read); a value that
 * is set but cannot be read as asked throws CONFIG_VALUE naming the file,
 * the line and the key, except where NetworkManager only warns and goes on
 * with the default (booleans, bridge and bond options): there the problem is
 * a warning, with the same file, line and key, and the profile still loads.
 * Every variable asked about is recorded, so the reader can tell which ones
 * it never looked at.
 */
import type { NmkError } from '../../sdk/index.js';
import { ifcfgError, printable } from './errors.js';
import { parseBool, parseInteger, parseIPv4, parseMac } from './scalars.js';
import type { ShvarFile } from './shvar-file.js';

export class Vars {
  /** Variables the reader asked about, set or not. */
  readonly asked = new Set<string>();
  readonly #seen = new Set<string>();

  /** `warnings` may be shared by the Vars of several files of one profile. */
  constructor(
    readonly file: ShvarFile,
    readonly warnings: NmkError[] = [],
  ) {}

  get fileName(): string {
    return this.file.fileName;
  }

  /** The value when set and not empty (svGetValueStr). */
  str(key: string): string | undefined {
    this.asked.add(key);
    const v = this.file.get(key);
    return v === undefined || v === '' ? undefined : v;
  }

  /** The value as written, "" included (svGetValue). */
  raw(key: string): string | undefined {
    this.asked.add(key);
    return this.file.get(key);
  }

  has(key: string): boolean {
    return this.str(key) !== undefined;
  }

  /** As NetworkManager's svGetValueBoolean: a value that is not a boolean is a warning and reads as unset. */
  bool(key: string): boolean | undefined {
    return this.lenient(key, parseBool, 'is not a boolean (yes/no)');
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

  /** Reads with `parse`; a value it refuses is a warning ("'value' <what>; ignored") and reads as unset. */
  lenient<T>(key: string, parse: (text: string) => T | undefined, what: string): T | undefined {
    const v = this.str(key);
    if (v === undefined) return undefined;
    const result = parse(v);
    if (result === undefined) this.warn(key, `'${printable(v)}' ${what}; ignored`);
    return result;
  }

  /** A warning at the key's line (once per key and reason). */
  warn(key: string, reason: string): void {
    if (this.#seen.has(`${key}\0${reason}`)) return;
    this.#seen.add(`${key}\0${reason}`);
    this.warnings.push(ifcfgError('CONFIG_VALUE', reason, { file: this.fileName, line: this.file.lineOf(key), key }));
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
