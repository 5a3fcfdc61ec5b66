/**
 * nmkd's own D-Bus client transport: a unix socket, the EXTERNAL
 * authentication, Hello, and messages both ways (wire.ts encodes,
 * wire-reader.ts decodes). It replaces dbus-next's MessageBus in the daemon,
 * keeping the few parts of it the layer used (addMethodHandler, call, the
 * 'message' event, newSerial, name), because loading dbus-next's index costs
 * an idle daemon about 2 MB resident (an XML stack, node:crypto for a cookie
 * mechanism nmkd never uses, node:assert): bench/memory-idle.ts. The CLI and
 * the tests still use dbus-next as a client library.
 */
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { parseBusAddress, socketPath, type SocketTarget } from './bus-address.js';
import { NO_REPLY_EXPECTED } from './messages.js';
import { encodeMessage, MessageKind, type OutgoingMessage } from './wire.js';
import { MessageReader, type Message } from './wire-reader.js';

/** The bus itself: its well-known name, also the interface of its methods. */
export const BUS_NAME = 'org.freedesktop.DBus';
export const BUS_PATH = '/org/freedesktop/DBus';
/** An authentication line longer than this is not one. */
const MAX_AUTH_LINE = 16 * 1024;

/** A method call handler: true when it took the call (it replies itself). */
export type MethodHandler = (msg: Message) => boolean;

/** An error reply to one of our calls: its D-Bus name, its text, the reply. */
export class ReplyError extends Error {
  override readonly name = 'ReplyError';
  constructor(
    readonly type: string,
    readonly text: string,
    readonly reply: Message,
  ) {
    super(`${type}: ${text}`);
  }
}

interface BusClientEvents {
  /** Every message received, before it is handled (calls, returns, signals). */
  message: [msg: Message];
  /** A socket error after the connection opened. */
  error: [err: Error];
  /** Bytes that make no message arrived: the caller should close the stream. */
  unreadable: [err: Error];
  /** A 'message' listener or a method handler threw on this message (the connection stays up). */
  handlerError: [err: unknown, msg: Message];
}

export class BusClient extends EventEmitter<BusClientEvents> {
  /** Our unique name (":1.42"), set once Hello is answered. */
  name: string | null = null;
  private serial = 1;
  private readonly replies = new Map<number, (reply: Message) => void>();
  private readonly handlers: MethodHandler[] = [];
  private readonly reader = new MessageReader();

  private constructor(readonly stream: net.Socket) {
    super();
  }

  /**
   * Connect to a bus address (each of its unix targets in turn), authenticate
   * and say Hello. Rejects with an Error saying why: the address, refused
   * authentication, unreadable bytes, or the socket's own error.
   */
  static async connect(address: string, timeoutMs: number): Promise<BusClient> {
    const targets = parseBusAddress(address);
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    for (const target of targets) {
      let socket: net.Socket;
      try {
        socket = await withDeadline(openSocket(target), deadline, timeoutMs, (s) => s.destroy());
      } catch (e) {
        lastError = e;
        continue;
      }
      const client = new BusClient(socket);
      try {
        await withDeadline(client.handshake(), deadline, timeoutMs);
        return client;
      } catch (e) {
        socket.destroy();
        throw e;
      }
    }
    throw lastError;
  }

  newSerial(): number {
    const s = this.serial++;
    if (this.serial > 0xffffffff) this.serial = 1;
    return s;
  }

  addMethodHandler(fn: MethodHandler): void {
    this.handlers.push(fn);
  }

  removeMethodHandler(fn: MethodHandler): void {
    const at = this.handlers.indexOf(fn);
    if (at >= 0) this.handlers.splice(at, 1);
  }

  /**
   * Send a method call; resolves with the reply (null when the call asks for
   * none), rejects with a ReplyError for an error reply. Encoding errors throw.
   */
  call(msg: OutgoingMessage): Promise<Message | null> {
    const serial = this.newSerial();
    const bytes = encodeMessage({ ...msg, type: MessageKind.METHOD_CALL }, serial);
    return new Promise((resolve, reject) => {
      if (((msg.flags ?? 0) & NO_REPLY_EXPECTED) !== 0) resolve(null);
      else {
        this.replies.set(serial, (reply) => {
          if (reply.type === MessageKind.ERROR) reject(new ReplyError(reply.errorName ?? '', typeof reply.body[0] === 'string' ? reply.body[0] : '', reply));
          else resolve(reply);
        });
      }
      this.stream.write(bytes);
    });
  }

  /** End the connection: the bus then releases our names. */
  disconnect(): void {
    this.stream.end();
  }

