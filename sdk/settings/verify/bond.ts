/**
 * Rules of "bond" and "bond-port" (NetworkManager's nm-setting-bond.c and
 * nm-setting-bond-port.c verify), in NetworkManager's order. Which options a
 * mode refuses and which it only drops: an option that makes no sense in the
 * mode but does no harm (arp_interval=0 in 802.3ad, lacp_rate=slow in
 * active-backup, ...) is 'normalizable' and normalisation removes it; the
 * combinations below that would change behaviour are errors.
 */
import { describeValue } from '../issues.js';
import { interfaceNameProblem } from '../ifname.js';
import { isValidIp } from '../ip-address.js';
import { isValidMac } from '../mac.js';
import {
  bondChoiceIndex,
  bondModeFromString,
  bondOption,
  bondOptionSupported,
  type BondOptionDefinition,
} from '../tables/bond-options.js';
import type { SettingRules, VerifyContext } from './context.js';

const S = 'bond';
const P = 'options';

/** Why an option value is invalid, or undefined when it is fine. */
export function bondOptionProblem(name: string, value: string): string | undefined {
  const def = bondOption(name);
  if (!def) return `invalid option '${name}'`;
  if (validBondValue(def, value)) return undefined;
  if (def.kind === 'ip') {
    const bad = value.split(',').map((s) => s.trim()).filter(Boolean);
    if (bad.length === 0) return `'${name}' option is empty`;
    return `'${bad.find((a) => !isValidIp(a, 4))}' is not a valid IPv4 address for '${name}' option`;
  }
  return `invalid value '${value}' for option '${name}'`;
}

function validInt(def: BondOptionDefinition, value: string): boolean {
  return /^\d+$/.test(value) && Number(value) >= (def.min ?? 0) && Number(value) <= (def.max ?? Infinity);
}

function validBondValue(def: BondOptionDefinition, value: string): boolean {
  switch (def.kind) {
    case 'int':
      return validInt(def, value);
    case 'choice':
      return bondChoiceIndex(def, value) !== undefined;
    case 'ip': {
      const targets = value.split(',').map((s) => s.trim()).filter(Boolean);
      return targets.length > 0 && targets.every((a) => isValidIp(a, 4));
    }
    case 'mac':
      return isValidMac(value, 6);
    case 'ifname':
      return interfaceNameProblem(value) === undefined;
  }
}

/** An integer option's value, or its default (0 when unreadable: the value itself was reported). */
function intOption(options: Record<string, string>, name: string): number {
  const v = options[name] ?? bondOption(name)?.default ?? '0';
  return /^\d+$/.test(v) ? Number(v) : 0;
}

function fail(ctx: VerifyContext, reason: string, value?: unknown): void {
  ctx.error(S, P, reason, value);
}

