/**
 * Connecting, owning a name, and surviving what a bus or a peer can throw at
 * us: a missing bus, a taken name, a client that sends garbage to the bus,
 * garbage on our own socket (from a fake bus), a bus that goes away.
 */
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NmkError } from '../../sdk/errors.js';
import { recordingLogger, startPrivateBus, testClient, type PrivateBus } from '../../test/harness/dbus.js';
import { connectBus, ObjectTree, type BusConnection } from './index.js';
import { encodeMessage, MessageKind } from './wire.js';

const log = recordingLogger();
let bus: PrivateBus;
const opened: BusConnection[] = [];

async function connect(address = bus.address): Promise<BusConnection> {
  const conn = await connectBus({ address, logger: log });
  opened.push(conn);
  return conn;
}

/** The daemon's socket path, from its address. */
function socketPath(address: string): string {
  return /unix:path=([^,]+)/.exec(address)![1]!;
}

/** For a promise that must reject: fail the test if it resolves. */
function unexpected(value: unknown): never {
  throw new Error(`expected a rejection, got ${String(value)}`);
}

const hexUid = () => Buffer.from(String(process.getuid!())).toString('hex');

beforeAll(async () => {
  bus = await startPrivateBus();
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.close()));
});

afterAll(async () => {
  await bus?.stop();
});

describe('connecting', () => {
  it('connects to the bus at an address and gets a unique name', async () => {
    const conn = await connect();
    expect(conn.uniqueName).toMatch(/^:1\.\d+$/);
    expect(conn.isOpen).toBe(true);
  });

  it('names the address and the reason when the bus is not there', async () => {
    const address = 'unix:path=/nonexistent/nmk/bus';
    const err = await connectBus({ address, logger: log }).then(unexpected, (e: Error) => e);
    expect(err).toBeInstanceOf(NmkError);
    expect((err as NmkError).code).toBe('BUS_UNAVAILABLE');
    expect((err as NmkError).message).toBe(`cannot connect to D-Bus at ${address}: ENOENT`);
  });

  it('names a stale socket nobody listens on', async () => {
    const dead = await startPrivateBus();
    try {
      process.kill(dead.pid, 'SIGKILL'); // dies without removing its socket
      await new Promise((r) => setTimeout(r, 100));
      const address = `unix:path=${socketPath(dead.address)}`;
      const err = await connectBus({ address, logger: log }).then(unexpected, (e: Error) => e);
      expect(err.message).toBe(`cannot connect to D-Bus at ${address}: ECONNREFUSED`);
    } finally {
      await dead.stop();
    }
  });

  it('refuses a malformed address with a clear error', async () => {
    const err = await connectBus({ address: 'nonsense', logger: log }).then(unexpected, (e: Error) => e);
    expect(err.message).toMatch(/^cannot connect to D-Bus at nonsense: /);
  });
});

describe('owning a name', () => {
  it('owns a free name, and names the name, the address and the owner when it is taken', async () => {
    const first = await connect();
    await first.requestName('org.nmk.NameTest');
    await first.requestName('org.nmk.NameTest'); // already ours: fine
    const second = await connect();
    const err = await second.requestName('org.nmk.NameTest').then(unexpected, (e: Error) => e);
    expect(err).toBeInstanceOf(NmkError);
    expect(err.message).toBe(`cannot own the name org.nmk.NameTest on D-Bus at ${bus.address}: it is already owned by ${first.uniqueName}`);
  });
});

