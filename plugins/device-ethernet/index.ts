/**
 * Ethernet: physical links the kernel reports without a kind and with
 * ARPHRD_ETHER. veth: both ends of a pair; NetworkManager exports a veth with
 * Device.Wired and Device.Veth, and libnm picks the veth class from that.
 */
import { ArpType, definePlugin, interfaceNameOf, NmkError, NMDeviceType, Tokens, WIRED_INTERFACE, type DeviceKind } from '../../sdk/index.js';

export const ethernetKind: DeviceKind = {
  name: 'ethernet',
  deviceType: NMDeviceType.ETHERNET,
  linkKinds: [],
  claims: (link) => link.kind === '' && link.arptype === ArpType.ether,
  software: false,
  dbus: [WIRED_INTERFACE],
  connectionTypes: ['802-3-ethernet'],
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
  // An ethernet profile fits either end of a pair, as in NetworkManager; a veth profile also makes one.
  connectionTypes: ['802-3-ethernet', 'veth'],
  creates: 'veth',
  linkSpec(settings) {
    const peer = settings.veth?.peer;
    if (typeof peer !== 'string' || peer === '') throw new NmkError('INVALID_ARGUMENT', 'a veth profile needs veth.peer to create the pair', { key: 'veth.peer' });
    return { name: interfaceNameOf(settings), kind: 'veth', peer: { name: peer } };
  },
};

export default definePlugin({
  setup(ctx) {
    ctx.provide(Tokens.DeviceKind, ethernetKind);
    ctx.provide(Tokens.DeviceKind, vethKind);
  },
});
