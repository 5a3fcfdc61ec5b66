/**
 * Rules of the "connection" setting (NetworkManager's
 * nm-setting-connection.c verify), except the base-setting check, which
 * needs the other settings' rules and lives in verify.ts.
 */
import { describeValue } from '../issues.js';
import { interfaceNameProblem } from '../ifname.js';
import { isBaseType, resolveSettingAlias, UNMODELLED_BASE_TYPES } from '../registry.js';
import { MPTCP_FLAGS, PORT_TYPES } from '../tables/connection.js';
import { detectBaseType, detectPortType } from '../topology.js';
import { isAcceptedUuid, isUuid, normalizeUuid } from '../uuid.js';
import type { SettingRules, VerifyContext } from './context.js';

const C = 'connection';

function verifyMptcp(ctx: VerifyContext, flags: number): void {
  if (flags === 0) return;
  if (flags & MPTCP_FLAGS.DISABLED) {
    if (flags !== MPTCP_FLAGS.DISABLED) ctx.error(C, 'mptcp-flags', `${flags}: "disabled" flag cannot be combined with other MPTCP flags`, flags);
    return;
  }
  if ((flags & MPTCP_FLAGS.SIGNAL) && (flags & MPTCP_FLAGS.FULLMESH)) {
    ctx.error(C, 'mptcp-flags', `${flags}: cannot set both "signal" and "fullmesh" MPTCP flags`, flags);
  } else if (flags & ~0xff) {
    ctx.error(C, 'mptcp-flags', `value ${flags} is not a valid combination of MPTCP flags`, flags);
  }
}

function verifyMudUrl(ctx: VerifyContext, url: string): void {
  if (url === '') return ctx.error(C, 'mud-url', 'property is empty', url);
  if (url === 'none') return;
  if (url.length > 255) return ctx.error(C, 'mud-url', `${describeValue(url)}: DHCP option cannot be longer than 255 characters`, url);
  let ok = false;
  try {
    ok = new URL(url).protocol === 'https:';
  } catch {
    ok = false;
  }
  if (!ok) ctx.error(C, 'mud-url', `${describeValue(url)}: MUD URL is not a valid URL`, url);
}

function verifyType(ctx: VerifyContext): void {
  const type = ctx.raw(C, 'type') as string | undefined;
  if (type === undefined) {
    const base = detectBaseType(ctx.settings);
    if (base) ctx.report('normalizable-error', C, 'type', `property type should be set to '${base}'`);
    else ctx.error(C, 'type', 'property is missing');
    return;
  }
  if (type === '') return ctx.error(C, 'type', 'property is empty', type);
  if (isBaseType(type) && resolveSettingAlias(type) === type) return;
  if (resolveSettingAlias(type) !== type) {
    return ctx.error(C, 'type', `connection type '${type}' is not valid (the D-Bus name is '${resolveSettingAlias(type)}')`, type);
  }
  if (UNMODELLED_BASE_TYPES.includes(type)) return ctx.error(C, 'type', `connection type '${type}' is not supported`, type);
  ctx.error(C, 'type', `connection type '${type}' is not valid`, type);
}

/** Port settings and the slave-type each belongs to, in the order their issues are reported. */
const PORT_SETTING_CONTROLLERS = [['bridge-port', 'bridge'], ['team-port', 'team'], ['bond-port', 'bond']] as const;

