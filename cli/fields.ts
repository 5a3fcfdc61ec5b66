/**
 * nmcli's multi-line output (`device show`): one "NAME: value" row per
 * line, names like GENERAL.STATE or IP4.ADDRESS[2], the value at column 40;
 * an empty value is "--" for people and "" with -t, which also drops the
 * padding and escapes nothing. -f picks rows by group (IP4), by group and
 * field (IP4.ADDRESS), in any case; an index ([2]) never has to be given.
 */
import type { GlobalOptions } from './args.js';
import { CliError, Exit } from './exit-codes.js';

export type FieldRow = readonly [name: string, value: string];

/** nmcli puts values at column 40. */
const VALUE_COLUMN = 40;

/** "IP4.ADDRESS[2]" -> ["IP4", "ADDRESS"]; "CONFIG[1].SERVERS" -> ["CONFIG", "SERVERS"]. */
function nameParts(name: string): [group: string, field: string] {
  const [group = '', field = ''] = name.replace(/\[\d+\]/g, '').split('.');
  return [group, field];
}

/** The rows -f selects, in their own order; an unknown field is CliError (exit 2) listing the known groups. */
export function selectRows(rows: readonly FieldRow[], fields: readonly string[] | undefined, groups: readonly string[]): FieldRow[] {
  if (!fields || fields.length === 0 || fields.some((f) => f.toLowerCase() === 'all')) return [...rows];
  const wanted = fields.map((f) => f.toUpperCase());
  for (const w of wanted) {
    const [group] = w.split('.');
    if (!groups.includes(group!)) throw new CliError(Exit.USER_INPUT, `invalid field '${w}'; allowed fields: ${groups.join(',')}`);
  }
  return rows.filter(([name]) => {
    const [group, field] = nameParts(name);
    return wanted.includes(group) || wanted.includes(`${group}.${field}`);
  });
}

/** The lines of one block of rows. */
export function formatRows(rows: readonly FieldRow[], terse: boolean): string[] {
  return rows.map(([name, value]) => (terse ? `${name}:${value}` : `${`${name}:`.padEnd(VALUE_COLUMN - 1)} ${value || '--'}`));
}

/** Print blocks (one per device...) separated by an empty line, as nmcli does. */
export function printBlocks(out: Pick<GlobalOptions, 'terse' | 'fields'>, blocks: readonly FieldRow[][], groups: readonly string[]): void {
  const lines: string[] = [];
  blocks.forEach((rows, i) => {
    if (i > 0) lines.push('');
    lines.push(...formatRows(selectRows(rows, out.fields, groups), out.terse));
  });
  if (lines.length) console.log(lines.join('\n'));
}
