/**
 * Applying a profile's ethtool options to its device and putting back what
 * they replaced, as NetworkManager 1.42 does (nm-device.c _ethtool_state_set
 * and _ethtool_state_reset), for any device kind: `withEthtool(kind)` adds
 * it to a kind's configure and deconfigure slots.
 * - At activation (NetworkManager: stage 2, config; nmk: the configure
 *   slot), features first, then coalescing, rings and pause: each group's
 *   current state is read, and the options the profile names are set.
 * - At deactivation (and after a failed activation) each group is put back
 *   to what was read, features to what was active before.
 * - A group that cannot be read or set costs nothing but a warning naming
 *   the device and the options: the activation goes on. A veth has
 *   features but no coalescing, rings or pause (EOPNOTSUPP).
 * - NetworkManager refuses a Reapply that changes the ethtool setting;
 *   nmk's Reapply puts the old values back and applies the new options.
 * - A taken-over (assumed or external) connection is not touched, as
 *   NetworkManager skips both for sys-iface-state external and assume;
 *   core calls neither slot then.
 * Differences kept on purpose: NetworkManager logs which option failed only
 * at trace level; nmk names them in the warning. When a coalesce, ring or
 * pause set is refused (netlink's SET is all or nothing), nmk remembers
 * nothing to restore, where NetworkManager tries the restore and warns again.
 */
import type { DeviceKind, DeviceView, KindConfigureContext, KindDeconfigureContext } from './device.js';
import {
  describeEthtoolOption,
  ETHTOOL_PARAM_GROUPS,
  ethtoolAskOf,
  paramsBefore,
  planFeatureReset,
  planFeatures,
  planParams,
  type EthtoolAsk,
} from './ethtool.js';
import type { Logger } from './logger.js';
import type { EthtoolFeatureStates, EthtoolParamGroup, EthtoolParams, Platform } from './platform.js';
import type { ConnectionSettings } from './settings/types.js';

/** NetworkManager's words for each group, in its warnings. */
const GROUP_TEXT: Readonly<Record<EthtoolParamGroup, { settings: string; cannotRead: string }>> = {
  coalesce: { settings: 'coalesce settings', cannotRead: 'failure getting coalesce settings (cannot read)' },
  ring: { settings: 'ring settings', cannotRead: 'failure setting ring options (cannot read existing setting)' },
  pause: { settings: 'pause settings', cannotRead: 'failure setting pause options (cannot read existing setting)' },
};

/** What an activation changed on one device, to put back. */
interface Saved {
  features?: { asked: Array<[string, boolean]>; before: EthtoolFeatureStates };
  params: Partial<Record<EthtoolParamGroup, EthtoolParams>>;
}

interface Io {
  device: DeviceView;
  platform: Platform;
  logger: Logger;
}

const reason = (err: unknown): string => (err instanceof Error ? err.message : String(err));
const listOf = (group: 'feature' | EthtoolParamGroup, values: Readonly<Record<string, number | boolean>>): string =>
  Object.entries(values).map(([k, v]) => describeEthtoolOption(group, k, v)).join(', ');

export class EthtoolOptions {
  /** By ifindex: what the activation on that link replaced. */
  private readonly saved = new Map<number, Saved>();

  /** The configure slot's part: apply at activation; on Reapply only when the options changed. */
  async configure(ctx: KindConfigureContext): Promise<void> {
    if (ctx.reapply) {
      if (ctx.previous && sameOptions(ctx.previous, ctx.settings)) return;
      await this.restore(ctx);
    } else if (this.saved.has(ctx.device.ifindex)) {
      // A new activation on a link whose last one was never undone: put that back first, as NetworkManager does.
      await this.restore(ctx);
    }
    const ask = ethtoolAskOf(ctx.settings);
    if (!ask) return;
    const saved: Saved = { params: {} };
    await this.setFeatures(ctx, ask, saved);
    for (const group of ETHTOOL_PARAM_GROUPS) await this.setParams(ctx, group, ask.params[group], saved);
    if (saved.features || Object.keys(saved.params).length > 0) this.saved.set(ctx.device.ifindex, saved);
  }

