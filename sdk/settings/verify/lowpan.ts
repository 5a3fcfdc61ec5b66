/**
 * Rules of "wpan" and "6lowpan" (NetworkManager 1.42's verify in
 * nm-setting-wpan.c and nm-setting-6lowpan.c).
 */
import { canonicalString } from '../canonical-strings.js';
import { describeValue } from '../issues.js';
import { isValidInterfaceName } from '../ifname.js';
import { isValidMac } from '../mac.js';
import { propertyDefinition } from '../registry.js';
import { WPAN_MAC_LENGTH, WPAN_MAX_CHANNEL, WPAN_MAX_PAGE } from '../tables/lowpan.js';
import { isAcceptedUuid } from '../uuid.js';
import type { SettingRules } from './context.js';

export const wpanRules: SettingRules = {
  setting: 'wpan',
  verify(ctx) {
    const S = 'wpan';
    const mac = ctx.raw(S, 'mac-address') as string | undefined;
    if (mac !== undefined && !isValidMac(canonicalString(propertyDefinition(S, 'mac-address')!, mac), WPAN_MAC_LENGTH)) {
      ctx.error(S, 'mac-address', `${describeValue(mac)} is not an IEEE 802.15.4 address (${WPAN_MAC_LENGTH} bytes like 00:11:22:33:44:55:66:77)`, mac);
    }
    const page = ctx.num(S, 'page') ?? -1;
    const channel = ctx.num(S, 'channel') ?? -1;
    if ((page === -1) !== (channel === -1)) ctx.error(S, 'page', `${page} (channel ${channel}): page must be defined along with a channel`, page);
    else if (page < -1 || page > WPAN_MAX_PAGE) ctx.error(S, 'page', `${page}: page must be between -1 and ${WPAN_MAX_PAGE}`, page);
    else if (channel < -1 || channel > WPAN_MAX_CHANNEL) ctx.error(S, 'channel', `${channel}: channel must be between -1 and ${WPAN_MAX_CHANNEL}`, channel);
  },
};

export const lowpanRules: SettingRules = {
  setting: '6lowpan',
  verify(ctx) {
    const S = '6lowpan';
    const parent = ctx.raw(S, 'parent') as string | undefined;
    if (parent === undefined) return ctx.error(S, 'parent', 'property is not specified');
    if (isAcceptedUuid(parent)) {
      // A profile that names its parent twice (master with slave-type 6lowpan) must name the same one.
      const master = ctx.raw('connection', 'slave-type') === S ? (ctx.raw('connection', 'master') as string | undefined) : undefined;
      if (master !== undefined && master !== parent) ctx.error(S, 'parent', `${describeValue(parent)} value doesn't match 'master=${master}'`, parent);
    } else if (!isValidInterfaceName(parent)) {
      ctx.error(S, 'parent', `${describeValue(parent)} is neither an UUID nor an interface name`, parent);
    }
  },
};
