/**
 * Rules of the smaller settings: vpn, team, team-port, infiniband, vxlan,
 * veth, dummy, proxy and match (NetworkManager's verify of each).
 */
import { describeValue } from '../issues.js';
import { isValidInterfaceName } from '../ifname.js';
import { parseIp } from '../ip-address.js';
import { parseLinkWatcher } from '../records/link-watchers.js';
import { PAC_SCRIPT_MAX } from '../tables/misc.js';
import { INFINIBAND_MAX_MTU } from '../tables/virtual.js';
import { isAcceptedUuid } from '../uuid.js';
import { verifyPortSettingOwner } from './bond.js';
import type { SettingRules, VerifyContext } from './context.js';

function requireInterfaceName(ctx: VerifyContext, kind: string): void {
  if (ctx.raw('connection', 'interface-name') === undefined) {
    ctx.error('connection', 'interface-name', `property is missing (a ${kind} needs an interface name)`);
  }
}

export const vpnRules: SettingRules = {
  setting: 'vpn',
  verify(ctx) {
    const service = ctx.raw('vpn', 'service-type');
    if (service === undefined) ctx.error('vpn', 'service-type', 'property is missing');
    else if (service === '') ctx.error('vpn', 'service-type', 'property is empty', service);
    if (ctx.raw('vpn', 'user-name') === '') ctx.error('vpn', 'user-name', 'property is empty', '');
    const multi = ctx.num('connection', 'multi-connect') ?? 0;
    if (multi !== 0) ctx.error('connection', 'multi-connect', `${multi}: cannot set connection.multi-connect for VPN setting`, multi);
  },
};

function verifyTeamConfig(ctx: VerifyContext, setting: string): void {
  const config = ctx.raw(setting, 'config') as string | undefined;
  if (config === '') return ctx.report('normalizable', setting, 'config', "'' is empty and will be removed", '');
  if (config === undefined) return;
  if (config.length > 1024 * 1024) return ctx.error(setting, 'config', 'team config exceeds size limit', config.length);
  let parsed: unknown;
  try {
    parsed = JSON.parse(config);
  } catch {
    return ctx.error(setting, 'config', `${describeValue(config.slice(0, 40))}: team config is not valid JSON`, config);
  }
  // NetworkManager reads the properties from a JSON object only and calls anything else invalid.
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    ctx.error(setting, 'config', `${describeValue(config.slice(0, 40))}: team config is not a JSON object`, config);
  }
}

function verifyLinkWatchers(ctx: VerifyContext, setting: string): void {
  ctx.list(setting, 'link-watchers').forEach((text, i) => {
    const p = parseLinkWatcher(text);
    if (!p.ok) ctx.error(setting, 'link-watchers', `${i + 1}. ${describeValue(text)}: ${p.reason}`, text);
  });
}

export const teamRules: SettingRules = {
  setting: 'team',
  verify(ctx) {
    requireInterfaceName(ctx, 'team');
    verifyTeamConfig(ctx, 'team');
    verifyLinkWatchers(ctx, 'team');
  },
};

export const teamPortRules: SettingRules = {
  setting: 'team-port',
  verify(ctx) {
    verifyPortSettingOwner(ctx, 'team-port', 'team');
    verifyTeamConfig(ctx, 'team-port');
    verifyLinkWatchers(ctx, 'team-port');
  },
};

/** The name the kernel gives a partition: "PARENT.PKEY" with the key in 4 hex digits. */
export function infinibandVirtualName(parent: string, pKey: number): string {
  return `${parent}.${pKey.toString(16).padStart(4, '0')}`;
}

