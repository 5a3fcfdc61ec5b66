/**
 * One key holding a ','-separated list of records, ',' and '\\' escaped with
 * '\\' (NetworkManager's nm_utils_escaped_tokens_*): bridge and bridge-port
 * VLANs ("1 pvid untagged,10-20"), OVS port trunks.
 */
import { readString } from './scalars.js';
import type { SpecialRow } from './special-properties.js';

export const escapedCommaList: SpecialRow = {
  read(ctx, group, def, values) {
    if (!ctx.doc.hasKey(group, def.name)) return;
    const text = readString(ctx, group, def.name);
    const items: string[] = [];
    let current = '';
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (c === '\\' && i + 1 < text.length) current += text[++i];
      else if (c === ',') {
        items.push(current);
        current = '';
      } else current += c;
    }
    items.push(current);
    const list = items.map((v) => v.trim()).filter((v) => v !== '');
    if (list.length > 0) values[def.name] = list;
  },
  write(w, group, value, def) {
    const list = value as string[];
    if (list.length === 0) return;
    w.set(def.setting, def.name, () => w.doc.setString(group, def.name, list.map((v) => v.replace(/[\\,]/g, (c) => `\\${c}`)).join(',')));
  },
};
