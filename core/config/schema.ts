/**
 * Every config key nmk knows, one row each: the section it lives in, its type
 * and allowed values. NetworkManager.conf's own keys keep NetworkManager's names
 * and meaning; nmk's additions live in [plugins]. Validation and --print-config
 * are driven by these rows.
 */
/**
 * 'list': items separated by ',' or ';'. 'specs': device or connection specs
 * (interface-name:, mac:, except:...), read from the raw value with
 * NetworkManager's own escapes (spec-list.ts), as nm_config_get_match_spec does.
 */
export type ConfigType = 'string' | 'list' | 'specs' | 'boolean' | 'integer' | 'enum';

export interface ConfigKeyRow {
  /** Section name, or a prefix ending in '*' for NetworkManager's per-match sections ("device-*"). */
  section: string;
  key: string;
  type: ConfigType;
  choices?: readonly string[];
  min?: number;
  max?: number;
  /**
   * "key+=v" and "key-=v" add to and remove from the list. NetworkManager takes
   * them on its spec keys (every 'specs' row) and on [main] plugins, [main]
   * debug and [logging] domains (nm-config.c _setting_is_string_list) and
   * drops them on every other key; nmk's own [plugins] lists take them too.
   */
  appendable?: boolean;
  help: string;
}

// "none" is NetworkManager's deprecated alias of symlink.
const rc = ['auto', 'symlink', 'file', 'resolvconf', 'netconfig', 'unmanaged', 'none'] as const;

