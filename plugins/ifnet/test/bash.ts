/**
 * What real bash makes of a file: each named variable as bash holds it
 * after `. FILE` in an empty environment (env -i), read through printf so
 * any byte survives. Tests compare nmk's reading with this.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type BashValue = { kind: 'unset' } | { kind: 'scalar'; text: string } | { kind: 'array'; items: string[] };

const DUMP = `
. "$1" >/dev/null 2>&1 || exit 3
shift
for n in "$@"; do
  if ! declare -p "$n" >/dev/null 2>&1; then printf 'U\\0%s\\0' "$n"; continue; fi
  if [[ "$(declare -p "$n")" =~ ^declare\\ -[a-zA-Z]*a ]]; then
    # printf with no arguments still prints its format once: only print elements there are.
    eval 'printf "A\\0%s\\0%s\\0" "$n" "\${#'"$n"'[@]}"; [ "\${#'"$n"'[@]}" = 0 ] || printf "%s\\0" "\${'"$n"'[@]}"'
  else
    printf 'S\\0%s\\0%s\\0' "$n" "\${!n}"
  fi
done
`;

export function bashAvailable(): boolean {
  try {
    execFileSync('bash', ['-c', 'exit 0']);
    return true;
  } catch {
    return false;
  }
}

/** The variables after sourcing `text`, or undefined when bash refuses the file. */
export function bashValues(text: string, names: string[]): Map<string, BashValue> | undefined {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nmk-bash-'));
  const file = path.join(dir, 'net');
  try {
    fs.writeFileSync(file, text);
    let out: Buffer;
    try {
      out = execFileSync('env', ['-i', 'bash', '-c', DUMP, 'bash', file, ...names], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      return undefined;
    }
    const parts = out.toString('utf8').split('\0');
    const values = new Map<string, BashValue>();
    for (let i = 0; i < parts.length - 1; ) {
      const tag = parts[i++];
      const name = parts[i++]!;
      if (tag === 'U') values.set(name, { kind: 'unset' });
      else if (tag === 'S') values.set(name, { kind: 'scalar', text: parts[i++]! });
      else {
        const count = Number(parts[i++]);
        values.set(name, { kind: 'array', items: parts.slice(i, i + count) });
        i += count;
      }
    }
    return values;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
