/** Linux bridges: Device.Bridge with its ports as Slaves. */
import { definePlugin, DeviceProps, NMDeviceType, Tokens, type DeviceKind } from '../../sdk/index.js';

export const bridgeKind: DeviceKind = {
  name: 'bridge',
  deviceType: NMDeviceType.BRIDGE,
  linkKinds: ['bridge'],
  software: true,
  dbus: [{ interface: 'org.freedesktop.NetworkManager.Device.Bridge', properties: [DeviceProps.hwAddress, DeviceProps.carrier, DeviceProps.slaves] }],
};

export default definePlugin({
  setup(ctx) {
    ctx.provide(Tokens.DeviceKind, bridgeKind);
  },
});
