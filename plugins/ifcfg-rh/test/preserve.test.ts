/**
 * What nmk does not understand survives a rewrite: a profile read from a file
 * with variables, comments and BONDING_OPTS / BRIDGING_OPTS items nmk does not
 * read, changed and written back (write with `previous`, as the settings store
 * does for `nmcli connection modify`), keeps every one of those lines as it
 * was, in the same order; alias files beside it are not touched.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SourceProfile } from '../../../sdk/index.js';
import { matchesAny } from '../file-writer.js';
import { escapeValue } from '../shell-value.js';
import { MANAGED_KEYS } from '../writer.js';
import { scratchDir } from './helpers.js';

/** Variables initscripts and other tools use that nmk does not read. */
const FOREIGN_KEYS = ['ARPING_WAIT', 'USERCTL', 'ARPCHECK', 'ARPUPDATE', 'LINKDELAY', 'HOTPLUG', 'IPV6_PRIVACY', 'FOO_UNKNOWN'];

const foreignName = fc.oneof(
  fc.constantFrom(...FOREIGN_KEYS),
  fc.stringMatching(/^ZZ_[A-Z0-9_]{1,12}$/),
);

/** Text a value may hold (printable ASCII and a few specials; escapeValue quotes it). */
const valueText = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '-', '=', '"', "'", '\\', '$', '#', ',', ':', '/'), maxLength: 16 });

/** One line nmk must keep: a foreign variable, a comment or a blank line. */
const foreignLine = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(foreignName, valueText).map(([k, v]) => `${k}=${escapeValue(v)}`) },
  { weight: 1, arbitrary: valueText.map((t) => `# ${t}`) },
  { weight: 1, arbitrary: fc.constant('') },
);

/** The profiles the property runs over: lines nmk reads, as a distribution writes them. */
const PROFILES: Record<string, string[]> = {
  'ifcfg-eth0': ['TYPE=Ethernet', 'DEVICE=eth0', 'BOOTPROTO=none', 'IPADDR=192.0.2.2', 'PREFIX=24', 'ONBOOT=yes'],
  'ifcfg-bond0': ['TYPE=Bond', 'DEVICE=bond0', 'BONDING_MASTER=yes', 'BONDING_OPTS="mode=active-backup miimon=100"', 'BOOTPROTO=dhcp'],
  'ifcfg-br0': ['TYPE=Bridge', 'DEVICE=br0', 'STP=yes', 'BRIDGING_OPTS="priority=4096"', 'BOOTPROTO=dhcp'],
};

/** The lines of `known` with `foreign` spliced in at the given positions. */
function interleave(known: string[], foreign: Array<[string, number]>): string[] {
  const out = [...known];
  for (const [line, at] of foreign) out.splice(at % (out.length + 1), 0, line);
  return out;
}

async function rewriteWithPriority(dir: string, source: ReturnType<typeof scratchDir>['source'], priority: number): Promise<SourceProfile> {
  const loaded = await source.load();
  expect(loaded.errors.map((e) => e.message)).toEqual([]);
  expect(loaded.profiles).toHaveLength(1);
  const previous = loaded.profiles[0]!;
  const settings = structuredClone(previous.settings);
  settings.connection!['autoconnect-priority'] = priority;
  const written = await source.write(settings, { persist: 'disk' }, previous);
  expect(written.file).toBe(previous.file);
  expect(written.file.startsWith(dir)).toBe(true);
  return written;
}

