/**
 * systemd readiness notification. Node cannot send on a unix datagram socket,
 * so nmk asks systemd-notify(1) to send for it with --pid naming the daemon;
 * the unit sets NotifyAccess=all so systemd accepts the message from that
 * helper process. Without NOTIFY_SOCKET this does nothing.
 */
import { execFile } from 'node:child_process';
import type { Logger } from '../../sdk/index.js';

export function notifySystemd(logger: Logger, fields: { ready?: boolean; stopping?: boolean; reloading?: boolean; status?: string }): Promise<void> {
  if (!process.env.NOTIFY_SOCKET) return Promise.resolve();
  const args: string[] = [`--pid=${process.pid}`];
  if (fields.ready) args.push('--ready');
  if (fields.status) args.push(`--status=${fields.status}`);
  // systemd-notify takes extra assignments as arguments (STOPPING=1, RELOADING=1).
  if (fields.stopping) args.push('STOPPING=1');
  if (fields.reloading) args.push('RELOADING=1');
  return new Promise((resolve) => {
    execFile('systemd-notify', args, { timeout: 5000 }, (err, _out, stderr) => {
      if (err) logger.warn('could not notify systemd', { error: (stderr || err.message).trim() });
      resolve();
    });
  });
}
