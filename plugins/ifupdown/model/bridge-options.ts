/**
 * bridge-utils' bridge_* options (bridge-utils-interfaces(5)), one row per
 * option. Keys are held with '-' (ifupdown accepts '_' and '-'); nmk writes
 * the '_' spelling bridge-utils documents. Ranges are NetworkManager's
 * (nm-setting-bridge.c); NetworkManager holds times in whole seconds, so a
 * fractional time (which brctl accepts) is refused rather than rounded.
 */
import { BadValue, parseUintValue, type SettingValue } from '../../../sdk/index.js';

export type BridgeValue = { kind: 'seconds' | 'uint'; min: number; max: number } | { kind: 'on-off' } | { kind: 'yes-no' };

export interface BridgeRow {
  /** interfaces(5) key, '-' spelling. */
  key: string;
  /** Property of NetworkManager's "bridge" setting. */
  property: string;
  value: BridgeValue;
}

export const BRIDGE_ROWS: readonly BridgeRow[] = [
  // brctl stp: "on" or "yes" turns STP on, anything else off; nmk refuses anything but the four words.
  { key: 'bridge-stp', property: 'stp', value: { kind: 'on-off' } },
  { key: 'bridge-fd', property: 'forward-delay', value: { kind: 'seconds', min: 2, max: 30 } },
  { key: 'bridge-hello', property: 'hello-time', value: { kind: 'seconds', min: 1, max: 10 } },
  { key: 'bridge-maxage', property: 'max-age', value: { kind: 'seconds', min: 6, max: 40 } },
  { key: 'bridge-ageing', property: 'ageing-time', value: { kind: 'seconds', min: 0, max: 1_000_000 } },
  { key: 'bridge-bridgeprio', property: 'priority', value: { kind: 'uint', min: 0, max: 65535 } },
  { key: 'bridge-vlan-aware', property: 'vlan-filtering', value: { kind: 'yes-no' } },
];

/** bridge_ports: the ports, handled by the reader. */
export const BRIDGE_PORTS_KEY = 'bridge-ports';

/**
 * bridge-utils options nmk accepts without modelling them (waiting at ifup,
 * per-port priorities and costs, the MAC taken from another device); they
 * are kept in the file when nmk rewrites the stanza.
 */
export const BRIDGE_KEPT_KEYS = new Set(['bridge-maxwait', 'bridge-waitport', 'bridge-gcint', 'bridge-hw', 'bridge-portprio', 'bridge-pathcost']);

const BY_KEY = new Map(BRIDGE_ROWS.map((r) => [r.key, r]));

export function bridgeRowForKey(key: string): BridgeRow | undefined {
  return BY_KEY.get(key);
}

export function parseBridgeValue(row: BridgeRow, text: string): SettingValue {
  const v = row.value;
  switch (v.kind) {
    case 'on-off':
      if (text === 'on' || text === 'yes') return true;
      if (text === 'off' || text === 'no') return false;
      throw new BadValue(`invalid ${row.key} '${text}': expected on or off`);
    case 'yes-no':
      if (text === 'yes') return true;
      if (text === 'no') return false;
      throw new BadValue(`invalid ${row.key} '${text}': expected yes or no`);
    case 'seconds':
      if (/^[0-9]+\.[0-9]*$/.test(text) && Number(text) !== Math.trunc(Number(text))) {
        throw new BadValue(`invalid ${row.key} '${text}': nmk holds bridge times in whole seconds`);
      }
      return parseUintValue(text.replace(/\.0*$/, ''), v.min, v.max, row.key);
    case 'uint':
      return parseUintValue(text, v.min, v.max, row.key);
  }
}

export function formatBridgeValue(row: BridgeRow, value: SettingValue): string {
  if (row.value.kind === 'on-off') return value ? 'on' : 'off';
  if (row.value.kind === 'yes-no') return value ? 'yes' : 'no';
  return String(value);
}

/** The spelling nmk writes: bridge-utils documents bridge_ports, bridge_stp... */
export function bridgeWriteKey(key: string): string {
  return key.replace(/-/g, '_');
}
