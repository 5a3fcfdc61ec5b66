/**
 * Traffic control records (tc.qdiscs, tc.tfilters) in the subset of tc's
 * syntax NetworkManager 1.42 reads and writes (nm_utils_tc_qdisc_from_str,
 * nm_utils_tc_tfilter_from_str and their formatters):
 *   qdisc    [root | parent H] [handle H] KIND [attributes of fq_codel, sfq, tbf]
 *   tfilter  [root | parent H] [handle H] KIND [action simple sdata TEXT | action mirred ... | action KIND]
 * and their D-Bus records {kind, handle, parent, <attributes>} and
 * {kind, handle, parent, action: {kind, <attributes>}}. Handles are
 * "MAJ:[MIN]" in hex; "root" is 0xffffffff, ingress 0xfffffff1.
 */
import { dbusValue, type DBusValue } from '../dbus/value.js';
import { formatAttributes, parseAttributes, plainValue, type AttributeSpec, type AttributeValue } from './attributes.js';
import { fail, ok, type Parsed } from './result.js';

export const TC_H_ROOT = 0xffffffff;
export const TC_H_INGRESS = 0xfffffff1;
const TC_H_UNSPEC = 0;

const OBJECT_SPEC: readonly AttributeSpec[] = [
  { name: 'root', type: 'b', noValue: true },
  { name: 'parent', type: 's' },
  { name: 'handle', type: 's' },
  { name: 'kind', type: 's', noValue: true },
  { name: '', type: 's', noValue: true, rest: true },
];

/** Attributes NetworkManager knows per qdisc kind (others take none). */
export const QDISC_ATTRIBUTES: Readonly<Record<string, readonly AttributeSpec[]>> = {
  fq_codel: [
    { name: 'limit', type: 'u' },
    { name: 'flows', type: 'u' },
    { name: 'target', type: 'u' },
    { name: 'interval', type: 'u' },
    { name: 'quantum', type: 'u' },
    { name: 'ce_threshold', type: 'u' },
    { name: 'memory_limit', type: 'u' },
    { name: 'ecn', type: 'b', noValue: true },
  ],
  sfq: [
    { name: 'quantum', type: 'u' },
    { name: 'perturb', type: 'i' },
    { name: 'limit', type: 'u' },
    { name: 'divisor', type: 'u' },
    { name: 'flows', type: 'u' },
    { name: 'depth', type: 'u' },
  ],
  tbf: [
    { name: 'rate', type: 't' },
    { name: 'burst', type: 'u' },
    { name: 'limit', type: 'u' },
    { name: 'latency', type: 'u' },
  ],
};

/** Attributes per action kind. */
export const ACTION_ATTRIBUTES: Readonly<Record<string, readonly AttributeSpec[]>> = {
  simple: [{ name: 'sdata', type: 'ay' }],
  mirred: [
    { name: 'egress', type: 'b', noValue: true },
    { name: 'ingress', type: 'b', noValue: true },
    { name: 'mirror', type: 'b', noValue: true },
    { name: 'redirect', type: 'b', noValue: true },
    { name: 'dev', type: 's' },
  ],
};

export interface TcAction {
  kind: string;
  attributes: Map<string, AttributeValue>;
}

export interface TcObject {
  kind: string;
  handle: number;
  parent: number;
  attributes: Map<string, AttributeValue>;
  /** tfilters only. */
  action?: TcAction;
}

/** "1234:", "1234:2" (hex) → handle; undefined when not a handle (_nm_utils_parse_tc_handle). */
export function parseTcHandle(text: string): number | undefined {
  const m = /^\s*([0-9a-fA-F]+)\s*(?::\s*([0-9a-fA-F]*)\s*)?$/.exec(text);
  if (!m) return undefined;
  const maj = parseInt(m[1]!, 16);
  const min = m[2] ? parseInt(m[2], 16) : 0;
  if (maj <= 0 || maj > 0xffff || min > 0xffff) return undefined;
  return maj * 0x10000 + min;
}

/** "maj:" or "maj:min" in hex, as NetworkManager writes handles. */
export function formatTcHandle(handle: number): string {
  const maj = Math.floor(handle / 0x10000);
  const min = handle % 0x10000;
  return `${maj.toString(16)}:${min ? min.toString(16) : ''}`;
}

/** The parent as a keyfile key suffix: "root" or a handle ("qdisc.root", "qdisc.1234:2"). */
export function formatTcParentKey(parent: number): string {
  return parent === TC_H_ROOT ? 'root' : formatTcHandle(parent);
}

