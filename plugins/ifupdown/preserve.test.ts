/**
 * What nmk does not understand survives a rewrite: an interface's stanza
 * with options nmk does not model (up/down hooks, description, ethtool and
 * unknown bridge or bond options), comments, and stanzas nmk does not read
 * (mapping, allow-hotplug, no-auto-down), changed through write() with
 * `previous` as the settings store does for `nmcli connection modify`:
 * every one of those lines is still there, as it was, in the same order.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { interfaceName, sourceAt, tempRoot } from './test/helpers.js';

const MAIN = 'etc/network/interfaces';

const word = fc.stringMatching(/^[a-zA-Z0-9/._:=-]{1,10}$/);
const words = fc.array(word, { minLength: 1, maxLength: 4 }).map((w) => w.join(' '));

/** An option line inside eth0's stanza that nmk keeps as it is. */
const keptOption = fc
  .tuple(fc.constantFrom('post-up', 'pre-up', 'up', 'down', 'pre-down', 'post-down', 'description', 'dns-domain', 'ethtool-wol', 'bridge-frobnicate', 'bond-frobnicate'), words)
  .map(([key, value]) => `    ${key} ${value}`);
const innerComment = words.map((w) => `    # ${w}`);

/** A stanza or line outside eth0's that nmk does not touch. */
const outside = fc.oneof(
  words.map((w) => `# ${w}`),
  fc.constant(''),
  fc.tuple(fc.constantFrom('eth7', 'eth8', 'wlan1'), words).map(([n, w]) => `mapping ${n}\n    script /usr/local/sbin/map-${n}\n    map ${w}`),
  fc.constantFrom('allow-hotplug eth7', 'allow-hotplug eth8', 'no-auto-down eth0', 'allow-ovs br9'),
);

describe('a rewrite keeps what nmk does not read', () => {
  it('every unmodelled option, comment and foreign stanza stays, in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(outside, { maxLength: 4 }),
        fc.array(fc.oneof(keptOption, innerComment), { maxLength: 6 }),
        fc.array(outside, { maxLength: 4 }),
        fc.integer({ min: 576, max: 9000 }),
        async (before, inside, after, mtu) => {
          const stanza = ['auto eth0', 'iface eth0 inet static', '    address 192.0.2.2/24', ...inside, '    gateway 192.0.2.1', '    dns-nameservers 192.0.2.53 192.0.2.54'];
          const text = [...before, ...stanza, ...after].join('\n') + '\n';
          const t = tempRoot({ [MAIN]: text });
          try {
            const source = sourceAt(t.root);
            const loaded = await source.load();
            expect(loaded.errors.map(String)).toEqual([]);
            const previous = loaded.profiles.find((p) => interfaceName(p.settings) === 'eth0')!;
            const settings = structuredClone(previous.settings);
            settings['802-3-ethernet'] = { ...settings['802-3-ethernet'], mtu };
            const stored = await source.write(settings, { persist: 'disk' }, previous);
            expect(stored.settings['802-3-ethernet']?.mtu).toBe(mtu);
            const lines = fs.readFileSync(path.join(t.root, MAIN), 'utf8').split('\n');
            // The lines outside the stanza, then those inside it, each found in order.
            let from = 0;
            for (const line of [...before.join('\n').split('\n'), ...inside]) {
              if (line === '') continue;
              const at = lines.indexOf(line, from);
              expect(at, `'${line}' in\n${lines.join('\n')}`).toBeGreaterThanOrEqual(0);
              from = at + 1;
            }
            for (const line of after.join('\n').split('\n')) {
              if (line === '') continue;
              const at = lines.indexOf(line, from);
              expect(at, `'${line}' in\n${lines.join('\n')}`).toBeGreaterThanOrEqual(0);
              from = at + 1;
            }
            expect(lines).toContain('auto eth0');
            expect(lines.some((l) => /^\s+mtu /.test(l) && l.trim() === `mtu ${mtu}`)).toBe(true);
            expect(lines.some((l) => l.trim() === 'dns-nameservers 192.0.2.53 192.0.2.54')).toBe(true);
          } finally {
            t.cleanup();
          }
        },
      ),
      { numRuns: 30 },
    );
    // Each run writes and reads files; a busy machine is slow, not wrong.
  }, 120_000);
});
