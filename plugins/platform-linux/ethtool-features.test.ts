import { describe, expect, it } from 'vitest';
import { ETHTOOL_PARAM_GROUPS, ETHTOOL_PARAM_NAMES } from '../../sdk/index.js';
import { decodeFeatureNames, decodeFeatures, featureNamesRequest, featuresGetRequest, featuresSetRequest } from './ethtool-features.js';
import { decodeParams, PARAM_GROUP_ROWS, paramsGetRequest, paramsSetRequest } from './ethtool-params.js';
import { NlMessage } from './nl-message.js';

/** [type, payload] of each attribute in buf[start, end), nested flag kept in the type. */
function attrs(buf: Buffer, start = 0, end = buf.length): Array<[number, Buffer]> {
  const out: Array<[number, Buffer]> = [];
  for (let p = start; p + 4 <= end; p += (buf.readUInt16LE(p) + 3) & ~3) out.push([buf.readUInt16LE(p + 2), buf.subarray(p + 4, p + buf.readUInt16LE(p))]);
  return out;
}
const u32 = (n: number) => Buffer.from(new Uint32Array([n]).buffer);
const str = (s: string) => Buffer.from(`${s}\0`);
/** The header nest every request starts with: ifindex, and the flags when any. */
const header = (ifindex: number, flags?: number): [number, Buffer] => [0x8001, Buffer.concat([Buffer.from([8, 0, 1, 0]), u32(ifindex), ...(flags ? [Buffer.from([8, 0, 3, 0]), u32(flags)] : [])])];

/** A reply as the kernel sends it: genl header (cmd, version), then what `fill` appends. */
function reply(cmd: number, fill: (m: NlMessage) => void): { buf: Buffer; at: number; len: number } {
  const m = new NlMessage(27, 0);
  const at = m.struct(4);
  m.setU8(at, cmd).setU8(at + 1, 1);
  fill(m);
  const buf = m.finish();
  return { buf, at: 16, len: buf.length - 16 };
}

describe('ethtool netlink feature messages', () => {
  it('ask for the ETH_SS_FEATURES string set', () => {
    const m = featureNamesRequest(27, 5);
    expect(m.readUInt16LE(4)).toBe(27);
    expect([m[16], m[17]]).toEqual([1, 1]); // ETHTOOL_MSG_STRSET_GET, version 1
    const top = attrs(m, 20);
    expect(top[0]).toEqual(header(5));
    expect(top[1]![0]).toBe(0x8002);
    const set = attrs(top[1]![1]);
    expect(set.map(([t]) => t)).toEqual([0x8001]);
    expect(attrs(set[0]![1])).toEqual([[1, u32(4)]]);
  });

  it('read the features in compact form', () => {
    const m = featuresGetRequest(27, 5);
    expect(m[16]).toBe(11); // ETHTOOL_MSG_FEATURES_GET
    expect(attrs(m, 20)).toEqual([header(5, 1)]);
  });

  it('set named features without NOMASK, so unnamed ones keep their state; no reply asked', () => {
    const m = featuresSetRequest(27, 5, { 'rx-gro': true, 'tx-tcp-segmentation': false });
    expect(m[16]).toBe(12); // ETHTOOL_MSG_FEATURES_SET
    const top = attrs(m, 20);
    expect(top[0]).toEqual(header(5, 2)); // ETHTOOL_FLAG_OMIT_REPLY
    expect(top[1]![0]).toBe(0x8003); // ETHTOOL_A_FEATURES_WANTED
    const bitset = attrs(top[1]![1]);
    expect(bitset.map(([t]) => t)).toEqual([0x8003]); // only ETHTOOL_A_BITSET_BITS
    const bits = attrs(bitset[0]![1]);
    expect(bits.map(([t]) => t)).toEqual([0x8001, 0x8001]);
    expect(attrs(bits[0]![1])).toEqual([[2, str('rx-gro')], [3, Buffer.alloc(0)]]);
    expect(attrs(bits[1]![1])).toEqual([[2, str('tx-tcp-segmentation')]]);
  });

  it('refuse a name no kernel holds before asking', () => {
    expect(() => featuresSetRequest(27, 5, { '': true })).toThrow(/not an offload feature name/);
    expect(() => featuresSetRequest(27, 5, { ['x'.repeat(32)]: true })).toThrow(/not an offload feature name/);
  });

  it('decode the feature names, by index', () => {
    const r = reply(1, (m) => {
      const sets = m.nest(0x8002);
      const set = m.nest(0x8001);
      m.u32(1, 4).u32(2, 3);
      const strings = m.nest(0x8003);
      for (const [i, s] of [[0, 'tx-scatter-gather'], [2, 'rx-gro'], [1, 'tx-checksum-ipv4']] as const) {
        const one = m.nest(0x8001);
        m.u32(1, i).string(2, s);
        m.end(one);
      }
      m.end(strings);
      m.end(set);
      m.end(sets);
    });
    expect(decodeFeatureNames(r.buf, r.at, r.len)).toEqual(['tx-scatter-gather', 'tx-checksum-ipv4', 'rx-gro']);
  });

  it('decode the four bitmaps into named states', () => {
    const names = Array.from({ length: 40 }, (_, i) => (i === 3 ? '' : `f${i}`));
    const words = (...bits: number[]) => {
      const b = Buffer.alloc(8);
      for (const i of bits) b.writeUInt32LE(b.readUInt32LE(4 * (i >> 5)) | (1 << (i & 31)), 4 * (i >> 5));
      return b;
    };
    const r = reply(11, (m) => {
      for (const [type, bits] of [[2, words(0, 1, 33)], [3, words(0, 33, 2)], [4, words(0, 2)], [5, words(39)]] as const) {
        const n = m.nest(0x8000 | type);
        m.bytes(1, new Uint8Array(0)).u32(2, 40).bytes(4, bits);
        m.end(n);
      }
    });
    const f = decodeFeatures(r.buf, r.at, r.len, names);
    expect(Object.keys(f)).toHaveLength(39); // the unnamed bit is left out
    expect(f.f0).toEqual({ active: true, requested: true, available: true, neverChanged: false });
    expect(f.f1).toEqual({ active: false, requested: false, available: true, neverChanged: false });
    expect(f.f2).toEqual({ active: true, requested: true, available: false, neverChanged: false });
    expect(f.f33).toEqual({ active: false, requested: true, available: true, neverChanged: false });
    expect(f.f39).toEqual({ active: false, requested: false, available: false, neverChanged: true });
  });
});