function readCommon(text: string): Parsed<{ handle: number; parent: number; kind: string; rest?: string }> {
  const p = parseAttributes(text, ' ', ' ', OBJECT_SPEC);
  if (!p.ok) return p;
  let parent = p.value.has('root') ? TC_H_ROOT : TC_H_UNSPEC;
  let handle = TC_H_UNSPEC;
  const parentText = p.value.get('parent') as string | undefined;
  if (parentText !== undefined) {
    if (parent !== TC_H_UNSPEC) return fail(`'${parentText}' unexpected: parent already specified.`);
    const h = parseTcHandle(parentText);
    if (h === undefined) return fail(`'${parentText}' is not a valid handle.`);
    parent = h;
  }
  const handleText = p.value.get('handle') as string | undefined;
  if (handleText !== undefined) {
    const h = parseTcHandle(handleText);
    if (h === undefined) return fail(`'${handleText}' is not a valid handle.`);
    if (h % 0x10000 !== 0) return fail(`invalid handle: '${handleText}'`);
    handle = h;
  }
  const kind = (p.value.get('kind') as string | undefined) ?? '';
  if (kind === 'ingress' || kind === 'clsact') {
    if (parent === TC_H_UNSPEC) parent = TC_H_INGRESS;
    if (handle === TC_H_UNSPEC) handle = 0xffff0000;
  }
  if (parent === TC_H_UNSPEC) return fail('parent not specified.');
  if (kind === '') return fail('kind is missing');
  const rest = p.value.get('') as string | undefined;
  return ok({ handle, parent, kind, ...(rest !== undefined ? { rest } : {}) });
}

export function parseQdisc(text: string): Parsed<TcObject> {
  const c = readCommon(text);
  if (!c.ok) return c;
  let attributes = new Map<string, AttributeValue>();
  if (c.value.rest !== undefined) {
    const spec = QDISC_ATTRIBUTES[c.value.kind];
    if (!spec) return fail(`unsupported qdisc option: '${c.value.rest}'.`);
    const a = parseAttributes(c.value.rest, ' ', ' ', spec);
    if (!a.ok) return a;
    attributes = a.value;
  }
  return ok({ kind: c.value.kind, handle: c.value.handle, parent: c.value.parent, attributes });
}

function parseAction(text: string): Parsed<TcAction> {
  const p = parseAttributes(text, ' ', ' ', [{ name: 'kind', type: 's', noValue: true }, { name: '', type: 's', noValue: true, rest: true }]);
  if (!p.ok) return p;
  const kind = p.value.get('kind') as string | undefined;
  if (!kind) return fail('action name missing.');
  const rest = p.value.get('') as string | undefined;
  if (rest === undefined) return ok({ kind, attributes: new Map() });
  const spec = ACTION_ATTRIBUTES[kind];
  if (!spec) return fail(`unsupported action option: '${rest}'.`);
  const a = parseAttributes(rest, ' ', ' ', spec);
  return a.ok ? ok({ kind, attributes: a.value }) : a;
}

export function parseTfilter(text: string): Parsed<TcObject> {
  const c = readCommon(text);
  if (!c.ok) return c;
  const filter: TcObject = { kind: c.value.kind, handle: c.value.handle, parent: c.value.parent, attributes: new Map() };
  if (c.value.rest !== undefined) {
    const p = parseAttributes(c.value.rest, ' ', ' ', [{ name: 'action', type: 'b', noValue: true }, { name: '', type: 's', noValue: true, rest: true }]);
    if (!p.ok) return p;
    if (!p.value.has('action')) return fail(`unsupported tfilter option: '${c.value.rest}'.`);
    const action = parseAction((p.value.get('') as string | undefined) ?? '');
    if (!action.ok) return fail(`invalid action: ${action.reason}`);
    filter.action = action.value;
  }
  return ok(filter);
}

/** Everything after the parent (the keyfile value): "handle 1234: fq_codel limit 10". */
export function formatQdiscRest(q: TcObject): string {
  const handle = q.handle !== TC_H_UNSPEC && q.kind !== 'ingress' && q.kind !== 'clsact' ? `handle ${formatTcHandle(q.handle)} ` : '';
  // NetworkManager formats qdisc attributes without their spec, so flags get a value ("ecn true").
  const attrs = formatAttributes(q.attributes, ' ', ' ');
  return `${handle}${q.kind}${attrs ? ` ${attrs}` : ''}`;
}

export function formatTfilterRest(f: TcObject): string {
  const handle = f.handle !== TC_H_UNSPEC ? `handle ${formatTcHandle(f.handle)} ` : '';
  let action = '';
  if (f.action) {
    const attrs = formatAttributes(f.action.attributes, ' ', ' ', ACTION_ATTRIBUTES[f.action.kind] ?? []);
    action = ` action ${f.action.kind}${attrs ? ` ${attrs}` : ''}`;
  }
  return `${handle}${f.kind}${action}`;
}

/** "root ", "parent 1234:2 ", or nothing for the ingress parent (implied by the kind). */
function parentPrefix(parent: number, impliedByKind: boolean): string {
  if (parent === TC_H_ROOT) return 'root ';
  if (parent === TC_H_INGRESS && impliedByKind) return '';
  return `parent ${formatTcHandle(parent)} `;
}

