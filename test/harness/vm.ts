/**
 * The kernel lane's VM: boots Debian's stock kernel under qemu (TCG; KVM hangs
 * here) with the host's / as a read-only 9p root, runs each scenario file with
 * node inside it, one boot for all of them, and brings back what each scenario
 * reported (test/kernel/scenario-kit.ts) through a writable 9p export of
 * <repo>/.cache/vm.
 *
 * Scenarios are compiled on the host with the project's tsc (type checks off,
 * about 1 s) and the guest runs the JavaScript with plain node. Running them
 * through jiti instead cost about 50 s per scenario: its module resolution
 * stats many candidate files, and each stat is a 9p round trip through an
 * emulated CPU. Compiled, importing the Linux platform takes about 3 s. So a
 * scenario must not locate files relative to its own module (import.meta.url
 * points into the build directory): it finds the repository in $NMK_REPO_ROOT.
 *
 * Anything that goes wrong (no kernel, boot failure, a crashed scenario, the
 * timeout) throws a VmRunError that carries the serial console, so a failing
 * CI run explains itself.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { findGuestKernel } from '../kernel/vm/kernel.js';
import { compileScenarios } from '../kernel/vm/compile-scenarios.js';
import { buildDaemon } from '../kernel/vm/build-daemon.js';
import { ensureInitramfs } from '../kernel/vm/initramfs.js';
import { jobScript } from '../kernel/vm/job-script.js';
import { REPO_ROOT } from './netns.js';

export interface ScenarioResult {
  name: string;
  file: string;
  /** The scenario process's exit code; null when it never finished (the VM died or timed out). */
  exitCode: number | null;
  durationMs: number | null;
  /** What the scenario passed to report(); undefined when it reported nothing. */
  report?: Record<string, unknown>;
  stdout: string;
  stderr: string;
}

export interface RunInVmOptions {
  /** Paths of TypeScript files, run in this order; the name of each is its base name without .ts. */
  scenarios: string[];
  /** For the whole boot, scenarios included. */
  timeoutMs: number;
  memoryMb?: number;
  /** Also build nmkd for the guest (test/kernel/vm/build-daemon.ts); scenarios find its main.js in $NMK_DAEMON_MAIN. */
  daemon?: boolean;
  /** More qemu arguments for this boot, e.g. NICs (`-netdev user,id=n0 -device e1000,netdev=n0`); the guest has none otherwise. */
  qemuArgs?: string[];
}

export class VmRunError extends Error {
  override readonly name = 'VmRunError';
  constructor(message: string, readonly console: string, readonly results: Record<string, ScenarioResult>) {
    super(message);
  }
}

/** The host side of the writable export; the guest sees it at GUEST_EXCHANGE. */
const CACHE_DIR = path.join(REPO_ROOT, '.cache/vm');
const GUEST_EXCHANGE = '/run/nmk-vm';
const CONSOLE_TAIL = 16_000;

function scenarioName(file: string): string {
  const name = path.basename(file).replace(/\.[cm]?[tj]s$/, '');
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new Error(`scenario file name ${file} must be made of letters, digits, '.', '_' and '-'`);
  return name;
}

