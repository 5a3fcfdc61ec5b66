/** Loopback: Device.Loopback (NetworkManager 1.42 and later), no properties of its own. */
import { ArpType, definePlugin, NMDeviceType, Tokens, withEthtool, type DeviceKind } from '../../sdk/index.js';

export const loopbackKind: DeviceKind = {
  name: 'loopback',
  deviceType: NMDeviceType.LOOPBACK,
  linkKinds: [],
  claims: (link) => link.arptype === ArpType.loopback,
  software: false,
  dbus: [{ interface: 'org.freedesktop.NetworkManager.Device.Loopback', properties: [] }],
  connectionTypes: ['loopback'],
};

export default definePlugin({
  setup(ctx) {
    ctx.provide(Tokens.DeviceKind, withEthtool(loopbackKind));
  },
});
