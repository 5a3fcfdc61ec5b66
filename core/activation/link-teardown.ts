/**
 * The link part of a deactivation, once its addresses and routes are gone,
 * as NetworkManager's device cleanup does it (nm-device.c nm_device_cleanup,
 * delete_on_deactivate_check_and_schedule): a software link nmk created is
 * deleted (NetworkManager's nm-owned), also after a restart, and also when
 * nmk only describes it now ("connected (externally)": a daemon killed before
 * the activation completed); any other link leaves its controller and gets
 * back the MAC address it had before the activation. A link another tool
 * made is never deleted.
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
    const quiet = (err: unknown) => {
      if (err instanceof PlatformError && GONE.has(err.errno)) return;
      this.logger.warn(`cleaning up after '${ac.profile.id}' on ${ac.device.name}: ${err instanceof Error ? err.message : String(err)}`);
    };
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
    await this.macs.restore(ac, platform).catch(quiet);
    // What the kind changed and NetworkManager puts back (ethtool options); the slot logs its own failures.
    await ac.device.kindRow.deconfigure?.({ device: ac.device, settings: ac.applied, platform, logger: this.logger }).catch(quiet);
  }
}
