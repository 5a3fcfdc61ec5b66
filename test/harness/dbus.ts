/**
 * A private D-Bus system bus for tests: its own dbus-daemon, listening on a
 * unix socket in a fresh temporary directory, with a policy that lets every
 * user own any name and talk to anyone (see FACTS.md: without
 * receive_sender="*" the bus drops replies and clients hang). Works as root
 * and as a normal user; as root the directory is world-readable so a test can
 * also connect as another uid (setpriv). Needs dbus-daemon (Debian's
 * `dbus-daemon` package): without it startPrivateBus rejects, naming it.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { rmSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { Message, MessageType, sessionBus, type MessageBus } from 'dbus-next';
import type { LogFields, Logger, LogLevel } from '../../sdk/logger.js';

const run = promisify(execFile);

export interface PrivateBus {
  /** The address dbus-daemon printed ("unix:path=/tmp/nmk-dbus-XXXX/bus,guid=..."). */
  address: string;
  /** dbus-daemon's pid (it forks, so it is not our child). */
  pid: number;
  /** The busconfig file the daemon runs with. */
  configFile: string;
  /** Kill the daemon and remove its directory. Safe to call twice. */
  stop(): Promise<void>;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The busconfig: a system-type bus open to everyone, with libnm-sized reply limits. */
export function busConfig(socketPath: string): string {
  return `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=${escapeXml(socketPath)}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
  <limit name="max_replies_per_connection">50000</limit>
</busconfig>
`;
}

/**
 * Start a private bus in a new directory under `dir` (default: the OS temp
 * directory). The directory holds the config and the socket; stop() removes it.
 */
export async function startPrivateBus(dir: string = os.tmpdir()): Promise<PrivateBus> {
  const root = await mkdtemp(path.join(dir, 'nmk-dbus-'));
  // Let other uids reach the socket (the uid tests connect as nobody).
  await chmod(root, 0o755);
  const configFile = path.join(root, 'bus.conf');
  await writeFile(configFile, busConfig(path.join(root, 'bus')));
  let stdout: string;
  try {
    ({ stdout } = await run('dbus-daemon', [`--config-file=${configFile}`, '--fork', '--print-address=1', '--print-pid=1'], {
      timeout: 20_000,
    }));
  } catch (e: any) {
    await rm(root, { recursive: true, force: true });
    const why = e.code === 'ENOENT' ? 'dbus-daemon is not installed (apt-get install dbus-daemon)' : (e.stderr || e.message);
    throw new Error(`cannot start a private D-Bus daemon: ${why}`);
  }
  // --print-address then --print-pid, one per line.
  const [address, pidText] = stdout.trim().split('\n').map((l) => l.trim());
  const pid = Number(pidText);
  if (!address?.startsWith('unix:') || !Number.isInteger(pid) || pid <= 0) {
    await rm(root, { recursive: true, force: true });
    throw new Error(`dbus-daemon printed an unexpected start-up line: ${JSON.stringify(stdout)}`);
  }
  let stopped: Promise<void> | undefined;
  const leftover = { pid, root };
  running.add(leftover);
  return {
    address,
    pid,
    configFile,
    stop: () => (stopped ??= stopDaemon(pid).finally(() => {
      running.delete(leftover);
      return rm(root, { recursive: true, force: true });
    })),
  };
}

/**
 * Buses not stopped yet. dbus-daemon forks away from us, so a test process
 * that exits without stop() (a crash, a forgotten afterAll) would leave it
 * running: kill those on the way out.
 */
const running = new Set<{ pid: number; root: string }>();
process.once('exit', () => {
  for (const { pid, root } of running) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
    rmSync(root, { recursive: true, force: true });
  }
});

