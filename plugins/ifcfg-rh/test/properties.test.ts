/**
 * Property tests (fast-check): any text survives write → bash and write →
 * read; any profile this writer accepts reads back the same; the parsers throw
 * nothing but NmkError, whatever the input.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NmkError, type ConnectionSettings } from '../../../sdk/index.js';
import { finishProfile } from '../model-hooks.js';
import { readIfcfg } from '../reader.js';
import { parseRouteLine } from '../route-line.js';
import { escapeValue, unescapeValue } from '../shell-value.js';
import { ShvarFile } from '../shvar-file.js';
import { writeIfcfg } from '../writer.js';
import { scratchDir, sourceWithBash } from './helpers.js';

/** Any text a shell variable can hold: every Unicode character, control characters included, but NUL. */
const shellText = fc
  .oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'binary-ascii', maxLength: 40 }), fc.string({ unit: fc.constantFrom(' ', '"', "'", '\\', '$', '`', '~', '\n', '\t', ';', '#', '|', '\r', 'é'), maxLength: 12 }))
  .map((s) => s.replace(/\0/g, ''));

const nonEmptyText = shellText.filter((s) => s.length > 0);

describe('escaping', () => {
  it('bash gives back every value nmk writes', () => {
    const s = scratchDir();
    try {
      const file = join(s.dir, 'ifcfg-prop');
      fc.assert(
        fc.property(fc.array(shellText, { minLength: 1, maxLength: 60 }), (values) => {
          writeFileSync(file, Buffer.from(values.map((v, i) => `V${i}=${escapeValue(v)}\n`).join(''), 'latin1'));
          const got = sourceWithBash(file, values.map((_, i) => `V${i}`)).map((b) => b.toString('utf8'));
          expect(got).toEqual(values);
        }),
        { numRuns: 60 },
      );
    } finally {
      s.cleanup();
    }
  });

  it('nmk reads back every value it writes', () => {
    fc.assert(
      fc.property(shellText, (value) => {
        const r = unescapeValue(escapeValue(value));
        expect(r).toEqual({ ok: true, value });
        const file = ShvarFile.empty('ifcfg-x');
        file.set('KEY', value);
        expect(ShvarFile.parse(file.toBytes(), 'ifcfg-x').get('KEY')).toBe(value);
      }),
      { numRuns: 2000 },
    );
  });
});

const ipv4 = fc.tuple(fc.integer({ min: 1, max: 223 }), fc.nat(255), fc.nat(255), fc.integer({ min: 1, max: 254 })).map((p) => p.join('.'));
const ifname = fc.stringMatching(/^[a-z][a-z0-9]{0,10}$/);

/** Profiles in the canonical form the reader gives (defaults left out). */
const profile: fc.Arbitrary<ConnectionSettings> = fc
  .record({
    id: nonEmptyText,
    uuid: fc.uuid({ version: 4 }),
    iface: ifname,
    zone: fc.option(nonEmptyText, { nil: undefined }),
    autoconnect: fc.boolean(),
    mtu: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
    addresses: fc.array(fc.record({ address: ipv4, prefix: fc.integer({ min: 0, max: 32 }) }), { maxLength: 4 }),
    hostname: fc.option(nonEmptyText, { nil: undefined }),
    search: fc.array(fc.stringMatching(/^[a-z]{1,8}\.[a-z]{2,3}$/), { maxLength: 3 }),
    identity: fc.option(nonEmptyText, { nil: undefined }),
    password: fc.option(nonEmptyText, { nil: undefined }),
  })
  .map((r) => {
    const addresses = r.addresses.filter((a, i) => r.addresses.findIndex((b) => b.address === a.address && b.prefix === a.prefix) === i);
    const settings: ConnectionSettings = {
      connection: { 'interface-name': r.iface, id: r.id, uuid: r.uuid, type: '802-3-ethernet', ...(r.autoconnect ? {} : { autoconnect: false }), ...(r.zone ? { zone: r.zone } : {}) },
      '802-3-ethernet': r.mtu ? { mtu: r.mtu } : {},
      ipv4: addresses.length ? { method: 'manual', 'address-data': addresses } : { method: 'auto' },
      ipv6: { method: 'ignore', 'addr-gen-mode': 2 },
    };
    if (addresses.length === 0 && r.hostname) settings.ipv4!['dhcp-hostname'] = r.hostname;
    if (r.search.length) settings.ipv4!['dns-search'] = [...new Set(r.search)];
    // EAP-MD5 needs an identity (the model's verification says so).
    if (r.identity !== undefined) settings['802-1x'] = { eap: ['md5'], identity: r.identity, ...(r.password ? { password: r.password } : {}) };
    return settings;
  });

