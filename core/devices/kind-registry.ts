/**
 * The registry of device kinds contributed by plugins, keyed by link kind.
 * Lookup order for a new link: a row that names its IFLA_INFO_KIND, then the
 * first kind whose claims() accepts it (plugin order), then the generic kind.
 */
import { NMDeviceType, type DeviceKind, type Link } from '../../sdk/index.js';

/** Core's fallback, so every link gets a device even with no plugin for it. */
export const GENERIC_KIND: DeviceKind = {
  name: 'generic',
  deviceType: NMDeviceType.GENERIC,
  linkKinds: [],
  software: false,
  dbus: [
    {
      interface: 'org.freedesktop.NetworkManager.Device.Generic',
      properties: [
        { name: 'HwAddress', signature: 's', get: (d) => d.link.mac.toUpperCase() },
        { name: 'TypeDescription', signature: 's', get: (d) => d.link.kind || 'generic' },
      ],
    },
  ],
};

export class KindRegistry {
  private byLinkKind = new Map<string, DeviceKind>();
  private claimers: DeviceKind[] = [];
  /** connection.type → the kind whose linkSpec creates its link. */
  private creators = new Map<string, DeviceKind>();

  /** Fill the registry from the plugins' contributions (after they are set up). */
  load(kinds: readonly DeviceKind[], onConflict: (kind: string, kept: DeviceKind, dropped: DeviceKind) => void): void {
    this.byLinkKind.clear();
    this.claimers = [];
    this.creators.clear();
    for (const k of kinds) {
      if (k.creates && k.linkSpec && !this.creators.has(k.creates)) this.creators.set(k.creates, k);
      for (const lk of k.linkKinds) {
        const prior = this.byLinkKind.get(lk);
        if (prior) onConflict(lk, prior, k);
        else this.byLinkKind.set(lk, k);
      }
      if (k.claims) this.claimers.push(k);
    }
  }

  /** The kind that creates links for profiles of this connection.type, if any. */
  creatorOf(connectionType: string): DeviceKind | undefined {
    return this.creators.get(connectionType);
  }

  kindFor(link: Link): DeviceKind {
    const exact = link.kind ? this.byLinkKind.get(link.kind) : undefined;
    if (exact) return exact;
    for (const k of this.claimers) if (k.claims!(link)) return k;
    return GENERIC_KIND;
  }
}
