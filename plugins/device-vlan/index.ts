/** 802.1Q VLANs: Device.Vlan with its parent and id. */
import { definePlugin, DeviceProps, interfaceNameOf, linkOptions, NmkError, NMDeviceType, parentName, Tokens, withEthtool, type DeviceKind, type LinkOptionRow } from '../../sdk/index.js';

const joinMap = (v: unknown) => (Array.isArray(v) && v.length ? v.join(',') : undefined);
/** vlan.* → the platform's VLAN options; the flags always (NetworkManager's default reorders headers). */
const VLAN_OPTIONS: readonly LinkOptionRow[] = [
  { property: 'id', option: 'id', always: true },
  { property: 'protocol', option: 'protocol' },
  { property: 'flags', option: 'flags', always: true },
  { property: 'egress-priority-map', option: 'egress_priority_map', convert: joinMap },
  { property: 'ingress-priority-map', option: 'ingress_priority_map', convert: joinMap },
];

export const vlanKind: DeviceKind = {
  name: 'vlan',
  deviceType: NMDeviceType.VLAN,
  linkKinds: ['vlan'],
  software: true,
  dbus: [
    {
      interface: 'org.freedesktop.NetworkManager.Device.Vlan',
      properties: [
        DeviceProps.hwAddress,
        DeviceProps.carrier,
        DeviceProps.parent,
        { name: 'VlanId', signature: 'u', get: (d) => Number(d.link.info?.id ?? 0) },
      ],
    },
  ],
  connectionTypes: ['vlan'],
  creates: 'vlan',
  linkSpec(settings, ctx) {
    const parent = parentName(settings, 'vlan', ctx);
    if (!parent) throw new NmkError('INVALID_ARGUMENT', 'a VLAN profile needs vlan.parent', { key: 'vlan.parent' });
    return { name: interfaceNameOf(settings), kind: 'vlan', parent, info: linkOptions(settings, 'vlan', VLAN_OPTIONS) };
  },
};

export default definePlugin({
  setup(ctx) {
    ctx.provide(Tokens.DeviceKind, withEthtool(vlanKind));
  },
});