describe('profiles', () => {
  it('read back the same after write (pure mapping)', () => {
    fc.assert(
      fc.property(profile, (settings) => {
        const path = '/x/ifcfg-p';
        const out = writeIfcfg({ settings, ifcfgPath: path, interfaceOf: () => undefined });
        const result = readIfcfg({
          ifcfg: ShvarFile.parse(out.ifcfg, path),
          logicalPath: path,
          name: 'p',
          ...(out.keys ? { keys: ShvarFile.parse(out.keys, '/x/keys-p') } : {}),
        });
        expect(result).toEqual({ kind: 'profile', settings });
      }),
      { numRuns: 500 },
    );
  });

  it('read back the same after write (files, bash)', async () => {
    const s = scratchDir();
    try {
      await fc.assert(
        fc.asyncProperty(profile, async (settings) => {
          const written = await s.source.write(settings, { persist: 'disk' });
          expect(written.settings).toEqual(finishProfile(settings, written.file));
          const [name] = sourceWithBash(written.file, ['NAME']);
          expect(name!.toString('utf8')).toBe(settings.connection!.id);
          await s.source.delete(written);
        }),
        { numRuns: 40 },
      );
    } finally {
      s.cleanup();
    }
  });
});

/** Only NmkError may come out of reading; anything else is a bug. */
function onlyNmkError(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof NmkError)) throw e;
  }
}

const KEYS = ['TYPE', 'DEVICE', 'BOOTPROTO', 'IPADDR', 'PREFIX', 'NETMASK1', 'GATEWAY', 'DNS1', 'DNS2', 'ONBOOT', 'BONDING_OPTS', 'MASTER', 'BRIDGE', 'BRIDGING_OPTS', 'STP', 'DELAY', 'VLAN', 'VLAN_ID', 'PHYSDEV', 'IPV6INIT', 'IPV6_AUTOCONF', 'IPV6ADDR', 'IPV6ADDR_SECONDARIES', 'HWADDR', 'MACADDR', 'MTU', 'NM_CONTROLLED', 'KEY_MGMT', 'IEEE_8021X_EAP_METHODS', 'PKEY', 'PKEY_ID', 'CONNECTED_MODE', 'IPV6_ADDR_GEN_MODE', 'UUID', 'NAME'];
const FRAGMENTS = ['Ethernet', 'Bond', 'Bridge', 'Vlan', 'InfiniBand', 'eth0', 'eth0.5', 'vlan9', 'yes', 'no', 'dhcp', 'none', '10.0.0.1', '24', '33', '2001:db8::1/64', 'mode=4 miimon=100', 'mode=7', 'priority=5', '0x10', '"', "'", '$', '\\', ' ', 'bond0', '00:11:22:33:44:55', 'IEEE8021X', 'PEAP', '', '#'];

describe('the parsers, on any input', () => {
  it('throw nothing but NmkError on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        onlyNmkError(() => readIfcfg({ ifcfg: ShvarFile.parse(bytes, 'ifcfg-r'), logicalPath: '/ifcfg-r', name: 'r' }));
      }),
      { numRuns: 3000 },
    );
  });

  it('throw nothing but NmkError on files made of real variables and odd values', () => {
    const line = fc.tuple(fc.constantFrom(...KEYS), fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 3 })).map(([k, v]) => `${k}=${v.join('')}`);
    fc.assert(
      fc.property(fc.array(line, { maxLength: 14 }), fc.option(fc.array(fc.string({ maxLength: 30 }), { maxLength: 4 }), { nil: undefined }), (lines, routeLines) => {
        onlyNmkError(() =>
          readIfcfg({
            ifcfg: ShvarFile.parse(Buffer.from(lines.join('\n')), 'ifcfg-r'),
            logicalPath: '/ifcfg-r',
            name: 'r',
            ...(routeLines ? { route: { file: 'route-r', text: routeLines.join('\n') }, route6: { file: 'route6-r', text: routeLines.join('\n') } } : {}),
          }),
        );
      }),
      { numRuns: 3000 },
    );
  });

  it('route lines: a result or a reason, never an exception', () => {
    const word = fc.oneof(fc.constantFrom('via', 'metric', 'table', 'src', 'from', 'mtu', 'lock', 'onlink', 'scope', 'tos', 'dev', 'to', 'default', 'blackhole', '10.0.0.0/8', '::/0', '1.2.3.4', 'fe80::1', '300', '0x1f', 'link'), fc.string({ maxLength: 8 }));
    fc.assert(
      fc.property(fc.array(word, { maxLength: 10 }), fc.constantFrom(4 as const, 6 as const), (words, family) => {
        const r = parseRouteLine(words.join(' '), family);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 3000 },
    );
  });
});
