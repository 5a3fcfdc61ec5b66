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
import { decodeLink } from '../rtnl-decode.js';

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

  /** An RTM_NEWLINK for a port, with IFLA_LINKINFO { SLAVE_KIND kind, SLAVE_DATA from fill }. */
  function portMessage(kind: string, fill: (m: NlMessage) => void): Buffer {
    const m = new NlMessage(16, 0);
    m.struct(16);
    m.string(3, 'vp0').u32(10, 3);
    const li = m.nest(18);
    m.string(4, kind);
    const data = m.nest(5);
    fill(m);
    m.end(data);
    m.end(li);
    return m.finish();
  }

  it("are read back from a link message into portInfo, among the kernel's other IFLA_BRPORT_* attributes", () => {
    // As the kernel fills them (br_port_fill_attrs): state, priority, cost, mode, guard..., a root id, a padded u64 timer.
    const buf = portMessage('bridge', (m) => {
      m.u8(1, 3).u16(2, 7).u32(3, 42).u8(4, 1).u8(5, 0).u8(8, 1).bytes(13, Buffer.alloc(8, 0x80)).u16(15, 0x8001).u64(21, 0).u8(25, 1);
    });
    const link = decodeLink(buf, 16, buf.length - 16);
    expect({ master: link.master, portKind: link.portKind, portInfo: link.portInfo }).toEqual({ master: 3, portKind: 'bridge', portInfo: { priority: 7, path_cost: 42, hairpin_mode: true } });
  });

  it('are none for a port of a kind whose port data the platform has no table for, nor for a link that is no port', () => {
    const bondPort = portMessage('bond', (m) => m.u8(1, 0).u16(6, 3));
    expect(decodeLink(bondPort, 16, bondPort.length - 16)).toMatchObject({ portKind: 'bond', portInfo: undefined });
    const m = new NlMessage(16, 0);
    m.struct(16);
    m.string(3, 'lone');
    const lone = m.finish();
    expect(decodeLink(lone, 16, lone.length - 16)).toMatchObject({ portKind: undefined, portInfo: undefined });
  });
});
