/**
 * The "vpn" setting. Facts from NetworkManager 1.42 (nm-setting-vpn.c). The
 * flags of each secret live in data under "<secret>-flags".
 */
import { defineSetting, UINT32_MAX } from '../schema.js';

export const vpnSetting = defineSetting({
  name: 'vpn',
  baseType: true,
  description: 'VPN connection handled by a VPN plugin.',
  properties: [
    { name: 'data', type: 'dict', default: {}, description: 'Plugin-specific options, name to value.' },
    { name: 'persistent', type: 'boolean', default: false, description: 'Stay connected across link changes until disconnected.' },
    { name: 'secrets', type: 'dict', default: {}, secret: true, description: 'Plugin-specific secrets, name to value; flags in data "<name>-flags".' },
    { name: 'service-type', type: 'string', description: 'D-Bus service name of the VPN plugin (required).' },
    { name: 'timeout', type: 'uint32', default: 0, min: 0, max: UINT32_MAX, description: 'Seconds allowed to connect; 0 default (60).' },
    { name: 'user-name', type: 'string', description: 'User name for the VPN, when not the activating user.' },
  ],
});
