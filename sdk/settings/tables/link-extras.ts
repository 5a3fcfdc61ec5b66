/**
 * Settings that add to a device's profile: hostname, tc (traffic
 * control), sriov, dcb and user. Facts from NetworkManager 1.42
 * (nm-setting-hostname.c, nm-setting-tc-config.c, nm-setting-sriov.c,
 * nm-setting-dcb.c, nm-setting-user.c).
 */
import { defineSetting, INT32_MAX, INT32_MIN, UINT32_MAX, type PropertyRow } from '../schema.js';
import { ternary } from './rows.js';

/** NMSettingDcbFlags: enable, advertise, willing. */
export const DCB_FLAGS = { ENABLE: 0x1, ADVERTISE: 0x2, WILLING: 0x4 } as const;
export const DCB_FLAGS_ALL = 0x7;
/** Every DCB priority array has one element per user priority (0-7). */
export const DCB_ARRAY_LENGTH = 8;
const DCB_ZEROS = [0, 0, 0, 0, 0, 0, 0, 0];

/** user.data limits (nm-setting-user.c). */
export const USER_DATA_MAX_ENTRIES = 256;
export const USER_DATA_MAX_KEY_LENGTH = 255;
export const USER_DATA_MAX_VALUE_LENGTH = 8 * 1024;

export const hostnameSetting = defineSetting({
  name: 'hostname',
  description: 'How the profile\'s device may set the system hostname.',
  properties: [
    ternary('from-dhcp', 'Take the hostname from DHCP on this profile (-1 default, 0 no, 1 yes).'),
    ternary('from-dns-lookup', 'Take the hostname from a reverse DNS lookup of the addresses (-1 default, 0 no, 1 yes).'),
    ternary('only-from-default', 'Only while the device has the default route (-1 default, 0 no, 1 yes).'),
    { name: 'priority', type: 'int32', default: 0, min: INT32_MIN, max: INT32_MAX, description: 'Priority among profiles for the hostname (lower wins; 0 global default; negative excludes higher).' },
  ],
});

export const tcSetting = defineSetting({
  name: 'tc',
  description: 'Linux traffic control: queueing disciplines and filters.',
  properties: [
    { name: 'qdiscs', type: 'records', description: 'Queueing disciplines, each in tc syntax "root handle 1234: fq_codel limit 100".' },
    { name: 'tfilters', type: 'records', description: 'Traffic filters, each in tc syntax "parent ffff: matchall action drop".' },
  ],
});

export const sriovSetting = defineSetting({
  name: 'sriov',
  description: 'SR-IOV virtual functions of a physical device.',
  properties: [
    ternary('autoprobe-drivers', 'Bind the VFs to a driver (-1 default, 0 no, 1 yes).'),
    { name: 'total-vfs', type: 'uint32', default: 0, min: 0, max: UINT32_MAX, description: 'Number of virtual functions to create.' },
    { name: 'vfs', type: 'records', description: 'VF descriptors, each "INDEX mac=... spoof-check=true trust=false min-tx-rate=N max-tx-rate=N vlans=ID[.QOS[.ad]];...".' },
  ],
});

function dcbFlags(name: string, what: string): PropertyRow {
  return { name, type: 'uint32', default: 0, flags: DCB_FLAGS_ALL, description: `DCB flags of ${what}: 0x1 enable, 0x2 advertise, 0x4 willing.` };
}

function dcbPriority(name: string, what: string): PropertyRow {
  return { name, type: 'int32', default: -1, min: -1, max: 7, description: `Highest user priority (0-7) of ${what} frames; -1 default.` };
}

function dcbArray(name: string, description: string): PropertyRow {
  return { name, type: 'uint32s', default: DCB_ZEROS, min: 0, max: UINT32_MAX, description };
}

export const dcbSetting = defineSetting({
  name: 'dcb',
  description: 'Data Center Bridging.',
  properties: [
    dcbFlags('app-fcoe-flags', 'the FCoE application'),
    { name: 'app-fcoe-mode', type: 'string', values: ['fabric', 'vn2vn'], description: 'FCoE controller mode (unset means fabric).' },
    dcbPriority('app-fcoe-priority', 'FCoE'),
    dcbFlags('app-fip-flags', 'the FIP application'),
    dcbPriority('app-fip-priority', 'FIP'),
    dcbFlags('app-iscsi-flags', 'the iSCSI application'),
    dcbPriority('app-iscsi-priority', 'iSCSI'),
    dcbArray('priority-bandwidth', 'Per user priority: percent of its group\'s bandwidth it may use.'),
    dcbArray('priority-flow-control', 'Per user priority: 1 to transmit priority pause.'),
    dcbFlags('priority-flow-control-flags', 'priority flow control'),
    dcbArray('priority-group-bandwidth', 'Per priority group: percent of the link bandwidth (sum 100).'),
    dcbFlags('priority-group-flags', 'priority groups'),
    dcbArray('priority-group-id', 'Per user priority: its priority group (0-7, or 15 unrestricted).'),
    dcbArray('priority-strict-bandwidth', 'Per user priority: 1 to use all of its group\'s bandwidth.'),
    dcbArray('priority-traffic-class', 'Per user priority: its traffic class (0-7).'),
  ],
});

export const userSetting = defineSetting({
  name: 'user',
  description: 'Data of the user, ignored by NetworkManager.',
  properties: [{ name: 'data', type: 'dict', default: {}, description: 'Key to value; keys are dotted names ("my.key"), values UTF-8 up to 8 KiB.' }],
});
