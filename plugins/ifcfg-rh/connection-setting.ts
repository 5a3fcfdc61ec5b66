/**
 * The "connection" setting: NAME, UUID, DEVICE, ONBOOT... and the port's
 * controller (MASTER for a bond, BRIDGE for a bridge).
 */
import { type SettingValues, uuidFromString } from '../../sdk/index.js';
import type { FileWriter, KeyMatcher } from './file-writer.js';
import { readRows, rowKeys, writeRows, type KeyRow } from './key-table.js';
import { CONTROLLER_PROPERTY, PORT_TYPE_PROPERTY, Setting } from './nm-names.js';
import type { KindRow } from './profile-kind.js';
import { INT32_MAX, isUuid } from './scalars.js';
import type { Vars } from './vars.js';

const S = Setting.connection;

export const CONNECTION_ROWS: readonly KeyRow[] = [
  { key: 'STABLE_ID', setting: S, property: 'stable-id', codec: { kind: 'string' } },
  { key: 'DEVICE', setting: S, property: 'interface-name', codec: { kind: 'ifname' } },
  { key: 'ONBOOT', setting: S, property: 'autoconnect', codec: { kind: 'bool' }, default: true, alwaysWrite: true },
  { key: 'ZONE', setting: S, property: 'zone', codec: { kind: 'string' } },
  { key: 'AUTOCONNECT_PRIORITY', setting: S, property: 'autoconnect-priority', codec: { kind: 'int', min: -999, max: 999 }, default: 0 },
  { key: 'AUTOCONNECT_RETRIES', setting: S, property: 'autoconnect-retries', codec: { kind: 'int', min: -1, max: INT32_MAX }, default: -1 },
];

/** How a port names its controller: by UUID or by interface name, per port type. */
export interface PortRow {
  portType: 'bond' | 'bridge';
  uuidKey: string;
  nameKey: string;
  /** Written beside the controller (initscripts want SLAVE=yes on bond ports). */
  extra?: [string, string];
}

export const PORT_ROWS: readonly PortRow[] = [
  { portType: 'bridge', uuidKey: 'BRIDGE_UUID', nameKey: 'BRIDGE' },
  { portType: 'bond', uuidKey: 'MASTER_UUID', nameKey: 'MASTER', extra: ['SLAVE', 'yes'] },
];

/** Other controllers NetworkManager knows that nmk does not support. */
const UNSUPPORTED_CONTROLLERS = ['OVS_PORT', 'OVS_PORT_UUID', 'VRF', 'VRF_UUID'];

export const CONNECTION_KEYS: readonly KeyMatcher[] = [
  'NAME', 'UUID', 'TYPE', 'NM_CONTROLLED',
  ...rowKeys(CONNECTION_ROWS),
  ...PORT_ROWS.flatMap((r) => [r.uuidKey, r.nameKey, ...(r.extra ? [r.extra[0]] : [])]),
];

/** Where a port's controller was named, for the check that it exists. */
export interface ControllerRef {
  portType: PortRow['portType'];
  value: string;
  key: string;
  line: number;
}

export interface ConnectionRead {
  values: SettingValues;
  controller?: ControllerRef;
}

export function readConnection(vars: Vars, kind: KindRow, logicalPath: string, name: string): ConnectionRead {
  const settings: Record<string, SettingValues> = {};
  readRows(vars, CONNECTION_ROWS, settings);
  const values: SettingValues = settings[S] ?? {};
  values.id = vars.str('NAME') ?? `${kind.idPrefix} ${name}`;
  // A file without UUID gets NetworkManager's: the MD5 of its path (nm_uuid_generate_from_string, legacy type).
  values.uuid = vars.parsed('UUID', (v) => (isUuid(v) ? v : undefined), 'is not a UUID') ?? uuidFromString(logicalPath);
  values.type = kind.nmType;
  for (const key of UNSUPPORTED_CONTROLLERS) {
    if (vars.has(key)) throw vars.error(key, 'OVS and VRF ports are not supported by nmk');
  }
  const controller = readController(vars);
  if (controller) {
    values[CONTROLLER_PROPERTY] = controller.value;
    values[PORT_TYPE_PROPERTY] = controller.portType;
  }
  return controller ? { values, controller } : { values };
}

function readController(vars: Vars): ControllerRef | undefined {
  const found: ControllerRef[] = [];
  for (const row of PORT_ROWS) {
    const key = vars.has(row.uuidKey) ? row.uuidKey : row.nameKey;
    const value = vars.str(key);
    if (value !== undefined) found.push({ portType: row.portType, value, key, line: vars.file.lineOf(key) ?? 0 });
  }
  if (found.length > 1) throw vars.error(found[1]!.key, `a port can have one controller, but both ${found[0]!.key} and ${found[1]!.key} are set`);
  return found[0];
}

export interface ConnectionWriteContext {
  /** The interface name of the profile with this UUID, when this source knows it. */
  interfaceOf(uuid: string): string | undefined;
}

export function writeConnection(values: SettingValues, out: FileWriter, ctx: ConnectionWriteContext): void {
  out.set('NAME', str(values.id));
  out.set('UUID', str(values.uuid));
  writeRows(values, CONNECTION_ROWS, out);
  const controller = str(values[CONTROLLER_PROPERTY]);
  const row = PORT_ROWS.find((r) => r.portType === values[PORT_TYPE_PROPERTY]);
  if (controller === undefined || row === undefined) return;
  if (isUuid(controller)) {
    // The reader prefers the UUID; the name keeps initscripts working.
    out.set(row.uuidKey, controller);
    out.set(row.nameKey, ctx.interfaceOf(controller));
  } else {
    out.set(row.nameKey, controller);
  }
  if (row.extra) out.set(row.extra[0], row.extra[1]);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
