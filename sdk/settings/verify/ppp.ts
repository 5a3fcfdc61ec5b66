/**
 * Rules of "ppp", "pppoe" and "adsl" (NetworkManager 1.42's verify and
 * verify_secrets in nm-setting-ppp.c, -pppoe.c and -adsl.c).
 */
import { canonicalString } from '../canonical-strings.js';
import { describeValue } from '../issues.js';
import { interfaceNameProblem } from '../ifname.js';
import { propertyDefinition } from '../registry.js';
import { ADSL_ENCAPSULATIONS, ADSL_PROTOCOLS, PPP_MRU_RANGE } from '../tables/ppp.js';
import type { SettingRules, VerifyContext } from './context.js';

/** A secret set to '' (nm_setting_verify_secret_string); the value itself is never put in a message. */
export function verifyNonEmptySecret(ctx: VerifyContext, setting: string, property: string): void {
  if (ctx.raw(setting, property) === '') ctx.error(setting, property, 'property is empty', '<secret>');
}

/** A required string: missing and empty are both errors. */
export function verifyRequiredString(ctx: VerifyContext, setting: string, property: string): string | undefined {
  const v = ctx.raw(setting, property) as string | undefined;
  if (v === undefined) ctx.error(setting, property, 'property is missing');
  else if (v === '') ctx.error(setting, property, 'property is empty', v);
  return v || undefined;
}

/** A string that may be absent but not empty. */
export function verifyNotEmpty(ctx: VerifyContext, setting: string, property: string): void {
  if (ctx.raw(setting, property) === '') ctx.error(setting, property, 'property is empty', '');
}

export const pppRules: SettingRules = {
  setting: 'ppp',
  verify(ctx) {
    const S = 'ppp';
    const mru = ctx.num(S, 'mru') ?? 0;
    const [low, high] = PPP_MRU_RANGE;
    if (mru > 0 && (mru < low || mru > high)) ctx.error(S, 'mru', `${mru} is out of valid range <${low}-${high}>`, mru);
    const failures = ctx.num(S, 'lcp-echo-failure') ?? 0;
    if (failures > 0 && (ctx.num(S, 'lcp-echo-interval') ?? 0) === 0) {
      ctx.error(S, 'lcp-echo-failure', `${failures}: setting this property requires non-zero 'lcp-echo-interval' property`, failures);
    }
  },
};

export const pppoeRules: SettingRules = {
  setting: 'pppoe',
  verify(ctx) {
    const S = 'pppoe';
    verifyRequiredString(ctx, S, 'username');
    verifyNotEmpty(ctx, S, 'service');
    const parent = ctx.raw(S, 'parent') as string | undefined;
    const problem = parent !== undefined ? interfaceNameProblem(parent) : undefined;
    if (problem) ctx.error(S, 'parent', `${describeValue(parent)}: ${problem}`, parent);
    verifyNonEmptySecret(ctx, S, 'password');
  },
};

/** protocol and encapsulation are compared as NetworkManager holds them: lower case. */
function canonical(ctx: VerifyContext, property: string): string | undefined {
  const v = ctx.raw('adsl', property) as string | undefined;
  return v === undefined ? undefined : canonicalString(propertyDefinition('adsl', property)!, v);
}

export const adslRules: SettingRules = {
  setting: 'adsl',
  verify(ctx) {
    const S = 'adsl';
    verifyRequiredString(ctx, S, 'username');
    const protocol = canonical(ctx, 'protocol');
    if (protocol === undefined || !(ADSL_PROTOCOLS as readonly string[]).includes(protocol)) {
      ctx.error(S, 'protocol', `${protocol === undefined ? '(null)' : describeValue(protocol)} is not a valid value for the property (${ADSL_PROTOCOLS.join(', ')})`, protocol);
    }
    const encapsulation = canonical(ctx, 'encapsulation');
    if (encapsulation !== undefined && !(ADSL_ENCAPSULATIONS as readonly string[]).includes(encapsulation)) {
      ctx.error(S, 'encapsulation', `${describeValue(encapsulation)} is not a valid value for the property (${ADSL_ENCAPSULATIONS.join(', ')})`, encapsulation);
    }
    verifyNonEmptySecret(ctx, S, 'password');
  },
};
