/**
 * The HTTP check against a real server on the loopback link, sent from
 * 127.0.0.2 as a device's address would be: what it sends, and how
 * NetworkManager's rules judge each kind of answer.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NMConnectivity } from '../../sdk/index.js';
import { DEFAULT_RESPONSE } from './config.js';
import { httpCheck } from './http-check.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
const routes: Record<string, Handler> = {
  '/online': (_q, r) => r.end(`${DEFAULT_RESPONSE}\nand more`),
  '/header': (_q, r) => { r.setHeader('X-NetworkManager-Status', 'online'); r.end('<html>anything</html>'); },
  '/portal': (_q, r) => r.end('<html>please log in</html>'),
  '/redirect': (_q, r) => { r.writeHead(302, { Location: 'http://portal.example/' }); r.end(); },
  '/short': (_q, r) => r.end('NetworkManager'),
  '/204': (_q, r) => { r.writeHead(204); r.end(); },
  '/empty': (_q, r) => r.end(),
  '/status404': (_q, r) => { r.writeHead(404); r.end(DEFAULT_RESPONSE); },
  '/chunks': (_q, r) => { r.write('Network'); setImmediate(() => { r.write('Manager is on'); setImmediate(() => r.end('line')); }); },
  '/never': () => undefined,
};

let server: http.Server;
let port = 0;
const seen: Array<{ path: string; headers: http.IncomingHttpHeaders; from: string | undefined }> = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push({ path: req.url ?? '', headers: req.headers, from: req.socket.remoteAddress });
    (routes[req.url ?? ''] ?? ((_q, r) => { r.writeHead(404); r.end('not here'); }))(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const check = (path: string, response = DEFAULT_RESPONSE, extra: { timeoutMs?: number; host?: string; family?: 4 | 6 } = {}) =>
  httpCheck({ config: { host: extra.host ?? '127.0.0.1', port, https: false, path, response }, family: extra.family ?? 4, localAddress: '127.0.0.2', timeoutMs: extra.timeoutMs });

describe('httpCheck', () => {
  it('sends a plain GET from the given address with Host, and no User-Agent', async () => {
    const r = await check('/online');
    expect(r).toEqual({ state: NMConnectivity.FULL, reason: 'expected response' });
    const req = seen.find((s) => s.path === '/online')!;
    expect(req.from).toBe('127.0.0.2');
    expect(req.headers.host).toBe(`127.0.0.1:${port}`);
    expect(req.headers['user-agent']).toBeUndefined();
    expect(req.headers.connection).toBe('close');
  });

  it('FULL: the expected start of the body (any status, in pieces too), or the status header', async () => {
    expect((await check('/chunks')).state).toBe(NMConnectivity.FULL);
    expect((await check('/status404')).state).toBe(NMConnectivity.FULL);
    expect(await check('/header')).toEqual({ state: NMConnectivity.FULL, reason: 'status header found' });
  });

  it('PORTAL: other content, a redirect, a body that ends too soon', async () => {
    expect(await check('/portal')).toEqual({ state: NMConnectivity.PORTAL, reason: 'unexpected response' });
    expect((await check('/redirect')).state).toBe(NMConnectivity.PORTAL);
    expect(await check('/short')).toEqual({ state: NMConnectivity.PORTAL, reason: 'unexpected short response' });
  });

  it('with an empty expected response: 204, or 200 with no body, is FULL; content is PORTAL', async () => {
    expect(await check('/204', '')).toEqual({ state: NMConnectivity.FULL, reason: 'no content, as expected' });
    expect(await check('/empty', '')).toEqual({ state: NMConnectivity.FULL, reason: 'empty response, as expected' });
    expect((await check('/portal', '')).state).toBe(NMConnectivity.PORTAL);
  });

  it('LIMITED: nothing listening, no answer in time, a server address of the other family', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const refused = await httpCheck({ config: { host: '127.0.0.1', port: closedPort, https: false, path: '/', response: DEFAULT_RESPONSE }, family: 4, localAddress: '127.0.0.2' });
    expect(refused).toEqual({ state: NMConnectivity.LIMITED, reason: 'check failed: ECONNREFUSED' });
    expect(await check('/never', DEFAULT_RESPONSE, { timeoutMs: 200 })).toEqual({ state: NMConnectivity.LIMITED, reason: 'timeout' });
    expect(await check('/online', DEFAULT_RESPONSE, { family: 6 })).toEqual({ state: NMConnectivity.LIMITED, reason: 'resolve-error' });
  });

  it('a cancelled check settles as LIMITED at once', async () => {
    const abort = new AbortController();
    const p = httpCheck({ config: { host: '127.0.0.1', port, https: false, path: '/never', response: DEFAULT_RESPONSE }, family: 4, localAddress: '127.0.0.2', signal: abort.signal });
    setImmediate(() => abort.abort());
    expect(await p).toEqual({ state: NMConnectivity.LIMITED, reason: 'cancelled' });
  });
});
