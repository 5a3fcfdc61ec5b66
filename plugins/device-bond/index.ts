/** Bonding: Device.Bond with its ports as Slaves. */
import { definePlugin, DeviceProps, interfaceNameOf, NMDeviceType, Tokens, type DeviceKind, type LinkInfoData } from '../../sdk/index.js';

export const bondKind: DeviceKind = {
  name: 'bond',
  deviceType: NMDeviceType.BOND,
  linkKinds: ['bond'],
  software: true,
  dbus: [{ interface: 'org.freedesktop.NetworkManager.Device.Bond', properties: [DeviceProps.hwAddress, DeviceProps.carrier, DeviceProps.slaves] }],
  connectionTypes: ['bond'],
  creates: 'bond',
  // The bond keeps its ports' queue ids: "PORT:ID" written to the bond's own file.
  portOptions: [{ setting: 'bond-port', property: 'queue-id', on: 'controller', file: 'bonding/queue_id', format: (v, port) => `${port}:${Number(v)}` }],
  linkSpec(settings) {
    // bond.options are named as the kernel names them, which is what the platform's bond rows take.
    const info: LinkInfoData = { ...((settings.bond?.options ?? {}) as Record<string, string>) };
    return { name: interfaceNameOf(settings), kind: 'bond', info };
  },
  // These name a port: the kernel refuses them until that port is attached.
  afterPorts: ['primary', 'active_slave'],
};

export default definePlugin({
  setup(ctx) {
    ctx.provide(Tokens.DeviceKind, bondKind);
  },
});
