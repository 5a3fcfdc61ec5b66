/**
 * NetworkManager's logging levels and domains, for Manager.SetLogging and
 * GetLogging (nm-logging.c in NetworkManager 1.42): a level for the daemon
 * and a level per domain. SetLogging("LEVEL", "DOMAIN[:LEVEL],...") is
 * checked whole before anything changes; an unknown level is
 * org.freedesktop.NetworkManager.UnknownLogLevel, an unknown domain
 * UnknownLogDomain, with NetworkManager's wording.
 *
 * nmk's logger has one level, not one per domain: the daemon's level is what
 * it logs at; the domains are kept and reported so that `nmcli general
 * logging` shows what was set.
 */
import { NmkError, type LogLevel } from '../../../sdk/index.js';

/** Levels, most verbose first (NMLogLevel order); KEEP is not a level but "leave as is". */
export const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERR', 'OFF'] as const;
export type NmLevel = (typeof LEVELS)[number];

/** What nmk's logger does for each level (it cannot be silenced: OFF keeps errors). */
export const LOGGER_LEVEL: Readonly<Record<NmLevel, LogLevel>> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERR: 'error', OFF: 'error' };

/** The domains, in NetworkManager's order (GetLogging lists them so). */
export const DOMAINS = [
  'PLATFORM', 'RFKILL', 'ETHER', 'WIFI', 'BT', 'MB', 'DHCP4', 'DHCP6', 'PPP', 'WIFI_SCAN', 'IP4', 'IP6', 'AUTOIP4',
  'DNS', 'VPN', 'SHARING', 'SUPPLICANT', 'AGENTS', 'SETTINGS', 'SUSPEND', 'CORE', 'DEVICE', 'OLPC', 'INFINIBAND',
  'FIREWALL', 'ADSL', 'BOND', 'VLAN', 'BRIDGE', 'DBUS_PROPS', 'TEAM', 'CONCHECK', 'DCB', 'DISPATCH', 'AUDIT',
  'SYSTEMD', 'VPN_PLUGIN', 'PROXY',
] as const;

/** VPN_PLUGIN may expose secrets: ALL and DEFAULT never turn it below INFO. */
const PROTECTED = 'VPN_PLUGIN';
const NOT_DEFAULT = new Set<string>(['DBUS_PROPS', 'WIFI_SCAN', 'VPN_PLUGIN']);

/** Names that stand for several domains, or none (WIMAX is gone but still accepted). */
const GROUPS: Readonly<Record<string, readonly string[]>> = {
  ALL: DOMAINS,
  DEFAULT: DOMAINS.filter((d) => !NOT_DEFAULT.has(d)),
  DHCP: ['DHCP4', 'DHCP6'],
  IP: ['IP4', 'IP6'],
  HW: ['PLATFORM'],
  WIMAX: [],
};

/** The logging state: the daemon's level and each enabled domain's level. */
export interface LogState {
  level: NmLevel;
  domains: ReadonlyMap<string, NmLevel>;
}

/** NetworkManager's start-up state: DEFAULT at the daemon's level. */
export function initialLogState(level: NmLevel): LogState {
  return { level, domains: new Map(level === 'OFF' ? [] : GROUPS['DEFAULT']!.map((d) => [d, level])) };
}

function parseLevel(text: string): NmLevel | 'KEEP' {
  const upper = text.toUpperCase();
  if (upper === 'KEEP' || (LEVELS as readonly string[]).includes(upper)) return upper as NmLevel | 'KEEP';
  throw new NmkError('UNKNOWN_LOG_LEVEL', `Unknown log level '${text}'`);
}

const rank = (l: NmLevel) => LEVELS.indexOf(l);

/** The state after SetLogging(level, domains); throws (changing nothing) on an unknown level or domain. */
export function applySetLogging(cur: LogState, levelText: string, domainsText: string): LogState {
  let level = cur.level;
  const next = new Map<string, NmLevel>();
  if (levelText) {
    const l = parseLevel(levelText);
    if (l === 'KEEP') for (const [d, v] of cur.domains) next.set(d, v);
    else level = l;
  }
  // No domains: the enabled ones again, at the new level (VPN_PLUGIN stays protected).
  const noDomains = !domainsText;
  const tokens = (noDomains ? [...cur.domains.keys()].join(',') : domainsText).split(/[ ,]+/).filter(Boolean);
  for (const token of tokens) {
    const [name, levelPart] = token.split(':', 2) as [string, string | undefined];
    const domainLevel = levelPart === undefined ? level : parseLevel(levelPart);
    const upper = name.toUpperCase();
    const group = GROUPS[upper];
    const members = group ?? ((DOMAINS as readonly string[]).includes(upper) ? [upper] : undefined);
    if (!members) throw new NmkError('UNKNOWN_LOG_DOMAIN', `Unknown log domain '${name}'`);
    const protect = noDomains || upper === 'ALL' || upper === 'DEFAULT';
    for (const d of members) {
      if (domainLevel === 'KEEP') {
        const keep = cur.domains.get(d);
        if (keep) next.set(d, keep);
        else next.delete(d);
      } else if (domainLevel === 'OFF') next.delete(d);
      else next.set(d, protect && d === PROTECTED && rank(domainLevel) < rank('INFO') ? 'INFO' : domainLevel);
    }
  }
  return { level, domains: next };
}

/** GetLogging's domains: each enabled one, with ":LEVEL" where it differs from the daemon's level. */
export function formatDomains(state: LogState): string {
  return DOMAINS.filter((d) => state.domains.has(d))
    .map((d) => (state.domains.get(d) === state.level ? d : `${d}:${state.domains.get(d)}`))
    .join(',');
}
