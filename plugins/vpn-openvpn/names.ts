/** The VPN type this plugin serves: the same service name as network-manager-openvpn's .name file, so profiles work with either. */
export const SERVICE_TYPE = 'org.freedesktop.NetworkManager.openvpn';
export const NAME = 'openvpn';
