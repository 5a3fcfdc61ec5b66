import type { Address, Family, Link, Route } from './platform.js';
import type { DeviceView } from './device.js';

/**
 * The event catalogue: every event on the bus, by name, with its payload.
 * Events are data and are delivered in the order they were emitted. Model
 * events are coalesced: at most one per object per tick, however many kernel
 * messages produced it.
 */
export interface EventCatalogue {
  /** A link appeared in the model. */
  'link.added': { link: Link };
  /** A link's attributes changed; `previous` is what the model held before. */
  'link.changed': { link: Link; previous: Link };
  /** A link disappeared. */
  'link.removed': { link: Link };
  'address.added': { address: Address };
  'address.removed': { address: Address };
  /** A route nmk tracks (main table or one a profile names) appeared or went. */
  'route.added': { route: Route };
  'route.removed': { route: Route };
  /** Kernel events were lost and the model was rebuilt from a fresh dump. */
  'model.resynced': { links: number; addresses: number; routes: number };

  'device.added': { device: DeviceView };
  'device.removed': { device: DeviceView };
  /** A device's properties changed (other than its state). */
  'device.changed': { device: DeviceView };
  'device.state-changed': { device: DeviceView; state: number; oldState: number; reason: number };
  /**
   * An active connection (a profile applied to a device) changed state
   * (NMActiveConnectionState); `path` is its D-Bus object path. DEACTIVATED
   * is the last event for that path.
   */
  'activation.state-changed': { path: string; uuid: string; device: DeviceView; state: number; oldState: number; reason: number; failed?: boolean };

  /**
   * The automatic IP configuration of an active connection changed (a lease
   * bound or renewed, a router advertisement, DNS servers): `path` is the
   * active connection's D-Bus object path.
   */
  'ip.config-changed': { path: string; device: DeviceView; family: Family };

  /** A profile appeared in the settings store (loaded, added over D-Bus...). */
  'connection.added': { uuid: string; id: string; path: string };
  /** A profile's settings or storage changed. */
  'connection.updated': { uuid: string; id: string; path: string };
  'connection.removed': { uuid: string; id: string; path: string };

  /** The config was read again (SIGHUP). */
  'config.reloaded': { files: string[] };
  /** Start-up finished: plugins set up, model loaded, D-Bus name owned. */
  'daemon.ready': { startupMs: number };
  /** Shutdown began; the network is left as it is. */
  'daemon.stopping': { signal?: string };
}

export type EventName = keyof EventCatalogue;
export type EventHandler<K extends EventName> = (payload: EventCatalogue[K]) => void;

export interface EventBus {
  /** Subscribe; returns the function that unsubscribes. Handlers run in subscription order. */
  on<K extends EventName>(name: K, handler: EventHandler<K>): () => void;
  /** Deliver to every handler now, in order. A throwing handler is logged and the others still run. */
  emit<K extends EventName>(name: K, payload: EventCatalogue[K]): void;
}
