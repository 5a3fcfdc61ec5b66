/**
 * Who is calling: the sender's unique name and its uid, asked of the bus once
 * per unique name (GetConnectionUnixUser) and forgotten when the name leaves
 * the bus (NameOwnerChanged with an empty new owner). Calls from one sender
 * are dispatched in arrival order, also while its uid is being looked up.
 */
import type { Logger } from '../../sdk/logger.js';
import type { BusConnection } from './connection.js';
import { isSignal, type Message } from './messages.js';

export interface Caller {
  /** The sender's unique bus name (":1.42"). */
  readonly sender: string;
  /** Its Unix uid, as the bus daemon saw it authenticate. */
  readonly uid: number;
}

const BUS_NAME = 'org.freedesktop.DBus';
// Unique names never change owner, only vanish: arg2='' is exactly their departure.
const NAME_GONE_MATCH = `type='signal',sender='${BUS_NAME}',path='/org/freedesktop/DBus',interface='${BUS_NAME}',member='NameOwnerChanged',arg2=''`;

export class CallerCache {
  /** A known caller, or the lookup in flight (later calls queue behind it). */
  private readonly entries = new Map<string, Caller | Promise<Caller>>();
  private readonly onMessage = (msg: Message) => this.watchDepartures(msg);

  private constructor(
    private readonly conn: BusConnection,
    private readonly log: Logger,
  ) {}

  /** Subscribe to name departures; resolves once the bus has the match rule. */
  static async start(conn: BusConnection, log: Logger): Promise<CallerCache> {
    const cache = new CallerCache(conn, log);
    conn.bus.on('message', cache.onMessage);
    await cache.busCall('AddMatch', [NAME_GONE_MATCH]);
    return cache;
  }

  /** How many senders are cached (for tests). */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Run `dispatch` with the caller: at once when known, else after the lookup.
   * When the lookup fails (the sender left), `dropped` runs instead.
   */
  withCaller(sender: string, dispatch: (caller: Caller) => void, dropped: (err: unknown) => void): void {
    const entry = this.entries.get(sender) ?? this.lookUp(sender);
    if (entry instanceof Promise) entry.then(dispatch, dropped);
    else dispatch(entry);
  }

  forget(name: string): void {
    this.entries.delete(name);
  }

  async stop(): Promise<void> {
    this.conn.bus.removeListener('message', this.onMessage);
    this.entries.clear();
    if (this.conn.isOpen) await this.busCall('RemoveMatch', [NAME_GONE_MATCH]).catch(() => undefined);
  }

  private lookUp(sender: string): Promise<Caller> {
    const lookup: Promise<Caller> = this.busCall('GetConnectionUnixUser', [sender]).then(
      ([uid]) => {
        const caller: Caller = Object.freeze({ sender, uid: uid as number });
        // Only if the sender has not left meanwhile (then the entry is gone or newer).
        if (this.entries.get(sender) === lookup) this.entries.set(sender, caller);
        return caller;
      },
      (err: unknown) => {
        if (this.entries.get(sender) === lookup) this.entries.delete(sender);
        this.log.debug('cannot look up the uid of a D-Bus caller', { sender, error: String(err) });
        throw err;
      },
    );
    this.entries.set(sender, lookup);
    return lookup;
  }

  private watchDepartures(msg: Message): void {
    if (!isSignal(msg) || msg.member !== 'NameOwnerChanged' || msg.sender !== BUS_NAME || msg.interface !== BUS_NAME) return;
    const [name, , newOwner] = msg.body as [string, string, string];
    if (newOwner === '') this.entries.delete(name);
  }

  private busCall(member: string, body: unknown[]): Promise<any[]> {
    return this.conn.call({ destination: BUS_NAME, path: '/org/freedesktop/DBus', interface: BUS_NAME, member, signature: 's', body });
  }
}
