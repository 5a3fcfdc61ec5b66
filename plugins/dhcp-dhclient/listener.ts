/**
 * The one unix socket every nmk-dhcp-helper reports to (one per daemon, not
 * per link, as NetworkManager's private-dhcp socket). A helper writes one
 * frame, [u32 length, little endian][NAME=VALUE\0...], its environment; the
 * handler's answer goes back as one byte, the helper's exit status.
 */
import fs from 'node:fs';
import net from 'node:net';
import type { Logger } from '../../sdk/index.js';

/** Far above any environment dhclient builds; a longer frame is a broken or hostile peer. */
export const FRAME_MAX = 1024 * 1024;
/** A helper that connects and then says nothing is dropped after this long. */
const IDLE_MS = 30_000;
/** sockaddr_un's sun_path holds 108 bytes with the terminating NUL. */
const SUN_PATH_MAX = 107;

export type EventHandler = (env: Record<string, string>) => number;

/** NAME=VALUE entries separated by NUL; an entry without '=' is skipped. */
export function parseEnvFrame(payload: Buffer): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of payload.toString('latin1').split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

export function encodeEnvFrame(env: Record<string, string>): Buffer {
  const payload = Buffer.from(Object.entries(env).map(([k, v]) => `${k}=${v}\0`).join(''), 'latin1');
  const header = Buffer.alloc(4);
  header.writeUInt32LE(payload.length);
  return Buffer.concat([header, payload]);
}

export class HelperListener {
  private constructor(
    readonly path: string,
    private readonly server: net.Server,
  ) {}

  /** Listen at `socketPath` (a stale socket there is replaced), mode 0600: only root's helpers may report. */
  static async open(socketPath: string, handler: EventHandler, logger: Logger): Promise<HelperListener> {
    if (Buffer.byteLength(socketPath) > SUN_PATH_MAX) {
      throw new Error(`the dhclient helper socket path ${socketPath} is longer than ${SUN_PATH_MAX} bytes (move the run directory)`);
    }
    fs.rmSync(socketPath, { force: true });
    const server = net.createServer((socket) => serve(socket, handler, logger));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ path: socketPath, backlog: 1024 }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    fs.chmodSync(socketPath, 0o600);
    server.on('error', (e) => logger.error(`dhclient helper socket ${socketPath}: ${e.message}`));
    return new HelperListener(socketPath, server);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    fs.rmSync(this.path, { force: true });
  }
}

function serve(socket: net.Socket, handler: EventHandler, logger: Logger): void {
  let buffered: Buffer = Buffer.alloc(0);
  let answered = false;
  socket.setTimeout(IDLE_MS, () => socket.destroy());
  socket.on('error', (e) => logger.debug(`dhclient helper connection: ${e.message}`));
  socket.on('data', (chunk: Buffer) => {
    if (answered) return;
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    if (buffered.length < 4) return;
    const length = buffered.readUInt32LE(0);
    if (length > FRAME_MAX) {
      logger.warn(`dhclient helper sent a frame of ${length} bytes (more than ${FRAME_MAX}); connection dropped`);
      socket.destroy();
      return;
    }
    if (buffered.length < 4 + length) return;
    answered = true;
    let status: number;
    try {
      status = handler(parseEnvFrame(buffered.subarray(4, 4 + length)));
    } catch (e) {
      logger.error(`dhclient event handler failed: ${(e as Error).message}`);
      status = 1;
    }
    socket.end(Buffer.from([status & 0xff]));
  });
}
