/**
 * One connection to a message bus (the system bus by default), on our own
 * transport (bus-client.ts). A bus that is not there or a name that is taken
 * is an NmkError naming the address or the name; a broken connection or
 * unreadable bytes on the socket are logged and reported once through the
 * 'disconnected' event, never thrown at the loop.
 */
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { NmkError } from '../../sdk/errors.js';
import type { Logger } from '../../sdk/logger.js';
import { BUS_NAME, BUS_PATH, BusClient } from './bus-client.js';
import { DBusError } from './errors.js';
import { methodCall, type OutgoingMessage } from './messages.js';
import { isBusName } from './names.js';
import { parseSignature } from './signature.js';
import { toWireList } from './values.js';
import { OutgoingBytes } from './wire.js';

export const DEFAULT_SYSTEM_BUS_ADDRESS = 'unix:path=/run/dbus/system_bus_socket';

/** The system bus address: $DBUS_SYSTEM_BUS_ADDRESS, or the standard socket. */
export function systemBusAddress(env: NodeJS.ProcessEnv = process.env): string {
  return env.DBUS_SYSTEM_BUS_ADDRESS || DEFAULT_SYSTEM_BUS_ADDRESS;
}

export interface ConnectOptions {
  /** A D-Bus address ("unix:path=/run/dbus/system_bus_socket"); default systemBusAddress(). */
  address?: string;
  logger: Logger;
  /** Give up when the bus has not accepted us after this long (default 10 s). */
  timeoutMs?: number;
}

export interface CallOptions {
  destination: string;
  path: string;
  interface: string;
  member: string;
  /** The signature of `body` (default ''); body values are plain and converted by it. */
  signature?: string;
  body?: readonly unknown[];
  /** Default 25 s, as libdbus. */
  timeoutMs?: number;
}

const DO_NOT_QUEUE = 4;
const PRIMARY_OWNER = 1;
const ALREADY_OWNER = 4;

interface ConnectionEvents {
  /** The connection ended: `reason` is null after close(), else what broke it. Emitted once. */
  disconnected: [reason: Error | null];
}

/** Connect to a bus. Rejects with NmkError BUS_UNAVAILABLE: "cannot connect to D-Bus at ADDRESS: WHY". */
export function connectBus(options: ConnectOptions): Promise<BusConnection> {
  return BusConnection.connect(options);
}

export class BusConnection extends EventEmitter<ConnectionEvents> {
  private state: 'connecting' | 'open' | 'closed' = 'connecting';
  private closing = false;
  private corked = false;
  /** Our replies and signals of this loop turn, encoded but not yet written (see send()). */
  private readonly outgoing = new OutgoingBytes();
  /** The socket's own write, bypassing the wrapper that writes our pending bytes first. */
  private readonly writeRaw: (bytes: Buffer) => void;
  /** What broke the connection, when something did. */
  private fault: Error | null = null;
  private readonly pendingCalls = new Set<(err: Error) => void>();
  private readonly log: Logger;

  private constructor(
    /** The transport, for the object tree (addMethodHandler, 'message'). */
    readonly bus: BusClient,
    /** The address we connected to, as given. */
    readonly address: string,
    logger: Logger,
  ) {
    super();
    this.stream = bus.stream;
    this.log = logger.child({ dbus: address });
    this.writeRaw = this.keepWritesInOrder();
    bus.on('error', (err: unknown) => this.onBusError(err));
    bus.on('unreadable', (err) => this.onGarbage(err));
    bus.on('handlerError', (err, msg) =>
      this.log.error('a D-Bus message handler threw', { member: msg.member, interface: msg.interface, error: describeError(err), stack: (err as Error | null)?.stack }),
    );
    this.stream.on('close', () => this.onClosed());
    this.state = this.stream.destroyed ? 'closed' : 'open';
  }

  private readonly stream: Duplex;

