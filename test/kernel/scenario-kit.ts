/**
 * What a kernel-lane scenario uses to hand its result back to the host
 * (test/harness/vm.ts). A scenario is a plain TypeScript file run with node
 * and jiti inside the VM; it writes one JSON object to
 * $NMK_SCENARIO_RESULT_DIR/$NMK_SCENARIO_NAME.json. If it dies before
 * reporting, whatever is known is still written as { error }, so the host's
 * assertions fail with the cause instead of a missing file.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

let reported = false;
/** Steps passed to step(), kept so an error report says how far the scenario got. */
const steps: string[] = [];

function write(json: Record<string, unknown>): void {
  const dir = process.env.NMK_SCENARIO_RESULT_DIR;
  const name = process.env.NMK_SCENARIO_NAME;
  const text = `${JSON.stringify(json, null, 2)}\n`;
  reported = true;
  if (dir && name) {
    writeFileSync(path.join(dir, `${name}.json`), text);
  } else {
    // Run by hand outside the VM (to debug it): show the result instead.
    console.log(`NMK_SCENARIO_RESULT_DIR/NMK_SCENARIO_NAME unset (scenarios run in the VM through test/harness/vm.ts); result:\n${text}`);
  }
}

/** Write the scenario's result; the last call wins. */
export async function report(json: Record<string, unknown>): Promise<void> {
  write(json);
}

/** Note progress; an error report lists the steps reached, each with when it began (ms since start). */
export function step(what: string): void {
  const line = `${Math.round(performance.now())} ms: ${what}`;
  steps.push(line);
  console.log(line);
}

function errorText(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}

/** Report an error (with the steps reached) unless a result is already written. */
function reportError(e: unknown): void {
  if (!reported) write({ error: errorText(e), steps });
}

process.on('uncaughtException', (e) => {
  reportError(e);
  console.error(e);
  process.exit(1);
});
process.on('unhandledRejection', (e) => {
  reportError(e);
  console.error(e);
  process.exit(1);
});
// jiti's CLI catches a rejected top-level await itself and exits 1: still leave a trace.
process.on('exit', (code) => {
  if (!reported) reportError(`the scenario exited with code ${code} before reporting (its stderr has the cause)`);
});

/** Run the scenario's body and report what it returns, or { error, steps } when it throws. */
export async function scenario(body: () => Promise<Record<string, unknown>>): Promise<void> {
  try {
    write(await body());
  } catch (e) {
    reportError(e);
    process.exitCode = 1;
  }
}

/** A command's stdout; throws with its stderr on failure. */
export function sh(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e: any) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${e.status ?? e.code}): ${e.stderr ?? e.message}`);
  }
}

/** `ip -d -j ARGS`, parsed. */
export function ipJson<T = any>(args: string[]): T {
  return JSON.parse(sh('ip', ['-d', '-j', ...args]) || '[]') as T;
}
