/**
 * Bridge and bridge-port options in BRIDGING_OPTS ("priority=32768
 * hello_time=2"), one row each as NetworkManager's handle_bridge_option maps
 * them: the word, the property, its type and range, NetworkManager's default,
 * and whether it only means something with STP on (it is then ignored, as
 * NetworkManager does, when STP is off).
 */
import { parseMac, ETH_ALEN, UINT32_MAX } from './scalars.js';

export type BridgeOptionType =
  | { kind: 'uint'; min: number; max: number }
  /** 0 or 1 */
  | { kind: 'bool01' }
  /** on/yes/1 or off/no */
  | { kind: 'onoff' }
  | { kind: 'word'; words: readonly string[] }
  | { kind: 'mac' };

export interface BridgeOption {
  word: string;
  property: string;
  type: BridgeOptionType;
  default: string | number | boolean;
  onlyWithStp?: boolean;
  /** Must be a power of two (multicast_hash_max). */
  powerOfTwo?: boolean;
  /** Bits that must stay clear (group_fwd_mask cannot forward STP, MAC pause or LACP frames). */
  clearBits?: number;
}

/** uint64 in NetworkManager; nmk holds numbers up to 2^53. */
const U64 = { kind: 'uint', min: 0, max: Number.MAX_SAFE_INTEGER } as const;
const U32 = { kind: 'uint', min: 0, max: UINT32_MAX } as const;

export const BRIDGE_OPTIONS: readonly BridgeOption[] = [
  { word: 'priority', property: 'priority', type: { kind: 'uint', min: 0, max: 65535 }, default: 0x8000, onlyWithStp: true },
  { word: 'hello_time', property: 'hello-time', type: { kind: 'uint', min: 1, max: 10 }, default: 2, onlyWithStp: true },
  { word: 'max_age', property: 'max-age', type: { kind: 'uint', min: 6, max: 40 }, default: 20, onlyWithStp: true },
  { word: 'ageing_time', property: 'ageing-time', type: { kind: 'uint', min: 0, max: 1000000 }, default: 300 },
  { word: 'group_address', property: 'group-address', type: { kind: 'mac' }, default: '' },
  { word: 'group_fwd_mask', property: 'group-forward-mask', type: { kind: 'uint', min: 0, max: 0xffff }, default: 0, clearBits: 7 },
  { word: 'multicast_hash_max', property: 'multicast-hash-max', type: { kind: 'uint', min: 1, max: UINT32_MAX }, default: 4096, powerOfTwo: true },
  { word: 'multicast_last_member_count', property: 'multicast-last-member-count', type: U32, default: 2 },
  { word: 'multicast_last_member_interval', property: 'multicast-last-member-interval', type: U64, default: 100 },
  { word: 'multicast_membership_interval', property: 'multicast-membership-interval', type: U64, default: 26000 },
  { word: 'multicast_querier', property: 'multicast-querier', type: { kind: 'bool01' }, default: false },
  { word: 'multicast_querier_interval', property: 'multicast-querier-interval', type: U64, default: 25500 },
  { word: 'multicast_query_interval', property: 'multicast-query-interval', type: U64, default: 12500 },
  { word: 'multicast_query_response_interval', property: 'multicast-query-response-interval', type: U64, default: 1000 },
  { word: 'multicast_query_use_ifaddr', property: 'multicast-query-use-ifaddr', type: { kind: 'bool01' }, default: false },
  { word: 'multicast_snooping', property: 'multicast-snooping', type: { kind: 'bool01' }, default: true },
  { word: 'multicast_router', property: 'multicast-router', type: { kind: 'word', words: ['auto', 'enabled', 'disabled'] }, default: '' },
  { word: 'multicast_startup_query_count', property: 'multicast-startup-query-count', type: U32, default: 2 },
  { word: 'multicast_startup_query_interval', property: 'multicast-startup-query-interval', type: U64, default: 3125 },
  { word: 'vlan_filtering', property: 'vlan-filtering', type: { kind: 'bool01' }, default: false },
  { word: 'default_pvid', property: 'vlan-default-pvid', type: { kind: 'uint', min: 0, max: 4094 }, default: 1 },
  { word: 'vlan_protocol', property: 'vlan-protocol', type: { kind: 'word', words: ['802.1Q', '802.1ad'] }, default: '' },
  { word: 'vlan_stats_enabled', property: 'vlan-stats-enabled', type: { kind: 'bool01' }, default: false },
];

/** DELAY= (its own variable) → bridge.forward-delay. */
export const FORWARD_DELAY: BridgeOption = {
  word: 'DELAY',
  property: 'forward-delay',
  type: { kind: 'uint', min: 2, max: 30 },
  default: 15,
  onlyWithStp: true,
};

/**
 * forward_delay=N in BRIDGING_OPTS: initscripts users write it there beside
 * hello_time and max_age. NetworkManager 1.42's reader does not know it (it
 * warns and keeps the default); nmk reads it as DELAY, in the same seconds
 * as the other STP timers, and writes it back as DELAY.
 */
export const FORWARD_DELAY_OPTION: BridgeOption = { ...FORWARD_DELAY, word: 'forward_delay' };

/** The options BRIDGING_OPTS of a bridge is read with. */
export const BRIDGE_READ_OPTIONS: readonly BridgeOption[] = [...BRIDGE_OPTIONS, FORWARD_DELAY_OPTION];

export const BRIDGE_PORT_OPTIONS: readonly BridgeOption[] = [
  { word: 'priority', property: 'priority', type: { kind: 'uint', min: 0, max: 63 }, default: 32 },
  { word: 'path_cost', property: 'path-cost', type: { kind: 'uint', min: 0, max: 65535 }, default: 100 },
  { word: 'hairpin_mode', property: 'hairpin-mode', type: { kind: 'onoff' }, default: false },
];

/** The option's value from its text, or undefined when the text is not valid. */
export function parseBridgeValue(option: BridgeOption, text: string): string | number | boolean | undefined {
  const t = option.type;
  switch (t.kind) {
    case 'uint': {
      if (!/^[0-9]+$/.test(text)) return undefined;
      const n = Number(text);
      if (n < t.min || n > t.max || !Number.isSafeInteger(n)) return undefined;
      if (option.powerOfTwo && (n & (n - 1)) !== 0) return undefined;
      if (option.clearBits && (n & option.clearBits) !== 0) return undefined;
      return n;
    }
    case 'bool01':
      return text === '1' ? true : text === '0' ? false : undefined;
    case 'onoff': {
      const l = text.toLowerCase();
      if (l === 'on' || l === 'yes' || text === '1') return true;
      if (l === 'off' || l === 'no') return false;
      return undefined;
    }
    case 'word':
      return t.words.includes(text) ? text : undefined;
    case 'mac': {
      // Only the link-local group addresses 01:80:C2:00:00:0X are allowed.
      const mac = parseMac(text, ETH_ALEN);
      return mac && /^01:80:C2:00:00:0[0-9A-F]$/.test(mac) ? mac : undefined;
    }
  }
}

/** The option's value as written in BRIDGING_OPTS. */
export function formatBridgeValue(option: BridgeOption, value: string | number | boolean): string {
  if (option.type.kind === 'bool01' || option.type.kind === 'onoff') return value ? '1' : '0';
  return String(value);
}
