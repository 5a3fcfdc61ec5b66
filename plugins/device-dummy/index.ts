/** dummy links: Device.Dummy. */
import { definePlugin, DeviceProps, interfaceNameOf, NMDeviceType, Tokens, withEthtool, type DeviceKind } from '../../sdk/index.js';

export const dummyKind: DeviceKind = {
  name: 'dummy',
  deviceType: NMDeviceType.DUMMY,
  linkKinds: ['dummy'],
  software: true,
  dbus: [{ interface: 'org.freedesktop.NetworkManager.Device.Dummy', properties: [DeviceProps.hwAddress] }],
  connectionTypes: ['dummy'],
  creates: 'dummy',
  linkSpec: (settings) => ({ name: interfaceNameOf(settings), kind: 'dummy' }),
};

export default definePlugin({
  setup(ctx) {
    ctx.provide(Tokens.DeviceKind, withEthtool(dummyKind));
  },
});
