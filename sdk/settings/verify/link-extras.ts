/**
 * Rules of tc, sriov, dcb and user (NetworkManager 1.42's verify of each).
 */
import { describeValue } from '../issues.js';
import { isValidMac } from '../mac.js';
import { parseSriovVf } from '../records/sriov-vfs.js';
import { formatQdisc, formatTfilter, parseQdisc, parseTfilter } from '../records/tc.js';
import { DCB_ARRAY_LENGTH, DCB_FLAGS, USER_DATA_MAX_ENTRIES, USER_DATA_MAX_KEY_LENGTH, USER_DATA_MAX_VALUE_LENGTH } from '../tables/link-extras.js';
import type { SettingRules, VerifyContext } from './context.js';

export const tcRules: SettingRules = {
  setting: 'tc',
  verify(ctx) {
    for (const [property, parse, format, what] of [
      ['qdiscs', parseQdisc, formatQdisc, 'qdiscs'],
      ['tfilters', parseTfilter, formatTfilter, 'filters'],
    ] as const) {
      const seen = new Set<string>();
      ctx.list('tc', property).forEach((text, i) => {
        const p = parse(text);
        if (!p.ok) return ctx.error('tc', property, `${i + 1}. ${describeValue(text)}: ${p.reason}`, text);
        const canonical = format(p.value);
        if (seen.has(canonical)) ctx.error('tc', property, `there are duplicate TC ${what}`, text);
        seen.add(canonical);
      });
    }
  },
};

export const sriovRules: SettingRules = {
  setting: 'sriov',
  verify(ctx) {
    const total = ctx.num('sriov', 'total-vfs') ?? 0;
    const seen = new Set<number>();
    let previous = -1;
    let sorted = true;
    for (const text of ctx.list('sriov', 'vfs')) {
      const p = parseSriovVf(text);
      if (!p.ok) return ctx.error('sriov', 'vfs', `${describeValue(text)}: ${p.reason}`, text);
      const vf = p.value;
      if (vf.index >= total) return ctx.error('sriov', 'vfs', `VF with index ${vf.index}, but the total number of VFs is ${total}`, text);
      const mac = vf.attributes.get('mac');
      if (mac !== undefined && !isValidMac(String(mac))) return ctx.error('sriov', 'vfs', `invalid VF ${vf.index}: '${String(mac)}' is not a valid MAC address`, text);
      if (seen.has(vf.index)) return ctx.error('sriov', 'vfs', `duplicate VF index ${vf.index}`, text);
      seen.add(vf.index);
      if (vf.index <= previous) sorted = false;
      previous = vf.index;
    }
    if (!sorted) ctx.report('normalizable', 'sriov', 'vfs', 'VFs are not sorted by ascending index');
  },
};

function dcbFlagsOk(ctx: VerifyContext, property: string): number {
  const flags = ctx.num('dcb', property) ?? 0;
  if (!(flags & DCB_FLAGS.ENABLE) && flags & ~DCB_FLAGS.ENABLE) ctx.error('dcb', property, `${flags}: flags invalid - disabled`, flags);
  return flags;
}

function dcbPriority(ctx: VerifyContext, property: string, flags: number): void {
  const v = ctx.num('dcb', property) ?? -1;
  if (!(flags & DCB_FLAGS.ENABLE) && v >= 0) ctx.error('dcb', property, `${v}: property invalid (not enabled)`, v);
}

function dcbArray(ctx: VerifyContext, property: string, flags: number, max: number, extra: number, sum100: boolean): void {
  const raw = ctx.raw('dcb', property) as number[] | undefined;
  if (raw === undefined) return;
  if (raw.length !== DCB_ARRAY_LENGTH) return ctx.error('dcb', property, `needs ${DCB_ARRAY_LENGTH} elements, got ${raw.length}`, raw);
  for (const n of raw) {
    if (!(flags & DCB_FLAGS.ENABLE) && n) return ctx.error('dcb', property, `${describeValue(raw)}: property invalid (not enabled)`, raw);
    if (n > max && n !== extra) return ctx.error('dcb', property, `${n}: element invalid`, raw);
  }
  if (sum100 && flags & DCB_FLAGS.ENABLE && raw.reduce((a, b) => a + b, 0) !== 100) ctx.error('dcb', property, `${describeValue(raw)}: sum not 100%`, raw);
}

export const dcbRules: SettingRules = {
  setting: 'dcb',
  verify(ctx) {
    for (const app of ['fcoe', 'iscsi', 'fip']) dcbPriority(ctx, `app-${app}-priority`, dcbFlagsOk(ctx, `app-${app}-flags`));
    dcbArray(ctx, 'priority-flow-control', dcbFlagsOk(ctx, 'priority-flow-control-flags'), 1, 0, false);
    const group = dcbFlagsOk(ctx, 'priority-group-flags');
    dcbArray(ctx, 'priority-group-id', group, 7, 15, false);
    dcbArray(ctx, 'priority-group-bandwidth', group, 100, 0, true);
    dcbArray(ctx, 'priority-bandwidth', group, 100, 0, false);
    dcbArray(ctx, 'priority-strict-bandwidth', group, 1, 0, false);
    dcbArray(ctx, 'priority-traffic-class', group, 7, 0, false);
  },
};

/** Why a user.data key is refused (nm_setting_user_check_key), or undefined. */
export function userDataKeyProblem(key: string): string | undefined {
  if (key === '') return 'missing key';
  if (Buffer.byteLength(key, 'utf8') > USER_DATA_MAX_KEY_LENGTH) return 'key is too long';
  if (!/^[A-Za-z0-9\-_+/=.]+$/.test(key)) return 'key contains invalid characters';
  if (key.includes('..')) return 'key cannot contain ".."';
  if (!/^[^.]+(\.[^.]+)+$/.test(key)) return key.includes('.') ? 'key contains invalid characters' : "key requires a '.' for a namespace";
  return undefined;
}

export const userRules: SettingRules = {
  setting: 'user',
  verify(ctx) {
    const data = ctx.dict('user', 'data');
    for (const [key, value] of Object.entries(data)) {
      const problem = userDataKeyProblem(key);
      if (problem) ctx.error('user', 'data', `invalid key "${key}": ${problem}`, key);
      else if (Buffer.byteLength(value, 'utf8') > USER_DATA_MAX_VALUE_LENGTH) ctx.error('user', 'data', `invalid value for "${key}": value is too large`, key);
    }
    const n = Object.keys(data).length;
    if (n > USER_DATA_MAX_ENTRIES) ctx.error('user', 'data', `maximum number of user data entries reached (${n} instead of ${USER_DATA_MAX_ENTRIES})`, n);
  },
};
