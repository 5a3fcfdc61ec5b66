/**
 * The ifnet settings source: Gentoo's /etc/conf.d/net (netifrc), read only.
 * The file is a bash script; nmk never runs it. It reads the assignments
 * the way bash would (bash/), then netifrc's variables into profiles
 * (conf/). A bash syntax error makes the whole file unusable (one error);
 * a problem with one interface's variables skips that interface only.
 */
import { type ConnectionSettings, type Logger, NmkError, readTextFile, type SettingsSource, type SourceLoadResult, type SourceProfile } from '../../sdk/index.js';
import { evaluate } from './bash/evaluate.js';
import { BashSyntaxError, tokenize } from './bash/lexer.js';
import { parseScript } from './bash/script.js';
import { draftToSettings } from './conf/draft.js';
import { finishProfile } from './conf/finish.js';
import { PLUGIN, readConf } from './conf/read-conf.js';

export const CONF_FILE = '/etc/conf.d/net';

/** A conf.d/net for thousands of interfaces is well under a megabyte; this is generous. */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

export interface IfnetSourceOptions {
  /** Maps a path on the managed system to the file below the state root (Paths.under). */
  under: (path: string) => string;
  /** The file as a path on the managed system; /etc/conf.d/net by default. */
  confFile?: string;
  logger?: Logger;
}

export interface IfnetRead {
  profiles: SourceProfile[];
  errors: NmkError[];
  /** What was ignored, each naming file, line and variable; the profiles load regardless. */
  warnings: NmkError[];
  unmanaged: string[];
}

/** load()'s result, with the warnings (also logged). */
export interface IfnetLoadResult extends SourceLoadResult {
  warnings: NmkError[];
}

/** Everything one conf.d/net text yields. Never throws: problems are errors naming file, line and variable. */
export function readConfText(text: string, file: string): IfnetRead {
  let script;
  try {
    script = evaluate(parseScript(tokenize(text)));
  } catch (err) {
    if (err instanceof BashSyntaxError) return { profiles: [], unmanaged: [], warnings: [], errors: [new NmkError('CONFIG_SYNTAX', err.message, { plugin: PLUGIN, file, line: err.line })] };
    throw err;
  }
  const errors = script.problems.map((p) => new NmkError('CONFIG_SYNTAX', p.reason, { plugin: PLUGIN, file, line: p.line, key: p.key }));
  const conf = readConf(script.vars, file);
  errors.push(...conf.errors);
  const profiles: SourceProfile[] = [];
  for (const d of conf.drafts) {
    const done = finishProfile(draftToSettings(d), file, d.line, d.key);
    if ('error' in done) errors.push(done.error);
    else profiles.push({ settings: done.settings, file, readOnly: true });
  }
  return { profiles, errors, warnings: conf.warnings, unmanaged: conf.unmanaged };
}

export class IfnetSource implements SettingsSource {
  readonly name = PLUGIN;
  private unmanaged: string[] = [];
  private readonly logical: string;

  constructor(private readonly options: IfnetSourceOptions) {
    this.logical = options.confFile ?? CONF_FILE;
  }

  /** The file below the state root. */
  get file(): string {
    return this.options.under(this.logical);
  }

  async load(): Promise<IfnetLoadResult> {
    const file = this.file;
    const read = await readTextFile(file, { plugin: PLUGIN, maxBytes: MAX_FILE_BYTES });
    if ('missing' in read) {
      this.unmanaged = [];
      return { profiles: [], errors: [], warnings: [] };
    }
    if ('error' in read) {
      this.unmanaged = [];
      return { profiles: [], errors: [read.error], warnings: [] };
    }
    const result = readConfText(read.text, file);
    this.unmanaged = result.unmanaged.map((n) => `interface-name:${n}`);
    this.options.logger?.debug('read conf.d/net', { profiles: result.profiles.length, errors: result.errors.length });
    for (const w of result.warnings) this.options.logger?.warn(w.message, { code: w.code });
    return { profiles: result.profiles, errors: result.errors, warnings: result.warnings };
  }

  async loadFile(file: string): Promise<IfnetLoadResult | undefined> {
    return file === this.file ? this.load() : undefined;
  }

  /** conf.d/net is read only: nmk does not rewrite a shell script. */
  canWrite(_settings: ConnectionSettings): boolean {
    return false;
  }

  unmanagedSpecs(): string[] {
    return [...this.unmanaged];
  }
}
