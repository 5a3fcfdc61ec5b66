/**
 * verifyConnection: NetworkManager's nm_connection_verify (with each
 * setting's verify and the secrets checks) over the model. Where
 * NetworkManager stops at the first error, this reports every issue it
 * finds; a profile is valid when no issue is an 'error' or a
 * 'normalizable-error' (isValidConnection).
 */
import { makeIssue, type VerifyIssue } from '../issues.js';
import { isBaseType } from '../registry.js';
import { defaultIpMethod, supportsIp } from '../topology.js';
import type { ConnectionSettings } from '../types.js';
import { isPlainObject } from '../values.js';
import { bondPortRules, bondRules } from './bond.js';
import { bridgePortRules, bridgeRules } from './bridge.js';
import { connectionRules } from './connection.js';
import { VerifyContext, type SettingRules } from './context.js';
import { ethernetRules } from './ethernet.js';
import { ieee8021xRules } from './ieee8021x.js';
import { ipv4Rules, ipv6Rules } from './ip.js';
import { lowpanRules, wpanRules } from './lowpan.js';
import { bluetoothRules, cdmaRules, gsmRules } from './mobile.js';
import {
  dummyRules,
  infinibandRules,
  matchRules,
  proxyRules,
  teamPortRules,
  teamRules,
  vethRules,
  vpnRules,
  vxlanRules,
} from './other.js';
import { adslRules, pppoeRules, pppRules } from './ppp.js';
import { verifyProperties } from './properties.js';
import { macvlanRules, vlanRules } from './vlan.js';
import { wifiRules, wifiSecurityRules } from './wifi.js';
import { olpcMeshRules, wifiP2pRules, wimaxRules } from './wireless-extra.js';
import { dcbRules, sriovRules, tcRules, userRules } from './link-extras.js';
import { ovsBridgeRules, ovsDpdkRules, ovsInterfaceRules, ovsPatchRules, ovsPortRules } from './ovs.js';
import { ipTunnelRules, loopbackRules, macsecRules, tunRules, vrfRules } from './tunnels.js';
import { wireguardRules } from './wireguard.js';

/** Each setting's rules, in the order NetworkManager verifies settings. */
const RULES: readonly SettingRules[] = [
  connectionRules,
  ethernetRules,
  wifiRules,
  wifiSecurityRules,
  ieee8021xRules,
  bondRules,
  bondPortRules,
  bridgeRules,
  bridgePortRules,
  teamRules,
  teamPortRules,
  vlanRules,
  macvlanRules,
  vxlanRules,
  vethRules,
  dummyRules,
  infinibandRules,
  ipTunnelRules,
  tunRules,
  macsecRules,
  vrfRules,
  loopbackRules,
  wireguardRules,
  ovsBridgeRules,
  ovsPortRules,
  ovsInterfaceRules,
  ovsPatchRules,
  ovsDpdkRules,
  gsmRules,
  cdmaRules,
  bluetoothRules,
  pppRules,
  pppoeRules,
  adslRules,
  wpanRules,
  lowpanRules,
  wifiP2pRules,
  olpcMeshRules,
  wimaxRules,
  vpnRules,
  ipv4Rules,
  ipv6Rules,
  proxyRules,
  matchRules,
  tcRules,
  sriovRules,
  dcbRules,
  userRules,
];

const RULES_BY_SETTING = new Map(RULES.map((r) => [r.setting, r]));

/**
 * connection.type names a setting that is missing: NetworkManager adds a
 * default one when that alone would verify (a normalizable error), and
 * refuses the profile otherwise (a vlan without its parent, say).
 */
function verifyBaseSetting(ctx: VerifyContext): void {
  const type = ctx.raw('connection', 'type') as string | undefined;
  if (type === undefined || !isBaseType(type) || ctx.has(type)) return;
  const trial = new VerifyContext({ ...ctx.settings, [type]: {} });
  RULES_BY_SETTING.get(type)?.verify(trial);
  const fixable = trial.issues.every((i) => i.severity !== 'error');
  ctx.report(fixable ? 'normalizable-error' : 'error', type, undefined, `setting required for connection of type '${type}'`);
}

/** ipv4, ipv6 and proxy: required for profiles that are not ports, refused on ports (except VRF ports). */
/** The settings only profiles with IP configuration have, and their family. */
const IP_SETTINGS = [['ipv4', 4], ['ipv6', 6], ['proxy', undefined]] as const;

function verifyIpSettings(ctx: VerifyContext): void {
  for (const [setting, family] of IP_SETTINGS) {
    const allowed = supportsIp(ctx.settings, family);
    if (allowed && !ctx.has(setting)) {
      const extra = setting === 'proxy' ? '' : ` (normalisation adds method=${defaultIpMethod(ctx.raw('connection', 'type') as string | undefined)})`;
      ctx.report('normalizable', setting, undefined, `setting is required for non-slave connections${extra}`);
    } else if (!allowed && ctx.has(setting)) {
      const master = ctx.raw('connection', 'master');
      const why = master !== undefined ? `in slave connection (master ${String(master)})` : `in a ${String(ctx.raw('connection', 'type'))} connection`;
      ctx.report('normalizable-error', setting, undefined, `setting not allowed ${why}`);
    }
  }
}

/** Every issue of a profile; an empty list means valid and normalised. Never throws. */
export function verifyConnection(settings: ConnectionSettings): VerifyIssue[] {
  if (!isPlainObject(settings) || !isPlainObject(settings['connection'])) {
    return [makeIssue('error', 'connection', undefined, 'setting not found')];
  }
  const ctx = new VerifyContext(settings);
  try {
    verifyProperties(ctx);
    for (const rules of RULES) {
      if (ctx.has(rules.setting)) rules.verify(ctx);
    }
    verifyBaseSetting(ctx);
    verifyIpSettings(ctx);
  } catch (e) {
    // A rule that throws is a bug in nmk; report it instead of failing the caller.
    ctx.error('connection', undefined, `internal error while verifying: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (ctx.issues.length < 2) return ctx.issues;
  const seen = new Set<string>();
  return ctx.issues.filter((i) => !seen.has(i.message) && !!seen.add(i.message));
}
