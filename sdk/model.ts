import type { Address, Link, Route } from './platform.js';

/**
 * The live model of the kernel's network state, kept in step with platform
 * events. Lookups are O(1); the model holds what nmk needs (links, their
 * addresses, routes in tables nmk tracks) and only counts the rest.
 */
export interface NetworkModel {
  links(): Iterable<Link>;
  link(ifindex: number): Link | undefined;
  linkByName(name: string): Link | undefined;
  addresses(ifindex: number): readonly Address[];
  /** Routes nmk tracks, optionally those of one link. */
  routes(ifindex?: number): readonly Route[];
  /** The tracked routes with a zero-length destination (default routes), of every link and table: kept apart so the best default is found without walking every route. */
  defaultRoutes(): readonly Route[];
  readonly stats: ModelStats;
}

export interface ModelStats {
  links: number;
  addresses: number;
  trackedRoutes: number;
  /** Routes seen in tables nmk does not track: counted, not stored. */
  foreignRoutes: number;
  /** Kernel events applied since start. */
  events: number;
  /** Full resyncs after lost events. */
  resyncs: number;
}
