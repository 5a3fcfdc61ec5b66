/**
 * From a profile's setting to the platform's link options, by rows: each row
 * names the setting property and the platform option it becomes. A device
 * kind's linkSpec slot uses this so that its whole mapping is one table.
 *
 * Only what the profile sets is passed, plus rows marked `always` (where
 * NetworkManager's default differs from the kernel's, like a bridge's STP):
 * a kernel built without an optional feature (this host's bridge has no
 * VLAN filtering) refuses even the value that means "off".
 */
import { NmkError } from './errors.js';
import type { LinkInfoData } from './platform.js';
import { settingDefinition } from './settings/registry.js';
import type { ConnectionSettings } from './settings/types.js';

export interface LinkOptionRow {
  /** The setting property ("forward-delay"). */
  property: string;
  /** The platform's option name ("forward_delay"). */
  option: string;
  /** Pass the property's default when the profile leaves it unset. */
  always?: boolean;
  /** Convert the setting value to the option value (string lists joined, flags...). */
  convert?(value: unknown): string | number | boolean | undefined;
}

export function linkOptions(settings: ConnectionSettings, setting: string, rows: readonly LinkOptionRow[]): LinkInfoData {
  const values = settings[setting] ?? {};
  const def = settingDefinition(setting);
  const out: LinkInfoData = {};
  for (const row of rows) {
    let v: unknown = values[row.property];
    if (v === undefined && row.always) v = def?.properties.find((p) => p.name === row.property)?.default;
    if (v === undefined) continue;
    const converted = row.convert ? row.convert(v) : (v as string | number | boolean);
    if (converted !== undefined) out[row.option] = converted;
  }
  return out;
}

/** connection.interface-name, which a software profile must have to make a link. */
export function interfaceNameOf(settings: ConnectionSettings): string {
  const n = settings.connection?.['interface-name'];
  if (typeof n !== 'string' || n === '') {
    throw new NmkError('INVALID_ARGUMENT', `profile '${String(settings.connection?.id ?? '')}' names no interface to create`, { key: 'connection.interface-name' });
  }
  return n;
}

/**
 * A parent given as an interface name or a profile UUID (vlan.parent,
 * macvlan.parent, vxlan.parent), as the interface name; undefined when unset.
 */
export function parentName(settings: ConnectionSettings, setting: string, ctx: { interfaceOfProfile(uuid: string): string | undefined }): string | undefined {
  const p = settings[setting]?.parent;
  if (typeof p !== 'string' || p === '') return undefined;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(p)) {
    const name = ctx.interfaceOfProfile(p);
    if (!name) throw new NmkError('INVALID_ARGUMENT', `parent profile ${p} names no interface`, { key: `${setting}.parent` });
    return name;
  }
  return p;
}
