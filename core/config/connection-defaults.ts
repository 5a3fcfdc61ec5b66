/**
 * NetworkManager's per-device property defaults (NetworkManager.conf(5),
 * "CONNECTION SECTION"; nm-config-data.c nm_config_data_get_connection_default,
 * _match_section_infos_construct and _match_section_infos_lookup; nm-config.c
 * read_config and _sort_groups_cmp), read from the merged config.
 *
 * Every section whose name starts with "connection" takes part, searched in
 * this order: the sections of the file read last first, and within one file
 * top to bottom; a section named in several files stands where it first
 * appeared (a GKeyFile group keeps its place when a later file adds keys); the
 * plain [connection] always last. A section with match-device applies only
 * when that spec matches the device (never when there is no device; an empty
 * match-device matches nothing); one without it applies to every device. The
 * first applying section that has the key answers; stop-match=yes ends the
 * search at an applying section even when it lacks the key.
 */
import type { ConnectionDefaultHit, ConnectionDefaults, DeviceMatch } from '../../sdk/index.js';
import { DeviceSpec } from '../devices/device-spec.js';
import type { MergedConfig } from './merged-config.js';

/** The section name prefix NetworkManager treats as a connection section (NM_CONFIG_KEYFILE_GROUPPREFIX_CONNECTION). */
export const CONNECTION_PREFIX = 'connection';

export const isConnectionSection = (section: string): boolean => section.startsWith(CONNECTION_PREFIX);

interface SectionRule {
  section: string;
  /** undefined: no match-device, the section applies to every device. */
  match?: DeviceSpec;
  stop: boolean;
}

/**
 * NetworkManager's match sections of one prefix ("connection", "device") in
 * lookup order, from the config's sections with the file each first appeared
 * in (in order of first appearance): later files first, top to bottom within
 * a file, the plain [prefix] last (_match_section_infos_construct serves both).
 */
export function matchSectionOrder(groups: ReadonlyArray<{ section: string; file: string }>, prefix: string): string[] {
  const blocks: string[][] = [];
  let file: string | undefined;
  let plain = false;
  for (const g of groups) {
    if (!g.section.startsWith(prefix)) continue;
    if (g.section === prefix) {
      plain = true;
      continue;
    }
    // A file's new sections are contiguous: a change of file starts its block.
    if (blocks.length === 0 || g.file !== file) blocks.push([]);
    file = g.file;
    blocks[blocks.length - 1]!.push(g.section);
  }
  return [...blocks.reverse().flat(), ...(plain ? [prefix] : [])];
}

/** Connection sections in lookup order. */
export const connectionSectionOrder = (groups: ReadonlyArray<{ section: string; file: string }>): string[] => matchSectionOrder(groups, CONNECTION_PREFIX);

const INTEGER = /^\s*-?\d+\s*$/;

export class ConfigConnectionDefaults implements ConnectionDefaults {
  private cache?: { config: MergedConfig; revision: number; rules: SectionRule[] };

  /** `source` is asked at each lookup: a reload swaps the config behind it. */
  constructor(private source: () => MergedConfig) {}

  private rules(): { config: MergedConfig; rules: SectionRule[] } {
    const config = this.source();
    if (this.cache?.config === config && this.cache.revision === config.revision) return this.cache;
    const rules = connectionSectionOrder(config.groupFiles()).map((section) => {
      const spec = config.get(section, 'match-device');
      return { section, ...(spec === undefined ? {} : { match: new DeviceSpec(config.getList(section, 'match-device')) }), stop: config.getBoolean(section, 'stop-match', false) };
    });
    this.cache = { config, revision: config.revision, rules };
    return this.cache;
  }

  lookup(key: string, device?: DeviceMatch): ConnectionDefaultHit | undefined {
    const { config, rules } = this.rules();
    for (const r of rules) {
      if (r.match && !(device && r.match.matches(device))) continue;
      const value = config.get(r.section, key);
      if (value !== undefined) return { value, section: r.section, origin: config.origin(r.section, key) };
      if (r.stop) return undefined;
    }
    return undefined;
  }

  get(key: string, device?: DeviceMatch): string | undefined {
    return this.lookup(key, device)?.value;
  }

  getInteger(key: string, device: DeviceMatch | undefined, fallback: number): number {
    const v = this.get(key, device);
    return v !== undefined && INTEGER.test(v) ? Number.parseInt(v, 10) : fallback;
  }
}
