/**
 * Follows an activation, a deactivation or a disconnect through the
 * daemon's StateChanged signals, printing one line per state change
 * ("veth0: connecting (prepare)", "lan: activated") and settling with the
 * outcome. Signals that arrive before the command knows which objects to
 * follow (the reply to ActivateConnection comes after the first states) are
 * kept and replayed in order once `bind` names them.
 */
import { NMActiveConnectionState as AC, NMDeviceState as DS } from '../sdk/nm.js';
import { activeReasonName, activeStateName, deviceReasonName, SILENT_ACTIVE_REASONS, SILENT_DEVICE_REASONS } from './reasons.js';
import { deviceStateName, vpnStateName } from './tables.js';

export type NmSignal =
  | { kind: 'active'; path: string; state: number; reason: number }
  | { kind: 'device'; path: string; state: number; old: number; reason: number }
  /** A VPN connection's own state (VPN.Connection VpnStateChanged), on its active connection's path. */
  | { kind: 'vpn'; path: string; state: number; reason: number }
  | { kind: 'device-removed'; path: string };

/** What the command waits for. */
export type Goal = 'activated' | 'deactivated' | 'disconnected';

export interface Target {
  /** The active connection followed, and the profile name its lines carry. */
  activePath?: string;
  connectionId?: string;
  /** The device followed, and its interface name. */
  devicePath?: string;
  deviceName?: string;
}

export type Outcome =
  | { ok: true }
  /** The activation ended without reaching ACTIVATED: the connection's reason, and the device's when it failed or fell back during this activation. */
  | { ok: false; activeReason: number; deviceReason?: number };

const ENDED_DEVICE_STATES = (s: number) => s === DS.FAILED || s <= DS.DISCONNECTED;

export class StateFollower {
  private pending: NmSignal[] = [];
  private target?: Target;
  /** Our active connection has reported a state: device failures count from here (before, the device may be leaving a previous activation). */
  private started = false;
  private deviceReason?: number;
  private resolve!: (o: Outcome) => void;
  outcome?: Outcome;
  readonly settled: Promise<Outcome> = new Promise((r) => (this.resolve = r));

  constructor(private goal: Goal, private print: (line: string) => void) {}

  push(s: NmSignal): void {
    if (this.target) this.handle(s);
    else this.pending.push(s);
  }

  /** Name the objects to follow; signals seen so far are handled now, in order. */
  bind(target: Target): void {
    this.target = target;
    for (const s of this.pending.splice(0)) this.handle(s);
  }

  /** Settle from a state read after the fact (no signal will come, e.g. the device was already disconnected). */
  settle(o: Outcome): void {
    if (this.outcome) return;
    this.outcome = o;
    this.resolve(o);
  }

  private handle(s: NmSignal): void {
    if (this.outcome) return;
    const t = this.target!;
    if (s.kind === 'active' && s.path === t.activePath) {
      this.started = true;
      const why = SILENT_ACTIVE_REASONS.has(s.reason) ? '' : ` (reason: ${activeReasonName(s.reason)})`;
      this.print(`${t.connectionId ?? s.path}: ${activeStateName(s.state)}${why}`);
      if (this.goal === 'activated' && s.state === AC.ACTIVATED) this.settle({ ok: true });
      else if (this.goal === 'activated' && s.state === AC.DEACTIVATED) this.settle({ ok: false, activeReason: s.reason, deviceReason: this.deviceReason });
      else if (this.goal === 'deactivated' && s.state === AC.DEACTIVATED) this.settle({ ok: true });
      return;
    }
    if (s.kind === 'vpn' && s.path === t.activePath) {
      // Printed only: the active connection's own StateChanged settles the outcome, for a VPN too.
      const why = SILENT_ACTIVE_REASONS.has(s.reason) ? '' : ` (reason: ${activeReasonName(s.reason)})`;
      this.print(`${t.connectionId ?? s.path}: ${vpnStateName(s.state)}${why}`);
      return;
    }
    if (s.kind === 'device' && s.path === t.devicePath) {
      const silent = SILENT_DEVICE_REASONS.has(s.reason);
      this.print(`${t.deviceName ?? s.path}: ${deviceStateName(s.state)}${silent ? '' : ` (reason: ${deviceReasonName(s.reason)})`}`);
      if (this.started && ENDED_DEVICE_STATES(s.state) && !silent) this.deviceReason = s.reason;
      if (this.goal === 'disconnected' && s.state <= DS.DISCONNECTED) this.settle({ ok: true });
      return;
    }
    if (s.kind === 'device-removed' && s.path === t.devicePath) {
      this.print(`${t.deviceName ?? s.path}: removed`);
      // A software link nmk created is deleted on disconnect: for nmcli that is a successful disconnect.
      if (this.goal === 'disconnected') this.settle({ ok: true });
    }
  }
}
