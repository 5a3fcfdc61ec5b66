/** dummy links: Device.Dummy. */
import { definePlugin, DeviceProps, NMDeviceType, Tokens, type DeviceKind } from '../../sdk/index.js';

export const dummyKind: DeviceKind = {
  name: 'dummy',
  deviceType: NMDeviceType.DUMMY,
  linkKinds: ['dummy'],
  software: true,
  dbus: [{ interface: 'org.freedesktop.NetworkManager.Device.Dummy', properties: [DeviceProps.hwAddress] }],
};

export default definePlugin({
  setup(ctx) {
    ctx.provide(Tokens.DeviceKind, dummyKind);
  },
});