describe('robustness', () => {
  it('keeps serving when another client sends garbage to the bus', async () => {
    const server = await connect();
    const tree = await ObjectTree.attach(server, { logger: log });
    tree.export('/org/freedesktop/Robust', [{ name: 'org.nmk.Robust', methods: [{ name: 'Ping', in: [], out: [['pong', 's']], handler: () => 'pong' }] }]);
    await server.requestName('org.nmk.Robust');
    let disconnected = false;
    server.on('disconnected', () => (disconnected = true));

    // A raw client: authenticate, then send bytes that are no D-Bus message.
    const raw = net.createConnection(socketPath(bus.address));
    const rawClosed = new Promise((r) => raw.once('close', r));
    raw.on('error', () => undefined);
    await new Promise((r) => raw.once('connect', r));
    raw.write(`\0AUTH EXTERNAL ${hexUid()}\r\n`);
    await new Promise((r) => raw.once('data', r));
    raw.write('BEGIN\r\n');
    raw.write(Buffer.alloc(64, 0xff));
    await rawClosed; // the daemon drops it

    const client = await testClient(bus.address);
    const reply = await client.call('org.nmk.Robust', '/org/freedesktop/Robust', 'org.nmk.Robust', 'Ping');
    expect(reply.body).toEqual(['pong']);
    expect(server.isOpen).toBe(true);
    expect(disconnected).toBe(false);
    await client.close();
    await tree.close();
  });

  it('keeps the connection when a handler throws: the caller gets Failed, the log says which member', async () => {
    const server = await connect();
    const client = await connect();
    server.bus.addMethodHandler((msg) => {
      if (msg.member === 'Boom') throw new Error('a bug in a handler');
      return false;
    });
    const err = await client.call({ destination: server.uniqueName, path: '/x', interface: 'org.nmk.T', member: 'Boom' }).then(unexpected, (e: Error) => e);
    expect(err.message).toContain('nmkd could not handle Boom: a bug in a handler');
    expect(log.lines.some((l) => l.level === 'error' && l.msg === 'a D-Bus message handler threw' && l.fields.member === 'Boom')).toBe(true);
    // Still connected: the next call is answered (no handler took it: UnknownMethod).
    const next = await client.call({ destination: server.uniqueName, path: '/x', interface: 'org.nmk.T', member: 'Other' }).then(unexpected, (e: Error) => e);
    expect(next.message).toContain("Method 'Other' on interface 'org.nmk.T' does not exist");
    expect(server.isOpen).toBe(true);
    await client.close();
    await server.close();
  });

  describe('garbage on our own socket (from a fake bus)', () => {
    let dir: string;
    let fake: net.Server;

    /** A fake bus: accepts EXTERNAL, answers Hello (when `hello`), then sends `garbage`. */
    async function fakeBus(garbage: Buffer, hello: boolean): Promise<string> {
      dir = await mkdtemp(path.join(os.tmpdir(), 'nmk-dbus-fake-'));
      const sock = path.join(dir, 'bus');
      fake = net.createServer((s) => {
        let pending = Buffer.alloc(0);
        let stage: 'auth' | 'begin' | 'hello' = 'auth';
        s.on('error', () => undefined);
        s.on('data', (data) => {
          pending = Buffer.concat([pending, data]);
          const text = pending.toString('latin1');
          if (stage === 'auth' && text.includes('\r\n')) {
            stage = 'begin';
            s.write('OK 0123456789abcdef0123456789abcdef\r\n');
          }
          const begin = text.indexOf('BEGIN\r\n');
          if (stage === 'begin' && begin >= 0) {
            stage = 'hello';
            pending = pending.subarray(begin + 7);
          }
          if (stage === 'hello' && pending.length >= 16) {
            if (hello) {
              const serial = pending.readUInt32LE(8);
              s.write(encodeMessage({ type: MessageKind.METHOD_RETURN, replySerial: serial, destination: ':1.1', signature: 's', body: [':1.1'] }, 1));
            }
            setTimeout(() => s.write(garbage), 20);
            stage = 'auth';
            pending = Buffer.alloc(0);
          }
        });
      });
      await new Promise((r) => fake.listen(sock, () => r(undefined)));
      return `unix:path=${sock}`;
    }

    afterEach(async () => {
      await new Promise((r) => fake.close(r));
      await rm(dir, { recursive: true, force: true });
    });

    // dbus-next throws these from its socket handler: without our guard, an uncaught exception (Vitest fails the run).
    const garbage = Buffer.alloc(64, 0xff);

    it('reports a broken connection once, and logs it', async () => {
      const address = await fakeBus(garbage, true);
      const conn = await connect(address);
      const reason = await new Promise<Error | null>((r) => conn.once('disconnected', r));
      expect(reason?.message).toMatch(/^unreadable data on the D-Bus socket: /);
      expect(conn.isOpen).toBe(false);
      expect(log.lines.some((l) => l.level === 'error' && l.msg.includes('unreadable data') && l.fields.dbus === address)).toBe(true);
      await expect(conn.call({ destination: 'x.y', path: '/', interface: 'x.y', member: 'Z' })).rejects.toThrow(`not connected to D-Bus at ${address}`);
    });

    it('fails connecting with a clear error when the garbage comes first', async () => {
      const address = await fakeBus(garbage, false);
      const err = await connectBus({ address, logger: log }).then(unexpected, (e: Error) => e);
      expect(err.message).toMatch(new RegExp(`^cannot connect to D-Bus at ${address.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: unreadable data on the D-Bus socket`));
    });
  });

  it('reports the bus going away and fails calls in flight', async () => {
    const own = await startPrivateBus();
    try {
      const server = await connect(own.address);
      const tree = await ObjectTree.attach(server, { logger: log });
      tree.export('/org/nmk/Hang', [{ name: 'org.nmk.Hang', methods: [{ name: 'Forever', in: [], out: [], handler: () => new Promise(() => undefined) }] }]);
      const caller = await connect(own.address);
      const inFlight = caller.call({ destination: server.uniqueName, path: '/org/nmk/Hang', interface: 'org.nmk.Hang', member: 'Forever' }).then(
        () => null,
        (e: Error) => e,
      );
      const reason = new Promise<Error | null>((r) => caller.once('disconnected', r));
      await new Promise((r) => setTimeout(r, 50));
      await own.stop();
      expect((await reason)?.message).toBe(`the bus at ${own.address} closed the connection`);
      expect((await inFlight)?.message).toBe(`the D-Bus connection to ${own.address} closed before the reply`);
      expect(caller.isOpen).toBe(false);
    } finally {
      await own.stop();
    }
  });

  it('reports a clean close with a null reason', async () => {
    const conn = await connectBus({ address: bus.address, logger: log });
    const reason = new Promise<Error | null>((r) => conn.once('disconnected', r));
    await conn.close();
    expect(await reason).toBeNull();
  });
});
