/**
 * Normalisation steps of the tunnel, Open vSwitch and SR-IOV settings
 * (NetworkManager 1.42's normalize of each): VFs and trunk ranges sorted,
 * psk keys dropped from a MACsec profile in eap mode, and an ethernet
 * setting dropped from a layer 3 IP tunnel.
 */
import { formatVlanRange, parseVlanRange } from '../records/ovs-trunks.js';
import { parseSriovVf } from '../records/sriov-vfs.js';
import { IP_TUNNEL_MODES, MACSEC_MODES } from '../tables/tunnels.js';
import type { ConnectionSettings, SettingValues } from '../types.js';
import { isPlainObject } from '../values.js';

function get(s: ConnectionSettings, name: string): SettingValues | undefined {
  const v = s[name];
  return isPlainObject(v) ? (v as SettingValues) : undefined;
}

/** Sorts a records property by a numeric key of each record; leaves it alone when one does not read. */
function sortRecords(values: SettingValues | undefined, property: string, keyOf: (text: string) => number | undefined): void {
  const list = values?.[property];
  if (!values || !Array.isArray(list)) return;
  const keyed = (list as string[]).map((text) => ({ text, key: keyOf(text) }));
  if (keyed.some((k) => k.key === undefined)) return;
  values[property] = keyed.sort((a, b) => a.key! - b.key!).map((k) => k.text);
}

export function sortSriovVfs(s: ConnectionSettings): void {
  sortRecords(get(s, 'sriov'), 'vfs', (t) => {
    const p = parseSriovVf(t);
    return p.ok ? p.value.index : undefined;
  });
}

export function sortOvsTrunks(s: ConnectionSettings): void {
  const port = get(s, 'ovs-port');
  sortRecords(port, 'trunks', (t) => {
    const p = parseVlanRange(t);
    return p.ok ? p.value.start : undefined;
  });
  const list = port?.['trunks'];
  if (port && Array.isArray(list)) port['trunks'] = (list as string[]).map((t) => {
    const p = parseVlanRange(t);
    return p.ok ? formatVlanRange(p.value) : t;
  });
}

export function macsecEapKeys(s: ConnectionSettings): void {
  const m = get(s, 'macsec');
  if (m && m['mode'] === MACSEC_MODES.EAP) {
    delete m['mka-cak'];
    delete m['mka-ckn'];
  }
}

export function ipTunnelWired(s: ConnectionSettings): void {
  const mode = get(s, 'ip-tunnel')?.['mode'];
  if (mode !== undefined && mode !== IP_TUNNEL_MODES.GRETAP && mode !== IP_TUNNEL_MODES.IP6GRETAP) delete s['802-3-ethernet'];
}