export const CONFIG_KEYS: readonly ConfigKeyRow[] = [
  { section: 'main', key: 'plugins', type: 'list', appendable: true, help: 'settings plugins in order of preference (keyfile is always loaded)' },
  // A string, not an enum: a DNS plugin (Tokens.DnsBackend) adds its own name; core warns about a name nobody provides.
  { section: 'main', key: 'dns', type: 'string', help: 'DNS processing mode: default, none, dnsmasq, systemd-resolved, script ([dns] script), or a DNS plugin\'s name' },
  { section: 'main', key: 'rc-manager', type: 'enum', choices: rc, help: 'how resolv.conf is managed' },
  { section: 'main', key: 'systemd-resolved', type: 'boolean', help: 'send DNS configuration to systemd-resolved' },
  { section: 'main', key: 'no-auto-default', type: 'specs', help: 'devices for which no default wired connection is created ("*" for all)' },
  { section: 'main', key: 'dhcp', type: 'string', help: 'DHCP client plugin' },
  { section: 'main', key: 'auth-polkit', type: 'string', help: 'authorize requests through polkit (true, false, root-only)' },
  { section: 'main', key: 'hostname-mode', type: 'enum', choices: ['default', 'dhcp', 'none'], help: 'how the hostname is managed' },
  { section: 'main', key: 'monitor-connection-files', type: 'boolean', help: 'deprecated in NetworkManager; accepted and ignored' },
  { section: 'main', key: 'ignore-carrier', type: 'specs', help: 'deprecated: use [device] ignore-carrier' },
  { section: 'main', key: 'configure-and-quit', type: 'boolean', help: 'configure the network and exit' },
  { section: 'main', key: 'autoconnect-retries-default', type: 'integer', min: 0, help: 'autoconnect retries for profiles that set none' },
  { section: 'main', key: 'firewall-backend', type: 'string', help: 'firewall backend for shared connections' },
  { section: 'main', key: 'debug', type: 'string', appendable: true, help: 'debug flags' },
  { section: 'main', key: 'load-connections', type: 'boolean', help: 'nmk: load profiles from disk at start-up (servers may turn this off)' },

  { section: 'logging', key: 'level', type: 'enum', choices: ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERR', 'OFF', 'trace', 'debug', 'info', 'warn', 'error', 'off'], help: 'log level' },
  { section: 'logging', key: 'domains', type: 'string', appendable: true, help: 'log domains (accepted for compatibility)' },
  { section: 'logging', key: 'backend', type: 'enum', choices: ['journal', 'syslog', 'debug', 'text', 'json'], help: 'log backend' },
  { section: 'logging', key: 'audit', type: 'boolean', help: 'audit log (accepted for compatibility)' },

  { section: 'keyfile', key: 'path', type: 'string', help: 'directory of persistent keyfile profiles (under the state root)' },
  { section: 'keyfile', key: 'unmanaged-devices', type: 'specs', help: 'device specs never managed: interface-name:X, mac:Y, type:Z, except:..., *' },
  { section: 'keyfile', key: 'hostname', type: 'string', help: 'deprecated in NetworkManager; accepted and ignored' },
  { section: 'ifupdown', key: 'managed', type: 'boolean', help: 'manage interfaces listed in /etc/network/interfaces' },

  { section: 'device*', key: 'match-device', type: 'specs', help: 'which devices this section applies to' },
  { section: 'device*', key: 'stop-match', type: 'boolean', help: 'stop looking at later sections once this one matched' },
  { section: 'device*', key: 'managed', type: 'boolean', help: 'whether matched devices are managed' },
  { section: 'device*', key: 'ignore-carrier', type: 'boolean', help: 'activate without waiting for carrier' },
  { section: 'device*', key: 'carrier-wait-timeout', type: 'integer', min: 0, help: 'milliseconds to wait for carrier' },
  { section: 'device*', key: 'keep-configuration', type: 'boolean', help: 'assume the existing configuration at start-up' },
  { section: 'device*', key: 'allowed-connections', type: 'specs', help: 'which profiles may activate on the device (connection specs: id:, uuid:, origin:, except:)' },
  { section: 'device*', key: 'sriov-num-vfs', type: 'integer', min: 0, help: 'SR-IOV virtual functions' },
  { section: 'device*', key: 'wifi.scan-rand-mac-address', type: 'boolean', help: 'randomise the MAC while scanning' },
  { section: 'device*', key: 'wifi.backend', type: 'enum', choices: ['wpa_supplicant', 'iwd'], help: 'Wi-Fi backend' },

  { section: 'connectivity', key: 'enabled', type: 'boolean', help: 'connectivity checking' },
  { section: 'connectivity', key: 'uri', type: 'string', help: 'connectivity check URI' },
  { section: 'connectivity', key: 'interval', type: 'integer', min: 0, help: 'seconds between checks' },
  { section: 'connectivity', key: 'response', type: 'string', help: 'expected response' },

  { section: 'dns', key: 'script', type: 'string', help: 'nmk: with [main] dns=script, the program that receives the whole DNS state as JSON on stdin at each change (resolv.conf is then left to it)' },
  { section: 'dns', key: 'script-timeout', type: 'integer', min: 1, max: 600, help: 'nmk: seconds the DNS script may run before it is killed (default 10)' },

  { section: 'vpn', key: 'prefer', type: 'enum', choices: ['sdk', 'classic'], help: 'nmk: when a TypeScript VPN plugin and a classic NetworkManager VPN service (.name file) serve the same vpn.service-type, which one runs (default sdk)' },

  { section: 'global-dns', key: 'searches', type: 'list', help: 'global search domains' },
  { section: 'global-dns', key: 'options', type: 'list', help: 'global resolver options' },
  { section: 'global-dns-domain-*', key: 'servers', type: 'list', help: 'name servers for the domain' },
  { section: 'global-dns-domain-*', key: 'options', type: 'list', help: 'resolver options for the domain' },

  { section: '.config', key: 'enable', type: 'string', help: 'conditionally enable this file (accepted; always enabled)' },

  { section: 'plugins', key: 'enable', type: 'list', appendable: true, help: 'nmk: plugins to load besides the defaults (any kind but settings)' },
  { section: 'plugins', key: 'disable', type: 'list', appendable: true, help: 'nmk: plugins not to load' },
  { section: 'plugins', key: 'required', type: 'list', appendable: true, help: 'nmk: plugins whose failure stops start-up' },
  { section: 'plugins', key: 'path', type: 'list', appendable: true, help: 'nmk: extra folders that hold plugins' },
  { section: 'plugins', key: 'setup-timeout', type: 'integer', min: 100, max: 600_000, help: 'nmk: milliseconds a plugin setup may take' },
];

/**
 * [connection*] sections (every section whose name starts with "connection",
 * as in NetworkManager) hold per-property defaults ("ipv4.route-metric=100"),
 * checked loosely as setting.property names, and the two keys that say where
 * the section applies (core/config/connection-defaults.ts).
 */
export const CONNECTION_SECTION_KEYS = /^(match-device|stop-match|[a-z0-9-]+\.[a-z0-9-]+)$/;

const CONNECTION_MATCH_ROWS: readonly ConfigKeyRow[] = [
  { section: 'connection*', key: 'match-device', type: 'specs', help: 'which devices this section applies to (device specs; none: every device)' },
  { section: 'connection*', key: 'stop-match', type: 'boolean', help: 'a matching section ends the search even without the property' },
];

/** The row for a key, or undefined; `sectionKnown` tells whether the section itself is known. */
export function findKeyRow(section: string, key: string): { row?: ConfigKeyRow; sectionKnown: boolean } {
  let sectionKnown = false;
  for (const row of CONFIG_KEYS) {
    if (!sectionMatches(row.section, section)) continue;
    sectionKnown = true;
    if (row.key === key) return { row, sectionKnown };
  }
  if (section.startsWith('connection')) {
    const row = CONNECTION_MATCH_ROWS.find((r) => r.key === key) ?? (CONNECTION_SECTION_KEYS.test(key) ? { section, key, type: 'string' as const, help: 'per-property default' } : undefined);
    return { sectionKnown: true, row };
  }
  return { sectionKnown };
}

/**
 * How "key+=v" / "key-=v" merge into `key` (nm-config.c read_config):
 * 'specs' split and joined with NetworkManager's spec escapes, 'list' as a
 * plain list, undefined where NetworkManager drops the assignment (every key
 * that is not a list it extends, "ipv4.route-metric+=" in [connection] too).
 */
export function appendKind(section: string, key: string): 'specs' | 'list' | undefined {
  const { row } = findKeyRow(section, key);
  if (row?.type === 'specs') return 'specs';
  return row?.appendable ? 'list' : undefined;
}

/** Whether the key holds device or connection specs, read from its raw value (spec-list.ts). */
export const isSpecKey = (section: string, key: string): boolean => findKeyRow(section, key).row?.type === 'specs';

function sectionMatches(pattern: string, section: string): boolean {
  if (!pattern.endsWith('*')) return pattern === section;
  const stem = pattern.slice(0, -1);
  // "device*" matches [device] and [device-anything], as NetworkManager does.
  return section === stem.replace(/-$/, '') || section.startsWith(stem.endsWith('-') ? stem : `${stem}-`);
}
