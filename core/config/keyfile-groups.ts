/**
 * Config files are GLib key files: read them with the SDK's GKeyFile parser
 * and hand back unescaped values with their line numbers. A syntax error
 * becomes a CONFIG_SYNTAX error naming the file and line. The keys `keepRaw`
 * names keep their raw text: NetworkManager reads device-spec lists with
 * g_key_file_get_value and unescapes them itself: "a\,b" is one entry there,
 * and an error to g_key_file_get_string.
 */
import { KeyFileParseError, NmkError, parse, unescapeString } from '../../sdk/index.js';

export interface ConfigGroup {
  name: string;
  line: number;
  entries: Array<{ key: string; value: string; line: number }>;
}

export function readKeyFileGroups(text: string, file: string, keepRaw: (section: string, key: string) => boolean = () => false): ConfigGroup[] {
  let doc;
  try {
    doc = parse(text, file);
  } catch (err) {
    if (err instanceof KeyFileParseError) {
      throw new NmkError('CONFIG_SYNTAX', err.reason, { file: err.file, line: err.line, key: err.key });
    }
    throw err;
  }
  return doc.groups.map((g) => ({
    name: g.name,
    line: g.line,
    entries: g.entries.map((e) => {
      if (keepRaw(g.name, e.key)) return { key: e.key, value: e.value, line: e.line };
      const v = unescapeString(e.value);
      if (!v.ok) throw new NmkError('CONFIG_SYNTAX', v.reason, { file, line: e.line, key: `${g.name}.${e.key}` });
      return { key: e.key, value: v.value, line: e.line };
    }),
  }));
}
