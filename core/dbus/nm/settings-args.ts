/**
 * The flags and the a{sv} arguments of Settings.AddConnection2 and
 * Settings.Connection.Update2, checked as NetworkManager 1.42 checks them
 * (nm-settings.c, nm-settings-connection.c) before anything else happens: an
 * unknown flag, conflicting flags, or an argument other than a string
 * `plugin` is org.freedesktop.NetworkManager.Settings.InvalidArguments with
 * NetworkManager's wording.
 *
 * Flags nmk accepts but has nothing to do for yet, as nmk does not activate
 * profiles on its own: BLOCK_AUTOCONNECT, VOLATILE, NO_REAPPLY.
 */
import { NmkError } from '../../../sdk/index.js';

/** NMSettingsAddConnection2Flags. */
export const ADD2 = { TO_DISK: 0x1, IN_MEMORY: 0x2, BLOCK_AUTOCONNECT: 0x20 } as const;

/** NMSettingsUpdate2Flags. */
export const UPDATE2 = {
  TO_DISK: 0x1,
  IN_MEMORY: 0x2,
  IN_MEMORY_DETACHED: 0x4,
  IN_MEMORY_ONLY: 0x8,
  VOLATILE: 0x10,
  BLOCK_AUTOCONNECT: 0x20,
  NO_REAPPLY: 0x40,
} as const;

const all = (flags: Record<string, number>) => Object.values(flags).reduce((a, b) => a | b, 0);
const UPDATE2_PERSIST = UPDATE2.TO_DISK | UPDATE2.IN_MEMORY | UPDATE2.IN_MEMORY_DETACHED | UPDATE2.IN_MEMORY_ONLY;
const UPDATE2_IN_MEMORY = UPDATE2.IN_MEMORY | UPDATE2.IN_MEMORY_DETACHED | UPDATE2.IN_MEMORY_ONLY;

const invalid = (reason: string) => new NmkError('SETTINGS_INVALID_ARGUMENTS', reason);

/** Where AddConnection2 stores the profile: exactly one of TO_DISK and IN_MEMORY. */
export function add2Persist(flags: number): 'disk' | 'memory' {
  if ((flags & ~all(ADD2)) !== 0) throw invalid('Unknown flags');
  if (!(flags & (ADD2.TO_DISK | ADD2.IN_MEMORY))) throw invalid('Requires either to-disk (0x1) or in-memory (0x2) flags');
  if (flags & ADD2.TO_DISK && flags & ADD2.IN_MEMORY) throw invalid('Cannot set to-disk (0x1) and in-memory (0x2) flags together');
  return flags & ADD2.TO_DISK ? 'disk' : 'memory';
}

/** Where Update2 stores the profile: at most one persist mode; VOLATILE only with an in-memory one. */
export function update2Persist(flags: number): 'disk' | 'memory' | 'keep' {
  if ((flags & ~all(UPDATE2)) !== 0) throw invalid('Unknown flags');
  const persist = flags & UPDATE2_PERSIST;
  if ((persist & (persist - 1)) !== 0 || (flags & UPDATE2.VOLATILE && !(flags & UPDATE2_IN_MEMORY))) throw invalid('Conflicting flags');
  return persist & UPDATE2.TO_DISK ? 'disk' : persist ? 'memory' : 'keep';
}

/** The `plugin` argument (a string); any other argument, or `plugin` of another type, is refused. */
export function pluginArgument(args: unknown): string | undefined {
  let plugin: string | undefined;
  for (const [name, v] of Object.entries((args ?? {}) as Record<string, { signature?: string; value?: unknown }>)) {
    if (name === 'plugin' && plugin === undefined && v?.signature === 's' && typeof v.value === 'string') {
      plugin = v.value;
      continue;
    }
    throw invalid(`Unsupported argument '${name}'`);
  }
  return plugin;
}