/** True while the pid names a live process (a zombie counts as gone: our pid 1 may not reap it). */
async function alive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function stopDaemon(pid: number): Promise<void> {
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGKILL'];
  for (const signal of signals) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    for (let i = 0; i < 40; i++) {
      if (!(await alive(pid))) return;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  throw new Error(`dbus-daemon (pid ${pid}) did not exit after SIGKILL`);
}

/** One line a RecordingLogger received. */
export interface LogLine {
  level: LogLevel;
  msg: string;
  fields: LogFields;
}

/** A Logger that keeps every line in memory, so a test can assert what was logged. */
export interface RecordingLogger extends Logger {
  readonly lines: LogLine[];
}

export function recordingLogger(base: LogFields = {}, lines: LogLine[] = []): RecordingLogger {
  const at = (level: LogLevel) => (msg: string, fields: LogFields = {}) => {
    lines.push({ level, msg, fields: { ...base, ...fields } });
  };
  return {
    lines,
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (fields) => recordingLogger({ ...base, ...fields }, lines),
    isEnabled: () => true,
  };
}

/**
 * A plain dbus-next client, independent of core/dbus, for checking what a
 * client sees: calls return the reply Message (or reject with dbus-next's
 * DBusError: `type` is the error name, `text` the message), and signals
 * matching a rule are collected.
 */
export interface TestClient {
  readonly bus: MessageBus;
  readonly uniqueName: string;
  call(destination: string, path: string, iface: string, member: string, signature?: string, body?: unknown[]): Promise<Message>;
  /** The error a call replies with ({ name, message }); rejects if it succeeds. */
  callError(destination: string, path: string, iface: string, member: string, signature?: string, body?: unknown[]): Promise<{ name: string; message: string }>;
  /** Add a match rule; returns the live list of signals that matched it since. */
  subscribe(rule: string): Promise<Message[]>;
  /** Resolve with the first message in `list` (now or later) that passes `test`. */
  waitFor(list: Message[], test: (m: Message) => boolean, timeoutMs?: number): Promise<Message>;
  close(): Promise<void>;
}

/** The match-rule fields testClient filters its collected signals by (the bus applies the rest). */
const RULE_FIELDS = ['path', 'interface', 'member'] as const;

export async function testClient(address: string): Promise<TestClient> {
  const bus = sessionBus({ busAddress: address });
  await new Promise<void>((resolve, reject) => {
    bus.once('connect', resolve);
    bus.once('error', reject);
  });
  bus.on('error', () => undefined);
  const rules: { rule: Record<string, string>; list: Message[] }[] = [];
  const waiters = new Set<() => void>();
  bus.on('message', (m: Message) => {
    if (m.type !== MessageType.SIGNAL) return;
    for (const { rule, list } of rules) {
      if (RULE_FIELDS.every((f) => rule[f] === undefined || m[f] === rule[f])) list.push(m);
    }
    for (const wake of waiters) wake();
  });
  const call = (destination: string, path: string, iface: string, member: string, signature = '', body: unknown[] = []) =>
    bus.call(new Message({ destination, path, interface: iface, member, signature, body })) as Promise<Message>;
  return {
    bus,
    uniqueName: (bus as unknown as { name: string }).name,
    call,
    async callError(...args: Parameters<typeof call>) {
      try {
        await call(...args);
      } catch (e: any) {
        return { name: e.type, message: e.text };
      }
      throw new Error(`${args[2]}.${args[3]} succeeded where an error was expected`);
    },
    async subscribe(rule: string) {
      await call('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus', 'AddMatch', 's', [rule]);
      const parsed = Object.fromEntries([...rule.matchAll(/(\w+)='([^']*)'/g)].map(([, k, v]) => [k, v] as [string, string]));
      const list: Message[] = [];
      rules.push({ rule: parsed, list });
      return list;
    },
    waitFor(list: Message[], test: (m: Message) => boolean, timeoutMs = 5000) {
      return new Promise<Message>((resolve, reject) => {
        const check = () => {
          const found = list.find(test);
          if (!found) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching signal within ${timeoutMs} ms (saw ${list.length})`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async close() {
      const stream = (bus as unknown as { _connection: { stream: Duplex } })._connection.stream;
      const closed = new Promise((r) => stream.once('close', r));
      bus.disconnect();
      await closed;
    },
  };
}

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run a D-Bus command-line tool against the bus at `address`. Rejects, naming the package, when the tool is missing. */
export async function runBusTool(tool: 'dbus-send' | 'gdbus' | 'busctl', args: string[], address: string, prefix: string[] = []): Promise<ToolResult> {
  const packages = { 'dbus-send': 'dbus-bin', gdbus: 'libglib2.0-bin', busctl: 'systemd' };
  const [cmd, ...rest] = [...prefix, tool, ...args];
  try {
    const { stdout, stderr } = await run(cmd!, rest, { env: { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: address }, timeout: 20_000 });
    return { code: 0, stdout, stderr };
  } catch (e: any) {
    if (e.code === 'ENOENT') throw new Error(`${cmd} is not installed (apt-get install ${packages[tool]})`);
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(e) };
  }
}
