/**
 * OpenVPN's configuration syntax, both ways: a line into words (as openvpn
 * reads its config: whitespace separates, "double" and 'single' quotes group,
 * a backslash escapes inside double quotes and outside quotes, `#` or `;`
 * starting a word starts a comment) and words into a line that reads back
 * the same. Pure.
 */

/** The words of one line; throws on an unterminated quote. */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) cur += line[++i];
      else cur += c;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
      continue;
    }
    if (!inWord && (c === '#' || c === ';')) break;
    inWord = true;
    if (c === '"' || c === "'") quote = c;
    else if (c === '\\' && i + 1 < line.length) cur += line[++i];
    else cur += c;
  }
  if (quote) throw new Error(`unterminated ${quote} quote`);
  if (inWord) words.push(cur);
  return words;
}

/** One config line from words, quoting those that need it. */
export function joinWords(words: readonly string[]): string {
  return words.map((w) => (w !== '' && /^[^\s"'\\#;]+$/.test(w) ? w : `"${w.replace(/[\\"]/g, (m) => `\\${m}`)}"`)).join(' ');
}