  /** The deconfigure slot's part: put back what the activation changed. Never throws. */
  async restore(io: Io | KindDeconfigureContext): Promise<void> {
    const saved = this.saved.get(io.device.ifindex);
    if (!saved) return;
    this.saved.delete(io.device.ifindex);
    const { device, platform, logger } = io;
    const log = { device: device.name };
    if (saved.features) {
      const wanted = planFeatureReset(saved.features.asked, saved.features.before);
      try {
        await platform.setEthtoolFeatures(device.ifindex, wanted);
        logger.debug(`ethtool: offload features successfully reset on ${device.name}`, log);
      } catch (err) {
        logger.warn(`ethtool: failure resetting one or more offload features on ${device.name}: ${reason(err)}`, log);
      }
    }
    for (const group of ETHTOOL_PARAM_GROUPS) {
      const values = saved.params[group];
      if (!values || Object.keys(values).length === 0) continue;
      try {
        await platform.setEthtoolParams(device.ifindex, group, values);
        logger.debug(`ethtool: ${GROUP_TEXT[group].settings} successfully reset on ${device.name} (${listOf(group, values)})`, log);
      } catch (err) {
        logger.warn(`ethtool: failure resetting one or more ${GROUP_TEXT[group].settings} on ${device.name} (${listOf(group, values)}): ${reason(err)}`, log);
      }
    }
  }

  private async setFeatures({ device, platform, logger }: Io, ask: EthtoolAsk, saved: Saved): Promise<void> {
    if (ask.features.length === 0) return;
    const log = { device: device.name };
    const asked = listOf('feature', Object.fromEntries(ask.features));
    let before: EthtoolFeatureStates;
    try {
      before = await platform.ethtoolFeatures(device.ifindex);
    } catch (err) {
      logger.warn(`ethtool: failure setting offload features on ${device.name} (cannot read features): ${asked} not applied: ${reason(err)}`, { ...log, key: 'ethtool' });
      return;
    }
    const plan = planFeatures(ask.features, before);
    // Remembered whatever the answer: some features may have changed (NetworkManager keeps them too).
    saved.features = { asked: ask.features, before };
    const problems = [
      ...plan.missing.map((o) => `${describeEthtoolOption('feature', o, ask.features.find(([n]) => n === o)![1])}: this kernel has no such feature`),
      ...plan.fixed.map((f) => `${describeEthtoolOption('feature', f.option, !f.active)}: ${f.feature} is fixed (${f.active ? 'on' : 'off'})`),
    ];
    if (Object.keys(plan.wanted).length > 0) {
      try {
        await platform.setEthtoolFeatures(device.ifindex, plan.wanted);
      } catch (err) {
        problems.unshift(`${asked}: ${reason(err)}`);
      }
    }
    if (problems.length > 0) logger.warn(`ethtool: failure setting one or more offload features on ${device.name}: ${problems.join('; ')}`, { ...log, key: 'ethtool' });
    else logger.debug(`ethtool: offload features successfully set on ${device.name} (${asked})`, log);
  }

  private async setParams({ device, platform, logger }: Io, group: EthtoolParamGroup, asked: EthtoolParams, saved: Saved): Promise<void> {
    if (Object.keys(asked).length === 0) return;
    const log = { device: device.name, key: 'ethtool' };
    const values = planParams(group, asked);
    const what = listOf(group, values);
    let before: EthtoolParams;
    try {
      before = await platform.ethtoolParams(device.ifindex, group);
    } catch (err) {
      logger.warn(`ethtool: ${GROUP_TEXT[group].cannotRead} on ${device.name}: ${what} not applied: ${reason(err)}`, log);
      return;
    }
    try {
      await platform.setEthtoolParams(device.ifindex, group, values);
    } catch (err) {
      logger.warn(`ethtool: failure setting ${GROUP_TEXT[group].settings} on ${device.name}: ${what} not applied: ${reason(err)}`, log);
      return;
    }
    saved.params[group] = paramsBefore(values, before);
    logger.debug(`ethtool: ${GROUP_TEXT[group].settings} successfully set on ${device.name} (${what})`, { device: device.name });
  }
}

/** Whether two profiles ask the same ethtool options. */
function sameOptions(a: ConnectionSettings, b: ConnectionSettings): boolean {
  return JSON.stringify(ethtoolAskOf(a) ?? null) === JSON.stringify(ethtoolAskOf(b) ?? null);
}

/**
 * A kind whose devices take a profile's ethtool options: applied before the
 * kind's own configure (NetworkManager sets them first in stage 2), put
 * back after its own deconfigure.
 */
export function withEthtool(kind: DeviceKind, options: EthtoolOptions = new EthtoolOptions()): DeviceKind {
  const { configure, deconfigure } = kind;
  return {
    ...kind,
    async configure(ctx) {
      await options.configure(ctx);
      await configure?.call(kind, ctx);
    },
    async deconfigure(ctx) {
      await deconfigure?.call(kind, ctx);
      await options.restore(ctx);
    },
  };
}