describe('ethtool netlink coalesce, ring and pause messages', () => {
  it("name exactly the ethtool setting's options of each group", () => {
    for (const g of ETHTOOL_PARAM_GROUPS) expect(PARAM_GROUP_ROWS[g].params.map((p) => p.name).sort()).toEqual([...ETHTOOL_PARAM_NAMES[g]].sort());
  });

  it('ask with the right command for each group', () => {
    expect([paramsGetRequest(27, 5, 'coalesce')[16], paramsGetRequest(27, 5, 'ring')[16], paramsGetRequest(27, 5, 'pause')[16]]).toEqual([19, 15, 21]);
    expect(attrs(paramsGetRequest(27, 5, 'ring'), 20)).toEqual([header(5)]);
  });

  it('set only the values given, with their widths', () => {
    const ring = paramsSetRequest(27, 5, 'ring', { tx: 512, rx: 100 });
    expect(ring[16]).toBe(16);
    expect(attrs(ring, 20)).toEqual([header(5), [6, u32(100)], [9, u32(512)]]);
    const coalesce = paramsSetRequest(27, 5, 'coalesce', { 'adaptive-rx': 1, 'rx-usecs': 50, 'sample-interval': 7 });
    expect(coalesce[16]).toBe(20);
    expect(attrs(coalesce, 20)).toEqual([header(5), [2, u32(50)], [11, Buffer.from([1])], [23, u32(7)]]);
    const pause = paramsSetRequest(27, 5, 'pause', { rx: true, autoneg: false });
    expect(pause[16]).toBe(22);
    expect(attrs(pause, 20)).toEqual([header(5), [2, Buffer.from([0])], [3, Buffer.from([1])]]);
  });

  it('refuse an unknown name or a value out of range, naming it', () => {
    expect(() => paramsSetRequest(27, 5, 'ring', { 'rx-max': 1 })).toThrow("'rx-max' is not one of the ring sizes (rx, rx-mini, rx-jumbo, tx)");
    expect(() => paramsSetRequest(27, 5, 'ring', { rx: -1 })).toThrow('rx: -1 is not an integer from 0 to 4294967295');
    expect(() => paramsSetRequest(27, 5, 'coalesce', { 'adaptive-tx': 2 })).toThrow('adaptive-tx: 2 is not an integer from 0 to 1');
    expect(() => paramsSetRequest(27, 5, 'pause', { rx: 1 })).toThrow('rx: 1 is not on or off');
    expect(() => paramsGetRequest(27, 5, 'bogus' as 'ring')).toThrow(/'bogus' is not an ethtool group/);
  });

  it('decode only what the kernel sent', () => {
    const r = reply(16, (m) => {
      m.u32(2, 4096).u32(5, 4096).u32(6, 256).u32(9, 512);
    });
    expect(decodeParams(r.buf, r.at, r.len, 'ring')).toEqual({ rx: 256, tx: 512 });
    const p = reply(22, (m) => {
      m.u8(2, 1).u8(3, 0).u8(4, 1);
    });
    expect(decodeParams(p.buf, p.at, p.len, 'pause')).toEqual({ autoneg: true, rx: false, tx: true });
    const c = reply(20, (m) => {
      m.u32(2, 3).u8(11, 1);
    });
    expect(decodeParams(c.buf, c.at, c.len, 'coalesce')).toEqual({ 'rx-usecs': 3, 'adaptive-rx': 1 });
  });
});
