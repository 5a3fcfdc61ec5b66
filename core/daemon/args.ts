/**
 * nmkd's command line, as a table: one row per option with its environment
 * variable, so --help, parsing and validation come from the same rows.
 */
import { NmkError } from '../../sdk/index.js';

export interface DaemonOptions {
  root: string;
  config?: string;
  profile?: string;
  bus?: string;
  logFormat?: 'text' | 'journal' | 'json';
  logLevel?: string;
  pluginDirs: string[];
  help: boolean;
  version: boolean;
  printConfig: boolean;
}

interface OptionRow {
  flag: string;
  key: keyof DaemonOptions;
  env?: string;
  /** 'string' takes a value; 'list' takes a value and may repeat; 'flag' takes none. */
  type: 'string' | 'list' | 'flag';
  choices?: readonly string[];
  help: string;
}

export const OPTION_ROWS: readonly OptionRow[] = [
  { flag: '--root', key: 'root', env: 'NMK_ROOT', type: 'string', help: 'state root: every file nmk reads or writes lives under it (default /)' },
  { flag: '--config', key: 'config', env: 'NMK_CONFIG', type: 'string', help: 'main config file (default ROOT/etc/nmk/nmk.conf); a named file must be a readable regular file' },
  { flag: '--profile', key: 'profile', env: 'NMK_PROFILE', type: 'string', help: 'profile name (server, desktop) or path of a profile file' },
  { flag: '--bus', key: 'bus', env: 'NMK_BUS_ADDRESS', type: 'string', help: 'D-Bus address to serve on (default: the system bus)' },
  { flag: '--log-format', key: 'logFormat', env: 'NMK_LOG_FORMAT', type: 'string', choices: ['text', 'journal', 'json'], help: 'log format (default journal under systemd, text otherwise)' },
  { flag: '--log-level', key: 'logLevel', env: 'NMK_LOG_LEVEL', type: 'string', choices: ['trace', 'debug', 'info', 'warn', 'error'], help: 'log level (default from [logging] level, else info)' },
  { flag: '--plugin-dir', key: 'pluginDirs', type: 'list', help: 'an extra folder to look for plugins in (repeatable)' },
  { flag: '--print-config', key: 'printConfig', type: 'flag', help: 'print the merged configuration with where each value comes from, then exit' },
  { flag: '--version', key: 'version', type: 'flag', help: 'print the version and exit' },
  { flag: '--help', key: 'help', type: 'flag', help: 'show this help and exit' },
];

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): DaemonOptions {
  const out: DaemonOptions = { root: '/', pluginDirs: [], help: false, version: false, printConfig: false };
  for (const row of OPTION_ROWS) {
    if (row.env && env[row.env]) (out as any)[row.key] = env[row.env];
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const flag = eq > 0 && arg.startsWith('--') ? arg.slice(0, eq) : arg;
    const row = OPTION_ROWS.find((r) => r.flag === flag);
    if (!row) throw new NmkError('INVALID_ARGUMENT', `unknown option '${arg}' (see --help)`);
    if (row.type === 'flag') {
      (out as any)[row.key] = true;
      continue;
    }
    const value = eq > 0 && arg.startsWith('--') ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new NmkError('INVALID_ARGUMENT', `option ${row.flag} needs a value`);
    if (row.choices && !row.choices.includes(value)) {
      throw new NmkError('INVALID_ARGUMENT', `option ${row.flag}: '${value}' is not one of ${row.choices.join(', ')}`);
    }
    if (row.type === 'list') (out as any)[row.key].push(value);
    else (out as any)[row.key] = value;
  }
  for (const row of OPTION_ROWS) {
    const v = (out as any)[row.key];
    if (row.choices && typeof v === 'string' && !row.choices.includes(v)) {
      throw new NmkError('INVALID_ARGUMENT', `${row.env}: '${v}' is not one of ${row.choices.join(', ')}`);
    }
  }
  return out;
}

export function helpText(): string {
  const lines = ['Usage: nmkd [OPTIONS]', '', 'nmk network daemon: serves NetworkManager\'s D-Bus API.', '', 'Options:'];
  for (const r of OPTION_ROWS) {
    const left = `  ${r.flag}${r.type === 'flag' ? '' : ' VALUE'}`;
    lines.push(`${left.padEnd(24)}${r.help}${r.env ? ` [env ${r.env}]` : ''}`);
  }
  return lines.join('\n');
}
