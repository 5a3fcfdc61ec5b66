/**
 * Reapply: what changed between the applied settings and new ones, and
 * whether it can be applied to the live device without taking it down.
 *
 * NetworkManager's re-activation detaches a bond's ports (and the LACP
 * frames sent then make some switches disable them); systemd-networkd
 * ignores changed options of an existing bond. nmk applies what the kernel
 * takes on a live link (addresses, routes, MTU, bond miimon/delays/primary/
 * lacp_rate/ARP options, bridge timers and priorities, VLAN maps) and refuses,
 * naming the option, what the kernel takes only on a fresh link (a bond's
 * mode), so nothing is applied by surprise.
 */
import type { ConnectionSettings, DeviceKind, LinkInfoData } from '../../sdk/index.js';

/** Settings whose change Reapply cannot carry (NetworkManager refuses these too). */
const FIXED: ReadonlyArray<[setting: string, property: string]> = [
  ['connection', 'type'],
  ['connection', 'interface-name'],
  ['connection', 'master'],
  ['connection', 'slave-type'],
  ['vlan', 'id'],
  ['vlan', 'parent'],
  ['macvlan', 'parent'],
  ['macvlan', 'tap'],
  ['vxlan', 'id'],
  ['vxlan', 'parent'],
  ['veth', 'peer'],
];

/** Kind options the kernel takes only on a link that is down without ports: changing one needs re-activation. */
const NEEDS_REACTIVATION: Readonly<Record<string, readonly string[]>> = {
  bond: ['mode'],
  vxlan: ['remote', 'local', 'destination_port'],
  macvlan: ['mode'],
};

export interface ReapplyPlan {
  /** Kind options to change on the live link, when any changed. */
  options?: { kind: string; info: LinkInfoData };
  /** A new MTU for the link. */
  mtu?: number;
}

/** What Reapply will do, or an error text naming the setting or option that cannot change live. */
export function planReapply(kind: DeviceKind, oldSettings: ConnectionSettings, newSettings: ConnectionSettings, realize: (s: ConnectionSettings) => { kind: string; info?: LinkInfoData } | undefined): ReapplyPlan | string {
  for (const [setting, property] of FIXED) {
    const a = oldSettings[setting]?.[property];
    const b = newSettings[setting]?.[property];
    if (JSON.stringify(a) !== JSON.stringify(b)) return `${setting}.${property} cannot change on an active device; re-activate the connection instead`;
  }
  const plan: ReapplyPlan = {};
  const oldMtu = Number(oldSettings['802-3-ethernet']?.mtu ?? 0);
  const newMtu = Number(newSettings['802-3-ethernet']?.mtu ?? 0);
  if (newMtu !== oldMtu && newMtu > 0) plan.mtu = newMtu;

  if (kind.linkSpec) {
    const before = realize(oldSettings);
    const after = realize(newSettings);
    if (before && after) {
      const changed: LinkInfoData = {};
      const keys = new Set([...Object.keys(before.info ?? {}), ...Object.keys(after.info ?? {})]);
      for (const k of keys) {
        const a = before.info?.[k];
        const b = after.info?.[k];
        if (String(a) === String(b) || b === undefined) continue;
        if ((NEEDS_REACTIVATION[after.kind] ?? []).includes(k)) return `${after.kind} option '${k}' (${String(a ?? 'default')} \u2192 ${String(b)}) can only change when the device is re-activated`;
        changed[k] = b;
      }
      if (Object.keys(changed).length > 0) plan.options = { kind: after.kind, info: changed };
    }
  }
  return plan;
}