export const bondRules: SettingRules = {
  setting: S,
  verify(ctx) {
    const options = ctx.dict(S, P);
    let valid = true;
    for (const [name, value] of Object.entries(options)) {
      const problem = bondOptionProblem(name, value);
      if (problem) {
        fail(ctx, problem, `${name}=${value}`);
        valid = false;
      }
    }
    const modeText = options['mode'];
    if (modeText === undefined) {
      // NetworkManager's bond setting starts with mode=balance-rr; normalisation puts it back.
      ctx.report('normalizable-error', S, P, "mandatory option 'mode' is missing", options);
    }
    const mode = bondModeFromString(modeText ?? 'balance-rr');
    if (!mode || !valid) return;

    const miimon = intOption(options, 'miimon');
    const arpInterval = intOption(options, 'arp_interval');
    if ((mode === 'balance-tlb' || mode === 'balance-alb') && arpInterval > 0) {
      fail(ctx, `'mode=${modeText}' is incompatible with 'arp_interval > 0' (arp_interval=${arpInterval})`, `arp_interval=${arpInterval}`);
    }
    const primary = options['primary'];
    if (primary !== undefined && !['active-backup', 'balance-tlb', 'balance-alb'].includes(mode)) {
      fail(ctx, `'primary' option (${describeValue(primary)}) is only valid for 'mode=active-backup'`, `primary=${primary}`);
    }
    if (ctx.has('infiniband') && mode !== 'active-backup') {
      fail(ctx, `'mode=${modeText}' is not a valid configuration for 'infiniband'`, `mode=${modeText}`);
    }
    if (miimon === 0) {
      for (const delay of ['updelay', 'downdelay']) {
        const v = intOption(options, delay);
        if (v) fail(ctx, `'${delay}' option (${v}) requires 'miimon' option to be enabled`, `${delay}=${v}`);
      }
    }
    const peerNotifDelay = intOption(options, 'peer_notif_delay');
    if (peerNotifDelay) {
      if (miimon === 0) {
        fail(ctx, `'peer_notif_delay' option (${peerNotifDelay}) requires 'miimon' option to be enabled`, `peer_notif_delay=${peerNotifDelay}`);
      } else if (peerNotifDelay % miimon && arpInterval === 0) {
        fail(ctx, `'peer_notif_delay' option (${peerNotifDelay}) needs to be a value multiple of 'miimon' value (${miimon})`, `peer_notif_delay=${peerNotifDelay}`);
      }
    }
    const arpTarget = options['arp_ip_target'];
    if (arpInterval > 0 && arpTarget === undefined) {
      fail(ctx, `'arp_interval' option (${arpInterval}) requires 'arp_ip_target' option to be set`, `arp_interval=${arpInterval}`);
    } else if (arpInterval === 0 && arpTarget !== undefined) {
      fail(ctx, `'arp_ip_target' option (${describeValue(arpTarget)}) requires 'arp_interval' option to be set`, `arp_ip_target=${arpTarget}`);
    }
    const lacpRate = options['lacp_rate'];
    if (lacpRate !== undefined && mode !== '802.3ad' && lacpRate !== '0' && lacpRate !== 'slow') {
      fail(ctx, `'lacp_rate=${lacpRate}' option is only valid with mode '802.3ad'`, `lacp_rate=${lacpRate}`);
    }
    if (options['num_grat_arp'] !== undefined && options['num_unsol_na'] !== undefined && intOption(options, 'num_grat_arp') !== intOption(options, 'num_unsol_na')) {
      fail(ctx, `'num_grat_arp' (${options['num_grat_arp']}) and 'num_unsol_na' (${options['num_unsol_na']}) cannot have different values`, options);
    }
    if (intOption(options, 'balance-slb') > 0) {
      if (mode !== 'balance-xor') fail(ctx, `balance-slb requires bond mode "balance-xor", not '${modeText}'`, `mode=${modeText}`);
      const hash = options['xmit_hash_policy'];
      if (hash !== undefined && bondChoiceIndex(bondOption('xmit_hash_policy')!, hash) !== 5) {
        fail(ctx, `balance-slb requires xmit_hash_policy "vlan+srcmac", not '${hash}'`, `xmit_hash_policy=${hash}`);
      }
    }
    if (ctx.raw('connection', 'interface-name') === undefined) {
      ctx.error('connection', 'interface-name', 'property is missing (a bond needs an interface name)');
    }
    if (modeText !== undefined && modeText !== mode) {
      ctx.report('normalizable', S, P, `'mode=${modeText}' option should be string ('${mode}')`, `mode=${modeText}`);
    }
    for (const [name, value] of Object.entries(options)) {
      if (!bondOptionSupported(name, mode)) {
        ctx.report('normalizable', S, P, `'${name}=${value}' option is not valid with mode '${mode}'`, `${name}=${value}`);
      }
    }
  },
};

/** A port setting must match connection.slave-type (bond-port, bridge-port and team-port alike). */
export function verifyPortSettingOwner(ctx: VerifyContext, portSetting: string, controller: string): void {
  const slaveType = ctx.raw('connection', 'slave-type') as string | undefined;
  if (slaveType !== undefined && slaveType !== controller) {
    ctx.error(
      'connection',
      'slave-type',
      `${describeValue(slaveType)}: a connection with a '${portSetting}' setting must have the slave-type set to '${controller}'`,
      slaveType,
    );
  }
}

export const bondPortRules: SettingRules = {
  setting: 'bond-port',
  verify: (ctx) => verifyPortSettingOwner(ctx, 'bond-port', 'bond'),
};
