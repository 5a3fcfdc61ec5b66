/**
 * The fake kernel's policy routing rules, with the kernel's semantics
 * (net/core/fib_rules.c) as far as nmk relies on them:
 * - each family starts with the kernel's own rules (0 local, 32766 main,
 *   and for IPv4 32767 default; protocol kernel);
 * - rules are kept by priority, a new one after the others of its priority;
 * - an add is EEXIST when a rule agrees in every field, except that a
 *   prefix or tos the new rule does not give matches any, and "not" is
 *   not compared (rule_exists);
 * - a remove takes the first rule that agrees in every field it gives
 *   (rule_find), ENOENT when none does;
 * - checks: those of the Linux platform's encoder (rtnl-requests.ts) and
 *   the kernel's (IPv4 tos only in 0x1c, no ECN bits; port ranges 1..65534).
 */
import { Errno, RuleAction, type Family, type Rule, type RuleSpec } from '../../sdk/index.js';
import { checkInt, checkName, fail, parseIp } from './fake-values.js';

const RTPROT_KERNEL = 2;
const ACTIONS = new Set<number>(Object.values(RuleAction));
const ECN_MASK = 0x03;
const IPV4_RULE_TOS_MASK = 0x1c;

function defaults(family: Family): Rule[] {
  const rule = (priority: number, table: number): Rule => ({ family, priority, table, action: RuleAction.toTable, protocol: RTPROT_KERNEL });
  return family === 4 ? [rule(0, 255), rule(32766, 254), rule(32767, 253)] : [rule(0, 255), rule(32766, 254)];
}

const samePair = (a: [number, number] | undefined, b: [number, number] | undefined) => a?.[0] === b?.[0] && a?.[1] === b?.[1];

export class FakeRules {
  private lists: Record<Family, Rule[]> = { 4: defaults(4), 6: defaults(6) };

  list(family?: Family): Rule[] {
    const families: Family[] = family === undefined ? [4, 6] : [family];
    return families.flatMap((f) => this.lists[f]!.map(copyRule));
  }

  add(spec: RuleSpec, op: string): void {
    const rule = normalize(spec, op, true);
    const list = this.lists[rule.family]!;
    if (list.some((r) => exists(r, rule))) throw fail(Errno.EEXIST, op, 'an equal rule exists');
    let at = list.length;
    while (at > 0 && list[at - 1]!.priority > rule.priority) at--;
    list.splice(at, 0, rule);
  }

  remove(spec: RuleSpec, op: string): void {
    const want = normalize(spec, op, false);
    const list = this.lists[want.family]!;
    const at = list.findIndex((r) => matches(r, want, spec));
    if (at < 0) throw fail(Errno.ENOENT, op, 'no such rule');
    list.splice(at, 1);
  }
}

function copyRule(r: Rule): Rule {
  const c: Rule = { ...r };
  for (const key of ['sport', 'dport', 'uidRange'] as const) if (r[key]) c[key] = [...r[key]!] as [number, number];
  return c;
}

function pair(v: unknown, min: number, max: number, op: string, what: string): [number, number] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length !== 2) throw fail(Errno.EINVAL, op, `${what}: expected [start, end]`);
  const start = checkInt(v[0], min, max, op, `${what} start`);
  return [start, checkInt(v[1], start, max, op, `${what} end`)];
}

