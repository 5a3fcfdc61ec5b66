/**
 * A change of a port's options (Link.portInfo: a bridge port's priority,
 * path cost, hairpin mode) is a link change like any other: the model says
 * link.changed, so devices and policies see what the kernel now holds; the
 * same values in a new object are no change.
 */
import { describe, expect, it } from 'vitest';
import type { EventCatalogue, Link } from '../../sdk/index.js';
import { LocalEventBus } from '../events/event-bus.js';
import { createLogger, LogSink } from '../log/logger.js';
import { LiveNetworkModel, sameLink } from './network-model.js';

const logger = createLogger(new LogSink({ format: 'json', level: 'error', records: [] }));

const port = (portInfo?: Link['portInfo']): Link => ({
  ifindex: 4, name: 'vp0', kind: 'veth', arptype: 1, flags: 0x1003, up: true, carrier: true, operstate: 'up', mtu: 1500,
  mac: '02:00:00:00:00:04', master: 3, parent: 5, portKind: 'bridge', portInfo,
});

describe('sameLink and port options', () => {
  it('tells links apart by their port options, value by value', () => {
    const defaults = { priority: 32, path_cost: 2, hairpin_mode: false };
    expect(sameLink(port(defaults), port({ ...defaults }))).toBe(true);
    expect(sameLink(port(defaults), port({ ...defaults, priority: 7 }))).toBe(false);
    expect(sameLink(port(defaults), port({ ...defaults, hairpin_mode: true }))).toBe(false);
    expect(sameLink(port(defaults), port({ priority: 32, path_cost: 2 }))).toBe(false);
    expect(sameLink(port(defaults), port(undefined))).toBe(false);
    expect(sameLink(port(undefined), port(undefined))).toBe(true);
  });

  it('makes the model announce a port whose priority changed, and nothing for the same values again', () => {
    const bus = new LocalEventBus(logger);
    const changed: Array<EventCatalogue['link.changed']> = [];
    bus.on('link.changed', (p) => changed.push(p));
    let pending: (() => void) | undefined;
    const model = new LiveNetworkModel(bus, logger, { schedule: (fn) => (pending = fn) });
    const tick = () => { const f = pending; pending = undefined; f?.(); };
    model.load({ links: [port({ priority: 32, path_cost: 2, hairpin_mode: false })], addresses: [], routes: [] });

    model.apply({ type: 'link', action: 'new', link: port({ priority: 7, path_cost: 2, hairpin_mode: false }) });
    tick();
    expect(changed.map((c) => [c.previous.portInfo?.priority, c.link.portInfo?.priority])).toEqual([[32, 7]]);
    expect(model.link(4)?.portInfo).toEqual({ priority: 7, path_cost: 2, hairpin_mode: false });

    model.apply({ type: 'link', action: 'new', link: port({ priority: 7, path_cost: 2, hairpin_mode: false }) });
    tick();
    expect(changed).toHaveLength(1);
  });
});
