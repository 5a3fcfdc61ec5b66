/**
 * RTA_METRICS: the route metrics nmk sets, one row each, with the RTAX_*
 * number (linux/rtnetlink.h) and whether the metric can be locked (its
 * bit in RTAX_LOCK). Encoding and decoding walk the same rows.
 */
import { LOCKABLE_ROUTE_METRICS, type RouteMetricName, type RouteMetrics } from '../../sdk/index.js';
import { InvalidValue } from './ip-text.js';
import type { NlMessage } from './nl-message.js';
import * as C from './rtnl-constants.js';

interface MetricRow {
  name: RouteMetricName;
  rtax: number;
  lockable: boolean;
}

export const METRIC_ROWS: readonly MetricRow[] = [
  { name: 'mtu', rtax: 2, lockable: true },
  { name: 'window', rtax: 3, lockable: true },
  { name: 'cwnd', rtax: 7, lockable: true },
  { name: 'advmss', rtax: 8, lockable: true },
  { name: 'initcwnd', rtax: 11, lockable: true },
  { name: 'rto_min', rtax: 13, lockable: false },
  { name: 'initrwnd', rtax: 14, lockable: true },
  { name: 'quickack', rtax: 15, lockable: false },
];

const byName = new Map(METRIC_ROWS.map((r) => [r.name as string, r]));
const byRtax = new Map(METRIC_ROWS.map((r) => [r.rtax, r]));
const RTAX_LOCK = C.RTAX_LOCK;

/** Append RTA_METRICS for `metrics` (nothing when it sets nothing). Throws InvalidValue for an unknown name or a bad value. */
export function encodeMetrics(msg: NlMessage, metrics: RouteMetrics | undefined): void {
  if (metrics === undefined) return;
  if (typeof metrics !== 'object' || metrics === null) throw new InvalidValue(`metrics: ${String(metrics)} is not an object`);
  const values: Array<[number, number]> = [];
  let lock = 0;
  for (const [name, value] of Object.entries(metrics)) {
    if (value === undefined) continue;
    if (name === 'lock') {
      if (!Array.isArray(value)) throw new InvalidValue('metrics.lock: not a list of metric names');
      for (const locked of value as unknown[]) {
        const row = byName.get(String(locked));
        if (!row?.lockable) throw new InvalidValue(`metrics.lock: '${String(locked)}' is not a metric that can be locked`);
        lock |= 1 << row.rtax;
      }
      continue;
    }
    const row = byName.get(name);
    if (!row) throw new InvalidValue(`metrics: unknown metric '${name}'`);
    const n = typeof value === 'boolean' ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new InvalidValue(`metrics.${name}: ${String(value)} is not an integer in 0..4294967295`);
    // 0 is the kernel's "not set": NetworkManager sends only the metrics that are not 0.
    if (n !== 0) values.push([row.rtax, n]);
  }
  if (values.length === 0 && lock === 0) return;
  const nest = msg.nest(C.RTA_METRICS);
  if (lock !== 0) msg.u32(RTAX_LOCK, lock);
  for (const [rtax, n] of values) msg.u32(rtax, n);
  msg.end(nest);
}

/** The known metrics in an RTA_METRICS payload buf[start, end), or undefined when it holds none of them. */
export function decodeMetrics(buf: Buffer, start: number, end: number): RouteMetrics | undefined {
  let out: RouteMetrics | undefined;
  let lockBits = 0;
  for (let p = start; p + 4 <= end; ) {
    const alen = buf.readUInt16LE(p);
    if (alen < 4 || p + alen > end) break;
    const type = buf.readUInt16LE(p + 2) & C.NLA_TYPE_MASK;
    if (alen >= 8) {
      const v = buf.readUInt32LE(p + 4);
      if (type === RTAX_LOCK) lockBits = v;
      else {
        const row = byRtax.get(type);
        if (row) {
          out ??= {};
          if (row.name === 'quickack') out.quickack = v !== 0;
          else out[row.name] = v;
        }
      }
    }
    p += (alen + 3) & ~3;
  }
  if (lockBits !== 0) {
    const lock = LOCKABLE_ROUTE_METRICS.filter((name) => lockBits & (1 << byName.get(name)!.rtax));
    if (lock.length > 0) (out ??= {}).lock = lock;
  }
  return out;
}