function verifyPort(ctx: VerifyContext): void {
  const master = ctx.raw(C, 'master') as string | undefined;
  const slaveType = ctx.raw(C, 'slave-type') as string | undefined;
  if (slaveType !== undefined) {
    // An unknown slave-type was reported by the row check already.
    if (!(slaveType in PORT_TYPES)) return;
    if (master === undefined) {
      ctx.error(C, 'master', `slave-type ${describeValue(slaveType)}: slave connections need a valid 'master' property`);
      return;
    }
    // NetworkManager 1.42 requires (and normalisation adds) bridge-port and team-port. A bond
    // port needs no bond-port: nmcli adds one when it creates a profile, the daemon does not.
    const portSetting = PORT_TYPES[slaveType];
    if ((portSetting === 'bridge-port' || portSetting === 'team-port') && !ctx.has(portSetting)) {
      ctx.report('normalizable-error', portSetting, undefined, `slave-type '${slaveType}' requires a '${portSetting}' setting in the connection`);
    }
  } else if (master !== undefined) {
    const detected = detectPortType(ctx.settings);
    if (detected) {
      ctx.report(
        'normalizable-error',
        C,
        'slave-type',
        `detected a port with 'master' ${describeValue(master)} and a '${detected.portSetting}' setting: 'slave-type' should be '${detected.portType}'`,
      );
    } else {
      ctx.error(C, 'slave-type', `cannot set 'master' (${describeValue(master)}) without 'slave-type'`, master);
    }
  }
  // Port settings that do not match the slave-type: bridge-port and team-port
  // are errors until normalised away; a stray bond-port NetworkManager drops silently.
  const effective = slaveType ?? (master !== undefined ? detectPortType(ctx.settings)?.portType : undefined);
  for (const [portSetting, controller] of PORT_SETTING_CONTROLLERS) {
    if (!ctx.has(portSetting) || effective === controller) continue;
    if (slaveType !== undefined) continue; // the port setting's own rule reports a mismatching slave-type
    ctx.report(
      portSetting === 'bond-port' ? 'normalizable' : 'normalizable-error',
      C,
      'slave-type',
      `a connection with 'slave-type' ${describeValue(slaveType ?? '')} cannot have a '${portSetting}' setting`,
    );
  }
}

export const connectionRules: SettingRules = {
  setting: C,
  verify(ctx) {
    const id = ctx.raw(C, 'id') as string | undefined;
    if (id === undefined) ctx.error(C, 'id', 'property is missing');
    else if (id === '') ctx.error(C, 'id', 'property is empty', id);

    const uuid = ctx.raw(C, 'uuid') as string | undefined;
    if (uuid === undefined) ctx.report('normalizable-error', C, 'uuid', 'property is missing');
    else if (!isAcceptedUuid(uuid)) ctx.error(C, 'uuid', `${describeValue(uuid)} is not a valid UUID`, uuid);
    else if (!isUuid(uuid) || normalizeUuid(uuid) !== uuid) ctx.report('normalizable', C, 'uuid', `${describeValue(uuid)}: UUID needs normalization`, uuid);

    verifyType(ctx);

    const ifname = ctx.raw(C, 'interface-name') as string | undefined;
    if (ifname !== undefined) {
      const problem = interfaceNameProblem(ifname);
      if (problem) ctx.error(C, 'interface-name', `${describeValue(ifname)}: ${problem}`, ifname);
    }

    verifyPort(ctx);

    const mptcp = ctx.raw(C, 'mptcp-flags') as number | undefined;
    if (mptcp !== undefined) verifyMptcp(ctx, mptcp);
    const mud = ctx.raw(C, 'mud-url') as string | undefined;
    if (mud !== undefined) verifyMudUrl(ctx, mud);

    for (const p of ctx.list(C, 'permissions')) {
      if (!/^user:[^:]+:?$/.test(p)) ctx.error(C, 'permissions', `${describeValue(p)}: invalid permissions not in format "user:$UNAME[:]"`, p);
    }

    const secondaries = ctx.list(C, 'secondaries');
    const bad = secondaries.find((s) => !isAcceptedUuid(s));
    if (bad !== undefined) ctx.report('normalizable', C, 'secondaries', `${describeValue(bad)} is not a valid UUID`, bad);
    else if (secondaries.some((s) => normalizeUuid(s) !== s)) ctx.report('normalizable', C, 'secondaries', 'has a UUID that requires normalization', secondaries);
    else if (new Set(secondaries).size !== secondaries.length) ctx.report('normalizable', C, 'secondaries', 'has duplicate UUIDs', secondaries);
  },
};
