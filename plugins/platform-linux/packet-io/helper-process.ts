/**
 * The packet helper process (native/packet-io.c, built by `npm run build`
 * into dist/plugins/platform-linux/nmk-packet-io): started on the first
 * write, fed command frames on its stdin, read for event frames on its
 * stdout. It only runs one process and reports when that one ends; what to
 * reopen after a restart is the caller's (linux-packet-io.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../../sdk/index.js';
import { EventReader, type HelperEvent } from './frames.js';

export const PACKET_HELPER_NAME = 'nmk-packet-io';

/** The helper binary is not built (or cannot be started). */
export class HelperMissing extends Error {
  override readonly name = 'HelperMissing';
}

/**
 * Where the helper is: beside the compiled plugin (dist/plugins/platform-linux/),
 * or in dist/ when this file runs from the source tree (tests, jiti).
 */
export function packetHelperPath(
  candidates = [new URL(`../${PACKET_HELPER_NAME}`, import.meta.url), new URL(`../../../dist/plugins/platform-linux/${PACKET_HELPER_NAME}`, import.meta.url)].map((u) =>
    fileURLToPath(u),
  ),
): string {
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new HelperMissing(
      `the packet helper ${PACKET_HELPER_NAME} is not built (looked for ${candidates.join(' and ')}): ` +
        'run `npm run build` (it compiles plugins/platform-linux/native/packet-io.c and needs gcc and libc6-dev)',
    );
  }
  return found;
}

export interface HelperProcessOptions {
  /** The binary (default: found by packetHelperPath()). */
  helperPath?: string;
  /**
   * A command to run the helper under, e.g. ['ip', 'netns', 'exec', 'ns1']
   * (tests: its sockets then belong to that namespace). It must exec the
   * helper, so that our pipes and the helper's pid are the helper's own.
   */
  launcher?: string[];
  logger?: Logger;
}

export interface HelperHandlers {
  event(e: HelperEvent): void;
  /** The process ended (or could not start); nothing written to it since will be answered. */
  ended(reason: string): void;
}

export class HelperProcess {
  private child: ChildProcess | undefined;
  private referenced = true;

  constructor(private opts: HelperProcessOptions, private handlers: HelperHandlers) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Send a command frame, starting the helper first if none runs. Throws HelperMissing. */
  write(frame: Buffer): void {
    const child = this.child ?? this.start();
    child.stdin!.write(frame);
  }

  /** Whether the helper keeps Node's event loop alive (only while channels are open). */
  setRef(on: boolean): void {
    this.referenced = on;
    if (this.child) this.applyRef(this.child);
  }

  /** End the helper; no `ended` report for it. */
  stop(): void {
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.stdin?.end(); // the helper exits when its input closes
      child.kill('SIGTERM');
    }
  }

  private applyRef(child: ChildProcess): void {
    for (const s of [child, child.stdin, child.stdout, child.stderr] as Array<{ ref?(): void; unref?(): void } | null>) {
      if (this.referenced) s?.ref?.();
      else s?.unref?.();
    }
  }

  private start(): ChildProcess {
    const helper = this.opts.helperPath ?? packetHelperPath();
    if (this.opts.helperPath && !existsSync(helper)) {
      throw new HelperMissing(`the packet helper ${helper} does not exist: run \`npm run build\``);
    }
    const [cmd, ...args] = [...(this.opts.launcher ?? []), helper];
    const child = spawn(cmd!, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    this.applyRef(child);
    const reader = new EventReader();
    let said = '';
    let ended = false;
    const end = (reason: string) => {
      if (ended) return;
      ended = true;
      if (this.child !== child) return; // stopped on purpose, or replaced
      this.child = undefined;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      this.handlers.ended(`${reason}${said ? `: ${said.trim()}` : ''}`);
    };
    child.stdout!.on('data', (chunk: Buffer) => {
      if (this.child !== child) return;
      try {
        reader.push(chunk, (e) => this.handlers.event(e));
      } catch (e) {
        // It and we disagree about the protocol: start afresh rather than guess.
        end(`the packet helper wrote a malformed frame (${(e as Error).message})`);
      }
    });
    child.stdin!.on('error', () => undefined); // EPIPE once it died: 'exit' tells
    child.stderr!.on('data', (d: Buffer) => {
      said = (said + d.toString()).slice(-2000);
      this.opts.logger?.warn('packet helper says', { text: d.toString().trim() });
    });
    child.on('error', (e) => end(`cannot start the packet helper ${helper}: ${e.message}`));
    // 'close', not 'exit': the events it wrote before dying are read first.
    child.on('close', (code, signal) => end(`the packet helper ${helper} exited (${signal ?? code})`));
    return child;
  }
}
