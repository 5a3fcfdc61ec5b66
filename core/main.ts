#!/usr/bin/env node
/**
 * nmkd: the daemon's entry. Parses the command line, starts the daemon, and
 * maps signals: SIGTERM/SIGINT stop it (the network is left as it is),
 * SIGHUP reloads the config. Exit status: 0 on a clean stop, 1 when start-up
 * failed (the message names the file, line or plugin), 2 on a bad command line.
 */
import { helpText, parseArgs, type DaemonOptions } from './daemon/args.js';
import { Daemon, NMK_VERSION } from './daemon/daemon.js';
import { startIdleGc } from './daemon/idle-gc.js';

function fail(message: string, code: number): never {
  process.stderr.write(`nmkd: ${message}\n`);
  process.exit(code);
}

let opts: DaemonOptions;
try {
  opts = parseArgs(process.argv.slice(2));
} catch (err) {
  fail(String((err as Error).message), 2);
}
if (opts.help) {
  process.stdout.write(helpText() + '\n');
  process.exit(0);
}
if (opts.version) {
  process.stdout.write(`nmkd ${NMK_VERSION}\n`);
  process.exit(0);
}

const daemon = new Daemon(opts);
if (opts.printConfig) {
  try {
    process.stdout.write(daemon.describeConfig());
    process.exit(0);
  } catch (err) {
    fail(String(err), 1);
  }
}

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  daemon.stop(signal).then(
    () => process.exit(0),
    (err) => {
      daemon.logger.error('stop failed', { err });
      process.exit(1);
    },
  );
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGHUP', () => void daemon.reload());
// One bad event must not take the network daemon down; it is logged with its stack.
process.on('uncaughtException', (err) => daemon.logger.error('uncaught exception', { err, stack: err.stack }));
process.on('unhandledRejection', (err) => daemon.logger.error('unhandled rejection', { err: err as Error }));

// Garbage from start-up and from event storms is collected once the daemon is quiet, not kept at the peak.
const idleGc = startIdleGc();
daemon.start().then(() => idleGc.burstEnded(), async (err) => {
  daemon.logger.error(`start-up failed: ${String(err)}`, { code: (err as any)?.code });
  await daemon.stop('startup-failure').catch(() => undefined);
  process.exit(1);
});
