/**
 * Rules of "gsm", "cdma" and "bluetooth" (NetworkManager 1.42's verify and
 * verify_secrets in nm-setting-gsm.c, -cdma.c and -bluetooth.c). "serial"
 * has no rules beyond its rows' ranges.
 */
import { describeValue } from '../issues.js';
import { propertyDefinition } from '../registry.js';
import { canonicalString } from '../canonical-strings.js';
import { GSM_APN_MAX } from '../tables/mobile.js';
import type { SettingRules, VerifyContext } from './context.js';
import { verifyNonEmptySecret, verifyNotEmpty, verifyRequiredString } from './ppp.js';

/** A gsm string as NetworkManager holds it (apn and network-id are stripped when set). */
function gsmString(ctx: VerifyContext, property: string): string | undefined {
  const v = ctx.raw('gsm', property) as string | undefined;
  return v === undefined ? undefined : canonicalString(propertyDefinition('gsm', property)!, v);
}

/** An MCC-MNC code: 5 or 6 digits. */
const MCC_MNC = /^[0-9]{5,6}$/;

export const gsmRules: SettingRules = {
  setting: 'gsm',
  verify(ctx) {
    const S = 'gsm';
    verifyNotEmpty(ctx, S, 'number');
    const apn = gsmString(ctx, 'apn');
    if (apn !== undefined) {
      // NetworkManager counts bytes; the characters it allows are all ASCII anyway.
      if (Buffer.byteLength(apn) > GSM_APN_MAX) ctx.error(S, 'apn', `property value ${describeValue(apn)} is empty or too long (>${GSM_APN_MAX})`, apn);
      else if (!/^[A-Za-z0-9._-]*$/.test(apn)) ctx.error(S, 'apn', `${describeValue(apn)} contains invalid char(s) (use [A-Za-z._-])`, apn);
    }
    verifyNotEmpty(ctx, S, 'username');
    const networkId = gsmString(ctx, 'network-id');
    if (networkId !== undefined) {
      if (networkId.length < 5 || networkId.length > 6) ctx.error(S, 'network-id', `${describeValue(networkId)} length is invalid (should be 5 or 6 digits)`, networkId);
      else if (!MCC_MNC.test(networkId)) ctx.error(S, 'network-id', `${describeValue(networkId)} is not a number`, networkId);
    }
    verifyNotEmpty(ctx, S, 'device-id');
    verifyNotEmpty(ctx, S, 'sim-id');
    const operator = ctx.raw(S, 'sim-operator-id') as string | undefined;
    if (operator !== undefined) {
      if (operator.length !== 5 && operator.length !== 6) ctx.error(S, 'sim-operator-id', `${describeValue(operator)}: property is empty or wrong size`, operator);
      else if (!MCC_MNC.test(operator)) ctx.error(S, 'sim-operator-id', `${describeValue(operator)}: property must contain only digits`, operator);
    }
    if (ctx.bool(S, 'auto-config') && (apn !== undefined || ctx.raw(S, 'username') !== undefined || ctx.raw(S, 'password') !== undefined)) {
      ctx.report('normalizable-error', S, 'auto-config', "true: can't be enabled when manual configuration is present (apn, username or password)", true);
    }
    verifyNonEmptySecret(ctx, S, 'password');
  },
};

export const cdmaRules: SettingRules = {
  setting: 'cdma',
  verify(ctx) {
    verifyRequiredString(ctx, 'cdma', 'number');
    verifyNotEmpty(ctx, 'cdma', 'username');
    verifyNonEmptySecret(ctx, 'cdma', 'password');
  },
};

/**
 * The Bluetooth type a profile's other settings imply (NetworkManager's
 * _nm_connection_detect_bluetooth_type): dun with gsm or cdma, nap with a
 * bridge, else panu.
 */
export function detectBluetoothType(has: (setting: string) => boolean): 'dun' | 'nap' | 'panu' {
  if (has('gsm') || has('cdma')) return 'dun';
  return has('bridge') ? 'nap' : 'panu';
}

export const bluetoothRules: SettingRules = {
  setting: 'bluetooth',
  verify(ctx) {
    const S = 'bluetooth';
    // The address's syntax is checked by its row (a 6-byte MAC).
    const type = ctx.raw(S, 'type') as string | undefined;
    // NetworkManager 1.42 detects the type only when one is set, so a missing type is an error.
    if (type === undefined) return ctx.error(S, 'type', 'property is missing');
    if (type === 'dun' && !ctx.has('gsm') && !ctx.has('cdma')) {
      ctx.error(S, 'type', "'dun' connection requires 'gsm' or 'cdma' setting", type);
    }
    if (type === 'nap') {
      if (ctx.raw('connection', 'interface-name') === undefined) ctx.error('connection', 'interface-name', 'property is missing (a Bluetooth NAP needs an interface name)');
      else if (!ctx.has('bridge')) ctx.report('normalizable-error', S, 'type', "'nap' connection requires 'bridge' setting", type);
    } else if (ctx.raw(S, 'bdaddr') === undefined && (type === 'dun' || type === 'panu')) {
      ctx.error(S, 'bdaddr', `property is missing (needed for type '${type}')`);
    }
    const detected = detectBluetoothType((s) => ctx.has(s) || (s === 'bridge' && type === 'nap'));
    if (type !== detected && (type === 'dun' || type === 'nap' || type === 'panu') && !ctx.issues.some((i) => i.setting === S && i.severity === 'error')) {
      ctx.report('normalizable', S, 'type', `${describeValue(type)} becomes ${describeValue(detected)} (the settings present imply it)`, type);
    }
  },
};
