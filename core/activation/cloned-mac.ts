/**
 * The MAC address an activation puts on an ethernet-like link, as
 * NetworkManager 1.42 chooses it (nm-device.c _hw_addr_get_cloned,
 * _prop_get_x_cloned_mac_address, _prop_get_x_generate_mac_address_mask;
 * nm-core-utils.c _hw_addr_gen_stable_eth, _hw_addr_eth_complete;
 * nm-utils.c _nm_utils_generate_mac_address_mask_parse): a literal address,
 * or one of the generated forms, so a host moving from NetworkManager keeps
 * its "stable" addresses (and the DHCP leases and switch port security tied
 * to them). Pure apart from the randomness "random" asks for.
 */
import { createHash, randomBytes } from '../../sdk/crypto.js';
import { connectionDefaultsOf, deviceMatchOf, type ConnectionSettings } from '../../sdk/index.js';
import type { Device } from '../devices/device.js';
import { StableType } from '../ip/dhcp-identity.js';
import type { AutoIpServices } from './dynamic/auto-ip.js';

/** cloned-mac-address words NetworkManager 1.42 knows for ethernet (NM_CLONED_MAC_IS_SPECIAL). */
const SPECIAL = new Set(['preserve', 'permanent', 'random', 'stable']);
const MAC = /^[0-9A-F]{2}(:[0-9A-F]{2}){5}$/i;

export interface ClonedMacInput {
  /** 802-3-ethernet.cloned-mac-address; undefined or '' when unset. */
  setting?: string;
  /** `[connection*] ethernet.cloned-mac-address` for the device. */
  globalDefault?: string;
  /** 802-3-ethernet.generate-mac-address-mask. */
  mask?: string;
  /** `[connection*] ethernet.generate-mac-address-mask` for the device. */
  globalMask?: string;
  /** The device's permanent address; undefined when it has none (veths and most virtual links). */
  permanentMac?: string;
  /** The address the device had before nmk changed it: a mask without OUIs keeps its bits. */
  initialMac?: string;
  /** The IP interface name (part of the stable hash). */
  ifname: string;
  /** connection.stable-id resolved (core/ip/dhcp-identity.ts resolveStableId); asked only for "stable". */
  stable: () => { id: string; type: StableType };
  /** NetworkManager's host id (core/ip/host-identity.ts). */
  hostId: Uint8Array;
  random?: (n: number) => Uint8Array;
}

/**
 * The effective cloned-mac-address: the profile's value, else the
 * `[connection]` default when it is a known word or an address, else
 * "preserve" (an unusable default is ignored, as NetworkManager does).
 */
export function effectiveClonedMac(setting: string | undefined, globalDefault: string | undefined): string {
  if (setting) return setting;
  const g = globalDefault?.trim();
  return g && (SPECIAL.has(g) || MAC.test(g)) ? g : 'preserve';
}

/** A "MASK [OUI...]" mask; undefined when empty or not parseable (NetworkManager then applies none). */
export function parseMacMask(text: string | undefined): { mask: Buffer; ouis: Buffer[] } | undefined {
  const words = (text ?? '').trim().split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return undefined;
  const macs = words.map(macBytes);
  if (macs.some((m) => !m)) return undefined;
  const [mask, ...ouis] = macs as Buffer[];
  return { mask: mask!, ouis };
}

function macBytes(text: string | undefined): Buffer | undefined {
  return text && MAC.test(text) ? Buffer.from(text.split(':').map((h) => parseInt(h, 16))) : undefined;
}

function macText(b: Uint8Array): string {
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/**
 * Locally administered by default; the mask's bits then come from a random
 * one of its OUIs, or from the initial address when it lists none; always
 * unicast.
 */
export function completeGeneratedMac(addr: Uint8Array, initialMac: string | undefined, maskText: string | undefined, random: (n: number) => Uint8Array = randomBytes): Buffer {
  const out = Buffer.from(addr.subarray(0, 6));
  out[0]! |= 0x02;
  const parsed = parseMacMask(maskText);
  const oui = parsed && (parsed.ouis.length > 0 ? parsed.ouis[Buffer.from(random(4)).readUInt32BE(0) % parsed.ouis.length] : macBytes(initialMac));
  if (parsed && oui) for (let i = 0; i < 6; i++) out[i] = (out[i]! & ~parsed.mask[i]!) | (oui[i]! & parsed.mask[i]!);
  out[0]! &= ~0x01;
  return out;
}

/**
 * NetworkManager's "stable" address: the first six bytes of SHA-256 over
 * the stable type (one byte), the host id's length (32-bit big endian) and
 * bytes, the interface name and the stable id (each NUL-terminated).
 */
export function stableMac(type: StableType, stableId: string, hostId: Uint8Array, ifname: string, initialMac?: string, mask?: string, random?: (n: number) => Uint8Array): string {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(hostId.length);
  const digest = createHash('sha256')
    .update(Buffer.from([type]))
    .update(len)
    .update(hostId)
    .update(Buffer.from(`${ifname}\0`))
    .update(Buffer.from(`${stableId}\0`))
    .digest();
  return macText(completeGeneratedMac(digest, initialMac, mask, random));
}

/** The address to set, or undefined to leave the link's address as it is. */
export function clonedMac(input: ClonedMacInput): string | undefined {
  const value = effectiveClonedMac(input.setting, input.globalDefault);
  const random = input.random ?? randomBytes;
  const mask = input.mask || input.globalMask;
  switch (value) {
    // NetworkManager resets to the address it first saw; nmk does not change it, so leaving it is the same.
    case 'preserve':
      return undefined;
    // Without a permanent address NetworkManager preserves the current one.
    case 'permanent':
      return input.permanentMac?.toLowerCase();
    case 'random':
      return macText(completeGeneratedMac(random(6), input.initialMac, mask, random));
    case 'stable': {
      const s = input.stable();
      return stableMac(s.type, s.id, input.hostId, input.ifname, input.initialMac, mask, random);
    }
    default:
      return MAC.test(value) ? value.toLowerCase() : undefined;
  }
}

const STABLE_TYPES: Record<string, StableType> = { uuid: StableType.Uuid, 'stable-id': StableType.StableId, generated: StableType.Generated, random: StableType.Random };

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * The address an activation of `settings` puts on `device` (undefined: leave
 * it), with the device's `[connection*]` defaults and the host's identity from the
 * activation's services. Without them (a daemon without automatic IP) only
 * a literal address applies: "stable" has no host id to hash.
 */
export function clonedMacFor(settings: ConnectionSettings, device: Device, auto: Pick<AutoIpServices, 'identities' | 'config'> | undefined): string | undefined {
  const wired = settings['802-3-ethernet'] ?? {};
  const defaults = connectionDefaultsOf(auto?.config);
  const global = (key: string) => str(defaults.get(key, deviceMatchOf(device)));
  const setting = str(wired['cloned-mac-address']);
  if (!auto) return setting && MAC.test(setting) ? setting.toLowerCase() : undefined;
  return clonedMac({
    setting,
    globalDefault: global('ethernet.cloned-mac-address'),
    mask: str(wired['generate-mac-address-mask']),
    globalMask: global('ethernet.generate-mac-address-mask'),
    // nmk reads no permanent addresses (veths and most virtual links have none).
    permanentMac: undefined,
    initialMac: device.link.mac || undefined,
    ifname: device.name,
    stable: () => ({ id: auto.identities.stableId(settings, device), type: STABLE_TYPES[auto.identities.stableType(settings, device)] ?? StableType.Uuid }),
    hostId: auto.identities.secretKey(),
  });
}
