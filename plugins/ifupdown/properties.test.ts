/**
 * Property tests. The parsers never throw anything but NmkError entries on
 * any input (random bytes, and random lines built from the format's own
 * words, which reach deeper); and any valid profile of the kinds ifupdown
 * holds (ethernet, bond, bridge, VLAN, and their ports) is read back as
 * written.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BOND_MODES,
  BOND_OPTIONS,
  bondOptionSupported,
  type ConnectionSettings,
  type SettingValues,
  isNormalizable,
  normalizeConnection,
  NmkError,
  verifyConnection,
} from '../../sdk/index.js';
import { parseDocument } from './eni/document.js';
import type { EniTree } from './eni/include.js';
import { readProfiles } from './model/read-profiles.js';
import { interfaceName, meaningDiff, sourceAt, tempRoot } from './test/helpers.js';

const WORDS = [
  'iface', 'auto', 'allow-hotplug', 'allow-bond0', 'mapping', 'source', 'source-directory', 'inet', 'inet6', 'static', 'dhcp', 'manual', 'auto', 'loopback', 'ppp',
  'address', 'netmask', 'gateway', 'mtu', 'hwaddress', 'ether', 'dns-nameservers', 'dns-search', 'metric', 'bond-slaves', 'bond-master', 'bond-mode', 'bond-miimon',
  'bond-primary', 'bond-lacp-rate', 'bond_xmit_hash_policy', 'bond-arp-ip-target', 'bridge_ports', 'bridge_stp', 'bridge-fd', 'vlan-raw-device', 'vlan-id', 'up', 'none', 'all',
  'eth0', 'eth1', 'bond0', 'br0', 'eth0.10', 'vlan20', 'lo', '10.0.0.1/24', '10.0.0.1', '255.255.255.0', '2001:db8::1/64', 'fe80::1', '1500', '0', '4095', '802.3ad', 'active-backup',
  'fast', '4', 'on', 'off', '52:54:00:12:34:56', '#', '# nmk-uuid: x', '# nmk-id: "a"', '\\', '"', "'", '/', '*', '..', '\t', '\0', '\u00e9',
];

const line = fc.array(fc.oneof(fc.constantFrom(...WORDS), fc.string({ maxLength: 6 })), { maxLength: 6 }).map((w) => w.join(fc.sample(fc.constantFrom(' ', '\t', '  '), 1)[0]));
const fileText = fc.array(fc.oneof({ weight: 5, arbitrary: line }, { weight: 1, arbitrary: line.map((l) => `    ${l}`) }), { maxLength: 40 }).map((ls) => ls.join('\n'));

function treeOf(text: string): EniTree {
  const doc = parseDocument(text, '/t/etc/network/interfaces', '/etc/network/interfaces');
  return { docs: [doc], stanzas: doc.stanzas.filter((s) => !s.keyword.startsWith('source')).map((stanza) => ({ doc, stanza })), errors: [...doc.errors] };
}

describe('ifupdown parser properties', () => {
  it('reads any text into profiles and NmkErrors, never throwing', () => {
    fc.assert(
      fc.property(fc.oneof(fileText, fc.string({ maxLength: 400 })), (text) => {
        const out = readProfiles(treeOf(text));
        for (const e of out.errors) expect(e).toBeInstanceOf(NmkError);
        for (const d of out.drafts) expect(typeof d.name).toBe('string');
      }),
      { numRuns: 2000 },
    );
  }, 60_000);

  it('loads any bytes as a file (through sourcing too) into profiles and NmkErrors, never rejecting', async () => {
    const t = tempRoot({ 'etc/network/interfaces': 'source-directory interfaces.d\nsource extra\niface good0 inet dhcp\n' });
    try {
      const source = sourceAt(t.root);
      fs.mkdirSync(path.join(t.root, 'etc/network/interfaces.d'));
      await fc.assert(
        fc.asyncProperty(fc.oneof(fileText.map((s) => Buffer.from(s)), fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b))), fileText, async (bytes, extra) => {
          fs.writeFileSync(path.join(t.root, 'etc/network/interfaces.d/random'), bytes);
          fs.writeFileSync(path.join(t.root, 'etc/network/extra'), extra);
          const { profiles, errors } = await source.load();
          for (const e of errors) expect(e).toBeInstanceOf(NmkError);
          expect(profiles.length + errors.length).toBeGreaterThan(0);
        }),
        { numRuns: 300 },
      );
    } finally {
      t.cleanup();
    }
  }, 120_000);
});

// ---- Generators of valid profiles ----

const octet = fc.integer({ min: 1, max: 223 });
const ipv4 = fc.tuple(octet, fc.nat(255), fc.nat(255), fc.integer({ min: 1, max: 254 })).map((o) => o.join('.'));
const ipv6 = fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }).map((g) => `2001:db8:${g.slice(2).map((x) => x.toString(16)).join(':')}`);
const domain = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}(\.[a-z]{2,5}){0,2}$/);
const ifname = fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/).filter((n) => n !== 'lo' && !/^vlan[0-9]+$/.test(n));
const mac = fc.array(fc.nat(255), { minLength: 6, maxLength: 6 }).map((b) => b.map((x) => x.toString(16).toUpperCase().padStart(2, '0')).join(':'));

const ipv4Setting = fc.oneof(
  fc.record({ method: fc.constant('auto'), dns: fc.array(ipv4, { maxLength: 2 }), 'dns-search': fc.array(domain, { maxLength: 2 }), 'route-metric': fc.option(fc.nat(5000), { nil: undefined }) }),
  fc.record({
    method: fc.constant('manual'),
    'address-data': fc.uniqueArray(fc.record({ address: ipv4, prefix: fc.integer({ min: 1, max: 32 }) }), { minLength: 1, maxLength: 3, selector: (a) => a.address }),
    gateway: fc.option(ipv4, { nil: undefined }),
    dns: fc.uniqueArray(ipv4, { maxLength: 3 }),
    'dns-search': fc.uniqueArray(domain, { maxLength: 2 }),
  }),
  fc.constant({ method: 'disabled' }),
);
const ipv6Setting = fc.oneof(
  fc.constant({ method: 'ignore' }),
  fc.record({ method: fc.constantFrom('auto', 'dhcp'), dns: fc.uniqueArray(ipv6, { maxLength: 2 }) }),
  fc.record({
    method: fc.constant('manual'),
    'address-data': fc.uniqueArray(fc.record({ address: ipv6, prefix: fc.integer({ min: 8, max: 128 }) }), { minLength: 1, maxLength: 2, selector: (a) => a.address }),
    gateway: fc.option(ipv6, { nil: undefined }),
    'dns-search': fc.uniqueArray(domain, { maxLength: 2 }),
  }),
);

/** The record without its undefined properties (an absent property, not one set to undefined). */
function strip(o: Record<string, unknown>): SettingValues {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as SettingValues;
}

