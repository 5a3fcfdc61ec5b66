/**
 * netifrc's bridge options: it writes ${NAME}_${IFVAR} into the bridge's
 * /sys/class/net/<bridge>/bridge/NAME, and for each port into
 * /sys/class/net/<port>/brport/NAME. One row per sysfs file nmk maps to a
 * NetworkManager property. sysfs holds times in hundredths of a second;
 * NetworkManager in whole seconds, so a time that is not a whole second is
 * refused rather than rounded.
 */
import { BadValue, parseUintValue, type SettingValue } from '../../../sdk/index.js';

export interface SysfsRow {
  /** The sysfs file, which is also the variable name before _IFVAR. */
  sysfs: string;
  /** Property of the "bridge" (on the bridge) or "bridge-port" (on a port) setting. */
  property: string;
  kind: 'centiseconds' | 'uint' | 'bool';
  /** Range in NetworkManager's unit (seconds for times). */
  min: number;
  max: number;
}

export const BRIDGE_ROWS: readonly SysfsRow[] = [
  { sysfs: 'stp_state', property: 'stp', kind: 'bool', min: 0, max: 1 },
  { sysfs: 'forward_delay', property: 'forward-delay', kind: 'centiseconds', min: 2, max: 30 },
  { sysfs: 'hello_time', property: 'hello-time', kind: 'centiseconds', min: 1, max: 10 },
  { sysfs: 'max_age', property: 'max-age', kind: 'centiseconds', min: 6, max: 40 },
  { sysfs: 'ageing_time', property: 'ageing-time', kind: 'centiseconds', min: 0, max: 1_000_000 },
  { sysfs: 'priority', property: 'priority', kind: 'uint', min: 0, max: 65535 },
  { sysfs: 'vlan_filtering', property: 'vlan-filtering', kind: 'bool', min: 0, max: 1 },
  { sysfs: 'multicast_snooping', property: 'multicast-snooping', kind: 'bool', min: 0, max: 1 },
];

export const BRIDGE_PORT_ROWS: readonly SysfsRow[] = [
  { sysfs: 'priority', property: 'priority', kind: 'uint', min: 0, max: 63 },
  { sysfs: 'path_cost', property: 'path-cost', kind: 'uint', min: 1, max: 65535 },
  { sysfs: 'hairpin_mode', property: 'hairpin-mode', kind: 'bool', min: 0, max: 1 },
];

export function parseSysfsValue(row: SysfsRow, text: string): SettingValue {
  const t = text.trim();
  switch (row.kind) {
    case 'bool':
      if (t === '0' || t === '1') return t === '1';
      throw new BadValue(`invalid ${row.sysfs} '${text}': expected 0 or 1`);
    case 'uint':
      return parseUintValue(t, row.min, row.max, row.sysfs);
    case 'centiseconds': {
      const cs = parseUintValue(t, row.min * 100, row.max * 100, `${row.sysfs} (hundredths of a second)`);
      if (cs % 100 !== 0) throw new BadValue(`invalid ${row.sysfs} '${text}': nmk holds bridge times in whole seconds (multiples of 100)`);
      return cs / 100;
    }
  }
}
