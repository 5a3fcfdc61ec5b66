/**
 * Ethernet: physical links the kernel reports without a kind and with
 * ARPHRD_ETHER. veth: both ends of a pair; NetworkManager exports a veth with
 * Device.Wired and Device.Veth, and libnm picks the veth class from that.
 * Both apply 802-3-ethernet.wake-on-lan as NetworkManager does
 * (wake-on-lan.ts): the ethernet kind sets it, the veth kind never does.
 * Both take the ethtool setting (features, coalescing, rings, pause) and
 * put it back at deactivation (withEthtool, sdk/ethtool-apply.ts).
 */
import { ArpType, definePlugin, interfaceNameOf, NmkError, NMDeviceType, Tokens, WIRED_INTERFACE, withEthtool, type ConfigView, type DeviceKind } from '../../sdk/index.js';
import { applyWakeOnLan, skipWakeOnLanOnVeth } from './wake-on-lan.js';

/** The ethernet kind; `config` supplies `[connection] ethernet.wake-on-lan` (none: a profile's `default` leaves the device alone). */
export const makeEthernetKind = (config?: ConfigView): DeviceKind => ({
  name: 'ethernet',
  deviceType: NMDeviceType.ETHERNET,
  linkKinds: [],
  claims: (link) => link.kind === '' && link.arptype === ArpType.ether,
  software: false,
  dbus: [WIRED_INTERFACE],
  connectionTypes: ['802-3-ethernet'],
  configure: (ctx) => applyWakeOnLan(ctx, config),
});

export const ethernetKind: DeviceKind = makeEthernetKind();

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
  configure: skipWakeOnLanOnVeth,
};

export default definePlugin({
  setup(ctx) {
    ctx.provide(Tokens.DeviceKind, withEthtool(makeEthernetKind(ctx.config)));
    ctx.provide(Tokens.DeviceKind, withEthtool(vethKind));
  },
});
