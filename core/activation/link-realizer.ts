/**
 * Creating the link of a software profile: its device kind's linkSpec gives
 * the name, kind, parent and options; the platform creates it; the promise
 * resolves with the device once the model has seen the link. A profile whose
 * parent is missing, or whose type no plugin creates, is refused naming it.
 */
import { NmkError, type ConnectionSettings, type DeviceKind, type EventBus, type LinkSpec, type Logger, type NetworkModel, type Platform } from '../../sdk/index.js';
import type { Device } from '../devices/device.js';
import type { KindRegistry } from '../devices/kind-registry.js';
import type { Profile } from '../settings/profile.js';
import type { SettingsStore } from '../settings/settings-store.js';

/** How long a created link may take to show up as a device. */
const DEVICE_APPEAR_TIMEOUT_MS = 5000;

export class LinkRealizer {
  constructor(
    private kinds: KindRegistry,
    private settings: SettingsStore,
    private platform: () => Platform,
    private model: NetworkModel,
    private events: EventBus,
    private logger: Logger,
  ) {}

  /**
   * Create the link of a software profile (its kind's linkSpec) and wait for
   * its device; a profile whose type makes no link names the missing device.
   */
  async realize(profile: Profile): Promise<Device> {
    const type = String(profile.settings.connection?.type ?? '');
    const ifname = String(profile.settings.connection?.['interface-name']);
    const kind = this.kinds.creatorOf(type);
    if (!kind?.linkSpec) throw new NmkError('UNKNOWN_DEVICE', `cannot activate '${profile.id}': no device '${ifname}' exists and nmk cannot create '${type}' devices`);
    const spec = this.linkSpecOf(kind, profile.settings);
    // Options that name a port wait until that port is attached (the activation's attachPort).
    if (kind.afterPorts && spec.info) spec.info = Object.fromEntries(Object.entries(spec.info).filter(([k]) => !kind.afterPorts!.includes(k)));
    if (typeof spec.parent === 'string' && !this.model.linkByName(spec.parent)) {
      throw new NmkError('CONNECTION_NOT_AVAILABLE', `cannot activate '${profile.id}': its parent '${spec.parent}' does not exist`);
    }
    const appeared = this.waitForDevice(spec.name);
    try {
      await this.platform().createLink(spec);
    } catch (err) {
      appeared.cancel();
      throw new NmkError('CONNECTION_NOT_AVAILABLE', `cannot create ${spec.kind} '${spec.name}' for '${profile.id}': ${err instanceof Error ? err.message : String(err)}`, { key: keyOfOption(err, type) });
    }
    this.logger.info('created link', { device: spec.name, kind: spec.kind, connection: profile.id });
    return appeared.promise;
  }

  /**
   * The parent a software profile's link needs and that does not exist yet
   * (a VLAN on a bond being created in the same pass): autoconnect waits for it.
   */
  missingParent(profile: Profile): string | undefined {
    const kind = this.kinds.creatorOf(String(profile.settings.connection?.type ?? ''));
    if (!kind?.linkSpec) return undefined;
    try {
      const parent = this.linkSpecOf(kind, profile.settings).parent;
      return typeof parent === 'string' && !this.model.linkByName(parent) ? parent : undefined;
    } catch {
      return undefined; // the activation reports what is wrong with the profile
    }
  }

  /** A kind's link for a profile, with the lookups linkSpec may need. */
  linkSpecOf(kind: DeviceKind, settings: ConnectionSettings): LinkSpec {
    return kind.linkSpec!(settings, {
      linkByName: (n) => this.model.linkByName(n),
      interfaceOfProfile: (uuid) => {
        const n = this.settings.get(uuid)?.settings.connection?.['interface-name'];
        return typeof n === 'string' && n ? n : undefined;
      },
    });
  }

  /** Resolves when the device of `name` is in the device manager (it follows the model one tick after the kernel's event). */
  private waitForDevice(name: string): { promise: Promise<Device>; cancel(): void } {
    let off = () => {};
    let timer: NodeJS.Timeout | undefined;
    const promise = new Promise<Device>((resolve, reject) => {
      off = this.events.on('device.added', ({ device }) => {
        if (device.name !== name) return;
        off();
        clearTimeout(timer);
        resolve(device as Device);
      });
      timer = setTimeout(() => {
        off();
        reject(new NmkError('CONNECTION_NOT_AVAILABLE', `device '${name}' did not appear after it was created`));
      }, DEVICE_APPEAR_TIMEOUT_MS);
    });
    return {
      promise,
      cancel: () => {
        off();
        clearTimeout(timer);
      },
    };
  }
}

/** The setting.property a refused link option belongs to, when the platform named the option. */
function keyOfOption(err: unknown, type: string): string | undefined {
  const m = err instanceof Error ? /option '?([a-z0-9_-]+)'?/i.exec(err.message) : null;
  return m ? `${type}.${m[1]}` : undefined;
}