/** The rule as the kernel would hold it, or EINVAL. `adding` fills the defaults an add gets. */
function normalize(spec: RuleSpec, op: string, adding: boolean): Rule {
  const family = spec.family;
  if (family !== 4 && family !== 6) throw fail(Errno.EINVAL, op, `family ${String(family)}`);
  const max = family === 4 ? 32 : 128;
  const action = spec.action === undefined ? (adding ? RuleAction.toTable : 0) : checkInt(spec.action, 0, 255, op, 'action');
  if (action !== 0 && !ACTIONS.has(action)) throw fail(Errno.EINVAL, op, `action ${action}`);
  const table = spec.table === undefined ? 0 : checkInt(spec.table, 0, 0xffffffff, op, 'table');
  if (adding && action === RuleAction.toTable && table === 0) throw fail(Errno.EINVAL, op, 'a rule that looks up a table needs one');
  const rule: Rule = { family, priority: checkInt(spec.priority, 0, 0xffffffff, op, 'priority'), table, action, protocol: 0 };
  if (spec.invert) rule.invert = true;
  for (const [key, lenKey] of [['from', 'fromLen'], ['to', 'toLen']] as const) {
    if (spec[key] === undefined && spec[lenKey] === undefined) continue;
    const ip = parseIp(spec[key] ?? (family === 4 ? '0.0.0.0' : '::'), family, op, key);
    const len = spec[lenKey] === undefined ? max : checkInt(spec[lenKey], 0, max, op, lenKey);
    // Host bits stay as given, as in the kernel ("from 10.1.2.3/8").
    if (len > 0) {
      rule[key] = ip.text;
      rule[lenKey] = len;
    }
  }
  if (spec.tos !== undefined) {
    const tos = checkInt(spec.tos, 0, 255, op, 'tos');
    if (adding && tos & ECN_MASK) throw fail(Errno.EINVAL, op, 'tos: the ECN bits must be 0');
    if (adding && family === 4 && tos & ~IPV4_RULE_TOS_MASK) throw fail(Errno.EINVAL, op, `tos 0x${tos.toString(16)}: IPv4 rules take only 0x04-0x1c`);
    if (tos) rule.tos = tos;
  }
  if (spec.ipproto !== undefined && checkInt(spec.ipproto, 0, 255, op, 'ipproto') !== 0) rule.ipproto = spec.ipproto;
  if (spec.fwmark !== undefined || spec.fwmask !== undefined) {
    const mark = spec.fwmark === undefined ? 0 : checkInt(spec.fwmark, 0, 0xffffffff, op, 'fwmark');
    const mask = spec.fwmask === undefined ? (mark ? 0xffffffff : 0) : checkInt(spec.fwmask, 0, 0xffffffff, op, 'fwmask');
    if (mark || mask) {
      rule.fwmark = mark;
      rule.fwmask = mask;
    }
  }
  const sport = pair(spec.sport, 1, 0xfffe, op, 'sport');
  if (sport) rule.sport = sport;
  const dport = pair(spec.dport, 1, 0xfffe, op, 'dport');
  if (dport) rule.dport = dport;
  if (spec.iifname !== undefined) rule.iifname = checkName(spec.iifname, op, 'iifname');
  if (spec.oifname !== undefined) rule.oifname = checkName(spec.oifname, op, 'oifname');
  const uid = pair(spec.uidRange, 0, 0xfffffffe, op, 'uidRange');
  if (uid) rule.uidRange = uid;
  if (spec.suppressPrefixlength !== undefined) rule.suppressPrefixlength = checkInt(spec.suppressPrefixlength, 0, max, op, 'suppressPrefixlength');
  if (spec.protocol !== undefined) rule.protocol = checkInt(spec.protocol, 0, 255, op, 'protocol');
  return rule;
}

/** The family's compare(): a prefix or tos the new rule leaves out matches any. */
function compareAddressing(r: Rule, want: Rule): boolean {
  if (want.fromLen && (r.fromLen !== want.fromLen || r.from !== want.from)) return false;
  if (want.toLen && (r.toLen !== want.toLen || r.to !== want.to)) return false;
  if (want.tos && r.tos !== want.tos) return false;
  return true;
}

/** rule_exists: every field equal, but for the wildcards of compareAddressing. */
function exists(r: Rule, want: Rule): boolean {
  return r.action === want.action && r.table === want.table && r.priority === want.priority &&
    r.iifname === want.iifname && r.oifname === want.oifname && (r.fwmark ?? 0) === (want.fwmark ?? 0) && (r.fwmask ?? 0) === (want.fwmask ?? 0) &&
    r.suppressPrefixlength === want.suppressPrefixlength && samePair(r.uidRange, want.uidRange) && r.ipproto === want.ipproto &&
    r.protocol === want.protocol && samePair(r.sport, want.sport) && samePair(r.dport, want.dport) && compareAddressing(r, want);
}

/** rule_find: every field the request gives. */
function matches(r: Rule, want: Rule, spec: RuleSpec): boolean {
  if (want.action && r.action !== want.action) return false;
  if (want.table && r.table !== want.table) return false;
  if (r.priority !== want.priority) return false;
  if (want.iifname !== undefined && r.iifname !== want.iifname) return false;
  if (want.oifname !== undefined && r.oifname !== want.oifname) return false;
  if (want.fwmark && r.fwmark !== want.fwmark) return false;
  if (want.fwmask && r.fwmask !== want.fwmask) return false;
  if (want.suppressPrefixlength !== undefined && r.suppressPrefixlength !== want.suppressPrefixlength) return false;
  if (want.uidRange && !samePair(r.uidRange, want.uidRange)) return false;
  if (want.ipproto && r.ipproto !== want.ipproto) return false;
  if (spec.protocol && r.protocol !== want.protocol) return false;
  if (want.sport && !samePair(r.sport, want.sport)) return false;
  if (want.dport && !samePair(r.dport, want.dport)) return false;
  return compareAddressing(r, want);
}
