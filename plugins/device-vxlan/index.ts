/** VXLAN: Device.Vxlan, its values read from the link's decoded info. */
import { definePlugin, DeviceProps, interfaceNameOf, linkOptions, NMDeviceType, parentName, Tokens, withEthtool, type DeviceKind, type DeviceView, type LinkOptionRow } from '../../sdk/index.js';

/** vxlan.* → the platform's VXLAN options; the id and the destination port always (NetworkManager's 8472, not the kernel's 0). */
const VXLAN_OPTIONS: readonly LinkOptionRow[] = [
  { property: 'id', option: 'id', always: true },
  { property: 'remote', option: 'remote' },
  { property: 'local', option: 'local' },
  { property: 'ttl', option: 'ttl' },
  { property: 'tos', option: 'tos' },
  { property: 'learning', option: 'learning' },
  { property: 'ageing', option: 'ageing' },
  { property: 'limit', option: 'limit' },
  { property: 'proxy', option: 'proxy' },
  { property: 'rsc', option: 'rsc' },
  { property: 'l2-miss', option: 'l2_miss' },
  { property: 'l3-miss', option: 'l3_miss' },
  { property: 'destination-port', option: 'destination_port', always: true },
];

const num = (key: string) => (d: DeviceView) => Number(d.link.info?.[key] ?? 0);
const bool = (key: string) => (d: DeviceView) => Boolean(d.link.info?.[key]);
const str = (key: string) => (d: DeviceView) => String(d.link.info?.[key] ?? '');

export const vxlanKind: DeviceKind = {
  name: 'vxlan',
  deviceType: NMDeviceType.VXLAN,
  linkKinds: ['vxlan'],
  software: true,
  dbus: [
    {
      interface: 'org.freedesktop.NetworkManager.Device.Vxlan',
      properties: [
        DeviceProps.parent,
        DeviceProps.hwAddress,
        { name: 'Id', signature: 'u', get: num('id') },
        { name: 'Group', signature: 's', get: (d) => String(d.link.info?.group ?? d.link.info?.remote ?? '') },
        { name: 'Local', signature: 's', get: str('local') },
        { name: 'Tos', signature: 'y', get: num('tos') },
        { name: 'Ttl', signature: 'y', get: num('ttl') },
        { name: 'Learning', signature: 'b', get: bool('learning') },
        { name: 'Ageing', signature: 'u', get: num('ageing') },
        { name: 'Limit', signature: 'u', get: num('limit') },
        { name: 'DstPort', signature: 'q', get: num('port') },
        { name: 'SrcPortMin', signature: 'q', get: num('srcPortMin') },
        { name: 'SrcPortMax', signature: 'q', get: num('srcPortMax') },
        { name: 'Proxy', signature: 'b', get: bool('proxy') },
        { name: 'Rsc', signature: 'b', get: bool('rsc') },
        { name: 'L2miss', signature: 'b', get: bool('l2miss') },
        { name: 'L3miss', signature: 'b', get: bool('l3miss') },
      ],
    },
  ],
  connectionTypes: ['vxlan'],
  creates: 'vxlan',
  linkSpec(settings, ctx) {
    const parent = parentName(settings, 'vxlan', ctx);
    return { name: interfaceNameOf(settings), kind: 'vxlan', ...(parent ? { parent } : {}), info: linkOptions(settings, 'vxlan', VXLAN_OPTIONS) };
  },
};

export default definePlugin({
  setup(ctx) {
    ctx.provide(Tokens.DeviceKind, withEthtool(vxlanKind));
  },
});
