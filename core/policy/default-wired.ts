/**
 * NetworkManager's default wired connections: an ethernet device (a veth too,
 * as in NetworkManager) that no profile fits gets an in-memory "Wired
 * connection N" profile (DHCP and router advertisements, lowest autoconnect
 * priority), unless `[main] no-auto-default` matches it (the server profile
 * says "*"). A user who deletes one keeps it deleted: the device is written
 * to the no-auto-default state file, as NetworkManager does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { permanentMacOf, uuidFromString, type ConfigView, type EventBus, type Logger } from '../../sdk/index.js';
import { incompatibility } from '../activation/compatibility.js';
import type { Device } from '../devices/device.js';
import type { DeviceManager } from '../devices/device-manager.js';
import { DeviceSpec } from '../devices/device-spec.js';
import type { SettingsStore } from '../settings/settings-store.js';

/** NM_SETTING_CONNECTION_AUTOCONNECT_PRIORITY_MIN. */
const PRIORITY_MIN = -999;

export class DefaultWired {
  /** UUID of each default profile nmk made, to the device it is for. */
  private made = new Map<string, string>();
  private offs: Array<() => void> = [];
  /** Ids of default profiles whose add is under way. */
  private pendingIds = new Set<string>();

  constructor(
    private devices: DeviceManager,
    private settings: SettingsStore,
    private config: ConfigView,
    private events: EventBus,
    private logger: Logger,
    /** The no-auto-default state file (var/lib/nmk/no-auto-default.state). */
    private stateFile: string,
    private machineId: string,
  ) {}

  start(): void {
    this.offs.push(
      this.events.on('device.added', ({ device }) => this.consider(device as Device)),
      this.events.on('connection.removed', ({ uuid }) => this.onRemoved(uuid)),
    );
    for (const d of this.devices.all() as Iterable<Device>) this.consider(d);
  }

  stop(): void {
    for (const off of this.offs.splice(0)) off();
  }

  private consider(d: Device): void {
    if (!d.managed || d.kindRow.connectionTypes?.[0] !== '802-3-ethernet') return;
    const subject = { name: d.name, mac: d.link.mac, permMac: permanentMacOf(d.link), type: d.kind };
    if (new DeviceSpec(this.config.getList('main', 'no-auto-default')).matches(subject)) return;
    if (this.denied().has(this.keyOf(d))) return;
    for (const p of this.settings.profiles()) if (incompatibility(p.settings, d) === undefined) return;
    // Ids of profiles being added right now count too: several devices may appear in one tick.
    const taken = new Set([...this.settings.profiles()].map((p) => p.id).concat([...this.pendingIds]));
    let n = 1;
    while (taken.has(`Wired connection ${n}`)) n++;
    const id = `Wired connection ${n}`;
    // Stable across restarts for the same machine, name and hardware (NetworkManager's idea, not its exact bytes).
    const uuid = uuidFromString(['default-wired', this.machineId, id, d.link.mac || d.name].join('\0'));
    const settings = {
      connection: { id, uuid, type: '802-3-ethernet', 'interface-name': d.name, autoconnect: true, 'autoconnect-priority': PRIORITY_MIN },
      '802-3-ethernet': {},
      ipv4: { method: 'auto' },
      ipv6: { method: 'auto' },
    };
    this.made.set(uuid, this.keyOf(d));
    this.pendingIds.add(id);
    this.settings
      .add(settings, { persist: 'memory' })
      .then(
        () => this.logger.info('default wired connection created', { device: d.name, connection: id }),
        (err: Error) => {
          this.made.delete(uuid);
          this.logger.warn(`cannot create the default wired connection of ${d.name}: ${err.message}`);
        },
      )
      .finally(() => this.pendingIds.delete(id));
  }

  /** A default profile the user deleted: the device gets none again (NetworkManager's no-auto-default.state). */
  private onRemoved(uuid: string): void {
    const key = this.made.get(uuid);
    if (!key) return;
    this.made.delete(uuid);
    const denied = this.denied();
    denied.add(key);
    try {
      fs.mkdirSync(path.dirname(this.stateFile), { recursive: true });
      fs.writeFileSync(`${this.stateFile}.tmp`, `${[...denied].join('\n')}\n`);
      fs.renameSync(`${this.stateFile}.tmp`, this.stateFile);
    } catch (err) {
      this.logger.warn(`cannot write ${this.stateFile}: ${(err as Error).message}`);
    }
  }

  /** How the state file names a device: its MAC, as NetworkManager's file does, or its name without one. */
  private keyOf(d: Device): string {
    return d.link.mac || d.name;
  }

  private denied(): Set<string> {
    try {
      return new Set(fs.readFileSync(this.stateFile, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean));
    } catch {
      return new Set();
    }
  }
}
