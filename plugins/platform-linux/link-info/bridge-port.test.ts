/**
 * Bridge port options in a link change: the IFLA_INFO_SLAVE_DATA bytes are
 * the ones iproute2 sends for `ip link set vx0 type bridge_slave priority 7
 * cost 42 hairpin on` (checked with strace); the kind goes as
 * IFLA_INFO_SLAVE_KIND "bridge", as NetworkManager 1.46 sends it (iproute2
 * says IFLA_INFO_KIND "bridge_slave", which the kernel ignores on a change).
 */
import { describe, expect, it } from 'vitest';
import { InvalidValue } from '../ip-text.js';
import { setLinkRequest } from '../rtnl-requests.js';
import { bridgePortOptions, bridgePortTable } from './bridge-port.js';
import { NlMessage } from '../nl-message.js';
import { KIND_CODECS } from './kinds.js';
import { bridgeTable } from './bridge.js';

const hex = (b: Buffer) => b.toString('hex').replace(/(..)/g, '$1 ').trim();
const bytes = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('bridge port options', () => {
  it('are one RTM_NEWLINK with IFLA_LINKINFO { SLAVE_KIND "bridge", SLAVE_DATA { PRIORITY u16, COST u32, MODE u8 } }', () => {
    const change = { portOptions: { kind: 'bridge', info: { hairpin_mode: true, path_cost: 42, priority: 7 } } };
    const msg = setLinkRequest(4, change, undefined, bridgePortTable.normalize(change.portOptions.info));
    expect(hex(msg)).toBe(hex(bytes(`
      4c 00 00 00  10 00 05 00  00 00 00 00  00 00 00 00
      00 00 00 00  04 00 00 00  00 00 00 00  00 00 00 00
      2c 00 12 00
        0b 00 04 00  62 72 69 64  67 65 00 00
        1c 00 05 00
          06 00 02 00  07 00 00 00
          08 00 03 00  2a 00 00 00
          05 00 04 00  01 00 00 00`)));
  });

  it('go beside kind options in the same IFLA_LINKINFO when both are given', () => {
    const change = { options: { kind: 'bridge', info: { priority: 8192 } }, portOptions: { kind: 'bridge', info: { priority: 7 } } };
    const msg = setLinkRequest(4, change, bridgeTable.normalize(change.options.info), bridgePortTable.normalize(change.portOptions.info));
    expect(hex(msg.subarray(32))).toBe(hex(bytes(`
      34 00 12 00
        0b 00 01 00  62 72 69 64  67 65 00 00
        0c 00 02 00  06 00 06 00  00 20 00 00
        0b 00 04 00  62 72 69 64  67 65 00 00
        0c 00 05 00  06 00 02 00  07 00 00 00`)));
  });

  it('round-trip through the table, and are refused outside the kernel ranges or for a kind whose ports take none', () => {
    const m = new NlMessage(16, 0);
    const opts = bridgePortTable.normalize({ priority: '63', 'path-cost': 65535, hairpin_mode: 'off' });
    bridgePortTable.encode(opts, m);
    const buf = m.finish();
    expect(bridgePortTable.decode(buf, 16, buf.length)).toEqual({ priority: 63, path_cost: 65535, hairpin_mode: false });
    expect(() => bridgePortTable.normalize({ priority: 64 })).toThrow(InvalidValue);
    expect(() => bridgePortTable.normalize({ path_cost: 0 })).toThrow(/path_cost: 0 is out of range 1\.\.65535/);
    expect(() => bridgePortTable.normalize({ isolated: true })).toThrow(/unknown option 'isolated'/);
    expect(() => setLinkRequest(4, { portOptions: { kind: 'macvlan', info: { priority: 1 } } }, undefined, bridgePortTable.normalize({ priority: 1 }))).toThrow(/ports of a macvlan take no options/);
    expect(bridgePortOptions.map((r) => r.sysfs)).toEqual(['brport/priority', 'brport/path_cost', 'brport/hairpin_mode']);
    expect(KIND_CODECS.get('bridge')?.portTable).toBe(bridgePortTable);
  });
});
