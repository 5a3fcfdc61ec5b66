/**
 * Runs nmk's internal DHCPv6 client inside a network namespace for
 * dhcp6-internal.test.ts (Netns.runScript): argument 1 is the DhcpRequest
 * as JSON, argument 2 "release" to stop with RELEASE after the first lease.
 * Prints one JSON line per event ({lease} or {failure}) on stdout, log lines
 * on stderr, and exits after the first event.
 */
import type { DhcpFailure, DhcpLease, DhcpRequest, Logger } from '../../sdk/index.js';
import { startDhcp6 } from '../../plugins/dhcp-internal/v6/client.js';

function logger(): Logger {
  const line = (level: string) => (msg: string) => process.stderr.write(`${level} ${msg}\n`);
  const l: Logger = { trace: line('trace'), debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error'), child: () => l, isEnabled: () => true };
  return l;
}

const request = JSON.parse(process.argv[2]!) as DhcpRequest;
const release = process.argv[3] === 'release';

const done = new Promise<{ lease?: DhcpLease; failure?: [DhcpFailure, string] }>((resolve, reject) => {
  startDhcp6(request, { onLease: (lease) => resolve({ lease }), onFailure: (r, m) => resolve({ failure: [r, m] }) }, { logger: logger() })
    .then(async (session) => {
      const event = await done;
      process.stdout.write(`${JSON.stringify(event)}\n`);
      await session.stop(release && !!event.lease);
      process.exit(0);
    })
    .catch(reject);
});
done.catch((e: Error) => {
  process.stdout.write(`${JSON.stringify({ startError: e.message })}\n`);
  process.exit(1);
});