const connection = (type: string, name: string) =>
  fc.record({ id: fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() === s && s !== ''), uuid: fc.uuid({ version: 4 }), autoconnect: fc.boolean() }).map((c) => ({ ...c, type, 'interface-name': name }));

const ethernetSetting: fc.Arbitrary<SettingValues> = fc.record({ mtu: fc.option(fc.integer({ min: 68, max: 65535 }), { nil: undefined }), 'cloned-mac-address': fc.option(fc.oneof(mac, fc.constant('random')), { nil: undefined }) }).map(strip);

const bondOptions = fc.constantFrom(...BOND_MODES).chain((mode) => {
  const candidates = BOND_OPTIONS.filter((o) => o.name !== 'mode' && bondOptionSupported(o.name, mode));
  const value = (o: (typeof BOND_OPTIONS)[number]): fc.Arbitrary<string> => {
    switch (o.kind) {
      case 'int':
        return fc.integer({ min: o.min ?? 0, max: Math.min(o.max ?? 1000, (o.min ?? 0) + 1000) }).map(String);
      case 'choice':
        return fc.constantFrom(...o.choices!);
      case 'ip':
        return fc.uniqueArray(ipv4, { minLength: 1, maxLength: 3 }).map((a) => a.join(','));
      case 'mac':
        return mac;
      case 'ifname':
        return ifname;
    }
  };
  return fc.subarray(candidates, { maxLength: 4 }).chain((chosen) => fc.tuple(...chosen.map((o) => value(o).map((v) => [o.name, v] as const))).map((pairs) => ({ mode, ...Object.fromEntries(pairs) })));
});

const bridgeSetting = fc
  .record({
    stp: fc.boolean(),
    priority: fc.option(fc.nat(65535), { nil: undefined }),
    'forward-delay': fc.option(fc.integer({ min: 2, max: 30 }), { nil: undefined }),
    'hello-time': fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
    'max-age': fc.option(fc.integer({ min: 6, max: 40 }), { nil: undefined }),
    'ageing-time': fc.option(fc.nat(1_000_000), { nil: undefined }),
    'vlan-filtering': fc.option(fc.boolean(), { nil: undefined }),
  })
  .map(strip);

