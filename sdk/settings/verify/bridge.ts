/**
 * Rules of "bridge" and "bridge-port" (NetworkManager's nm-setting-bridge.c
 * and nm-setting-bridge-port.c verify).
 */
import { describeValue } from '../issues.js';
import { parseMac } from '../mac.js';
import { compareBridgeVlans, parseBridgeVlan, type BridgeVlan } from '../records/bridge-vlans.js';
import { BRIDGE_STP_RANGES } from '../tables/bridge.js';
import { verifyPortSettingOwner } from './bond.js';
import type { SettingRules, VerifyContext } from './context.js';

/** VLAN entries: each parseable, no VID twice, at most one PVID (errors); sorted (normalizable). */
export function verifyBridgeVlans(ctx: VerifyContext, setting: string): void {
  const texts = ctx.list(setting, 'vlans');
  const vlans: BridgeVlan[] = [];
  for (const text of texts) {
    const p = parseBridgeVlan(text);
    if (!p.ok) return ctx.error(setting, 'vlans', `${describeValue(text)}: ${p.reason}`, text);
    vlans.push(p.value);
  }
  const seen = new Set<number>();
  let pvid = false;
  for (const v of vlans) {
    for (let vid = v.vidStart; vid <= v.vidEnd; vid++) {
      if (seen.has(vid)) return ctx.error(setting, 'vlans', `duplicate bridge VLAN vid ${vid}`, texts);
      seen.add(vid);
    }
    if (v.pvid) {
      if (pvid) return ctx.error(setting, 'vlans', 'only one VLAN can be the PVID', texts);
      pvid = true;
    }
  }
  for (let i = 1; i < vlans.length; i++) {
    if (compareBridgeVlans(vlans[i - 1]!, vlans[i]!) > 0) {
      return ctx.report('normalizable', setting, 'vlans', `Bridge VLANs ${vlans[i - 1]!.vidEnd} and ${vlans[i]!.vidStart} are not sorted by ascending vid`, texts);
    }
  }
}

export const bridgeRules: SettingRules = {
  setting: 'bridge',
  verify(ctx) {
    const S = 'bridge';
    const stp = ctx.bool(S, 'stp') ?? true;
    for (const [prop, [min, max]] of Object.entries(BRIDGE_STP_RANGES)) {
      const v = ctx.num(S, prop);
      if (v === undefined || (!stp && v === 0)) continue;
      if (v < min || v > max) ctx.error(S, prop, `value '${v}' is out of range <${min}-${max}>`, v);
    }
    const mask = ctx.num(S, 'group-forward-mask') ?? 0;
    if (mask & 7) ctx.error(S, 'group-forward-mask', `${mask}: the mask can't contain bits 0 (STP), 1 (MAC) or 2 (LACP)`, mask);
    if (ctx.raw('connection', 'interface-name') === undefined) {
      ctx.error('connection', 'interface-name', 'property is missing (a bridge needs an interface name)');
    }
    const group = ctx.raw(S, 'group-address') as string | undefined;
    const g = group !== undefined ? parseMac(group, 6) : undefined;
    if (group !== undefined && g && !(g[0] === 0x01 && g[1] === 0x80 && g[2] === 0xc2 && g[3] === 0 && g[4] === 0 && g[5]! < 16 && ![1, 2, 3].includes(g[5]!))) {
      ctx.error(S, 'group-address', `${describeValue(group)} is not a valid link local MAC address`, group);
    }
    const hashMax = ctx.num(S, 'multicast-hash-max');
    if (hashMax !== undefined && (hashMax & (hashMax - 1)) !== 0) {
      ctx.error(S, 'multicast-hash-max', `${hashMax}: 'multicast-hash-max' option must be a power of 2`, hashMax);
    }
    verifyBridgeVlans(ctx, S);
    if (!ctx.has('802-3-ethernet')) {
      ctx.report('normalizable', S, undefined, "bridge connection should have a ethernet setting as well ('802-3-ethernet')");
    }
  },
};

export const bridgePortRules: SettingRules = {
  setting: 'bridge-port',
  verify(ctx) {
    verifyPortSettingOwner(ctx, 'bridge-port', 'bridge');
    verifyBridgeVlans(ctx, 'bridge-port');
  },
};
