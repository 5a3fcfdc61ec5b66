/** macvlan and macvtap: Device.Macvlan with parent, mode and whether it is a tap. */
import { definePlugin, DeviceProps, interfaceNameOf, linkOptions, NmkError, NMDeviceType, parentName, Tokens, withEthtool, type DeviceDBusInterface, type DeviceKind, type LinkSpec, type RealizeContext } from '../../sdk/index.js';
import type { ConnectionSettings } from '../../sdk/index.js';

/** NMSettingMacvlanMode numbers → the platform's mode names. */
const MODE_NAMES: Record<number, string> = { 1: 'vepa', 2: 'bridge', 3: 'private', 4: 'passthru', 5: 'source' };

function macvlanLink(settings: ConnectionSettings, ctx: RealizeContext): LinkSpec {
  const parent = parentName(settings, 'macvlan', ctx);
  if (!parent) throw new NmkError('INVALID_ARGUMENT', 'a macvlan profile needs macvlan.parent', { key: 'macvlan.parent' });
  const info = linkOptions(settings, 'macvlan', [
    { property: 'mode', option: 'mode', convert: (v) => MODE_NAMES[Number(v)] },
    { property: 'promiscuous', option: 'promiscuous' },
  ]);
  return { name: interfaceNameOf(settings), kind: settings.macvlan?.tap === true ? 'macvtap' : 'macvlan', parent, info };
}

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
  connectionTypes: ['macvlan'],
  creates: 'macvlan',
  linkSpec: macvlanLink,
};

export const macvtapKind: DeviceKind = { ...macvlanKind, name: 'macvtap', linkKinds: ['macvtap'], dbus: [macvlanInterface(true)] };

export default definePlugin({
  setup(ctx) {
    ctx.provide(Tokens.DeviceKind, withEthtool(macvlanKind));
    ctx.provide(Tokens.DeviceKind, withEthtool(macvtapKind));
  },
});