const controllerProfile = fc.oneof(
  ifname.chain((n) => fc.record({ connection: connection('802-3-ethernet', n), '802-3-ethernet': ethernetSetting, ipv4: ipv4Setting.map(strip), ipv6: ipv6Setting.map(strip) })),
  ifname.chain((n) => fc.record({ connection: connection('bond', n), bond: bondOptions.map((options) => ({ options })), ipv4: ipv4Setting.map(strip), ipv6: ipv6Setting.map(strip) })),
  ifname.chain((n) => fc.record({ connection: connection('bridge', n), bridge: bridgeSetting, '802-3-ethernet': ethernetSetting, ipv4: ipv4Setting.map(strip), ipv6: ipv6Setting.map(strip) })),
  fc.tuple(ifname, fc.integer({ min: 1, max: 4094 }), fc.constantFrom('dotted', 'vlanN', 'named')).chain(([parent, id, form]) => {
    const name = form === 'dotted' ? `${parent}.${id}` : form === 'vlanN' ? `vlan${id}` : `v${parent}`.slice(0, 15);
    return fc.record({ connection: connection('vlan', name), vlan: fc.constant({ id, parent }), ipv4: ipv4Setting.map(strip), ipv6: ipv6Setting.map(strip) });
  }),
) as fc.Arbitrary<ConnectionSettings>;

function valid(s: ConnectionSettings): boolean {
  return isNormalizable(verifyConnection(s)) && Buffer.byteLength(interfaceName(s)) <= 15;
}

describe('ifupdown write → read', () => {
  it('keeps any valid ethernet, bond, bridge or VLAN profile', async () => {
    await fc.assert(
      fc.asyncProperty(controllerProfile, async (s) => {
        fc.pre(valid(s));
        const t = tempRoot({ 'etc/network/interfaces': '# existing\nauto lo\niface lo inet loopback\n' });
        try {
          const source = sourceAt(t.root);
          expect(source.canWrite(s, { persist: 'disk' })).toBe(true);
          const stored = await source.write(s, { persist: 'disk' });
          expect(meaningDiff(stored.settings, normalizeConnection(s))).toEqual([]);
          const { profiles, errors } = await sourceAt(t.root).load();
          expect(errors.map(String)).toEqual([]);
          expect(profiles).toHaveLength(1);
          expect(meaningDiff(profiles[0]!.settings, normalizeConnection(s))).toEqual([]);
        } finally {
          t.cleanup();
        }
      }),
      { numRuns: 150 },
    );
  }, 120_000);

  it('keeps a controller and its port', async () => {
    const pair = fc.tuple(fc.constantFrom('bond', 'bridge'), ifname, ifname, fc.uuid({ version: 4 }), fc.uuid({ version: 4 }), fc.boolean(), ethernetSetting).filter(([, a, b, u1, u2]) => a !== b && u1 !== u2);
    await fc.assert(
      fc.asyncProperty(pair, async ([kind, ctl, port, u1, u2, auto, eth]) => {
        const controller: ConnectionSettings = {
          connection: { id: ctl, uuid: u1, type: kind, 'interface-name': ctl, autoconnect: true },
          ...(kind === 'bond' ? { bond: { options: { mode: 'active-backup', miimon: '100' } } } : { bridge: { stp: false } }),
          ipv4: { method: 'auto' },
          ipv6: { method: 'ignore' },
        };
        const p: ConnectionSettings = {
          connection: { id: port, uuid: u2, type: '802-3-ethernet', 'interface-name': port, autoconnect: auto || kind === 'bridge', master: ctl, 'slave-type': kind },
          '802-3-ethernet': eth,
        };
        const t = tempRoot({});
        try {
          const source = sourceAt(t.root);
          await source.write(controller, { persist: 'disk' });
          await source.write(p, { persist: 'disk' });
          const { profiles, errors } = await sourceAt(t.root).load();
          expect(errors.map(String)).toEqual([]);
          const byName = new Map(profiles.map((x) => [interfaceName(x.settings), x.settings]));
          expect(meaningDiff(byName.get(ctl)!, normalizeConnection(controller))).toEqual([]);
          expect(meaningDiff(byName.get(port)!, normalizeConnection(p))).toEqual([]);
        } finally {
          t.cleanup();
        }
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
