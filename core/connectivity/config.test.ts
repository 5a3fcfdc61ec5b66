/** [connectivity] read as NetworkManager 1.42 reads it. */
import { describe, expect, it } from 'vitest';
import { MergedConfig } from '../config/merged-config.js';
import { DEFAULT_INTERVAL_S, DEFAULT_RESPONSE, parseCheckUri, readConnectivityConfig } from './config.js';

function config(lines: Record<string, string>): MergedConfig {
  const c = new MergedConfig();
  for (const [k, v] of Object.entries(lines)) c.set('connectivity', k, v, 'test.conf:1');
  return c;
}

describe('connectivity config', () => {
  it('is off without a uri, with NetworkManager defaults for the rest', () => {
    const c = readConnectivityConfig(config({}));
    expect(c).toMatchObject({ uri: undefined, uriValid: false, enabled: false, interval: DEFAULT_INTERVAL_S, response: DEFAULT_RESPONSE });
    expect(readConnectivityConfig(config({ uri: '  ' }))).toMatchObject({ uri: '', enabled: false });
  });

  it('is on with a valid uri, enabled by default; port and path from the uri', () => {
    expect(readConnectivityConfig(config({ uri: 'http://check.example/x/y?z=1#frag' }))).toMatchObject({
      enabled: true, uriValid: true, host: 'check.example', port: 80, https: false, path: '/x/y?z=1',
    });
    expect(readConnectivityConfig(config({ uri: 'https://10.0.0.1' }))).toMatchObject({ enabled: true, host: '10.0.0.1', port: 443, https: true, path: '/' });
    expect(readConnectivityConfig(config({ uri: 'HTTP://h:8080/p' }))).toMatchObject({ host: 'h', port: 8080 });
  });

  it('enabled=false, interval=0 and the D-Bus override turn checking off (or on)', () => {
    expect(readConnectivityConfig(config({ uri: 'http://h/', enabled: 'false' })).enabled).toBe(false);
    expect(readConnectivityConfig(config({ uri: 'http://h/', interval: '0' })).enabled).toBe(false);
    expect(readConnectivityConfig(config({ uri: 'http://h/', enabled: 'false' }), true).enabled).toBe(true);
    expect(readConnectivityConfig(config({ uri: 'http://h/' }), false).enabled).toBe(false);
    // Without a valid uri the override cannot turn it on.
    expect(readConnectivityConfig(config({}), true).enabled).toBe(false);
  });

  it('caps the interval at a week and keeps an empty response (expect 204)', () => {
    expect(readConnectivityConfig(config({ uri: 'http://h/', interval: '999999999' })).interval).toBe(7 * 24 * 3600);
    expect(readConnectivityConfig(config({ uri: 'http://h/', response: '' })).response).toBe('');
  });

  it('refuses what NetworkManager refuses, naming the uri', () => {
    expect(parseCheckUri('ftp://h/')).toMatch(/scheme of 'ftp:\/\/h\/'/);
    expect(parseCheckUri('no scheme')).toMatch(/invalid URI 'no scheme'/);
    expect(parseCheckUri('http://[::1]/')).toMatch(/cannot parse host and port from 'http:\/\/\[::1\]\/'/);
    expect(parseCheckUri('http:///path')).toMatch(/cannot parse host/);
    expect(parseCheckUri('http://h:abc/')).toMatch(/cannot parse host/);
    const bad = readConnectivityConfig(config({ uri: 'ftp://h/' }));
    expect(bad).toMatchObject({ uriValid: false, enabled: false, uri: 'ftp://h/' });
    expect(bad.problem).toMatch(/ftp/);
  });
});
