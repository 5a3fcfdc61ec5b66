/**
 * macvlan and macvtap options (IFLA_MACVLAN_*; macvtap uses the same
 * attributes). NetworkManager's "tap" is the kind (macvtap), not an option.
 */
import { OptionTable, type OptionRow } from './option-row.js';

export const MACVLAN_MODES = { private: 1, vepa: 2, bridge: 4, passthru: 8, source: 16 } as const;

// prettier-ignore
export const macvlanOptions: readonly OptionRow[] = [
  { name: 'mode',        type: 'enum', width: 'u32', values: MACVLAN_MODES, attr: 1 },
  // MACVLAN_FLAG_NOPROMISC is the opposite of NetworkManager's "promiscuous".
  { name: 'promiscuous', type: 'bool', width: 'u16', inverted: true,        attr: 2 },
];

export const macvlanTable = new OptionTable('macvlan', macvlanOptions);
export const macvtapTable = new OptionTable('macvtap', macvlanOptions);
