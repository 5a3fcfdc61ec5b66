/** Bonding: Device.Bond with its ports as Slaves. */
import { definePlugin, DeviceProps, interfaceNameOf, NMDeviceType, Tokens, type DeviceKind, type LinkInfoData } from '../../sdk/index.js';

/** Options that name ports: the kernel takes them only once the ports are attached (set then, through sysfs). */
export const AFTER_PORTS = new Set(['primary', 'active_slave']);

export const bondKind: DeviceKind = {
  name: 'bond',
  deviceType: NMDeviceType.BOND,
  linkKinds: ['bond'],
  software: true,
  dbus: [{ interface: 'org.freedesktop.NetworkManager.Device.Bond', properties: [DeviceProps.hwAddress, DeviceProps.carrier, DeviceProps.slaves] }],
  connectionTypes: ['bond'],
  creates: 'bond',
  linkSpec(settings) {
    // bond.options are named as the kernel names them, which is what the platform's bond rows take.
    const info: LinkInfoData = {};
    for (const [k, v] of Object.entries((settings.bond?.options ?? {}) as Record<string, string>)) if (!AFTER_PORTS.has(k)) info[k] = v;
    return { name: interfaceNameOf(settings), kind: 'bond', info };
  },
};

export default definePlugin({
  setup(ctx) {
    ctx.provide(Tokens.DeviceKind, bondKind);
  },
});
