/**
 * Reading /etc/network/interfaces with everything it sources, in the order
 * ifupdown reads it: a sourced file's stanzas take the place of the `source`
 * line. Facts from interfaces(5):
 * - `source PATH...` includes files; shell wildcards allowed;
 * - `source-directory DIR...` (ifupdown also accepts `source-dir`) includes
 *   the files in DIR whose names match ^[a-zA-Z0-9_-]+$;
 * - a relative path is relative to the directory of the file holding the line;
 * - a path that matches nothing is skipped silently.
 * An include loop (a file sourcing itself, directly or through a symbolic
 * link) is reported on the line that closes it and not followed; a link
 * loop (ELOOP) is reported too. Neither hangs.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { NmkError, readTextFile } from '../../../sdk/index.js';
import { type EniDocument, parseDocument, PLUGIN, type Stanza, syntaxError, valueError } from './document.js';
import { expandPattern, unsupportedExpansion } from './glob.js';

export const MAIN_FILE = '/etc/network/interfaces';
const SOURCE_DIRECTORY_NAME = /^[a-zA-Z0-9_-]+$/;

/** Ten thousand VLAN stanzas are well under a megabyte; a file over this is refused (runaway or hostile). */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

export interface PlacedStanza {
  doc: EniDocument;
  stanza: Stanza;
}

export interface EniTree {
  /** Every file read, main file first. */
  docs: EniDocument[];
  /** Stanzas other than source lines, in ifupdown's reading order. */
  stanzas: PlacedStanza[];
  errors: NmkError[];
}

/** Where an include comes from: the line that names it. */
interface Via {
  doc: EniDocument;
  line: number;
  key: string;
}

export async function loadTree(mainFile: string, under: (p: string) => string): Promise<EniTree> {
  const tree: EniTree = { docs: [], stanzas: [], errors: [] };
  const seen = new Set<string>();

  const fail = (via: Via | undefined, file: string, reason: string) => {
    tree.errors.push(via ? syntaxError(via.doc.file, via.line, via.key, reason) : new NmkError('CONFIG_SYNTAX', reason, { plugin: PLUGIN, file }));
  };

  async function visit(logical: string, via: Via | undefined, stack: string[], fromDirectory: boolean): Promise<void> {
    const file = under(logical);
    let real: string;
    try {
      real = await fsp.realpath(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && !fromDirectory) return; // ifupdown skips a missing sourced file
      fail(via, file, code === 'ELOOP' ? `symbolic link loop at ${file}` : `cannot read ${file}: ${(err as Error).message}`);
      return;
    }
    if (stack.includes(real)) {
      fail(via, file, `include loop: ${file} is already being read`);
      return;
    }
    if (seen.has(real)) {
      fail(via, file, `${file} is included more than once; read only the first time`);
      return;
    }
    const st = await fsp.stat(real).catch(() => undefined);
    if (fromDirectory && st && !st.isFile()) return; // directories and devices in interfaces.d are not config
    seen.add(real);
    const read = await readTextFile(file, { plugin: PLUGIN, maxBytes: MAX_FILE_BYTES });
    if ('missing' in read) return;
    if ('error' in read) {
      tree.errors.push(read.error);
      return;
    }
    const doc = parseDocument(read.text, file, logical);
    tree.docs.push(doc);
    tree.errors.push(...doc.errors);
    for (const stanza of doc.stanzas) {
      if (!['source', 'source-directory', 'source-dir'].includes(stanza.keyword) || stanza.error) {
        tree.stanzas.push({ doc, stanza });
        if (stanza.error && stanza.keyword !== 'iface') tree.errors.push(stanza.error);
        continue;
      }
      const here: Via = { doc, line: doc.lines[stanza.header]!.line, key: stanza.keyword };
      for (const arg of stanza.args) await include(here, arg, [...stack, real]);
    }
  }

  async function include(via: Via, arg: string, stack: string[]): Promise<void> {
    const unsupported = unsupportedExpansion(arg);
    if (unsupported) {
      tree.errors.push(valueError(via.doc.file, via.line, via.key, unsupported));
      return;
    }
    const pattern = path.posix.resolve(path.posix.dirname(via.doc.logical), arg);
    for (const match of await expandPattern(pattern, under)) {
      if (via.key === 'source') {
        await visit(match, via, stack, false);
        continue;
      }
      let names: string[];
      try {
        names = await fsp.readdir(under(match));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT') fail(via, under(match), code === 'ELOOP' ? `symbolic link loop at ${under(match)}` : `cannot read directory ${under(match)}: ${(err as Error).message}`);
        continue;
      }
      const wanted = names.filter((n) => SOURCE_DIRECTORY_NAME.test(n)).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      for (const name of wanted) await visit(path.posix.join(match, name), via, stack, true);
    }
  }

  await visit(mainFile, undefined, [], false);
  return tree;
}
