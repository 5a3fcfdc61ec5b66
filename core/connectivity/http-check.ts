/**
 * One connectivity check over HTTP, judged as NetworkManager 1.42 judges it
 * (nm-connectivity.c):
 * - FULL: the header "X-NetworkManager-Status: online", or a body that starts
 *   with the expected response; with an empty expected response, status 204
 *   (any body) or status 200 with an empty body;
 * - PORTAL: anything else that the server answered (other content, a
 *   redirect, a body that ends too soon, more than 100 KiB when none is expected);
 * - LIMITED: the name does not resolve for the family, the server cannot be
 *   reached, the request fails, or no answer within 20 s.
 * The request is a plain GET with Host, Accept and "Connection: close" and no
 * User-Agent (curl as NetworkManager drives it). Node cannot bind a socket to
 * a device (no SO_BINDTODEVICE), so the request goes out from the device's
 * own address of the family (`localAddress`).
 */
import { promises as dns } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { NMConnectivity, type Family } from '../../sdk/index.js';
import type { ConnectivityConfig } from './config.js';
import type { CheckResult } from './states.js';

/** NetworkManager gives a check 20 seconds. */
export const CHECK_TIMEOUT_MS = 20_000;
/** With no response expected, more body than this is a portal's page. */
const MAX_UNEXPECTED_BODY = 100 * 1024;

export interface HttpCheckRequest {
  config: Pick<ConnectivityConfig, 'host' | 'port' | 'https' | 'path' | 'response'>;
  family: Family;
  /** The device's address of the family (a link-local one with "%ifname"). */
  localAddress?: string;
  timeoutMs?: number;
  /** Aborting settles the check as LIMITED ("cancelled"); the caller ignores it. */
  signal?: AbortSignal;
}

const limited = (reason: string): CheckResult => ({ state: NMConnectivity.LIMITED, reason });

/** The server's address for the family, as NetworkManager resolves it (an address of another family is a resolve error). */
async function resolve(host: string, family: Family): Promise<string | undefined> {
  const literal = net.isIP(host);
  if (literal) return literal === family ? host : undefined;
  try {
    const found = await dns.lookup(host, { family, all: true });
    return found.find((a) => a.family === family)?.address;
  } catch {
    return undefined;
  }
}

export async function httpCheck(req: HttpCheckRequest): Promise<CheckResult> {
  const { config, family } = req;
  const address = await resolve(config.host, family);
  if (!address) return limited('resolve-error');
  if (req.signal?.aborted) return limited('cancelled');
  const defaultPort = config.https ? 443 : 80;
  const hostHeader = config.port === defaultPort ? config.host : `${config.host}:${config.port}`;
  const expected = Buffer.from(config.response, 'utf8');

  return new Promise<CheckResult>((resolveResult) => {
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (r: CheckResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
      request.destroy();
      resolveResult(r);
    };
    const onAbort = () => finish(limited('cancelled'));
    const options: https.RequestOptions = {
      host: address,
      port: config.port,
      path: config.path,
      method: 'GET',
      family,
      localAddress: req.localAddress,
      headers: { Host: hostHeader, Accept: '*/*', Connection: 'close' },
      agent: false,
      ...(config.https ? { servername: net.isIP(config.host) ? undefined : config.host } : {}),
    };
    const request = (config.https ? https : http).request(options, (res) => {
      if (String(res.headers['x-networkmanager-status'] ?? '').toLowerCase() === 'online') {
        return finish({ state: NMConnectivity.FULL, reason: 'status header found' });
      }
      let good = 0;
      res.on('data', (chunk: Buffer) => {
        if (done || chunk.length === 0) return;
        if (expected.length === 0) {
          // None expected: keep reading to see the status at the end, within reason.
          good += chunk.length;
          if (good > MAX_UNEXPECTED_BODY) finish({ state: NMConnectivity.PORTAL, reason: 'unexpected non-empty response' });
          return;
        }
        const n = Math.min(chunk.length, expected.length - good);
        if (!chunk.subarray(0, n).equals(expected.subarray(good, good + n))) return finish({ state: NMConnectivity.PORTAL, reason: 'unexpected response' });
        good += chunk.length;
        if (good >= expected.length) finish({ state: NMConnectivity.FULL, reason: 'expected response' });
      });
      res.on('end', () => {
        if (expected.length === 0 && res.statusCode === 204) return finish({ state: NMConnectivity.FULL, reason: 'no content, as expected' });
        if (expected.length === 0 && res.statusCode === 200 && good === 0) return finish({ state: NMConnectivity.FULL, reason: 'empty response, as expected' });
        finish({ state: NMConnectivity.PORTAL, reason: 'unexpected short response' });
      });
      res.on('error', (e: NodeJS.ErrnoException) => finish(limited(`check failed: ${e.code ?? e.message}`)));
    });
    request.on('error', (e: NodeJS.ErrnoException) => finish(limited(`check failed: ${e.code ?? e.message}`)));
    timer = setTimeout(() => finish(limited('timeout')), req.timeoutMs ?? CHECK_TIMEOUT_MS);
    req.signal?.addEventListener('abort', onAbort);
    request.end();
  });
}
