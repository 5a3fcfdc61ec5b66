/**
 * The shortcuts that make loading many profiles cheap give exactly what the
 * slower rules they stand in for give: normalizeAndVerifyConnection against
 * normalizeConnection + verifyConnection, the hand-written dotted-quad scan
 * against ipaddr.js, the UTF-8 length of interface names against
 * TextEncoder, and sameStructure against a structural comparison.
 */
import { fc, test } from '@fast-check/vitest';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import {
  cloneSettings,
  formatIp,
  interfaceNameProblem,
  normalizeAndVerifyConnection,
  normalizeConnection,
  normalizeIp,
  parseIp,
  sameStructure,
  verifyConnection,
  type ConnectionSettings,
} from './index.js';
import { validProfile } from './test/arbitraries.js';
import { PROFILES } from './test/profiles.js';

const UUID = '11111111-2222-4333-8444-555555555555';

/** The two calls normalizeAndVerifyConnection replaces. */
function twoCalls(settings: ConnectionSettings): { settings: ConnectionSettings; issues: ReturnType<typeof verifyConnection> } {
  const normalized = normalizeConnection(settings);
  return { settings: normalized, issues: verifyConnection(normalized) };
}

describe('normalizeAndVerifyConnection', () => {
  const cases: Record<string, ConnectionSettings> = {
    ...PROFILES,
    'needs normalising (no ipv4, ipv6, proxy)': { connection: { id: 'm', uuid: UUID, type: '802-3-ethernet' } },
    'upper-case UUID and IPv6 address': {
      connection: { id: 'u', uuid: UUID.toUpperCase(), type: '802-3-ethernet' },
      '802-3-ethernet': {},
      ipv4: { method: 'auto' },
      ipv6: { method: 'manual', 'address-data': [{ address: '2001:DB8::1', prefix: 64 }] },
      proxy: {},
    },
    'an error normalisation cannot repair': { connection: { id: 'e', uuid: UUID, type: '802-3-ethernet' }, ipv4: { method: 'manual' } },
    'a value of the wrong type': { connection: { id: 'w', uuid: UUID, type: '802-3-ethernet', autoconnect: 'yes' as unknown as boolean } },
    'gateway 0.0.0.0 (no gateway)': {
      connection: { id: 'g', uuid: UUID, type: '802-3-ethernet' },
      '802-3-ethernet': {},
      ipv4: { method: 'manual', 'address-data': [{ address: '10.0.0.2', prefix: 24 }], gateway: '0.0.0.0' },
      ipv6: { method: 'auto' },
      proxy: {},
    },
  };
  for (const [name, settings] of Object.entries(cases)) {
    it(`gives what normalizeConnection then verifyConnection give: ${name}`, () => {
      const before = cloneSettings(settings);
      const one = normalizeAndVerifyConnection(settings);
      expect(one).toEqual(twoCalls(settings));
      expect(settings, 'input untouched').toEqual(before);
      expect(one.settings).not.toBe(settings);
    });
  }

  test.prop([validProfile], { numRuns: 200 })('agrees with the two calls on random valid profiles', (generated) => {
    // A profile without a UUID gets a random one from each normalisation: give it one first.
    const p = cloneSettings(generated);
    p['connection'] = { uuid: UUID, ...p['connection'] };
    expect(normalizeAndVerifyConnection(p)).toEqual(twoCalls(p));
  });
});

describe('sameStructure', () => {
  it('is true for a copy and false for any change, key order included', () => {
    const a: ConnectionSettings = { connection: { id: 'a', uuid: UUID }, ipv4: { 'address-data': [{ address: '10.0.0.1', prefix: 24 }] }, x: { b: new Uint8Array([1, 2]) } };
    expect(sameStructure(a, cloneSettings(a))).toBe(true);
    expect(sameStructure(a, { ipv4: a['ipv4'], connection: a['connection'], x: a['x'] })).toBe(false);
    expect(sameStructure({ b: new Uint8Array([1, 2]) }, { b: new Uint8Array([1, 3]) })).toBe(false);
    expect(sameStructure({ b: new Uint8Array([1]) }, { b: [1] })).toBe(false);
    expect(sameStructure({ n: 0 }, { n: -0 })).toBe(false);
    expect(sameStructure({ a: undefined }, {})).toBe(false);
    expect(sameStructure([1, , 3], [1, undefined, 3])).toBe(false);
    expect(sameStructure(Object.assign(Object.create(null), { a: 1 }), { a: 1 })).toBe(false);
  });
});

/** What parseIp answered for IPv4 before the hand-written scan (ipaddr.js). */
function ipaddrQuad(text: string): number[] | undefined {
  return ipaddr.IPv4.isValidFourPartDecimal(text) ? ipaddr.IPv4.parse(text).toByteArray() : undefined;
}

describe('dotted quads', () => {
  const part = fc.oneof(fc.nat(300).map(String), fc.constantFrom('0', '00', '01', '007', '0x1f', '', ' 1', '1 ', '+1', '-1', '1e1', '256', '99999999999'));
  const quadLike = fc.array(part, { minLength: 1, maxLength: 6 }).map((parts) => parts.join('.'));

  test.prop([quadLike], { numRuns: 3000 })('parseIp reads exactly the dotted quads ipaddr.js accepts, to the same bytes', (text) => {
    const want = ipaddrQuad(text);
    const got = parseIp(text, 4);
    expect(got ? Array.from(got.bytes) : undefined).toEqual(want);
    if (want) {
      expect(parseIp(text)?.family).toBe(4);
      expect(normalizeIp(text)).toBe(formatIp(want));
    }
  });

  it('keeps an embedded dotted quad in IPv6 text working', () => {
    expect(normalizeIp('::1.2.3.4')).toBe('::1.2.3.4');
    expect(normalizeIp('::ffff:10.0.0.1')).toBe('::ffff:10.0.0.1');
    expect(normalizeIp('64:ff9b::10.0.0.1')).toBe('64:ff9b::a00:1');
    expect(parseIp('::1.2.3.04')).toBeUndefined();
    expect(parseIp('1.2.3.4', 6)).toBeUndefined();
  });
});

describe('interface name length', () => {
  test.prop([fc.string({ maxLength: 20, unit: 'binary' })], { numRuns: 2000 })('counts UTF-8 bytes as TextEncoder does (lone surrogates included)', (name) => {
    const tooLong = new TextEncoder().encode(name).length >= 16;
    expect(interfaceNameProblem(name) === 'interface name is longer than 15 characters').toBe(tooLong && name.length > 0 && name !== '.' && name !== '..' && !/[/:\s]/.test(name));
  });
});
