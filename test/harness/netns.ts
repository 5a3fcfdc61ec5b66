/**
 * Network namespaces for the integration lane. Each test makes its own
 * namespaces with unique names and destroys them in afterAll/afterEach, even
 * when the test failed. Needs root and iproute2: without them the helpers
 * throw, naming what is missing, so the lane fails rather than passes.
 */
import { execFile, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const run = promisify(execFile);

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** jiti's CLI runs a TypeScript file with no build step. */
export const JITI_CLI = path.join(REPO_ROOT, 'node_modules/jiti/lib/jiti-cli.mjs');

let counter = 0;

/** A short unique name (interface names are limited to 15 bytes). */
export function uniqueName(prefix: string): string {
  return `${prefix}${process.pid % 10000}x${(counter++).toString(36)}`;
}

export function requireRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new Error('the integration lane needs root (network namespaces): run it as root, as CI does');
  }
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class Netns {
  private constructor(readonly name: string) {}

  /** Create a namespace with its loopback up. */
  static async create(prefix = 'nmkt'): Promise<Netns> {
    requireRoot();
    const ns = new Netns(uniqueName(prefix));
    await run('ip', ['netns', 'add', ns.name]);
    await ns.ip(['link', 'set', 'lo', 'up']);
    return ns;
  }

  /** Run a command inside the namespace; rejects on a non-zero exit with stderr in the message. */
  async exec(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ExecResult> {
    try {
      const r = await run('ip', ['netns', 'exec', this.name, cmd, ...args], {
        env: opts.env ?? process.env,
        timeout: opts.timeoutMs ?? 60_000,
        maxBuffer: 64 * 1024 * 1024,
      });
      return { code: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (e: any) {
      const err = new Error(`in netns ${this.name}: ${cmd} ${args.join(' ')} failed (${e.code}): ${e.stderr ?? e.message}`);
      Object.assign(err, { code: e.code, stdout: e.stdout, stderr: e.stderr });
      throw err;
    }
  }

  /** Like exec but resolves with the exit code instead of rejecting. */
  async tryExec(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ExecResult> {
    try {
      return await this.exec(cmd, args, opts);
    } catch (e: any) {
      return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(e) };
    }
  }

  /** `ip ARGS` inside the namespace. */
  async ip(args: string[]): Promise<string> {
    return (await this.exec('ip', args)).stdout;
  }

  /** `ip -d -j ARGS`, parsed. */
  async ipJson<T = any>(args: string[]): Promise<T> {
    const out = await this.ip(['-d', '-j', ...args]);
    return JSON.parse(out || '[]') as T;
  }

  /** Run a TypeScript (or JavaScript) file in the namespace through jiti, no build needed. */
  async runScript(file: string, args: string[] = [], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ExecResult> {
    return this.tryExec(process.execPath, [JITI_CLI, file, ...args], opts);
  }

  /** Start a long-running process in the namespace (a daemon); the caller kills it. */
  spawn(cmd: string, args: string[], opts: SpawnOptions = {}): ChildProcess {
    return spawn('ip', ['netns', 'exec', this.name, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  }

  /** Create a veth pair whose far end lives in `peerNs` (or here too). */
  async addVeth(name: string, peerName: string, peerNs?: Netns): Promise<void> {
    await this.ip(['link', 'add', name, 'type', 'veth', 'peer', 'name', peerName, ...(peerNs ? ['netns', peerNs.name] : [])]);
  }

  async destroy(): Promise<void> {
    // Kill whatever still runs inside, then delete the namespace.
    await run('ip', ['netns', 'pids', this.name]).then(
      async (r) => {
        for (const pid of r.stdout.split(/\s+/).filter(Boolean)) {
          try { process.kill(Number(pid), 'SIGKILL'); } catch { /* gone already */ }
        }
      },
      () => undefined,
    );
    await run('ip', ['netns', 'del', this.name]).catch(() => undefined);
  }
}
