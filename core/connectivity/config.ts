/**
 * The [connectivity] section, read as NetworkManager 1.42 reads it
 * (nm-config-data.c, nm-connectivity.c update_config): `enabled` defaults to
 * true, `interval` to 300 s (capped at a week; 0 turns checking off),
 * `response` to "NetworkManager is online", and checking happens only with a
 * valid http(s) `uri`. A bad uri is reported (the caller logs it) and turns
 * checking off; nothing else is lost.
 */
import type { ConfigView } from '../../sdk/index.js';

export const DEFAULT_INTERVAL_S = 300;
export const DEFAULT_RESPONSE = 'NetworkManager is online';
/** NetworkManager caps the interval at one week. */
const MAX_INTERVAL_S = 7 * 24 * 3600;

export interface ConnectivityConfig {
  /** The uri as configured (trimmed); undefined when the key is absent. */
  uri?: string;
  /** An http or https uri whose host and port could be read. */
  uriValid: boolean;
  host: string;
  /** The port as written in the uri, else 80 (http) or 443 (https). */
  port: number;
  https: boolean;
  /** Path and query sent in the request line. */
  path: string;
  /** The expected start of the body; '' means "a 204, or an empty body". */
  response: string;
  /** Seconds between checks once full; 0 when checking is off. */
  interval: number;
  /** Checking really happens: a valid uri, an interval, and enabled (config or D-Bus). */
  enabled: boolean;
  /** Why the uri is not used, for the log. */
  problem?: string;
}

/** RFC 3986 scheme, as g_uri_parse_scheme reads it. */
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;

interface ParsedUri {
  host: string;
  port?: string;
  https: boolean;
  path: string;
}

/**
 * Host and port as NetworkManager's host_and_port_from_uri finds them: after
 * "scheme://", up to ':' or '/'. A bracketed IPv6 literal is refused there,
 * so it is here.
 */
export function parseCheckUri(uri: string): ParsedUri | string {
  const scheme = SCHEME.exec(uri)?.[1]?.toLowerCase();
  if (!scheme) return `invalid URI '${uri}' for connectivity check`;
  if (scheme !== 'http' && scheme !== 'https') return `scheme of '${uri}' uri doesn't use a scheme that is allowed for connectivity check`;
  const m = /^[^:/]*:\/\/([^:/[][^:/]*)(?::([^/]*))?(\/.*)?$/.exec(uri);
  if (!m) return `cannot parse host and port from '${uri}'`;
  const port = m[2] || undefined;
  if (port !== undefined && !/^\d{1,5}$/.test(port)) return `cannot parse host and port from '${uri}'`;
  // The request line carries path and query; a fragment is never sent.
  const path = (m[3] ?? '/').replace(/#.*$/, '') || '/';
  return { host: m[1]!, port, https: scheme === 'https', path };
}

/** The effective settings; `enabledOverride` is what a D-Bus client set (ConnectivityCheckEnabled). */
export function readConnectivityConfig(view: ConfigView, enabledOverride?: boolean): ConnectivityConfig {
  const raw = view.get('connectivity', 'uri');
  const uri = raw === undefined ? undefined : raw.trim();
  const response = view.get('connectivity', 'response') ?? DEFAULT_RESPONSE;
  const interval = Math.min(Math.max(view.getInteger('connectivity', 'interval', DEFAULT_INTERVAL_S), 0), MAX_INTERVAL_S);
  const configEnabled = view.getBoolean('connectivity', 'enabled', true);
  const base = { uri, response, interval, host: '', port: 80, https: false, path: '/' };
  if (!uri) return { ...base, uriValid: false, enabled: false };
  const parsed = parseCheckUri(uri);
  if (typeof parsed === 'string') return { ...base, uriValid: false, enabled: false, problem: parsed };
  const port = parsed.port !== undefined ? Number(parsed.port) : parsed.https ? 443 : 80;
  const enabled = interval > 0 && (enabledOverride ?? configEnabled);
  return { ...base, host: parsed.host, port, https: parsed.https, path: parsed.path, uriValid: true, enabled };
}
