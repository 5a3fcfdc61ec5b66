/**
 * Options of a bridge's port (IFLA_BRPORT_*, linux/if_link.h), sent in
 * IFLA_INFO_SLAVE_DATA of the port's own link. Names are the brport/ sysfs
 * files NetworkManager 1.42 writes (nm-device-bridge.c slave_options);
 * ranges are the kernel's (BR_MAX_PORT_PRIORITY 63, path cost
 * BR_MIN_PATH_COST..BR_MAX_PATH_COST), which it refuses with ERANGE.
 */
import { OptionTable, type OptionRow } from './option-row.js';

// prettier-ignore
export const bridgePortOptions: readonly OptionRow[] = [
  { name: 'priority',     type: 'number', width: 'u16', min: 0, max: 63,    attr: 2, sysfs: 'brport/priority' },
  { name: 'path_cost',    type: 'number', width: 'u32', min: 1, max: 65535, attr: 3, sysfs: 'brport/path_cost' },
  { name: 'hairpin_mode', type: 'bool',   width: 'u8',                      attr: 4, sysfs: 'brport/hairpin_mode' },
];

export const bridgePortTable = new OptionTable('bridge port', bridgePortOptions);
