/**
 * Bridge VLANs, as NetworkManager 1.42 sets them (nm-device-bridge.c):
 * bridge.vlans on the bridge itself and bridge-port.vlans on each port,
 * both only while the bridge filters VLANs. The kernel gives the bridge and
 * every new port the default PVID (bridge.vlan-default-pvid) untagged, and
 * NetworkManager adds the profile's VLANs on top, so the VLANs a link ends
 * up with are the profile's plus that default entry (withDefaultPvid). The
 * platform makes a link's VLANs exactly a list and touches only what
 * differs, so a reapply leaves unchanged VIDs forwarding.
 */
import { formatBridgeVlan, NmkError, parseBridgeVlan, type BridgeVlan, type ConnectionSettings, type Platform, type SettingValues } from '../../sdk/index.js';

/** The kernel's and NetworkManager's default of bridge.vlan-default-pvid. */
const DEFAULT_PVID = 1;

/** The entries of `setting`.vlans (the records "1 pvid untagged", "20-30"), an NmkError naming the property for one that does not parse. */
export function vlansOf(settings: ConnectionSettings | undefined, setting: 'bridge' | 'bridge-port'): BridgeVlan[] {
  const raw = settings?.[setting]?.['vlans'];
  const texts = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(',') : [];
  return texts
    .filter((t) => t.trim() !== '')
    .map((text) => {
      const p = parseBridgeVlan(text);
      if (!p.ok) throw new NmkError('INVALID_PROPERTY', `'${text}': ${p.reason}`, { key: `${setting}.vlans` });
      return p.value;
    });
}

/**
 * A list with the bridge's default PVID merged in, as the kernel leaves it
 * after NetworkManager's steps: when no entry covers that VID it is added
 * untagged, and is the PVID only if the list names none. 0 means no default.
 */
export function withDefaultPvid(vlans: readonly BridgeVlan[], defaultPvid: number): BridgeVlan[] {
  const out = vlans.map((v) => ({ ...v }));
  if (defaultPvid > 0 && !vlans.some((v) => v.vidStart <= defaultPvid && defaultPvid <= v.vidEnd)) {
    out.push({ vidStart: defaultPvid, vidEnd: defaultPvid, pvid: !vlans.some((v) => v.pvid), untagged: true });
  }
  return out.sort((a, b) => a.vidStart - b.vidStart);
}

/** The same entries in the same order: nothing to change. */
export function sameVlans(a: readonly BridgeVlan[], b: readonly BridgeVlan[]): boolean {
  const key = (l: readonly BridgeVlan[]) => JSON.stringify([...l].sort((x, y) => x.vidStart - y.vidStart).map((v) => [v.vidStart, v.vidEnd, v.pvid, v.untagged]));
  return key(a) === key(b);
}

/** bridge.vlan-filtering of a bridge profile. */
export function filtering(bridge: SettingValues | undefined): boolean {
  return bridge?.['vlan-filtering'] === true;
}

/** bridge.vlan-default-pvid of a bridge profile (1 when unset). */
export function defaultPvidOf(bridge: SettingValues | undefined): number {
  const v = bridge?.['vlan-default-pvid'];
  return typeof v === 'number' ? v : DEFAULT_PVID;
}

/** The default PVID the kernel reports for a bridge link (1 when it reports none). */
export function defaultPvidOfLink(info: Record<string, unknown> | undefined): number {
  const v = info?.['vlan_default_pvid'];
  return typeof v === 'number' ? v : DEFAULT_PVID;
}

/** "1 pvid untagged, 10, 20-22" for log lines and errors. */
export function describeVlans(vlans: readonly BridgeVlan[]): string {
  return vlans.length === 0 ? 'none' : vlans.map(formatBridgeVlan).join(', ');
}

/** Set a link's VLANs; a kernel refusal becomes an NmkError naming the property, the link and the errno. */
export async function applyVlans(platform: Platform, ifindex: number, ifname: string, vlans: readonly BridgeVlan[], key: 'bridge.vlans' | 'bridge-port.vlans'): Promise<void> {
  try {
    await platform.setBridgeVlans(ifindex, vlans);
  } catch (err) {
    throw new NmkError('PLATFORM', `cannot give ${ifname} the VLANs ${describeVlans(vlans)}: ${err instanceof Error ? err.message : String(err)}`, { key }, { cause: err });
  }
}
