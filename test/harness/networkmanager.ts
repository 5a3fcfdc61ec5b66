/**
 * The real NetworkManager 1.42 (Debian's /usr/sbin/NetworkManager, its
 * service masked) side by side with nmkd, for conformance tests. It runs
 * walled off from the host:
 * - in the test's network namespace (`ip netns exec`), so it sees only that
 *   namespace's links;
 * - in a private mount namespace (`unshare --mount --propagation private`)
 *   where tmpfs covers /run (its pid, device and runtime-profile files, and the
 *   host's system bus socket), /var/lib/NetworkManager (secret_key,
 *   timestamps, leases) and /etc/NetworkManager (the host's config and
 *   profiles); /sys is remounted read-only (a bind remount: the host's sysfs
 *   keeps its flags) so NetworkManager does without udev (FACTS.md), while
 *   /sys/devices stays writable for the files it writes there;
 * - in a private UTS namespace, so it cannot change the host's name;
 * - on its own private D-Bus, with its own config file, keyfile directory,
 *   state, intern-config and pid files under one temporary directory.
 * The command chain (`ip netns exec`, `unshare`, `sh -c '... exec'`) execs at
 * each step, so the child's pid is NetworkManager's and stop() signals it
 * directly.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startPrivateBus, testClient, type PrivateBus } from './dbus.js';
import type { ExecResult, Netns } from './netns.js';
import { runNmcli } from './nmcli.js';

export const NETWORKMANAGER = '/usr/sbin/NetworkManager';
const NM_BUS_NAME = 'org.freedesktop.NetworkManager';

export interface StartNetworkManagerOptions {
  ns: Netns;
  /** A bus to serve on; without it a private bus is started (and stopped by cleanup). */
  busAddress?: string;
  /** Keyfiles written to the keyfile directory before NetworkManager starts (name -> text; mode 0600). */
  keyfiles?: Record<string, string>;
  /** Extra NetworkManager.conf text, appended after the harness's own sections. */
  extraConfig?: string;
  /**
   * Networking on (default off, through the state file, as `nmcli networking
   * off` leaves it): off, NetworkManager activates nothing, so no profile
   * gains a timestamp or a device while a test compares profiles.
   */
  networking?: boolean;
  /** NetworkManager's log level (default INFO). */
  logLevel?: string;
  readyTimeoutMs?: number;
}

export interface NetworkManagerInstance {
  pid: number;
  busAddress: string;
  /** The temporary directory holding everything below. */
  dir: string;
  /** `[keyfile] path=`: where NetworkManager reads and writes profiles. */
  keyfileDir: string;
  configFile: string;
  /** stderr (NetworkManager logs there with --debug) and stdout, as received. */
  output(): string;
  /** Run /usr/bin/nmcli against this NetworkManager's bus. */
  nmcli(args: string[], opts?: { timeoutMs?: number }): Promise<ExecResult>;
  /** SIGTERM, wait for the exit (SIGKILL after the timeout); resolves with the exit code. */
  stop(timeoutMs?: number): Promise<number | null>;
  /** stop() if still running, remove the directory, stop the bus this harness started. Safe twice. */
  cleanup(): Promise<void>;
}

/** The config: keyfile only, nothing automatic, nothing written outside our directory. */
export function networkManagerConfig(keyfileDir: string, logLevel = 'INFO', extra = ''): string {
  return `[main]
plugins=keyfile
no-auto-default=*
dhcp=internal
dns=none
rc-manager=unmanaged
# no polkit on a private bus: every caller (the test runs as root) is allowed
auth-polkit=false
# never touch the (already private) host name
hostname-mode=none

[keyfile]
path=${keyfileDir}

[logging]
level=${logLevel}
backend=debug

[connectivity]
enabled=false
${extra}`;
}

