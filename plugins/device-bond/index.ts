/** Bonding: Device.Bond with its ports as Slaves. */
import { definePlugin, DeviceProps, NMDeviceType, Tokens, type DeviceKind } from '../../sdk/index.js';

export const bondKind: DeviceKind = {
  name: 'bond',
  deviceType: NMDeviceType.BOND,
  linkKinds: ['bond'],
  software: true,
  dbus: [{ interface: 'org.freedesktop.NetworkManager.Device.Bond', properties: [DeviceProps.hwAddress, DeviceProps.carrier, DeviceProps.slaves] }],
};

export default definePlugin({
  setup(ctx) {
    ctx.provide(Tokens.DeviceKind, bondKind);
  },
});