export const infinibandRules: SettingRules = {
  setting: 'infiniband',
  verify(ctx) {
    const S = 'infiniband';
    if (ctx.raw(S, 'transport-mode') === undefined) ctx.error(S, 'transport-mode', 'property is missing (datagram or connected)');
    const parent = ctx.raw(S, 'parent') as string | undefined;
    const pKey = ctx.num(S, 'p-key') ?? -1;
    if (parent !== undefined) {
      if (!isValidInterfaceName(parent)) ctx.error(S, 'parent', `${describeValue(parent)} is not a valid interface name`, parent);
      else if (pKey === -1) ctx.error(S, 'p-key', 'Must specify a P_Key if specifying parent');
    }
    if (pKey !== -1) {
      if (ctx.raw(S, 'mac-address') === undefined && parent === undefined) ctx.error(S, 'parent', `p-key ${pKey}: InfiniBand P_Key connection did not specify parent interface name`);
      if (pKey === 0 || pKey === 0x8000) ctx.error(S, 'p-key', `${pKey}: the values 0 and 0x8000 are not allowed`, pKey);
    }
    const ifname = ctx.raw('connection', 'interface-name') as string | undefined;
    if (ifname !== undefined && pKey !== -1) {
      const virtual = parent !== undefined ? infinibandVirtualName(parent, pKey) : undefined;
      if (ifname !== virtual) {
        ctx.error('connection', 'interface-name', virtual
          ? `interface name of software infiniband device must be '${virtual}' or unset (instead it is '${ifname}')`
          : `interface name of software infiniband device with MAC address must be unset (instead it is '${ifname}')`, ifname);
      }
    }
    const mtu = ctx.num(S, 'mtu') ?? 0;
    if (mtu > INFINIBAND_MAX_MTU) ctx.report('normalizable-error', S, 'mtu', `mtu can be at most ${INFINIBAND_MAX_MTU} but it is ${mtu}`, mtu);
  },
};

export const vxlanRules: SettingRules = {
  setting: 'vxlan',
  verify(ctx) {
    const S = 'vxlan';
    const remote = ctx.raw(S, 'remote') as string | undefined;
    const local = ctx.raw(S, 'local') as string | undefined;
    const rf = remote !== undefined ? parseIp(remote)?.family : undefined;
    if (remote !== undefined && rf === undefined) ctx.error(S, 'remote', `${describeValue(remote)} is not a valid IP address`, remote);
    if (local !== undefined && !parseIp(local, rf)) ctx.error(S, 'local', `${describeValue(local)} is not a valid IP${rf ?? ''} address`, local);
    const parent = ctx.raw(S, 'parent') as string | undefined;
    if (parent !== undefined && !isValidInterfaceName(parent) && !isAcceptedUuid(parent)) {
      ctx.error(S, 'parent', `${describeValue(parent)} is neither an UUID nor an interface name`, parent);
    }
    const min = ctx.num(S, 'source-port-min') ?? 0;
    const max = ctx.num(S, 'source-port-max') ?? 0;
    if ((min || max) && min > max) ctx.error(S, 'source-port-min', `${min} is greater than local port max ${max}`, min);
  },
};

export const vethRules: SettingRules = {
  setting: 'veth',
  verify(ctx) {
    const peer = ctx.raw('veth', 'peer') as string | undefined;
    if (peer === undefined) ctx.error('veth', 'peer', 'property is not specified');
    else if (!isValidInterfaceName(peer)) ctx.error('veth', 'peer', `'${peer}' is not a valid interface name`, peer);
    requireInterfaceName(ctx, 'veth');
  },
};

export const dummyRules: SettingRules = {
  setting: 'dummy',
  verify: (ctx) => requireInterfaceName(ctx, 'dummy'),
};

export const proxyRules: SettingRules = {
  setting: 'proxy',
  verify(ctx) {
    const S = 'proxy';
    if ((ctx.num(S, 'method') ?? 0) !== 1) {
      for (const p of ['pac-url', 'pac-script']) {
        const v = ctx.raw(S, p);
        if (v !== undefined) ctx.error(S, p, `${describeValue(v)}: this property is not allowed for method none`, v);
      }
    }
    const script = ctx.raw(S, 'pac-script') as string | undefined;
    if (script !== undefined) {
      if (Buffer.byteLength(script) > PAC_SCRIPT_MAX) ctx.error(S, 'pac-script', 'the script is too large', script.length);
      else if (!script.includes('FindProxyForURL')) ctx.error(S, 'pac-script', 'the script lacks FindProxyForURL function', script.slice(0, 40));
    }
  },
};

export const matchRules: SettingRules = {
  setting: 'match',
  verify(ctx) {
    for (const p of ['interface-name', 'kernel-command-line', 'driver', 'path']) {
      if (ctx.list('match', p).some((e) => e === '')) ctx.error('match', p, "'' is empty", '');
    }
  },
};