/** Shell words, single-quoted. */
function sq(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** What runs inside the new mount namespace before exec'ing NetworkManager. */
function mountScript(nmArgs: string[]): string {
  return [
    'set -e',
    'mount -t tmpfs -o mode=0755 nmk-nm-run /run',
    'mkdir -p /run/NetworkManager',
    'mount -t tmpfs -o mode=0700 nmk-nm-state /var/lib/NetworkManager',
    'mount -t tmpfs -o mode=0755 nmk-nm-etc /etc/NetworkManager',
    'mount --bind /sys/devices /sys/devices',
    'mount -o remount,bind,ro /sys',
    `exec ${nmArgs.map(sq).join(' ')}`,
  ].join('\n');
}

function tail(text: string, max = 8000): string {
  return text.length > max ? `...${text.slice(-max)}` : text;
}

/** True while the pid names a live process (a zombie counts as gone: our pid 1 may not reap it). */
async function alive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/**
 * Resolve when NetworkManager owns its name on the bus, reject when it exits
 * first or the timeout passes. Subscribes to NameOwnerChanged before asking
 * NameHasOwner, so an owner that arrives in between is not missed.
 */
async function waitForBusName(busAddress: string, exited: Promise<string>, timeoutMs: number): Promise<void> {
  const client = await testClient(busAddress);
  try {
    const changes = await client.subscribe(`type='signal',interface='org.freedesktop.DBus',member='NameOwnerChanged',arg0='${NM_BUS_NAME}'`);
    const has = await client.call('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus', 'NameHasOwner', 's', [NM_BUS_NAME]);
    if (has.body[0] === true) return;
    await Promise.race([
      client.waitFor(changes, (m) => m.body[0] === NM_BUS_NAME && m.body[2] !== '', timeoutMs),
      exited.then((why) => Promise.reject(new Error(why))),
    ]);
  } finally {
    await client.close();
  }
}

/**
 * Instances not cleaned up yet. A test process that exits without cleanup()
 * (a crash, an interrupted run) would leave NetworkManager running: kill
 * those on the way out, as the bus harness does for dbus-daemon.
 */
const running = new Set<{ pid: () => number | undefined; dir: string }>();
process.once('exit', () => {
  for (const { pid, dir } of running) {
    const p = pid();
    try {
      if (p) process.kill(p, 'SIGKILL');
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  }
});

export async function startNetworkManager(opts: StartNetworkManagerOptions): Promise<NetworkManagerInstance> {
  if (!existsSync(NETWORKMANAGER)) {
    throw new Error(`${NETWORKMANAGER} is missing: apt-get install -y network-manager (and mask its service: systemctl mask NetworkManager)`);
  }
  // The mount namespace covers these with tmpfs: a temporary directory below them would vanish for NetworkManager.
  const hidden = ['/run', '/var/run', '/var/lib/NetworkManager', '/etc/NetworkManager'].find((h) => (os.tmpdir() + '/').startsWith(h + '/'));
  if (hidden) throw new Error(`the temporary directory ${os.tmpdir()} lies under ${hidden}, which NetworkManager's mount namespace hides: set TMPDIR elsewhere`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'nmk-nm-'));
  const keyfileDir = path.join(dir, 'system-connections');
  const configFile = path.join(dir, 'NetworkManager.conf');
  let bus: PrivateBus | undefined;
  let child: ChildProcess | undefined;
  let out = '';
  let exitNote: string | undefined;
  let markExited: (why: string) => void = () => {};
  const exited = new Promise<string>((resolve) => (markExited = resolve));

  const stop = async (timeoutMs = 15_000): Promise<number | null> => {
    if (!child) return null;
    if (exitNote === undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child!.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    }
    // The pid may outlive the 'exit' event as a zombie our pid 1 never reaps; wait until it is no longer running.
    for (let i = 0; i < 200 && (await alive(child.pid!)); i++) await new Promise((r) => setTimeout(r, 25));
    return child.exitCode;
  };

  let cleaned: Promise<void> | undefined;
  const leftover = { pid: () => child?.pid, dir };
  running.add(leftover);
  const cleanup = () =>
    (cleaned ??= (async () => {
      await stop().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
      await bus?.stop();
      running.delete(leftover);
    })());

  try {
    await mkdir(keyfileDir, { mode: 0o700 });
    for (const sub of ['conf.d', 'system-conf.d']) await mkdir(path.join(dir, sub));
    for (const [name, text] of Object.entries(opts.keyfiles ?? {})) {
      const f = path.join(keyfileDir, name);
      await writeFile(f, text, { mode: 0o600 });
      await chmod(f, 0o600);
    }
    await writeFile(configFile, networkManagerConfig(keyfileDir, opts.logLevel, opts.extraConfig));
    await writeFile(path.join(dir, 'NetworkManager.state'), `[main]\nNetworkingEnabled=${opts.networking ? 'true' : 'false'}\n`);
    const busAddress = opts.busAddress ?? (bus = await startPrivateBus()).address;
    const nmArgs = [
      NETWORKMANAGER,
      '--no-daemon',
      '--debug',
      `--config=${configFile}`,
      `--config-dir=${path.join(dir, 'conf.d')}`,
      `--system-config-dir=${path.join(dir, 'system-conf.d')}`,
      `--intern-config=${path.join(dir, 'intern.conf')}`,
      `--state-file=${path.join(dir, 'NetworkManager.state')}`,
      `--pid-file=${path.join(dir, 'NetworkManager.pid')}`,
    ];
    child = opts.ns.spawn('unshare', ['--mount', '--uts', '--propagation', 'private', 'sh', '-c', mountScript(nmArgs)], {
      env: { PATH: process.env.PATH, DBUS_SYSTEM_BUS_ADDRESS: busAddress, LC_ALL: 'C', LANG: 'C' },
    });
    child.stdout!.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.stderr!.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.on('exit', (code, signal) => {
      exitNote = `NetworkManager exited (code ${code}, signal ${signal})`;
      markExited(`${exitNote}:\n${tail(out)}`);
    });
    child.on('error', (e) => {
      exitNote = `could not run NetworkManager: ${e.message}`;
      markExited(exitNote);
    });

    const timeoutMs = opts.readyTimeoutMs ?? 30_000;
    await waitForBusName(busAddress, exited, timeoutMs).catch((e: Error) => {
      throw new Error(`NetworkManager did not own ${NM_BUS_NAME} in netns ${opts.ns.name}: ${e.message}\n${tail(out)}`);
    });
    // Owning the name comes before the main loop runs; the first answer to nmcli means profiles are loaded.
    const general = await runNmcli(busAddress, ['-t', '-f', 'RUNNING', 'general'], { timeoutMs });
    if (general.code !== 0 || general.stdout.trim() !== 'running') {
      throw new Error(`nmcli general did not answer from NetworkManager (code ${general.code}): ${general.stdout}${general.stderr}\n${tail(out)}`);
    }

    return {
      pid: child.pid!,
      busAddress,
      dir,
      keyfileDir,
      configFile,
      output: () => out,
      nmcli: (args, o) => runNmcli(busAddress, args, o),
      stop,
      cleanup,
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
