/**
 * A port's options from its own profile (bridge-port.priority, path-cost,
 * hairpin-mode; bond-port.queue-id), set by the controller kind's
 * portOptions rows once the port is attached, and again on the port's
 * Reapply for what changed.
 *
 * Rows that name a platform option go together in one link change
 * (rtnetlink IFLA_INFO_SLAVE_DATA on the port): one message where sysfs
 * costs an open, write and close per option, each a trip through libuv's
 * thread pool. NetworkManager 1.42 writes brport/priority, brport/path_cost
 * and brport/hairpin_mode one by one (nm-device-bridge.c,
 * commit_slave_options → nm_platform_sysctl_slave_set_option); from 1.46 it
 * sends the three in one netlink link change as nmk does
 * (NMPlatformLinkBridgePort). The kernel takes IFLA_INFO_SLAVE_DATA only
 * from a link that already has a controller (it picks the controller's
 * handler before it applies IFLA_MASTER), so this runs after the attach, as
 * a change of its own. Rows without a platform option (a bond's queue_id,
 * which only the controller's bonding/queue_id takes) stay sysfs writes.
 */
import { NmkError, propertyDefinition, type ConnectionSettings, type DeviceView, type LinkInfoData, type Platform, type PortOptionRow } from '../../sdk/index.js';

export interface PortOptionsContext {
  platform: Platform;
  port: Pick<DeviceView, 'ifindex' | 'name'>;
  controller: Pick<DeviceView, 'name' | 'link'>;
  rows: readonly PortOptionRow[];
  /** The port profile's settings to apply. */
  settings: ConnectionSettings;
  /** On reapply: the settings applied before; only rows whose value changed are set. */
  previous?: ConnectionSettings;
}

/** The value a row sets: the profile's, else the property's default (also for 0 where 0 means the default). */
export function portOptionValue(row: PortOptionRow, settings: ConnectionSettings): unknown {
  const fallback = propertyDefinition(row.setting, row.property)?.default;
  const value = settings[row.setting]?.[row.property] ?? fallback;
  return row.zeroIsDefault && value === 0 ? fallback : value;
}

/** Set the port options of `rows`: the platform's in one link change on the port, the rest by sysfs, in row order. */
export async function applyPortOptions({ platform, port, controller, rows, settings, previous }: PortOptionsContext): Promise<void> {
  const viaLink: Array<[PortOptionRow, unknown]> = [];
  const viaSysfs: Array<[PortOptionRow, unknown]> = [];
  for (const row of rows) {
    const value = portOptionValue(row, settings);
    if (value === undefined) continue;
    if (previous && String(portOptionValue(row, previous)) === String(value)) continue;
    (row.option ? viaLink : viaSysfs).push([row, value]);
  }
  if (viaLink.length > 0) {
    const info: LinkInfoData = Object.fromEntries(viaLink.map(([row, value]) => [row.option!, value as string | number | boolean]));
    try {
      await platform.setLink(port.ifindex, { portOptions: { kind: controller.link.kind, info } });
    } catch (err) {
      // The kernel answers for the message as a whole: name every option it carried.
      const named = viaLink.map(([row, value]) => `${row.setting}.${row.property} = ${String(value)}`).join(', ');
      const origin = viaLink.length === 1 ? { key: `${viaLink[0]![0].setting}.${viaLink[0]![0].property}` } : {};
      throw new NmkError('PLATFORM', `${named}: ${err instanceof Error ? err.message : String(err)}`, origin, { cause: err });
    }
  }
  for (const [row, value] of viaSysfs) {
    const text = row.format ? row.format(value, port.name) : typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
    try {
      await platform.writeSysfs(row.on === 'port' ? port.name : controller.name, row.file, text);
    } catch (err) {
      throw new NmkError('PLATFORM', `${row.setting}.${row.property} = ${text}: ${err instanceof Error ? err.message : String(err)}`, { key: `${row.setting}.${row.property}` }, { cause: err });
    }
  }
}
