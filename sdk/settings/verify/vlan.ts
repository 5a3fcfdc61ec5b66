/**
 * Rules of "vlan" and "macvlan": the parent device (NetworkManager's
 * nm-setting-vlan.c and nm-setting-macvlan.c verify). vlan.id's range and
 * the flag bits are row checks.
 */
import { describeValue } from '../issues.js';
import { isValidInterfaceName } from '../ifname.js';
import { MACVLAN_MODES } from '../tables/virtual.js';
import { isAcceptedUuid } from '../uuid.js';
import type { SettingRules, VerifyContext } from './context.js';

/** A parent is an interface name or a profile UUID; without one, ethernet.mac-address must say. */
export function verifyParent(ctx: VerifyContext, setting: string): void {
  const parent = ctx.raw(setting, 'parent') as string | undefined;
  if (parent !== undefined) {
    if (!isAcceptedUuid(parent) && !isValidInterfaceName(parent)) {
      ctx.error(setting, 'parent', `${describeValue(parent)} is neither an UUID nor an interface name`, parent);
    }
  } else if (ctx.raw('802-3-ethernet', 'mac-address') === undefined) {
    ctx.error(setting, 'parent', "property is not specified and neither is '802-3-ethernet:mac-address'");
  }
}

/** "FROM:TO" entries; the 802.1p side (ingress FROM, egress TO) is 0..7. */
function verifyPriorityMap(ctx: VerifyContext, property: 'ingress-priority-map' | 'egress-priority-map'): void {
  for (const entry of ctx.list('vlan', property)) {
    const m = /^(\d+):(\d+)$/.exec(entry);
    const [from, to] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
    const pcp = property === 'ingress-priority-map' ? from : to;
    if (!m || pcp > 7 || from > 0xffffffff || to > 0xffffffff) {
      ctx.error('vlan', property, `${describeValue(entry)} is not a valid priority mapping (FROM:TO, 802.1p priority 0..7)`, entry);
    }
  }
}

export const vlanRules: SettingRules = {
  setting: 'vlan',
  verify(ctx) {
    const parent = ctx.raw('vlan', 'parent') as string | undefined;
    const master = ctx.raw('connection', 'master') as string | undefined;
    if (parent !== undefined && isAcceptedUuid(parent) && ctx.raw('connection', 'slave-type') === 'vlan' && master !== undefined && master !== parent) {
      ctx.error('vlan', 'parent', `${describeValue(parent)} value doesn't match 'master=${master}'`, parent);
    }
    verifyParent(ctx, 'vlan');
    verifyPriorityMap(ctx, 'ingress-priority-map');
    verifyPriorityMap(ctx, 'egress-priority-map');
    if (!ctx.has('802-3-ethernet')) {
      ctx.report('normalizable', 'vlan', undefined, "vlan setting should have a ethernet setting as well ('802-3-ethernet')");
    }
  },
};

export const macvlanRules: SettingRules = {
  setting: 'macvlan',
  verify(ctx) {
    verifyParent(ctx, 'macvlan');
    if (ctx.bool('macvlan', 'promiscuous') === false && ctx.num('macvlan', 'mode') !== MACVLAN_MODES.PASSTHRU) {
      ctx.error('macvlan', 'promiscuous', 'false: non promiscuous operation is allowed only in passthru mode', false);
    }
  },
};
