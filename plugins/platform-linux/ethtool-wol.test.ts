import { describe, expect, it } from 'vitest';
import { decodeFamilyId, decodeWolReply, getFamilyRequest, modeBits, modesOf, parseSopass, wolGetRequest, wolSetRequest } from './ethtool-wol.js';

/** [type, payload] of each attribute in buf[start, end), nested flag kept in the type. */
function attrs(buf: Buffer, start: number, end: number): Array<[number, Buffer]> {
  const out: Array<[number, Buffer]> = [];
  for (let p = start; p + 4 <= end; p += (buf.readUInt16LE(p) + 3) & ~3) out.push([buf.readUInt16LE(p + 2), buf.subarray(p + 4, p + buf.readUInt16LE(p))]);
  return out;
}

describe('ethtool netlink Wake-on-LAN messages', () => {
  it('ask the controller for the family by name', () => {
    const m = getFamilyRequest('ethtool');
    expect(m.readUInt16LE(4)).toBe(0x10); // GENL_ID_CTRL
    expect(m[16]).toBe(3); // CTRL_CMD_GETFAMILY
    expect(attrs(m, 20, m.length)).toEqual([[2, Buffer.from('ethtool\0')]]);
  });

  it('set exactly the listed modes (NOMASK bitset), the password as six bytes, nests flagged', () => {
    const m = wolSetRequest(27, 4, ['phy', 'magic', 'magicsecure'], '01:02:03:0a:0B:ff');
    expect(m.readUInt32LE(0)).toBe(m.length);
    expect(m.readUInt16LE(4)).toBe(27);
    expect(m[16]).toBe(10); // ETHTOOL_MSG_WOL_SET
    expect(m[17]).toBe(1);
    const top = attrs(m, 20, m.length);
    expect(top.map(([t]) => t)).toEqual([0x8001, 0x8002, 3]);
    expect(attrs(top[0]![1], 0, top[0]![1].length)).toEqual([[1, Buffer.from([4, 0, 0, 0])]]);
    const bitset = attrs(top[1]![1], 0, top[1]![1].length);
    expect(bitset).toEqual([[1, Buffer.alloc(0)], [2, Buffer.from([8, 0, 0, 0])], [4, Buffer.from([0x61, 0, 0, 0])]]);
    expect(top[2]![1]).toEqual(Buffer.from([1, 2, 3, 10, 11, 255]));
  });

  it('turn every mode off with an empty list, and ask for compact bitsets when reading', () => {
    const off = wolSetRequest(27, 4, []);
    const bitset = attrs(off, 20, off.length)[1]![1];
    expect(attrs(bitset, 0, bitset.length)[2]).toEqual([4, Buffer.from([0, 0, 0, 0])]);
    const get = wolGetRequest(27, 9);
    expect(get[16]).toBe(9);
    const header = attrs(get, 20, get.length)[0]!;
    expect(attrs(header[1], 0, header[1].length)).toEqual([[1, Buffer.from([9, 0, 0, 0])], [3, Buffer.from([1, 0, 0, 0])]]);
  });

  it('refuse an unknown mode and a password that is not six bytes', () => {
    expect(() => modeBits(['magic', 'wol' as never])).toThrow(/'wol' is not a Wake-on-LAN mode/);
    expect(() => parseSopass('01:02:03:04:05')).toThrow(/not six bytes/);
    expect(() => parseSopass('secret')).toThrow(/not six bytes/);
  });

  it('read the modes, the supported modes and the password from a reply', () => {
    // genl header (WOL_GET_REPLY), MODES { SIZE 8, VALUE 0x20, MASK 0x2f }, SOPASS.
    const reply = Buffer.from([
      9, 1, 0, 0,
      28, 0, 0x02, 0x80, 8, 0, 2, 0, 8, 0, 0, 0, 8, 0, 4, 0, 0x20, 0, 0, 0, 8, 0, 5, 0, 0x2f, 0, 0, 0,
      10, 0, 3, 0, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0x01, 0, 0,
    ]);
    expect(decodeWolReply(reply, 0, reply.length)).toEqual({ modes: ['magic'], supported: ['phy', 'ucast', 'mcast', 'bcast', 'magic'], password: 'aa:bb:cc:dd:ee:01' });
    expect(modesOf(modeBits(['bcast', 'phy']))).toEqual(['phy', 'bcast']);
  });

  it('read the family id from the controller reply', () => {
    const reply = Buffer.from([1, 2, 0, 0, 12, 0, 2, 0, ...Buffer.from('ethtool\0'), 6, 0, 1, 0, 23, 0, 0, 0]);
    expect(decodeFamilyId(reply, 0, reply.length)).toBe(23);
  });
});