  /** AUTH EXTERNAL with our uid, BEGIN and Hello; then messages flow to onBytes. */
  private handshake(): Promise<void> {
    const stream = this.stream;
    return new Promise<void>((resolve, reject) => {
      let text = '';
      const fail = (err: Error) => {
        cleanup();
        reject(err);
      };
      const onClose = () => fail(new Error('the bus closed the connection'));
      const onError = (err: Error) => fail(err);
      const onAuth = (chunk: Buffer) => {
        text += chunk.toString('latin1');
        const end = text.indexOf('\r\n');
        if (end < 0) {
          if (text.length > MAX_AUTH_LINE) fail(new Error('unreadable data on the D-Bus socket: no answer line to AUTH'));
          return;
        }
        const line = text.slice(0, end);
        if (!line.startsWith('OK ')) {
          const why = line.startsWith('REJECTED') ? `the bus refused EXTERNAL authentication (it offers: ${line.slice(8).trim() || 'nothing'})` : `unexpected answer to AUTH: '${line.slice(0, 80)}'`;
          return fail(new Error(why));
        }
        stream.removeListener('data', onAuth);
        stream.on('data', (bytes: Buffer) => this.onBytes(bytes));
        const rest = Buffer.from(text.slice(end + 2), 'latin1');
        const hello = this.call({ type: MessageKind.METHOD_CALL, destination: BUS_NAME, path: BUS_PATH, interface: BUS_NAME, member: 'Hello', signature: '', body: [] });
        // BEGIN went out with AUTH (pipelined, as sd-bus does): Hello follows it.
        hello.then(
          (reply) => {
            cleanup();
            this.name = String(reply?.body[0] ?? '');
            resolve();
          },
          (err: Error) => fail(err),
        );
        if (rest.length > 0) this.onBytes(rest);
      };
      const onGarbage = (err: Error) => fail(err);
      const cleanup = () => {
        stream.removeListener('data', onAuth);
        stream.removeListener('close', onClose);
        stream.removeListener('error', onError);
        this.removeListener('unreadable', onGarbage);
      };
      stream.on('data', onAuth);
      stream.once('close', onClose);
      stream.once('error', onError);
      this.once('unreadable', onGarbage);
      stream.write(`\0AUTH EXTERNAL ${Buffer.from(String(process.getuid?.() ?? 0)).toString('hex')}\r\nBEGIN\r\n`);
      stream.on('error', (err) => {
        if (this.name !== null) this.emit('error', err);
      });
    });
  }

  private onBytes(bytes: Buffer): void {
    try {
      this.reader.push(bytes, this.deliver);
    } catch (e) {
      this.stream.removeAllListeners('data');
      this.emit('unreadable', new Error(`unreadable data on the D-Bus socket: ${(e as Error).message}`));
    }
  }

  /**
   * One decoded message to its handlers. What a handler throws is its own
   * bug, not the bus's: it is reported, a call that wants a reply gets
   * org.freedesktop.DBus.Error.Failed, and the connection stays up.
   */
  private readonly deliver = (msg: Message): void => {
    try {
      this.dispatch(msg);
    } catch (err) {
      this.emit('handlerError', err, msg);
      if (msg.type === MessageKind.METHOD_CALL) this.replyError(msg, 'org.freedesktop.DBus.Error.Failed', `nmkd could not handle ${msg.member}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  /** As dbus-next's MessageBus: 'message' first, then replies to their calls, calls to the handlers. */
  private dispatch(msg: Message): void {
    // A message for another unique name reaches us only as a monitor: not ours to handle.
    if (this.name && msg.destination?.startsWith(':') && msg.destination !== this.name) return;
    this.emit('message', msg);
    if (msg.type === MessageKind.METHOD_RETURN || msg.type === MessageKind.ERROR) {
      const handler = msg.replySerial === undefined ? undefined : this.replies.get(msg.replySerial);
      if (handler) {
        this.replies.delete(msg.replySerial!);
        handler(msg);
      }
      return;
    }
    if (msg.type !== MessageKind.METHOD_CALL) return;
    for (const handler of this.handlers) if (handler(msg)) return;
    this.replyError(msg, 'org.freedesktop.DBus.Error.UnknownMethod', `Method '${msg.member}' on interface '${msg.interface ?? '(none)'}' does not exist`);
  }

  private replyError(call: Message, errorName: string, text: string): void {
    if ((call.flags & NO_REPLY_EXPECTED) !== 0 || call.sender === undefined || this.stream.destroyed) return;
    const reply = { type: MessageKind.ERROR, replySerial: call.serial, destination: call.sender, errorName, signature: 's', body: [text.replace(/\0/g, '')] };
    this.stream.write(encodeMessage(reply, this.newSerial()));
  }
}

/** `work`, or an Error "no answer after N ms" at `deadline` (a late result is passed to `discard`). */
function withDeadline<T>(work: Promise<T>, deadline: number, timeoutMs: number, discard?: (late: T) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let expired = false;
    const timer = setTimeout(() => {
      expired = true;
      reject(new Error(`no answer after ${timeoutMs} ms`));
    }, Math.max(0, deadline - Date.now()));
    work.then(
      (v) => {
        clearTimeout(timer);
        if (expired) discard?.(v);
        else resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

function openSocket(target: SocketTarget): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ path: socketPath(target) });
    socket.once('connect', () => {
      socket.removeListener('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}