export function formatQdisc(q: TcObject): string {
  return parentPrefix(q.parent, q.kind === 'ingress' || q.kind === 'clsact') + formatQdiscRest(q);
}

export function formatTfilter(f: TcObject): string {
  // NetworkManager leaves out an ingress parent here too, which it cannot read back; nmk keeps it.
  return parentPrefix(f.parent, false) + formatTfilterRest(f);
}

function attributeToDBus(spec: readonly AttributeSpec[] | undefined, name: string, value: AttributeValue): DBusValue {
  const type = spec?.find((s) => s.name === name)?.type;
  if (type === 'ay') return dbusValue('ay', new Uint8Array([...Buffer.from(String(value), 'utf8'), 0]));
  if (type === 't') return dbusValue('t', BigInt(value as number | bigint));
  const sig = type ?? (typeof value === 'boolean' ? 'b' : typeof value === 'string' ? 's' : typeof value === 'bigint' ? 't' : 'u');
  return dbusValue(sig, value);
}

function attributesFromDBus(spec: readonly AttributeSpec[] | undefined, record: Record<string, unknown>, skip: readonly string[]): Parsed<Map<string, AttributeValue>> {
  const out = new Map<string, AttributeValue>();
  for (const [name, raw] of Object.entries(record)) {
    if (skip.includes(name)) continue;
    const s = spec?.find((x) => x.name === name);
    if (!s) return fail(`unknown attribute '${name}'`);
    const v = plainValue(raw);
    if (s.type === 'ay' && (v instanceof Uint8Array || Array.isArray(v))) {
      const bytes = Array.from(v as ArrayLike<number>);
      out.set(name, Buffer.from(bytes[bytes.length - 1] === 0 ? bytes.slice(0, -1) : bytes).toString('utf8'));
    } else if (s.type === 'b' && typeof v === 'boolean') out.set(name, v);
    else if (s.type === 's' && typeof v === 'string') out.set(name, v);
    else if ((s.type === 'u' || s.type === 'i') && typeof v === 'number' && Number.isInteger(v)) out.set(name, v);
    else if (s.type === 't' && (typeof v === 'number' || typeof v === 'bigint')) out.set(name, BigInt(v));
    else return fail(`attribute '${name}' has a value of the wrong type`);
  }
  return ok(out);
}

export function qdiscToDBus(q: TcObject): Record<string, DBusValue> {
  const out: Record<string, DBusValue> = { kind: dbusValue('s', q.kind), handle: dbusValue('u', q.handle), parent: dbusValue('u', q.parent) };
  for (const [k, v] of [...q.attributes.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) out[k] = attributeToDBus(QDISC_ATTRIBUTES[q.kind], k, v);
  return out;
}

export function tfilterToDBus(f: TcObject): Record<string, DBusValue> {
  const out: Record<string, DBusValue> = { kind: dbusValue('s', f.kind), handle: dbusValue('u', f.handle), parent: dbusValue('u', f.parent) };
  if (f.action) {
    const action: Record<string, DBusValue> = { kind: dbusValue('s', f.action.kind) };
    for (const [k, v] of f.action.attributes) action[k] = attributeToDBus(ACTION_ATTRIBUTES[f.action.kind], k, v);
    out['action'] = dbusValue('a{sv}', action);
  }
  return out;
}

function commonFromDBus(record: Record<string, unknown>): Parsed<{ kind: string; parent: number; handle: number }> {
  const kind = record['kind'];
  const parent = record['parent'];
  const handle = record['handle'] ?? TC_H_UNSPEC;
  if (typeof kind !== 'string' || kind === '' || /[ \t]/.test(kind)) return fail(`'${String(kind)}' is not a valid kind`);
  if (typeof parent !== 'number' || parent === 0) return fail('parent handle missing');
  if (typeof handle !== 'number') return fail('handle must be a uint32');
  return ok({ kind, parent, handle });
}

export function qdiscFromDBus(record: Record<string, unknown>): Parsed<TcObject> {
  const c = commonFromDBus(record);
  if (!c.ok) return c;
  const attrs = attributesFromDBus(QDISC_ATTRIBUTES[c.value.kind], record, ['kind', 'parent', 'handle']);
  return attrs.ok ? ok({ ...c.value, attributes: attrs.value }) : attrs;
}

export function tfilterFromDBus(record: Record<string, unknown>): Parsed<TcObject> {
  const c = commonFromDBus(record);
  if (!c.ok) return c;
  const filter: TcObject = { ...c.value, attributes: new Map() };
  const action = plainValue(record['action']);
  if (action !== undefined) {
    const a = action as Record<string, unknown>;
    if (typeof a !== 'object' || typeof a['kind'] !== 'string') return fail('action without a kind');
    const attrs = attributesFromDBus(ACTION_ATTRIBUTES[a['kind']], a, ['kind']);
    if (!attrs.ok) return attrs;
    filter.action = { kind: a['kind'], attributes: attrs.value };
  }
  return ok(filter);
}
