/**
 * Rules of the Open vSwitch settings (NetworkManager 1.42's verify of
 * ovs-bridge, ovs-port, ovs-interface, ovs-patch and ovs-dpdk).
 */
import { isValidInterfaceName } from '../ifname.js';
import { parseVlanRange } from '../records/ovs-trunks.js';
import { OVS_TRUNK_VID_MAX } from '../tables/ovs.js';
import type { SettingRules, VerifyContext } from './context.js';

function requireInterfaceName(ctx: VerifyContext, setting: string): void {
  if (ctx.raw('connection', 'interface-name') === undefined) ctx.error('connection', 'interface-name', `property is missing (an ${setting} profile needs an interface name)`);
}

/** The profile must (or must not) be a port, of `controller` when given. */
function checkPort(ctx: VerifyContext, setting: string, controller: string | undefined): void {
  const master = ctx.raw('connection', 'master');
  if (controller === undefined) {
    if (master !== undefined) ctx.error('connection', 'master', `A connection with a '${setting}' setting must not have a master.`, master);
    return;
  }
  if (master === undefined) return ctx.error('connection', 'master', `A connection with a '${setting}' setting must have a master.`);
  const slaveType = ctx.raw('connection', 'slave-type') as string | undefined;
  if (slaveType !== undefined && slaveType !== controller) {
    ctx.error('connection', 'slave-type', `A connection with a '${setting}' setting must have the slave-type set to '${controller}'. Instead it is '${slaveType}'`, slaveType);
  }
}

export const ovsBridgeRules: SettingRules = {
  setting: 'ovs-bridge',
  verify(ctx) {
    requireInterfaceName(ctx, 'ovs-bridge');
    checkPort(ctx, 'ovs-bridge', undefined);
  },
};

export const ovsPortRules: SettingRules = {
  setting: 'ovs-port',
  verify(ctx) {
    requireInterfaceName(ctx, 'ovs-port');
    checkPort(ctx, 'ovs-port', 'ovs-bridge');
    const seen = new Set<number>();
    let previous: { start: number; end: number } | undefined;
    let sorted = true;
    for (const text of ctx.list('ovs-port', 'trunks')) {
      const r = parseVlanRange(text);
      if (!r.ok) return ctx.error('ovs-port', 'trunks', `'${text}': ${r.reason}`, text);
      if (r.value.end > OVS_TRUNK_VID_MAX) return ctx.error('ovs-port', 'trunks', `'${text}': VLANs must be between 0 and 4095`, text);
      for (let vid = r.value.start; vid <= r.value.end; vid++) {
        if (seen.has(vid)) return ctx.error('ovs-port', 'trunks', `duplicate VLAN ${vid}`, text);
        seen.add(vid);
      }
      if (previous && previous.start > r.value.start) sorted = false;
      previous = r.value;
    }
    if (!sorted) ctx.report('normalizable', 'ovs-port', 'trunks', 'VLANs are not sorted in ascending order');
  },
};

export const ovsInterfaceRules: SettingRules = {
  setting: 'ovs-interface',
  verify(ctx) {
    checkPort(ctx, 'ovs-interface', 'ovs-port');
    const type = ctx.raw('ovs-interface', 'type') as string | undefined;
    const connectionType = ctx.raw('connection', 'type') as string | undefined;
    if (connectionType === undefined) return ctx.error('connection', 'type', "A connection with a 'ovs-interface' setting needs connection.type explicitly set");
    const isOvsType = connectionType === 'ovs-interface';
    if (isOvsType && type === 'system') return ctx.error('ovs-interface', 'type', 'A connection of type \'ovs-interface\' cannot have ovs-interface.type "system"', type);
    if (!isOvsType && type !== undefined && type !== 'system') return ctx.error('ovs-interface', 'type', `A connection of type '${connectionType}' cannot have an ovs-interface.type "${type}"`, type);
    const patch = ctx.has('ovs-patch');
    const dpdk = ctx.has('ovs-dpdk');
    if (patch && dpdk) return ctx.error('ovs-interface', undefined, "A connection can not have both 'ovs-dpdk' and 'ovs-patch' settings at the same time");
    const needed = patch ? 'patch' : dpdk ? 'dpdk' : undefined;
    if (!needed) return;
    if (!isOvsType) return ctx.error('ovs-interface', 'type', `A connection with '${patch ? 'ovs-patch' : 'ovs-dpdk'}' setting must be of connection.type "ovs-interface" but is "${connectionType}"`, connectionType);
    if (type !== undefined && type !== needed) ctx.error('ovs-interface', 'type', `A connection with '${patch ? 'ovs-patch' : 'ovs-dpdk'}' setting needs to be of '${needed}' interface type, not '${type}'`, type);
  },
};

export const ovsPatchRules: SettingRules = {
  setting: 'ovs-patch',
  verify(ctx) {
    requireInterfaceName(ctx, 'ovs-patch');
    const peer = ctx.raw('ovs-patch', 'peer') as string | undefined;
    if (peer === undefined) ctx.error('ovs-patch', 'peer', 'property is missing');
    else if (!isValidInterfaceName(peer)) ctx.error('ovs-patch', 'peer', `'${peer}' is not a valid interface name`, peer);
  },
};

export const ovsDpdkRules: SettingRules = {
  setting: 'ovs-dpdk',
  verify(ctx) {
    for (const key of ['n-rxq-desc', 'n-txq-desc']) {
      const n = ctx.num('ovs-dpdk', key) ?? 0;
      if (n !== 0 && (n & (n - 1)) !== 0) ctx.error('ovs-dpdk', key, `${n}: must be a power of two`, n);
    }
  },
};
