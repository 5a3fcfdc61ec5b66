/**
 * The command line's options, as nmcli spells them (-t, -f FIELDS, -w SECONDS,
 * -h; long forms with one dash or two), accepted before the object as in
 * nmcli and anywhere after it (`nmk connection up lan --wait 5`). `--` ends
 * the options, so a profile named "-x" can still be given.
 */
import { CliError, Exit } from './exit-codes.js';

export interface GlobalOptions {
  terse: boolean;
  fields?: string[];
  /** -w/--wait in seconds; undefined: each command's own default (nmcli's: 90 for up and connect, 10 for the others). */
  wait?: number;
  help: boolean;
}

export interface ParsedArgs {
  options: GlobalOptions;
  /** The object, the command and their arguments, options removed. */
  words: string[];
}

interface OptionRow {
  /** Names without dashes; "-x" and "--x" both match. */
  names: readonly string[];
  takesValue: boolean;
  apply(o: GlobalOptions, value: string): void;
}

/** nmcli's timeout: a whole number of seconds, 0 meaning "do not wait". */
function parseWait(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 2 ** 31 - 1) throw new CliError(Exit.USER_INPUT, `'${value}' is not a valid timeout.`);
  return Number(value);
}

const OPTIONS: readonly OptionRow[] = [
  { names: ['t', 'terse'], takesValue: false, apply: (o) => (o.terse = true) },
  { names: ['f', 'fields'], takesValue: true, apply: (o, v) => (o.fields = v.split(',').filter(Boolean)) },
  { names: ['w', 'wait'], takesValue: true, apply: (o, v) => (o.wait = parseWait(v)) },
  { names: ['h', 'help'], takesValue: false, apply: (o) => (o.help = true) },
];

/** Options of one command (`connection import --type T --temporary`): kept as words for that command to read. */
const COMMAND_OPTIONS = new Set(['--type', '--temporary']);

/** Throws CliError (exit 2) for an unknown option, a missing value or a bad timeout. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const options: GlobalOptions = { terse: false, help: false };
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      words.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-' || COMMAND_OPTIONS.has(a)) {
      words.push(a);
      continue;
    }
    const name = a.replace(/^--?/, '');
    const row = OPTIONS.find((r) => r.names.includes(name));
    if (!row) throw new CliError(Exit.USER_INPUT, `Option '${a}' is unknown, try 'nmk --help'.`);
    let value = '';
    if (row.takesValue) {
      if (i + 1 >= argv.length) throw new CliError(Exit.USER_INPUT, `missing argument for '${a}' option.`);
      value = argv[++i]!;
    }
    row.apply(options, value);
  }
  return { options, words };
}

/**
 * nmcli's booleans: true/yes/on and false/no/off (any unambiguous prefix,
 * any case), or 0 and 1. Throws CliError naming the property and the value.
 */
export function parseBool(what: string, value: string): boolean {
  const v = value.trim().toLowerCase();
  const hit = (words: string[]) => v !== '' && words.some((w) => w.startsWith(v));
  if (v === 'o') throw new CliError(Exit.USER_INPUT, `'${what}': 'o' is ambiguous (on, off).`);
  if (v === '1') return true;
  if (v === '0') return false;
  if (hit(['true', 'yes', 'on'])) return true;
  if (hit(['false', 'no', 'off'])) return false;
  throw new CliError(Exit.USER_INPUT, `'${what}': '${value}' is not valid; use [true, yes, on] or [false, no, off].`);
}

/** Does `word` name `command`? nmcli accepts any prefix ("c" for connection, "dis" for disconnect). */
export const matches = (word: string, command: string) => word.length > 0 && command.startsWith(word);
