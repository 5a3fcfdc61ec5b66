/**
 * Property tests (fast-check):
 *  - any valid profile the generators make survives model → keyfile → model
 *    unchanged (the normalised profile against what is read back, with the
 *    model's comparison, where an absent property equals its default), and
 *    writing what was read gives the same file again;
 *  - the reader, given random bytes, random text or random keyfile-like
 *    lines, either reads a profile or throws an NmkError (CONFIG_SYNTAX or
 *    CONFIG_VALUE) naming the file; nothing else escapes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { connectionDifferences, NmkError, type IpAddress, type IpRoute } from '../../../sdk/index.js';
import { normalizeAndVerify } from '../model.js';
import { parseProfile, serializeProfile } from '../profile-codec.js';
import { profile } from './profile-arbitraries.js';

const FILE = '/etc/nmk/system-connections/generated.nmconnection';

// ---- properties ------------------------------------------------------------

describe('model → keyfile → model', () => {
  it('keeps every valid generated profile unchanged', () => {
    fc.assert(
      fc.property(profile, (generated) => {
        const { settings, problems } = normalizeAndVerify(generated);
        fc.pre(problems.length === 0);
        const text = serializeProfile(settings);
        const back = parseProfile(text, FILE).settings;
        // The model's comparison: an absent property and its default are the same value.
        expect(connectionDifferences(back, settings)).toEqual([]);
        // And writing it again gives the same file.
        expect(serializeProfile(back)).toBe(text);
      }),
      { numRuns: 400 },
    );
  });
});

function onlyTypedErrors(input: string | Uint8Array): void {
  try {
    parseProfile(input, FILE);
  } catch (err) {
    if (!(err instanceof NmkError)) throw err;
    expect(['CONFIG_SYNTAX', 'CONFIG_VALUE']).toContain(err.code);
    expect(err.origin.file).toBe(FILE);
    expect(err.message).toContain(FILE);
  }
}

/** Lines that look like keyfile content: known groups and keys, with good and bad values. */
const GROUPS = ['connection', 'ethernet', '802-3-ethernet', 'wifi', 'wifi-security', 'ipv4', 'ipv6', 'bond', 'vlan', 'bridge', 'bridge-port', 'vpn', 'vpn-secrets', '802-1x', 'proxy', 'team', 'user', 'nonsense'];
const KEYS = ['id', 'uuid', 'type', 'interface-name', 'master', 'controller', 'autoconnect', 'mtu', 'mac-address', 'cloned-mac-address', 'ssid', 'psk', 'method', 'address1', 'address', 'addresses2', 'gateway', 'dns', 'dns-search', 'route1', 'route1_options', 'routing-rule1', 'addr-gen-mode', 'token', 'mode', 'miimon', 'id', 'flags', 'parent', 'vlans', 'ca-cert', 'password-raw', 'eap', 'service-type', 'data', 'x'];
const VALUES = [
  'ethernet', 'bond', 'vlan', 'wifi', 'vpn', '802-3-ethernet', 'manual', 'auto', 'true', 'false', 'maybe', '0', '-1', '4094', '5000', '0x10', '99999999999999999999',
  '10.0.0.1/24', '10.0.0.1/24,10.0.0.254', '10.0.0.300/24', '2001:db8::1/64', '10.0.0.0/8,10.0.0.1,100', 'table=200,onlink=true', 'table=x', 'a;b;c;', '1;2;3;',
  '00:11:22:33:44:55', 'zz:zz', 'random', 'stable', 'data:;base64,AAAA', 'data:;base64,!', '/etc/ca.pem', 'file://', 'pkcs11:x', '\\s\\t', '\\q', '',
  '5b0f4a5e-0000-4000-8000-000000000001', 'NOT-A-UUID', 'default', 'eui64', 'stable-privacy', '802.3ad', 'balance-rr', 'priority 5 table 100', '10-20 untagged',
];
const keyfileLike = fc
  .array(
    fc.oneof(
      fc.constantFrom(...GROUPS).map((g) => `[${g}]`),
      fc.tuple(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES)).map(([k, v]) => `${k}=${v}`),
      fc.constantFrom('# comment', '', 'garbage line', '[unterminated', '=value', 'key'),
    ),
    { maxLength: 40 },
  )
  .map((lines) => lines.join('\n'));

describe('the reader on random input', () => {
  it('throws only NmkErrors for random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => onlyTypedErrors(bytes)), { numRuns: 500 });
  });
  it('throws only NmkErrors for random text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => onlyTypedErrors(s)), { numRuns: 500 });
  });
  it('throws only NmkErrors for random keyfile-like lines', () => {
    fc.assert(fc.property(keyfileLike, (s) => onlyTypedErrors(s)), { numRuns: 2000 });
  });
  it('throws only NmkErrors for generated profiles with one value replaced', () => {
    fc.assert(
      fc.property(profile, fc.nat(), fc.constantFrom(...VALUES), (generated, pick, value) => {
        const lines = serializeProfile(normalizeAndVerify(generated).settings).split('\n');
        const entries = lines.map((l, i) => [l, i] as const).filter(([l]) => l.includes('='));
        const [line, index] = entries[pick % entries.length]!;
        lines[index] = `${line.slice(0, line.indexOf('='))}=${value}`;
        onlyTypedErrors(lines.join('\n'));
      }),
      { numRuns: 1000 },
    );
  });
});

// Keep the generators honest: they must produce some of each kind.
describe('the generators', () => {
  it('produce profiles that verify', () => {
    const samples = fc.sample(profile, 200);
    const valid = samples.filter((s) => normalizeAndVerify(s).problems.length === 0);
    expect(valid.length).toBeGreaterThan(150);
    const types = new Set(valid.map((s) => s.connection!.type));
    expect([...types].sort()).toEqual(['802-11-wireless', '802-3-ethernet', 'bond', 'vlan', 'vpn']);
    // Addresses of both kinds and routes with attributes are in the mix.
    const routes = valid.flatMap((s) => [...((s.ipv4?.['route-data'] as IpRoute[]) ?? []), ...((s.ipv6?.['route-data'] as IpRoute[]) ?? [])]);
    expect(routes.some((r) => r.attributes)).toBe(true);
    expect(valid.some((s) => ((s.ipv6?.['address-data'] as IpAddress[]) ?? []).length > 0)).toBe(true);
  });
});
