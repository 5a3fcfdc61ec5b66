/**
 * Test doubles for the activation's automatic methods: a DHCP client, router
 * discovery and sharing that the test drives by hand (push a lease, a
 * failure, an advertisement), recording what core asked of them. They
 * implement the SDK contracts, so core runs against them as against the
 * plugins. Lives under test/: not part of the build.
 */
import { afterEach } from 'vitest';
import type {
  DhcpClientFactory,
  DhcpEvents,
  DhcpFailure,
  DhcpLease,
  DhcpRequest,
  Family,
  Ndisc,
  NdiscConfig,
  NdiscEvents,
  NdiscRequest,
  SharingProvider,
  SharingRequest,
  Logger,
} from '../../../sdk/index.js';
import { FakePlatform } from '../../../plugins/platform-fake/fake-platform.js';
import { ethernetKind, vethKind } from '../../../plugins/device-ethernet/index.js';
import { loopbackKind } from '../../../plugins/device-loopback/index.js';
import { MergedConfig } from '../../config/merged-config.js';
import { DeviceManager } from '../../devices/device-manager.js';
import { KindRegistry } from '../../devices/kind-registry.js';
import { LocalEventBus } from '../../events/event-bus.js';
import { LiveNetworkModel } from '../../model/network-model.js';
import type { ActivationManager } from '../activation-manager.js';

export interface FakeDhcpSession {
  request: DhcpRequest;
  events: DhcpEvents;
  /** The `release` argument of each stop(). */
  stops: boolean[];
}

export class FakeDhcp implements DhcpClientFactory {
  readonly sessions: FakeDhcpSession[] = [];
  /** When set, start() rejects with it (the client program is missing). */
  startError?: Error;

  constructor(
    readonly name = 'internal',
    readonly families: readonly Family[] = [4, 6],
  ) {}

  async start(request: DhcpRequest, events: DhcpEvents) {
    if (this.startError) throw this.startError;
    const s: FakeDhcpSession = { request, events, stops: [] };
    this.sessions.push(s);
    return { stop: async (release: boolean) => void s.stops.push(release) };
  }

  /** The latest session of a family (optionally an information-only one). */
  session(family: Family, infoOnly?: boolean): FakeDhcpSession {
    const s = [...this.sessions].reverse().find((x) => x.request.family === family && (infoOnly === undefined || (x.request.infoOnly === true) === infoOnly));
    if (!s) throw new Error(`no DHCPv${family} session was started`);
    return s;
  }
  lease(family: Family, lease: DhcpLease): void {
    this.session(family).events.onLease(lease);
  }
  fail(family: Family, reason: DhcpFailure, message = 'test'): void {
    this.session(family).events.onFailure(reason, message);
  }
}

export class FakeNdisc implements Ndisc {
  readonly sessions: { request: NdiscRequest; events: NdiscEvents; stopped: number }[] = [];

  async start(request: NdiscRequest, events: NdiscEvents) {
    const s = { request, events, stopped: 0 };
    this.sessions.push(s);
    return { stop: () => void s.stopped++ };
  }
  private last() {
    const s = this.sessions.at(-1);
    if (!s) throw new Error('router discovery was not started');
    return s;
  }
  advertise(config: NdiscConfig): void {
    this.last().events.onConfig(config);
  }
  timeout(): void {
    this.last().events.onTimeout();
  }
}

export class FakeSharing implements SharingProvider {
  readonly requests: SharingRequest[] = [];
  stopped = 0;
  async start(request: SharingRequest) {
    this.requests.push(request);
    return { stop: async () => void this.stopped++ };
  }
}

export function lease4(o: Partial<DhcpLease> = {}): DhcpLease {
  return {
    family: 4,
    addresses: [{ address: '192.0.2.50', prefixlen: 24, validLifetime: 120, preferredLifetime: 120 }],
    gateways: ['192.0.2.1'],
    routes: [],
    nameservers: ['192.0.2.53'],
    domains: ['example.test'],
    ntpServers: [],
    options: { ip_address: '192.0.2.50' },
    ...o,
  };
}

export function lease6(o: Partial<DhcpLease> = {}): DhcpLease {
  return {
    family: 6,
    addresses: [{ address: 'fd42:1::100', prefixlen: 128, validLifetime: 3600, preferredLifetime: 1800 }],
    gateways: [],
    routes: [],
    nameservers: ['fd42:1::53'],
    domains: [],
    ntpServers: [],
    options: {},
    ...o,
  };
}

export function ra(o: Partial<NdiscConfig> = {}): NdiscConfig {
  return {
    routers: [{ address: 'fe80::1', lifetime: 1800, preference: 'medium' }],
    addresses: [{ address: 'fd42:1::5054:ff:fe12:3456', prefixlen: 64, validLifetime: 86400, preferredLifetime: 14400 }],
    onLinkPrefixes: [{ prefix: 'fd42:1::', prefixlen: 64, validLifetime: 86400 }],
    routes: [],
    nameservers: [],
    domains: [],
    managed: false,
    otherConfig: false,
    ...o,
  };
}

/** Resolves after the fake platform's calls and the promise chains they start have run (no timers involved). */
export async function drain(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

/** Give the activation chain turns until `done` holds (each turn runs every pending callback; no timers). */
export async function until(done: () => boolean, what: string, turns = 200): Promise<void> {
  for (let i = 0; i < turns && !done(); i++) await drain(1);
  if (!done()) throw new Error(`never happened: ${what}`);
}

/**
 * A list for a test file's activation managers (call at its top level): after
 * every test, each one's connections are taken down, so no client or timer
 * outlives its test.
 */
export function managersTakenDownAfterEach(): ActivationManager[] {
  const live: ActivationManager[] = [];
  afterEach(async () => {
    for (const am of live.splice(0)) for (const ac of [...am.all()]) await am.deactivate(ac);
  });
  return live;
}

/**
 * Core as daemon.ts wires it, on the fake platform: config, event bus, device
 * kinds (ethernet, veth, loopback), devices following the live model. The
 * named links are added up, as another tool would.
 */
export async function fakeCore(linkNames: string[], logger: Logger) {
  const config = new MergedConfig();
  const events = new LocalEventBus(logger);
  const kinds = new KindRegistry();
  kinds.load([ethernetKind, vethKind, loopbackKind], () => undefined);
  const devices = new DeviceManager(kinds, events, logger, config);
  const model = new LiveNetworkModel(events, logger);
  events.on('link.added', ({ link }) => devices.addLink(link));
  events.on('link.changed', ({ link, previous }) => devices.changeLink(link, previous));
  events.on('link.removed', ({ link }) => devices.removeLink(link));
  const platform = new FakePlatform();
  model.load(await platform.start((ev) => model.apply(ev)));
  for (const l of model.links()) devices.addLink(l);
  const links = Object.fromEntries(linkNames.map((name) => [name, platform.injectExternal({ type: 'add-link', link: { name, up: true } })!.ifindex]));
  await drain();
  return { config, events, kinds, devices, model, platform, links };
}
