/**
 * The key-file writer, in g_key_file_to_data's format: each group's comments,
 * `[name]`, then each entry's comments and `key=value`, every line ended by
 * '\n'; the file's trailing comments last. Values are written raw: the
 * setters have already escaped and checked them.
 */
import type { KeyFileDocument } from './document.js';

export function serialize(doc: KeyFileDocument): string {
  const lines: string[] = [];
  // Plain loops, not push(...spread): a group may hold more comments than a call has arguments.
  const addAll = (more: readonly string[]): void => {
    for (const line of more) lines.push(line);
  };
  for (const group of doc.groups) {
    addAll(group.comments);
    lines.push(`[${group.name}]`);
    for (const entry of group.entries) {
      addAll(entry.comments);
      lines.push(`${entry.key}=${entry.value}`);
    }
  }
  addAll(doc.trailingComments);
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
