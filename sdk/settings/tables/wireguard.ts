/**
 * The "wireguard" setting. Facts from NetworkManager 1.42
 * (nm-setting-wireguard.c). Peers are records in the text form newer nmcli
 * uses ("PUBKEY allowed-ips=A;B endpoint=H:P persistent-keepalive=N
 * preshared-key=K preshared-key-flags=F"); each peer's preshared-key is a
 * secret of its own, with its own flags.
 */
import { defineSetting, UINT32_MAX } from '../schema.js';
import { secretFlags, ternary } from './rows.js';

/** A WireGuard key: 32 bytes in base64 (44 characters with one '='). */
export const WIREGUARD_KEY_LENGTH = 32;

/** Keys of a peer record on D-Bus and their signatures. */
export const WIREGUARD_PEER_KEYS: Readonly<Record<string, string>> = {
  'public-key': 's',
  endpoint: 's',
  'preshared-key': 's',
  'preshared-key-flags': 'u',
  'persistent-keepalive': 'u',
  'allowed-ips': 'as',
};

/** A peer's preshared-key-flags when none are given: not-required (NetworkManager's default for peers). */
export const WIREGUARD_PEER_DEFAULT_PSK_FLAGS = 4;

export const wireguardSetting = defineSetting({
  name: 'wireguard',
  baseType: true,
  description: 'WireGuard interface.',
  properties: [
    { name: 'fwmark', type: 'uint32', default: 0, min: 0, max: UINT32_MAX, description: 'fwmark of outgoing packets; 0 off.' },
    ternary('ip4-auto-default-route', 'Put an IPv4 default route of the peers into its own table with policy rules (-1 default, 0 off, 1 on).'),
    ternary('ip6-auto-default-route', 'Like ip4-auto-default-route, for IPv6.'),
    { name: 'listen-port', type: 'uint32', default: 0, min: 0, max: 65535, description: 'UDP listen port; 0 chooses one at random.' },
    { name: 'mtu', type: 'uint32', default: 0, min: 0, max: UINT32_MAX, description: 'MTU in bytes; 0 uses the default.' },
    { name: 'peer-routes', type: 'boolean', default: true, description: 'Add routes for the allowed-ips of the peers.' },
    {
      name: 'peers',
      type: 'records',
      recordSecrets: { key: 'public-key', fields: ['preshared-key'] },
      description: 'Peers, each "PUBKEY allowed-ips=A;B endpoint=HOST:PORT persistent-keepalive=N preshared-key=K preshared-key-flags=F".',
    },
    { name: 'private-key', type: 'string', secret: true, secretFlags: 'private-key-flags', description: 'The 256-bit private key in base64.' },
    secretFlags('private-key-flags', 'private-key'),
  ],
});