function readOr(file: string, fallback: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

function collect(hostResults: string, s: { name: string; file: string }): ScenarioResult {
  const base = path.join(hostResults, s.name);
  const [code, ms] = readOr(`${base}.exit`, '').trim().split(/\s+/);
  const reportText = readOr(`${base}.json`, '');
  let report: Record<string, unknown> | undefined;
  if (reportText) {
    try {
      report = JSON.parse(reportText) as Record<string, unknown>;
    } catch (e) {
      report = { error: `unreadable report ${base}.json: ${String(e)}` };
    }
  }
  return {
    name: s.name,
    file: s.file,
    exitCode: code ? Number(code) : null,
    durationMs: ms ? Number(ms) : null,
    report,
    stdout: readOr(`${base}.stdout`, ''),
    stderr: readOr(`${base}.stderr`, ''),
  };
}

/** Why a scenario counts as failed, or undefined when it ran and reported. */
function failureOf(r: ScenarioResult): string | undefined {
  if (r.exitCode === null) return 'never finished';
  if (r.report === undefined) return `exited ${r.exitCode} without a report`;
  if (r.report.error !== undefined) {
    const steps = Array.isArray(r.report.steps) ? `\nsteps reached:\n  ${r.report.steps.join('\n  ')}` : '';
    return `reported an error: ${String(r.report.error)}${steps}`;
  }
  if (r.exitCode !== 0) return `exited ${r.exitCode}`;
  return undefined;
}

function tail(text: string, max: number): string {
  return text.length > max ? `...${text.slice(-max)}` : text;
}

/** Failed runs keep their directory for inspection; drop the ones older than a day. */
function pruneOldRuns(): void {
  const runs = path.join(CACHE_DIR, 'runs');
  if (!existsSync(runs)) return;
  const dayAgo = Date.now() - 24 * 3600 * 1000;
  for (const entry of readdirSync(runs)) {
    const dir = path.join(runs, entry);
    if (statSync(dir).mtimeMs < dayAgo) rmSync(dir, { recursive: true, force: true });
  }
}

/** Boot once, run every scenario, power off; the results keyed by scenario name. */
export async function runInVm(opts: RunInVmOptions): Promise<Record<string, ScenarioResult>> {
  const kernel = findGuestKernel();
  const files = opts.scenarios.map((f) => path.resolve(f));
  const names = files.map(scenarioName);
  if (new Set(names).size !== names.length) throw new Error(`scenario names must be unique: ${names.join(', ')}`);
  for (const f of files) {
    if (!existsSync(f)) throw new Error(`no scenario file ${f}`);
    if (path.relative(REPO_ROOT, f).startsWith('..')) throw new Error(`scenario ${f} must live inside the repository (${REPO_ROOT})`);
  }

  const initrd = ensureInitramfs(kernel, CACHE_DIR);
  pruneOldRuns();
  const runId = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const hostRun = path.join(CACHE_DIR, 'runs', runId);
  const guestRun = path.join(GUEST_EXCHANGE, 'runs', runId);
  mkdirSync(path.join(hostRun, 'results'), { recursive: true });
  const [compiled, daemonMain] = await Promise.all([
    compileScenarios(REPO_ROOT, path.join(hostRun, 'build'), files),
    opts.daemon ? buildDaemon(REPO_ROOT, path.join(hostRun, 'nmk')) : undefined,
  ]);
  const scenarios = files.map((file, i) => ({ name: names[i]!, file, compiled: compiled[i]! }));
  const env: Record<string, string> = daemonMain ? { NMK_DAEMON_MAIN: daemonMain } : {};
  writeFileSync(path.join(hostRun, 'job.sh'), jobScript({ runDir: guestRun, repoRoot: REPO_ROOT, scenarios, env }));

  const args = [
    '-accel', 'tcg', '-m', String(opts.memoryMb ?? 1024), '-nographic', '-no-reboot', '-nic', 'none',
    '-kernel', kernel.image, '-initrd', initrd,
    '-append', `console=ttyS0 quiet panic=-1 nmk_run=${runId}`,
    '-virtfs', 'local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap',
    '-virtfs', `local,path=${CACHE_DIR},mount_tag=nmkvm,security_model=none,multidevs=remap`,
    ...(opts.qemuArgs ?? []),
  ];
  const started = Date.now();
  let consoleText = '';
  let bootMs: number | undefined;
  const outcome = await new Promise<{ code: number | null; timedOut: boolean; spawnError?: Error }>((resolve) => {
    const qemu = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const onData = (chunk: Buffer): void => {
      consoleText += chunk.toString('utf8');
      if (bootMs === undefined && consoleText.includes('nmk-vm: booted')) bootMs = Date.now() - started;
    };
    qemu.stdout.on('data', onData);
    qemu.stderr.on('data', onData);
    const timer = setTimeout(() => {
      qemu.kill('SIGKILL');
      resolve({ code: null, timedOut: true });
    }, opts.timeoutMs);
    qemu.on('error', (spawnError) => {
      clearTimeout(timer);
      resolve({ code: null, timedOut: false, spawnError });
    });
    qemu.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, timedOut: false });
    });
  });
  const totalMs = Date.now() - started;
  writeFileSync(path.join(CACHE_DIR, 'last-console.log'), consoleText);

  const results = Object.fromEntries(scenarios.map((s) => [s.name, collect(path.join(hostRun, 'results'), s)]));
  const problems: string[] = [];
  if (outcome.spawnError) problems.push(`qemu-system-x86_64 did not start (${outcome.spawnError.message}): apt-get install -y qemu-system-x86`);
  if (outcome.timedOut) problems.push(`the VM did not finish within ${opts.timeoutMs} ms and was killed`);
  if (!outcome.spawnError && bootMs === undefined) problems.push('the guest never reached its job (no "nmk-vm: booted" on the console)');
  if (outcome.code !== null && outcome.code !== 0) problems.push(`qemu exited ${outcome.code}`);
  for (const r of Object.values(results)) {
    const why = failureOf(r);
    if (why) problems.push(`scenario ${r.name} ${why}\n--- its stderr ---\n${tail(r.stderr, 4000)}\n--- its stdout ---\n${tail(r.stdout, 2000)}`);
  }
  const timing = `kernel ${kernel.version}, booted in ${bootMs ?? '?'} ms, whole run ${totalMs} ms`;
  if (problems.length > 0) {
    const passed = Object.values(results).filter((r) => !failureOf(r)).map((r) => r.name);
    throw new VmRunError(
      `kernel-lane VM run failed (${timing}; run dir ${hostRun} kept; scenarios that passed: ${passed.join(', ') || 'none'}):\n` +
        `${problems.join('\n')}\n--- serial console ---\n${tail(consoleText, CONSOLE_TAIL)}`,
      consoleText,
      results,
    );
  }
  rmSync(hostRun, { recursive: true, force: true });
  console.log(`nmk-vm: ${timing}; ${scenarios.map((s) => `${s.name} ${results[s.name]!.durationMs} ms`).join(', ')}`);
  return results;
}
