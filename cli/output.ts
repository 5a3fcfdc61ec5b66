/** Columns for people, or nmcli's terse ':'-separated form (-t), with -f to pick fields. */
export interface Output {
  terse: boolean;
  fields?: string[];
}

export function print(out: Output, columns: string[], rows: string[][], defaultFields: string[] = columns): void {
  const wanted = out.fields ?? defaultFields;
  const pick = wanted.map((f) => {
    const i = columns.indexOf(f.toUpperCase());
    if (i < 0) throw new Error(`invalid field '${f}'; allowed fields: ${columns.join(',')}`);
    return i;
  });
  if (out.terse) {
    for (const r of rows) console.log(pick.map((i) => (r[i] ?? '').replace(/:/g, '\\:')).join(':'));
    return;
  }
  const widths = pick.map((i) => Math.max(columns[i]!.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => pick.map((i, k) => (cells[i] ?? '').padEnd(widths[k]!)).join('  ').trimEnd();
  console.log(line(columns));
  for (const r of rows) console.log(line(r));
}
