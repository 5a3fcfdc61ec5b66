/**
 * The part of wordexp(3) that ifupdown's `source` and `source-directory`
 * lines use: shell wildcards (* ? [...]) in any path component, matched
 * against the files below the state root, results sorted bytewise like
 * glob(3) in the C locale. A pattern that matches nothing stays as written
 * (so a missing file is then skipped, as ifupdown does). Variables, command
 * substitution and ~ are refused: nmk does not run a shell to read a config.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';

const WILDCARD = /[*?[]/;

/** Why a pattern cannot be expanded, or undefined when it can. */
export function unsupportedExpansion(pattern: string): string | undefined {
  if (/[$`]/.test(pattern)) return 'variables and command substitution are not supported in source paths';
  if (pattern.startsWith('~')) return '~ is not supported in source paths';
  return undefined;
}

/** A glob component as a regular expression, or undefined when it has no wildcard. */
export function componentRegExp(component: string): RegExp | undefined {
  if (!WILDCARD.test(component)) return undefined;
  let re = '';
  for (let i = 0; i < component.length; i++) {
    const c = component[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '\\' && i + 1 < component.length) re += escapeRegExp(component[++i]!);
    else if (c === '[') {
      const close = bracketEnd(component, i);
      if (close < 0) {
        re += '\\[';
        continue;
      }
      let body = component.slice(i + 1, close);
      let negate = false;
      if (body.startsWith('!') || body.startsWith('^')) {
        negate = true;
        body = body.slice(1);
      }
      re += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, (m) => `\\${m}`)}]`;
      i = close;
    } else re += escapeRegExp(c);
  }
  return new RegExp(`^${re}$`, 's');
}

/** Index of the ']' closing a bracket expression opened at `open`, or -1. */
function bracketEnd(s: string, open: number): number {
  let i = open + 1;
  if (s[i] === '!' || s[i] === '^') i++;
  if (s[i] === ']') i++; // a leading ']' is a member, not the end
  for (; i < s.length; i++) if (s[i] === ']') return i;
  return -1;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function bytewise(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/**
 * Expands an absolute path pattern (a path on the managed system) into the
 * existing paths it matches, reading directories through `under`.
 */
export async function expandPattern(pattern: string, under: (p: string) => string): Promise<string[]> {
  const parts = pattern.split('/').filter((p) => p !== '');
  let prefixes = ['/'];
  for (const part of parts) {
    const re = componentRegExp(part);
    if (!re) {
      prefixes = prefixes.map((p) => path.posix.join(p, part));
      continue;
    }
    const next: string[] = [];
    for (const prefix of prefixes) {
      const names = await fsp.readdir(under(prefix)).catch(() => [] as string[]);
      // As in the shell, a leading dot must be matched explicitly.
      for (const name of names.sort(bytewise)) if (re.test(name) && (!name.startsWith('.') || part.startsWith('.'))) next.push(path.posix.join(prefix, name));
    }
    prefixes = next;
    if (prefixes.length === 0) return [pattern];
  }
  // glob(3) sorts whole paths ("a-b/x" before "a/x"), not component by component.
  return prefixes.sort(bytewise);
}
