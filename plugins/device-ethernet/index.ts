/**
 * Ethernet: physical links the kernel reports without a kind and with
 * ARPHRD_ETHER. veth: both ends of a pair; NetworkManager exports a veth with
 * Device.Wired and Device.Veth, and libnm picks the veth class from that.
 */
import { ArpType, definePlugin, NMDeviceType, Tokens, WIRED_INTERFACE, type DeviceKind } from '../../sdk/index.js';

export const ethernetKind: DeviceKind = {
  name: 'ethernet',
  deviceType: NMDeviceType.ETHERNET,
  linkKinds: [],
  claims: (link) => link.kind === '' && link.arptype === ArpType.ether,
  software: false,
  dbus: [WIRED_INTERFACE],
};

export const vethKind: DeviceKind = {
  name: 'veth',
  deviceType: NMDeviceType.VETH,
  linkKinds: ['veth'],
  software: true,
  dbus: [
    WIRED_INTERFACE,
    {
      interface: 'org.freedesktop.NetworkManager.Device.Veth',
      properties: [{ name: 'Peer', signature: 'o', get: (d, l) => l.pathOf(d.link.parent) }],
    },
  ],
};

export default definePlugin({
  setup(ctx) {
    ctx.provide(Tokens.DeviceKind, ethernetKind);
    ctx.provide(Tokens.DeviceKind, vethKind);
  },
});
