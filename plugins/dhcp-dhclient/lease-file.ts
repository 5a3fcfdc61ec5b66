/**
 * A first look at dhclient's lease database before dhclient reads it.
 * dhclient meets a corrupt file with "Corrupt lease file - possible data
 * loss!" (silenced by -q) and truncates it; nmk says so naming the file and
 * keeps the old bytes beside it, so nothing is lost without a word.
 */
import fs from 'node:fs';

/** Why the file is no dhclient lease database (dhclient writes ASCII statements and `{ }` blocks); undefined when it looks usable or is absent. */
export function leaseFileProblem(text: Buffer): string | undefined {
  if (text.includes(0)) return 'it holds NUL bytes';
  if (text.some((b) => b > 0x7e || (b < 0x20 && b !== 0x0a && b !== 0x09 && b !== 0x0d))) return 'it holds bytes dhclient never writes (not ASCII text)';
  let depth = 0;
  for (const line of text.toString('latin1').split('\n')) {
    // Quoted strings and comments may hold braces.
    const code = line.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/#.*/, '');
    for (const c of code) {
      if (c === '{') depth++;
      else if (c === '}' && --depth < 0) return 'a "}" closes no block';
    }
  }
  return depth === 0 ? undefined : 'a block is not closed';
}

/**
 * Moves a corrupt lease file aside (to FILE.corrupt) and returns the warning
 * to log; undefined when the file is absent or looks usable.
 */
export function setAsideCorruptLeaseFile(file: string): string | undefined {
  let text: Buffer;
  try {
    text = fs.readFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return `cannot read the dhclient lease file ${file}: ${(e as Error).message}`;
  }
  const problem = leaseFileProblem(text);
  if (problem === undefined) return undefined;
  const aside = `${file}.corrupt`;
  try {
    fs.renameSync(file, aside);
  } catch (e) {
    return `dhclient lease file ${file} is corrupt (${problem}) and could not be moved aside: ${(e as Error).message}; dhclient will discard it`;
  }
  return `dhclient lease file ${file} is corrupt (${problem}); moved to ${aside}, dhclient starts without a stored lease`;
}
