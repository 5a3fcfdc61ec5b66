/**
 * Interrupt coalescing, ring sizes and pause frames through the ethtool
 * netlink family, as `ethtool -c/-C`, `-g/-G` and `-a/-A`:
 * ETHTOOL_MSG_{COALESCE,RINGS,PAUSE}_{GET,SET}. NetworkManager uses the
 * ioctls ETHTOOL_G/SCOALESCE, _G/SRINGPARAM and _G/SPAUSEPARAM, which read
 * and write the whole struct; the netlink SET takes only the attributes
 * given, so nmk sends only the values it changes (the kernel refuses any
 * attribute of a parameter the driver does not support, even unchanged).
 *
 * One row per value: the ethtool setting's name without its group prefix,
 * the netlink attribute, and its width (the adaptive switches and the pause
 * values are u8 on the wire).
 */
import type { EthtoolParamGroup, EthtoolParams } from '../../sdk/index.js';
import { ethtoolRequest, GENL_HDRLEN, type EthtoolGenl } from './ethtool-genl.js';
import { InvalidValue } from './ip-text.js';
import { forEachAttr } from './nl-message.js';

interface ParamRow {
  name: string;
  attr: number;
  type: 'u32' | 'u8' | 'bool';
}

interface GroupRow {
  get: number;
  set: number;
  reply: number;
  /** What `ethtool` calls the group, for operation texts. */
  what: string;
  params: readonly ParamRow[];
}

const u32 = (name: string, attr: number): ParamRow => ({ name, attr, type: 'u32' });

/** linux/ethtool_netlink.h; names as NetworkManager's coalesce-*, ring-* and pause-* options. */
export const PARAM_GROUP_ROWS: Readonly<Record<EthtoolParamGroup, GroupRow>> = {
  coalesce: {
    get: 19,
    set: 20,
    reply: 20,
    what: 'interrupt coalescing',
    params: [
      u32('rx-usecs', 2),
      u32('rx-frames', 3),
      u32('rx-usecs-irq', 4),
      u32('rx-frames-irq', 5),
      u32('tx-usecs', 6),
      u32('tx-frames', 7),
      u32('tx-usecs-irq', 8),
      u32('tx-frames-irq', 9),
      u32('stats-block-usecs', 10),
      { name: 'adaptive-rx', attr: 11, type: 'u8' },
      { name: 'adaptive-tx', attr: 12, type: 'u8' },
      u32('pkt-rate-low', 13),
      u32('rx-usecs-low', 14),
      u32('rx-frames-low', 15),
      u32('tx-usecs-low', 16),
      u32('tx-frames-low', 17),
      u32('pkt-rate-high', 18),
      u32('rx-usecs-high', 19),
      u32('rx-frames-high', 20),
      u32('tx-usecs-high', 21),
      u32('tx-frames-high', 22),
      u32('sample-interval', 23),
    ],
  },
  ring: {
    get: 15,
    set: 16,
    reply: 16,
    what: 'ring sizes',
    params: [u32('rx', 6), u32('rx-mini', 7), u32('rx-jumbo', 8), u32('tx', 9)],
  },
  pause: {
    get: 21,
    set: 22,
    reply: 22,
    what: 'pause frames',
    params: [
      { name: 'autoneg', attr: 2, type: 'bool' },
      { name: 'rx', attr: 3, type: 'bool' },
      { name: 'tx', attr: 4, type: 'bool' },
    ],
  },
};

function groupRow(group: EthtoolParamGroup): GroupRow {
  const row = (PARAM_GROUP_ROWS as Record<string, GroupRow | undefined>)[group];
  if (!row) throw new InvalidValue(`'${String(group)}' is not an ethtool group (${Object.keys(PARAM_GROUP_ROWS).join(', ')})`);
  return row;
}

/** "interrupt coalescing", "ring sizes", "pause frames". */
export const describeGroup = (group: EthtoolParamGroup): string => (PARAM_GROUP_ROWS as Record<string, GroupRow | undefined>)[group]?.what ?? String(group);

// ---- encoding -------------------------------------------------------------------

export function paramsGetRequest(familyId: number, ifindex: number, group: EthtoolParamGroup): Buffer {
  return ethtoolRequest(familyId, groupRow(group).get, ifindex).finish();
}

/** Only the values given, in row order; throws InvalidValue naming an unknown name or a value out of range. */
export function paramsSetRequest(familyId: number, ifindex: number, group: EthtoolParamGroup, values: Readonly<EthtoolParams>): Buffer {
  const row = groupRow(group);
  for (const name of Object.keys(values)) {
    if (!row.params.some((p) => p.name === name)) throw new InvalidValue(`'${name}' is not one of the ${row.what} (${row.params.map((p) => p.name).join(', ')})`);
  }
  const m = ethtoolRequest(familyId, row.set, ifindex);
  for (const p of row.params) {
    const v = values[p.name];
    if (v === undefined) continue;
    if (p.type === 'bool') {
      if (typeof v !== 'boolean') throw new InvalidValue(`${p.name}: ${String(v)} is not on or off`);
      m.u8(p.attr, v ? 1 : 0);
      continue;
    }
    const max = p.type === 'u8' ? 1 : 0xffffffff;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) throw new InvalidValue(`${p.name}: ${String(v)} is not an integer from 0 to ${max}`);
    if (p.type === 'u8') m.u8(p.attr, v);
    else m.u32(p.attr, v);
  }
  return m.finish();
}

// ---- decoding ---------------------------------------------------------------------

/** A GET reply's values by name: only the attributes the kernel sent (it leaves out what the driver does not support). */
export function decodeParams(buf: Buffer, at: number, len: number, group: EthtoolParamGroup): EthtoolParams {
  const rows = new Map(groupRow(group).params.map((p) => [p.attr, p]));
  const out: EthtoolParams = {};
  forEachAttr(buf, at + GENL_HDRLEN, at + len, (type, p, l) => {
    const row = rows.get(type);
    if (!row) return;
    if (row.type === 'u32' && l >= 4) out[row.name] = buf.readUInt32LE(p);
    else if (row.type === 'u8' && l >= 1) out[row.name] = buf[p]!;
    else if (row.type === 'bool' && l >= 1) out[row.name] = buf[p] !== 0;
  });
  return out;
}

// ---- the requests ---------------------------------------------------------------------

export class EthtoolParamsIo {
  constructor(private readonly genl: EthtoolGenl) {}

  get(ifindex: number, group: EthtoolParamGroup, operation: string): Promise<EthtoolParams> {
    return this.genl.get((f) => paramsGetRequest(f, ifindex, group), groupRow(group).reply, (b, a, l) => decodeParams(b, a, l, group), operation);
  }

  set(ifindex: number, group: EthtoolParamGroup, values: Readonly<EthtoolParams>, operation: string): Promise<void> {
    return this.genl.request((f) => paramsSetRequest(f, ifindex, group, values), operation);
  }
}