describe('a rewrite keeps what nmk does not read', () => {
  it('every foreign variable, comment and blank line stays, in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(PROFILES)),
        fc.array(fc.tuple(foreignLine, fc.nat()), { maxLength: 12 }),
        fc.integer({ min: -999, max: 999 }).filter((n) => n !== 0),
        async (name, foreign, priority) => {
          const s = scratchDir();
          try {
            // A variable set twice is one variable (the last wins); keep each foreign name once.
            const seen = new Set<string>();
            const unique = foreign.filter(([line]) => {
              const key = /^([A-Z0-9_]+)=/.exec(line)?.[1];
              if (key === undefined) return true;
              if (seen.has(key)) return false;
              seen.add(key);
              return true;
            });
            const lines = interleave(PROFILES[name]!, unique);
            const file = join(s.dir, name);
            writeFileSync(file, `${lines.join('\n')}\n`);
            const written = await rewriteWithPriority(s.dir, s.source, priority);
            const after = readFileSync(file, 'latin1').split('\n');
            // Each foreign line is there, and they come in the order the file had them.
            const kept = lines.filter((l) => !PROFILES[name]!.includes(l));
            let from = 0;
            for (const line of kept) {
              const at = after.indexOf(line, from);
              expect(at, `'${line}' in\n${after.join('\n')}`).toBeGreaterThanOrEqual(0);
              from = at + 1;
            }
            expect(after).toContain(`AUTOCONNECT_PRIORITY=${priority}`);
            expect(written.settings.connection?.['autoconnect-priority']).toBe(priority);
          } finally {
            s.cleanup();
          }
        },
      ),
      { numRuns: 30 },
    );
    // Each run writes and reads files; a busy machine is slow, not wrong.
  }, 120_000);

  it('the foreign names the property uses are not variables nmk manages', () => {
    for (const key of FOREIGN_KEYS) expect(matchesAny(key, MANAGED_KEYS), key).toBe(false);
  });

  it('BONDING_OPTS and BRIDGING_OPTS keep the items nmk does not read', async () => {
    const s = scratchDir();
    try {
      writeFileSync(join(s.dir, 'ifcfg-bond1'), 'TYPE=Bond\nDEVICE=bond1\nBONDING_OPTS="mode=active-backup frobnicate=3 miimon=100 new_driver_knob=on"\nBOOTPROTO=dhcp\n');
      writeFileSync(join(s.dir, 'ifcfg-br1'), 'TYPE=Bridge\nDEVICE=br1\nSTP=yes\nBRIDGING_OPTS="priority=4096 mcast_flood_always=1 forward_delay=4"\nBOOTPROTO=dhcp\n');
      writeFileSync(join(s.dir, 'ifcfg-eth1'), 'TYPE=Ethernet\nDEVICE=eth1\nBRIDGE=br1\nBRIDGING_OPTS="path_cost=10 isolated=1"\n');
      const loaded = await s.source.load();
      expect(loaded.errors.map((e) => e.message)).toEqual([]);
      for (const previous of loaded.profiles) {
        const settings = structuredClone(previous.settings);
        settings.connection!['autoconnect-priority'] = 7;
        await s.source.write(settings, { persist: 'disk' }, previous);
      }
      const read = (f: string) => readFileSync(join(s.dir, f), 'utf8');
      expect(read('ifcfg-bond1')).toMatch(/^BONDING_OPTS="mode=active-backup miimon=100 frobnicate=3 new_driver_knob=on"$/m);
      // forward_delay is read (as DELAY) and written back as DELAY, as NetworkManager writes it.
      expect(read('ifcfg-br1')).toMatch(/^BRIDGING_OPTS="priority=4096 mcast_flood_always=1"$/m);
      expect(read('ifcfg-br1')).toMatch(/^DELAY=4$/m);
      expect(read('ifcfg-eth1')).toMatch(/^BRIDGING_OPTS="path_cost=10 isolated=1"$/m);
      for (const f of ['ifcfg-bond1', 'ifcfg-br1', 'ifcfg-eth1']) expect(read(f)).toMatch(/^AUTOCONNECT_PRIORITY=7$/m);
      // ...and what was read reads back the same.
      const again = await s.source.load();
      expect(again.errors).toEqual([]);
      expect(again.profiles.map((p) => p.settings)).toEqual(
        loaded.profiles.map((p) => ({ ...p.settings, connection: { ...p.settings.connection, 'autoconnect-priority': 7 } })),
      );
    } finally {
      s.cleanup();
    }
  });

  it('leaves alias files (ifcfg-eth0:1) and their variables alone', async () => {
    const s = scratchDir();
    try {
      writeFileSync(join(s.dir, 'ifcfg-eth0'), 'TYPE=Ethernet\nDEVICE=eth0\nBOOTPROTO=none\nIPADDR=192.0.2.2\nPREFIX=24\n');
      const alias = 'DEVICE=eth0:1\nIPADDR=192.0.2.3\nPREFIX=24\nONPARENT=yes\n';
      writeFileSync(join(s.dir, 'ifcfg-eth0:1'), alias);
      await rewriteWithPriority(s.dir, s.source, 3);
      expect(readFileSync(join(s.dir, 'ifcfg-eth0:1'), 'utf8')).toBe(alias);
      expect(readFileSync(join(s.dir, 'ifcfg-eth0'), 'utf8')).toMatch(/^AUTOCONNECT_PRIORITY=3$/m);
    } finally {
      s.cleanup();
    }
  });
});
