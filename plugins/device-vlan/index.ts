/** 802.1Q VLANs: Device.Vlan with its parent and id. */
import { definePlugin, DeviceProps, NMDeviceType, Tokens, type DeviceKind } from '../../sdk/index.js';

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
};

export default definePlugin({
  setup(ctx) {
    ctx.provide(Tokens.DeviceKind, vlanKind);
  },
});
