/**
 * Property tests: on any input (random bytes, and random lines built from
 * conf.d/net's own words and bash's punctuation, which reach deeper) the
 * reader yields profiles and NmkErrors and never throws anything else.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NmkError } from '../../sdk/index.js';
import { readConfText } from './source.js';
import { sourceAt, tempRoot } from './test/helpers.js';
import fs from 'node:fs';

const NAMES = ['config_eth0', 'routes_eth0', 'dns_servers_eth0', 'dns_search_eth0', 'slaves_bond0', 'mode_bond0', 'miimon_bond0', 'lacp_rate_bond0', 'primary_bond0', 'bridge_br0', 'bridge_add_eth1', 'stp_state_br0', 'forward_delay_br0', 'priority_eth1', 'vlans_eth0', 'eth0_vlan10_name', 'vlan10_name', 'vlan_start_eth0', 'mtu_eth0', 'mac_eth0', 'auto_eth0', 'managed_eth1', 'uuid_eth0', 'config_eth0_10', 'config_eth1', 'x'];
const VALUES = ['dhcp', 'null', 'noop', '192.0.2.1/24', '192.0.2.1 netmask 255.255.255.0', '2001:db8::1/64', 'default via 192.0.2.254', '10.0.0.0/8 via 192.0.2.1 metric 5', 'eth0 eth1', 'eth1', 'br0', 'bond0', '802.3ad', '4', 'fast', '100', '1500', '10 20', '5000', 'voice', 'no', 'false', '52:54:00:00:00:01', '0b3b1a4e-1d3e-4a7e-9a7c-2f2d3c4b5a6f', '', 'x\ny', '$x', '${x}', '$(x)', '`x`', '~', '*'];
const QUOTE = ['"', "'", '', '$\'', '\\'];
const PUNCT = ['(', ')', '{', '}', ';', ';;', '&&', '|', '#', '\n', ' ', 'if', 'fi', 'then', 'case', 'esac', 'in', 'done', 'do', 'for', 'function', 'f()', '<<', '[0]=', '+=', '='];

const assignment = fc.tuple(fc.constantFrom(...NAMES), fc.constantFrom('=', '+='), fc.constantFrom(...QUOTE), fc.array(fc.constantFrom(...VALUES), { maxLength: 3 }), fc.boolean(), fc.constantFrom(...QUOTE)).map(
  ([n, op, q1, vs, arr, q2]) => (arr ? `${n}${op}( ${vs.map((v) => `${q1}${v}${q1}`).join(' ')} )` : `${n}${op}${q1}${vs.join(' ')}${q2}`),
);
const junk = fc.array(fc.oneof(fc.constantFrom(...PUNCT), fc.constantFrom(...NAMES), fc.string({ maxLength: 4 })), { maxLength: 5 }).map((w) => w.join(' '));
const script = fc.array(fc.oneof({ weight: 4, arbitrary: assignment }, { weight: 1, arbitrary: junk }), { maxLength: 25 }).map((l) => l.join('\n'));

describe('ifnet reader properties', () => {
  it('reads any text into profiles and NmkErrors, never throwing', () => {
    fc.assert(
      fc.property(fc.oneof(script, fc.string({ maxLength: 300 })), (text) => {
        const r = readConfText(text, '/etc/conf.d/net');
        for (const e of r.errors) expect(e).toBeInstanceOf(NmkError);
        for (const p of r.profiles) expect(p.readOnly).toBe(true);
      }),
      { numRuns: 3000 },
    );
  }, 60_000);

  it('loads any bytes as conf.d/net into profiles and NmkErrors, never rejecting', async () => {
    const t = tempRoot();
    try {
      const source = sourceAt(t.root);
      await fc.assert(
        fc.asyncProperty(fc.oneof(script.map((s) => Buffer.from(s)), fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b))), async (bytes) => {
          fs.writeFileSync(t.file, bytes);
          const { errors } = await source.load();
          for (const e of errors) expect(e).toBeInstanceOf(NmkError);
        }),
        { numRuns: 300 },
      );
    } finally {
      t.cleanup();
    }
  }, 120_000);
});
