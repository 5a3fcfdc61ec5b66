/**
 * openvpn's management interface, the side nmk plays: a unix socket server
 * that openvpn connects to (`management-client`). Lines starting with `>`
 * are real-time notifications (>STATE:, >PASSWORD:, >HOLD:, >FATAL:...);
 * other lines answer our commands (SUCCESS:/ERROR:), which are sent one at
 * a time. Values in commands are double-quoted with \ and " escaped, as
 * openvpn's parser wants.
 */
import net from 'node:net';

export interface ManagementEvents {
  /** A notification without its '>': kind ("STATE") and the rest. */
  notify(kind: string, text: string): void;
  /** openvpn closed the connection. */
  closed(): void;
}

export function quote(v: string): string {
  return `"${v.replace(/[\\"]/g, (m) => `\\${m}`)}"`;
}

/** `>STATE:time,NAME,detail,local,remote,...` -> its name and fields. */
export function parseState(text: string): { name: string; fields: string[] } {
  const f = text.split(',');
  return { name: f[1] ?? '', fields: f };
}

/** `>PASSWORD:Need 'Auth' username/password` and its variants. */
export function parsePasswordPrompt(text: string): { kind: 'need'; type: string; userPass: boolean } | { kind: 'failed'; type: string } | undefined {
  const need = /^Need '([^']+)' (username\/password|password)/.exec(text);
  if (need) return { kind: 'need', type: need[1]!, userPass: need[2] === 'username/password' };
  const failed = /^Verification Failed: '([^']+)'/.exec(text);
  if (failed) return { kind: 'failed', type: failed[1]! };
  return undefined;
}

export class ManagementServer {
  private server = net.createServer();
  private socket?: net.Socket;
  private buffered = '';
  private queue: Array<{ line: string; done: (reply: string) => void }> = [];
  private waiting?: (reply: string) => void;

  constructor(private path: string, private on: ManagementEvents) {}

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.path, () => resolve());
      this.server.on('connection', (s) => this.accept(s));
    });
  }

  private accept(s: net.Socket): void {
    // One openvpn, one connection: a second one is not ours to talk to.
    if (this.socket) return void s.destroy();
    this.socket = s;
    s.setEncoding('utf8');
    s.on('data', (chunk: string) => {
      this.buffered += chunk;
      let i: number;
      while ((i = this.buffered.indexOf('\n')) >= 0) {
        const line = this.buffered.slice(0, i).replace(/\r$/, '');
        this.buffered = this.buffered.slice(i + 1);
        this.line(line);
      }
    });
    s.on('error', () => undefined);
    s.on('close', () => this.on.closed());
    this.next();
  }

  private line(line: string): void {
    if (line.startsWith('>')) {
      const i = line.indexOf(':');
      this.on.notify(line.slice(1, i < 0 ? undefined : i), i < 0 ? '' : line.slice(i + 1));
      return;
    }
    const w = this.waiting;
    this.waiting = undefined;
    w?.(line);
    this.next();
  }

  private next(): void {
    if (this.waiting || !this.socket) return;
    const c = this.queue.shift();
    if (!c) return;
    this.waiting = c.done;
    this.socket.write(`${c.line}\n`);
  }

  /** Send a command; resolves with openvpn's one-line answer ("SUCCESS: ..." or "ERROR: ..."). */
  command(line: string): Promise<string> {
    return new Promise((done) => {
      this.queue.push({ line, done });
      this.next();
    });
  }

  close(): void {
    this.socket?.destroy();
    this.server.close();
  }
}
