/**
 * The MAC address a deactivation puts back, as NetworkManager 1.42 does
 * (nm-device.c nm_device_hw_addr_reset, called from the device cleanup): the
 * address the link had before the activation set a cloned one. That is
 * NetworkManager's "initial" address, which it follows while the device is
 * idle, not the permanent one: an address another tool set on an idle link
 * is the one restored. Kept in memory only, as NetworkManager keeps it: after
 * a restart a taken-over link keeps the address it has when taken down.
 */
import type { Platform } from '../../sdk/index.js';
import type { ActiveConnection } from './active-connection.js';

function sameMac(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export class InitialMacs {
  /** What the link had before the activation changed its address. */
  private before = new WeakMap<ActiveConnection, string>();

  /**
   * The address to put on the activation's link for `wanted` (undefined:
   * leave it as it is), remembering the address it has now. The kernel is
   * asked, not the model: right after a previous activation's address was put
   * back (a re-activation), the model may not have heard of it yet.
   */
  async prepare(ac: ActiveConnection, wanted: string | undefined, platform: Platform): Promise<string | undefined> {
    if (!wanted) return undefined;
    const current = (await platform.link(ac.device.ifindex))?.mac ?? ac.device.link.mac;
    if (current && !this.before.has(ac)) this.before.set(ac, current);
    return current && sameMac(current, wanted) ? undefined : wanted;
  }

  /** Put back the address the link had before the activation, when it changed. */
  async restore(ac: ActiveConnection, platform: Platform): Promise<void> {
    const mac = this.before.get(ac);
    if (mac === undefined) return;
    this.before.delete(ac);
    const current = (await platform.link(ac.device.ifindex))?.mac;
    // Also when another tool changed it meanwhile: NetworkManager resets to its initial address whatever the link has.
    if (current === undefined || sameMac(current, mac)) return;
    await platform.setLink(ac.device.ifindex, { mac });
  }
}