  static async connect(options: ConnectOptions): Promise<BusConnection> {
    const address = options.address ?? systemBusAddress();
    let bus: BusClient;
    try {
      bus = await BusClient.connect(address, options.timeoutMs ?? 10_000);
    } catch (e) {
      throw unavailable(address, e);
    }
    const conn = new BusConnection(bus, address, options.logger);
    conn.log.debug('connected to D-Bus', { uniqueName: conn.uniqueName });
    return conn;
  }

  /** Our unique name on the bus (":1.42"). */
  get uniqueName(): string {
    return this.bus.name ?? '';
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  /**
   * Own a well-known name, not queueing behind another owner. Rejects with
   * NmkError BUS_UNAVAILABLE "cannot own the name N on D-Bus at A: ..." when it
   * is taken or the bus refuses.
   */
  async requestName(name: string): Promise<void> {
    if (!isBusName(name) || name.startsWith(':')) throw new TypeError(`'${name}' is not a valid well-known bus name`);
    let reply: number;
    try {
      [reply] = (await this.callBus('RequestName', 'su', [name, DO_NOT_QUEUE])) as [number];
    } catch (e) {
      throw new NmkError('BUS_UNAVAILABLE', `cannot own the name ${name} on D-Bus at ${this.address}: ${describeError(e)}`, {}, { cause: e });
    }
    if (reply === PRIMARY_OWNER || reply === ALREADY_OWNER) return;
    const owner = await this.callBus('GetNameOwner', 's', [name]).then(([o]) => ` by ${o}`, () => '');
    throw new NmkError('BUS_UNAVAILABLE', `cannot own the name ${name} on D-Bus at ${this.address}: it is already owned${owner}`);
  }

  async releaseName(name: string): Promise<void> {
    await this.callBus('ReleaseName', 's', [name]);
  }

  /**
   * Call a method and resolve with the reply's body (dbus-next's decoded
   * form). An error reply rejects with a DBusError carrying its name; a
   * timeout or a closed connection rejects with a plain Error.
   */
  call(options: CallOptions): Promise<any[]> {
    const signature = options.signature ?? '';
    const where = `${options.interface}.${options.member} on ${options.destination}`;
    return new Promise((resolve, reject) => {
      if (this.state !== 'open') return reject(new Error(`cannot call ${where}: not connected to D-Bus at ${this.address}`));
      let msg: OutgoingMessage;
      try {
        const body = toWireList(parseSignature(signature), options.body ?? []);
        msg = methodCall(options.destination, options.path, options.interface, options.member, signature, body);
      } catch (e) {
        return reject(new TypeError(`cannot call ${where}: ${describeError(e)}`));
      }
      const finish = (err: Error | null, body?: any[]) => {
        clearTimeout(timer);
        this.pendingCalls.delete(abandon);
        if (err) reject(err);
        else resolve(body!);
      };
      const abandon = (err: Error) => finish(err);
      const ms = options.timeoutMs ?? 25_000;
      const timer = setTimeout(() => finish(new Error(`${where} timed out after ${ms} ms`)), ms);
      this.pendingCalls.add(abandon);
      this.bus.call(msg).then(
        (reply) => finish(null, reply?.body ?? []),
        (err: unknown) => finish(asDBusError(err)),
      );
    });
  }

  /**
   * Send a reply or a signal, encoded by wire.ts (dbus-next's own marshaller
   * is too slow for big replies). Never throws: a message that cannot be
   * encoded is logged and returns false, as does a closed connection.
   */
  send(msg: OutgoingMessage): boolean {
    if (this.state !== 'open') return false;
    let earlier: Buffer | undefined;
    try {
      earlier = this.outgoing.append(msg, this.bus.newSerial());
    } catch (e) {
      this.log.error('cannot encode a D-Bus message', { member: msg.member, errorName: msg.errorName, error: describeError(e) });
      return false;
    }
    if (earlier) this.writeRaw(earlier);
    // Batch a loop turn's messages into one socket write (an export storm is thousands of signals): until
    // setImmediate rather than the next tick, so the replies and signals of every I/O callback of the turn
    // (a burst of netlink replies, each moving a device one state on) share one writev. Our own messages
    // wait in `outgoing` (usually one span of the encoder's chunk); the transport's own writes go to the corked socket.
    if (!this.corked) {
      this.corked = true;
      this.stream.cork();
      setImmediate(() => {
        this.corked = false;
        this.writePending();
        this.stream.uncork();
      });
    }
    return true;
  }

  private writePending(): void {
    const pending = this.outgoing.take();
    if (pending && !this.stream.destroyed) this.writeRaw(pending);
  }

  /**
   * The transport writes its own messages (method calls, UnknownMethod) straight
   * to the socket: our pending bytes go first, so everything leaves in the
   * order it was sent. Returns the unwrapped write.
   */
  private keepWritesInOrder(): (bytes: Buffer) => void {
    const stream = this.stream;
    const write = stream.write;
    const flushFirst = () => this.writePending();
    stream.write = function orderedWrite(this: Duplex, ...args: unknown[]): boolean {
      flushFirst();
      return (write as (...a: unknown[]) => boolean).apply(this, args);
    } as Duplex['write'];
    return (bytes) => void (write as (b: Buffer) => boolean).call(stream, bytes);
  }

  /** Close the connection (releasing our names with it). Resolves once the socket is closed. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.closing = true;
    this.writePending();
    const closed = new Promise<void>((resolve) => this.stream.once('close', () => resolve()));
    this.bus.disconnect();
    const force = setTimeout(() => this.stream.destroy(), 2_000);
    await closed;
    clearTimeout(force);
  }

  /** Bytes that make no message: the stream cannot be resynchronised, so the connection is closed and reported as broken. */
  private onGarbage(err: Error): void {
    this.fault = err;
    this.log.error('closing the D-Bus connection: unreadable data on its socket', { error: err.message });
    this.stream.destroy();
  }

  private onBusError(err: unknown): void {
    if (this.state !== 'open') return; // opened() reports it
    const error = err instanceof Error ? err : new Error(describeError(err));
    this.fault ??= error;
    this.log.warn('D-Bus connection error', { error: describeError(err) });
  }

  private onClosed(): void {
    const wasOpen = this.state === 'open';
    this.state = 'closed';
    const reason = this.closing ? null : (this.fault ?? new Error(`the bus at ${this.address} closed the connection`));
    for (const abandon of [...this.pendingCalls]) abandon(new Error(`the D-Bus connection to ${this.address} closed before the reply`));
    if (!wasOpen) return;
    if (reason) this.log.warn('D-Bus connection lost', { error: reason.message });
    this.emit('disconnected', reason);
  }

  private callBus(member: string, signature: string, body: unknown[]): Promise<any[]> {
    return this.call({ destination: BUS_NAME, path: BUS_PATH, interface: BUS_NAME, member, signature, body });
  }
}

function unavailable(address: string, why: unknown): NmkError {
  return new NmkError('BUS_UNAVAILABLE', `cannot connect to D-Bus at ${address}: ${describeError(why)}`, {}, { cause: why });
}

/** "ENOENT" for system errors, "Name: message" for D-Bus errors, the message otherwise. */
function describeError(err: unknown): string {
  if (err instanceof DBusError) return `${err.dbusName}: ${err.message}`;
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : err.message;
  }
  if (Buffer.isBuffer(err)) return `the bus refused us: ${err.toString('ascii').trim()}`;
  return String(err);
}

/** BusClient rejects calls with a ReplyError (type, text); ours carries dbusName. */
function asDBusError(err: unknown): Error {
  const e = err as { type?: unknown; text?: unknown } | null;
  if (e && typeof e.type === 'string') {
    try {
      return new DBusError(e.type, typeof e.text === 'string' ? e.text : '');
    } catch {
      // not a valid error name: fall through
    }
  }
  return err instanceof Error ? err : new Error(String(err));
}
