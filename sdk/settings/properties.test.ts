import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  connectionDifferences,
  fromDBus,
  normalizeConnection,
  SETTINGS,
  toDBus,
  verifyConnection,
  type ConnectionSettings,
} from './index.js';
import { validProfile } from './test/arbitraries.js';

const RUNS = 300;
/** Generous: property tests are slower on a loaded CI machine. */
const TIMEOUT = 60_000;

describe('generated valid profiles', () => {
  it('normalise to a valid profile, idempotently, keeping every value they had', () => {
    fc.assert(
      fc.property(validProfile, (p) => {
        const n = normalizeConnection(p);
        expect(verifyConnection(n)).toEqual([]);
        expect(normalizeConnection(n)).toEqual(n);
        // Nothing that was set (and valid) is lost or changed.
        for (const [setting, values] of Object.entries(p)) {
          for (const [prop, v] of Object.entries(values)) expect(n[setting]?.[prop], `${setting}.${prop}`).toEqual(v);
        }
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);

  it('survive toDBus → fromDBus unchanged, with and without the legacy twins', () => {
    fc.assert(
      fc.property(validProfile, fc.boolean(), (p, legacy) => {
        const n = normalizeConnection(p);
        const back = fromDBus(toDBus(n, { withSecrets: true, legacy }));
        expect(back.issues).toEqual([]);
        expect(connectionDifferences(back.settings, n)).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);
});

/** Random D-Bus-shaped input: known and unknown names, values of random shapes and signatures. */
const settingNames = fc.oneof(fc.constantFrom(...SETTINGS.map((s) => s.name)), fc.string({ maxLength: 8 }));
const propertyNames = fc.oneof(fc.constantFrom(...SETTINGS.flatMap((s) => s.properties.map((p) => p.name)), 'addresses', 'routes', 'dns-data', 'assigned-mac-address'), fc.string({ maxLength: 8 }));
const signatures = fc.constantFrom('s', 'b', 'i', 'u', 'x', 't', 'ay', 'as', 'au', 'aau', 'aay', 'a{ss}', 'aa{sv}', 'a(ayuay)', 'a(ayuayu)', 'v', '');
const plainValue = fc.oneof(
  fc.anything({ withBigInt: true, withTypedArray: true, withMap: true, withNullPrototype: true }),
  fc.uint8Array(),
  fc.array(fc.oneof(fc.nat(), fc.array(fc.nat(), { maxLength: 4 }), fc.uint8Array({ maxLength: 16 }))),
  fc.array(fc.dictionary(fc.constantFrom('address', 'prefix', 'dest', 'next-hop', 'metric', 'vid-start', 'pvid', 'name', 'priority', 'family'), fc.oneof(fc.anything(), fc.tuple(signatures, fc.anything())))),
);
const wireValue = fc.oneof(plainValue, fc.tuple(signatures, plainValue), fc.record({ signature: signatures, value: plainValue }));
const wireDict = fc.dictionary(settingNames, fc.oneof(fc.dictionary(propertyNames, wireValue), fc.anything()));

describe('robustness', () => {
  it('fromDBus never throws, and reports what it drops', () => {
    fc.assert(
      fc.property(fc.oneof(wireDict, fc.anything({ withBigInt: true, withMap: true })), (dict) => {
        const result = fromDBus(dict);
        expect(Array.isArray(result.issues)).toBe(true);
        for (const i of result.issues) expect(i.message.startsWith(i.setting)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  }, TIMEOUT);

  it('verifyConnection and normalizeConnection never throw on what fromDBus produced or on garbage', () => {
    fc.assert(
      fc.property(fc.oneof(wireDict, fc.anything()), (dict) => {
        const settings = fromDBus(dict).settings;
        for (const p of [settings, dict as ConnectionSettings]) {
          expect(() => verifyConnection(p)).not.toThrow();
          const n = normalizeConnection(p);
          expect(() => toDBus(n, { withSecrets: true })).not.toThrow();
        }
      }),
      { numRuns: 1000 },
    );
  }, TIMEOUT);
});
