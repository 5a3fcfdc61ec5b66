/**
 * The "bond" and "bond-port" settings. Bond options have their own table
 * (bond-options.ts). Facts from NetworkManager 1.42 (nm-setting-bond.c,
 * nm-setting-bond-port.c).
 */
import { defineSetting } from '../schema.js';

export const bondSetting = defineSetting({
  name: 'bond',
  baseType: true,
  description: 'Bonding (link aggregation) controller.',
  properties: [
    { name: 'options', type: 'dict', default: { mode: 'balance-rr' }, description: 'Bonding options, name to value (see BOND_OPTIONS); mode is mandatory.' },
  ],
});

export const bondPortSetting = defineSetting({
  name: 'bond-port',
  description: 'Properties of a port of a bond.',
  properties: [
    { name: 'queue-id', type: 'uint32', default: 0, min: 0, max: 65535, description: 'Transmit queue ID of this port (bonding queue_id).' },
  ],
});
