/**
 * Rules of "802-1x" (NetworkManager's nm-setting-8021x.c verify and the
 * per-EAP-method checks). Value lists are row checks.
 */
import { describeValue } from '../issues.js';
import { connectionType } from '../topology.js';
import type { SettingRules, VerifyContext } from './context.js';

const S = '802-1x';

function identity(ctx: VerifyContext): void {
  const id = ctx.raw(S, 'identity') as string | undefined;
  if (id === undefined) ctx.error(S, 'identity', 'property is missing');
  else if (id === '') ctx.error(S, 'identity', 'property is empty', id);
}

function tls(ctx: VerifyContext): void {
  for (const p of ['client-cert', 'private-key']) {
    const v = ctx.raw(S, p) as Uint8Array | undefined;
    if (v === undefined) ctx.error(S, p, 'property is missing');
    else if (v.length === 0) ctx.error(S, p, 'property is empty', v);
  }
}

function tunnel(ctx: VerifyContext): void {
  identity(ctx);
  const auth = ctx.raw(S, 'phase2-auth');
  const autheap = ctx.raw(S, 'phase2-autheap');
  if ((auth === undefined) === (autheap === undefined)) {
    ctx.error(S, 'phase2-auth', `exactly one of 'phase2-auth' (${describeValue(auth)}) and 'phase2-autheap' (${describeValue(autheap)}) must be set`);
  }
}

/** What each EAP method needs (NetworkManager's eap_methods_table). */
const METHOD_CHECKS: Readonly<Record<string, (ctx: VerifyContext) => void>> = {
  leap: identity,
  pwd: identity,
  md5: identity,
  fast: identity,
  tls,
  peap: tunnel,
  ttls: tunnel,
};

/** TLS 1.0..1.3 each have a disable bit and an enable bit; both at once is refused. */
const TLS_BIT_PAIRS: readonly [number, number][] = [
  [0x1, 0x20],
  [0x2, 0x40],
  [0x4, 0x80],
  [0x10, 0x100],
];

export const ieee8021xRules: SettingRules = {
  setting: S,
  verify(ctx) {
    if (ctx.bool(S, 'optional') && connectionType(ctx.settings) !== '802-3-ethernet') {
      ctx.error(S, 'optional', 'true: can be enabled only on Ethernet connections', true);
    }
    const eap = ctx.raw(S, 'eap') as string[] | undefined;
    if (eap === undefined || eap.length === 0) ctx.error(S, 'eap', 'property is missing');
    for (const method of eap ?? []) METHOD_CHECKS[method]?.(ctx);
    const flags = ctx.num(S, 'phase1-auth-flags') ?? 0;
    if (TLS_BIT_PAIRS.some(([d, e]) => (flags & d) !== 0 && (flags & e) !== 0)) {
      ctx.error(S, 'phase1-auth-flags', `${flags}: invalid auth flags: both enable and disable are set for the same TLS version`, flags);
    }
    for (const p of EMPTY_STRING_PROPERTIES) {
      if (ctx.raw(S, p) === '') ctx.report('normalizable', S, p, "'' is empty and will be removed", '');
    }
  },
};

/** Strings NetworkManager's normalisation unsets when they are empty. */
export const EMPTY_STRING_PROPERTIES = [
  'identity', 'anonymous-identity', 'pac-file', 'subject-match', 'phase2-subject-match',
  'domain-suffix-match', 'phase2-domain-suffix-match', 'domain-match', 'phase2-domain-match',
] as const;
