/**
 * One interfaces(5) file as text that can be edited and written back: every
 * physical line is kept verbatim, grouped into logical lines (a trailing
 * backslash joins the next line, as ifupdown does) and stanzas. Nothing here
 * knows what an option means; errors are syntax only.
 *
 * Facts from ifupdown 0.8 (config.c) and interfaces(5):
 * - a line whose first word starts with '#' is a comment; end-of-line comments
 *   do not exist ("mtu 1500 # x" has the value "1500 # x");
 * - words are separated by spaces and tabs;
 * - iface and mapping open a stanza whose options follow on their own lines;
 *   every other keyword is a one-line stanza, and an option after it is
 *   "misplaced";
 * - an option with no value is refused ("option with empty value").
 */
import { NmkError } from '../../../sdk/index.js';

export const PLUGIN = 'ifupdown';

/** Keywords that start a stanza; "allow-*" is matched by prefix. */
const STANZA_KEYWORDS = new Set(['iface', 'mapping', 'auto', 'source', 'source-directory', 'source-dir', 'rename', 'no-auto-down', 'no-scripts']);
/** Stanzas that own the option lines below them. */
const BLOCK_KEYWORDS = new Set(['iface', 'mapping']);

export type LineKind = 'blank' | 'comment' | 'header' | 'option';

export interface EniLine {
  /** 1-based number of its first physical line. */
  line: number;
  /** The physical lines, each with its line break, exactly as read. */
  raw: string;
  /** The logical line split into words (continuations joined). */
  words: string[];
  kind: LineKind;
}

export interface Stanza {
  keyword: string;
  /** Words after the keyword. */
  args: string[];
  /** Index of the header in EniDocument.lines. */
  header: number;
  /** Index one past its last option line (header + 1 for one-line stanzas). */
  end: number;
  /** A syntax error that makes this stanza unusable (it stays in the text). */
  error?: NmkError;
}

export interface EniDocument {
  /** The file as read (below the state root). */
  file: string;
  /** The same file as a path on the managed system ("/etc/network/interfaces"). */
  logical: string;
  lines: EniLine[];
  stanzas: Stanza[];
  /** Errors not tied to a stanza (misplaced options). */
  errors: NmkError[];
}

export function isStanzaKeyword(word: string): boolean {
  return STANZA_KEYWORDS.has(word) || (word.startsWith('allow-') && word.length > 'allow-'.length);
}

export function syntaxError(file: string, line: number, key: string, reason: string): NmkError {
  return new NmkError('CONFIG_SYNTAX', reason, { plugin: PLUGIN, file, line, key });
}

export function valueError(file: string, line: number, key: string, reason: string): NmkError {
  return new NmkError('CONFIG_VALUE', reason, { plugin: PLUGIN, file, line, key });
}

/** Words of a logical line: ifupdown splits on blanks; a stray CR from a DOS file counts as one. */
export function splitWords(text: string): string[] {
  return text.split(/[ \t\r\f\v]+/).filter((w) => w !== '');
}

/** Splits text into logical lines, keeping each one's raw physical text. */
function logicalLines(text: string): Array<{ line: number; raw: string; joined: string }> {
  const out: Array<{ line: number; raw: string; joined: string }> = [];
  const physical = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  let start = 0;
  let raw = '';
  let joined = '';
  physical.forEach((p, i) => {
    if (raw === '') start = i + 1;
    raw += p;
    const body = p.endsWith('\n') ? p.slice(0, -1) : p;
    if (body.endsWith('\\') && i < physical.length - 1) {
      // ifupdown drops the backslash and appends the next line directly.
      joined += body.slice(0, -1);
      return;
    }
    joined += body.endsWith('\\') ? body.slice(0, -1) : body;
    out.push({ line: start, raw, joined });
    raw = '';
    joined = '';
  });
  return out;
}

/** Parses one file's text. Never throws: problems become errors on the stanza or the document. */
export function parseDocument(text: string, file: string, logical: string): EniDocument {
  const lines: EniLine[] = [];
  const stanzas: Stanza[] = [];
  const errors: NmkError[] = [];
  let open: Stanza | undefined;

  for (const { line, raw, joined } of logicalLines(text)) {
    const words = splitWords(joined);
    const index = lines.length;
    if (words.length === 0) {
      lines.push({ line, raw, words, kind: 'blank' });
      continue;
    }
    if (words[0]!.startsWith('#')) {
      lines.push({ line, raw, words, kind: 'comment' });
      // An indented comment right below a stanza's lines is part of it (nmk's own nmk-uuid lines are);
      // one at the start of a line may as well describe the next stanza, so it stays outside.
      if (open && open.end === index && /^[ \t]/.test(raw)) open.end = index + 1;
      continue;
    }
    if (isStanzaKeyword(words[0]!)) {
      lines.push({ line, raw, words, kind: 'header' });
      const stanza: Stanza = { keyword: words[0]!, args: words.slice(1), header: index, end: index + 1 };
      stanza.error = checkHeader(stanza, file, line);
      stanzas.push(stanza);
      open = BLOCK_KEYWORDS.has(stanza.keyword) ? stanza : undefined;
      continue;
    }
    lines.push({ line, raw, words, kind: 'option' });
    if (!open) {
      errors.push(syntaxError(file, line, words[0]!, 'misplaced option: it is not inside an iface or mapping stanza'));
      continue;
    }
    open.end = index + 1;
    if (words.length < 2 && !open.error) open.error = syntaxError(file, line, words[0]!, 'option with empty value');
  }
  return { file, logical, lines, stanzas, errors };
}

function checkHeader(stanza: Stanza, file: string, line: number): NmkError | undefined {
  const { keyword, args } = stanza;
  if (keyword === 'iface') {
    if (args.length < 3) return syntaxError(file, line, 'iface', 'iface line needs an interface name, an address family and a method');
    if (args.includes('inherits')) return syntaxError(file, line, 'inherits', "interface templates ('inherits') are not supported");
    return undefined;
  }
  if (args.length === 0) return syntaxError(file, line, keyword, `'${keyword}' keyword is missing a parameter`);
  return undefined;
}

/** The document's text with every line as it is now. */
export function renderDocument(doc: Pick<EniDocument, 'lines'>): string {
  return doc.lines.map((l) => l.raw).join('');
}
