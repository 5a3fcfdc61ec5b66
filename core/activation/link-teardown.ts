/**
 * The link part of a deactivation, once its addresses and routes are gone,
 * as NetworkManager's device cleanup does it (nm-device.c nm_device_cleanup,
 * delete_on_deactivate_check_and_schedule): a software link nmk created is
 * deleted (NetworkManager's nm-owned), also after a restart, and also when
 * nmk only describes it now ("connected (externally)": a daemon killed before
 * the activation completed); any other link leaves its controller and gets
 * back the MAC address it had before the activation. A link another tool
 * made is never deleted. A device made unmanaged keeps far more (release).
 */
import { Errno, PlatformError, type Logger, type NetworkModel, type Platform } from '../../sdk/index.js';
import type { ActiveConnection } from './active-connection.js';
import { InitialMacs } from './initial-mac.js';

/** Errors meaning the link is already gone: the goal is reached. */
const GONE: ReadonlySet<number> = new Set([Errno.ENOENT, Errno.ENODEV]);

export class LinkTeardown {
  /** The addresses links had before an activation set a cloned MAC (configureLink fills it). */
  readonly macs = new InitialMacs();

  constructor(
    private platform: () => Platform,
    private model: NetworkModel,
    private logger: Logger,
  ) {}

  async run(ac: ActiveConnection): Promise<void> {
    const link = this.model.link(ac.device.ifindex);
    if (!link) return;
    const platform = this.platform();
    const quiet = this.quiet(ac);
    if (ac.createdLink) {
      this.logger.info('deleting the link nmk created', { device: link.name, connection: ac.profile.id });
      await platform.deleteLink(link.ifindex).catch(quiet);
      return;
    }
    // An external connection only described what another tool did.
    if (ac.external) return;
    if (ac.controller && link.master === ac.controller.device.ifindex) {
      await platform.setLink(link.ifindex, { master: 0 }).catch(quiet);
      // A bond closes the port it releases; up again (as NetworkManager keeps a managed link), it shows carrier and can autoconnect.
      if (link.up) await platform.setLink(link.ifindex, { up: true }).catch(quiet);
    }
    // After the release: a bond gives a port back the address it had when attached, the cloned one.
    await this.putBack(ac);
  }

  /**
   * The link part of making an active device unmanaged (Device.Managed=false),
   * as NetworkManager 1.42 does it: the device's sys-iface-state becomes
   * "removed", so its move to UNMANAGED runs nm_device_cleanup with
   * CLEANUP_TYPE_REMOVED, which neither deconfigures nor takes the link down
   * but still resets the MAC address (nm_device_hw_addr_reset "unmanage")
   * and the ethtool options (_ethtool_state_reset). The link stays up, in
   * its controller, with its MTU, addresses and routes; a link nmk created
   * is not deleted. An external connection changed nothing to put back.
   */
  async release(ac: ActiveConnection): Promise<void> {
    if (ac.external || !this.model.link(ac.device.ifindex)) return;
    await this.putBack(ac);
  }

  /** The MAC address from before the activation, then what the kind changed (ethtool options), in NetworkManager's order. */
  private async putBack(ac: ActiveConnection): Promise<void> {
    const platform = this.platform();
    const quiet = this.quiet(ac);
    await this.macs.restore(ac, platform).catch(quiet);
    // The slot logs its own failures.
    await ac.device.kindRow.deconfigure?.({ device: ac.device, settings: ac.applied, platform, logger: this.logger }).catch(quiet);
  }

  /** A failure to log, unless the link is already gone. */
  private quiet(ac: ActiveConnection): (err: unknown) => void {
    return (err) => {
      if (err instanceof PlatformError && GONE.has(err.errno)) return;
      this.logger.warn(`cleaning up after '${ac.profile.id}' on ${ac.device.name}: ${err instanceof Error ? err.message : String(err)}`);
    };
  }
}
