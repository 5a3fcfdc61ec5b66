/** A device: one per kernel link, the kind that claimed it, and its NetworkManager state. */
import type { DeviceKind, DeviceView, Link } from '../../sdk/index.js';
import type { ActiveConnection } from '../activation/active-connection.js';

export class Device implements DeviceView {
  state: number;
  stateReason: number;
  managed: boolean;
  /** The active connection applied to this device, while there is one; its state machine owns the device's state then. */
  active?: ActiveConnection;
  /** Whether autoconnect may use this device (Device.Autoconnect; a user's Disconnect turns it off). */
  autoconnect = true;

  constructor(
    readonly path: string,
    public link: Link,
    readonly kindRow: DeviceKind,
    init: { state: number; reason: number; managed: boolean },
  ) {
    this.state = init.state;
    this.stateReason = init.reason;
    this.managed = init.managed;
  }

  get ifindex(): number {
    return this.link.ifindex;
  }
  get name(): string {
    return this.link.name;
  }
  get kind(): string {
    return this.kindRow.name;
  }
  get deviceType(): number {
    return this.kindRow.deviceType;
  }
}
