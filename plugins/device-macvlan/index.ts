/** macvlan and macvtap: Device.Macvlan with parent, mode and whether it is a tap. */
import { definePlugin, DeviceProps, NMDeviceType, Tokens, type DeviceDBusInterface, type DeviceKind } from '../../sdk/index.js';

const macvlanInterface = (tap: boolean): DeviceDBusInterface => ({
  interface: 'org.freedesktop.NetworkManager.Device.Macvlan',
  properties: [
    DeviceProps.parent,
    { name: 'Mode', signature: 's', get: (d) => String(d.link.info?.mode ?? '') },
    { name: 'NoPromisc', signature: 'b', get: (d) => Boolean(d.link.info?.nopromisc) },
    { name: 'Tap', signature: 'b', get: () => tap },
  ],
});

export const macvlanKind: DeviceKind = {
  name: 'macvlan',
  deviceType: NMDeviceType.MACVLAN,
  linkKinds: ['macvlan'],
  software: true,
  dbus: [macvlanInterface(false)],
};

export const macvtapKind: DeviceKind = { ...macvlanKind, name: 'macvtap', linkKinds: ['macvtap'], dbus: [macvlanInterface(true)] };

export default definePlugin({
  setup(ctx) {
    ctx.provide(Tokens.DeviceKind, macvlanKind);
    ctx.provide(Tokens.DeviceKind, macvtapKind);
  },
});
