/**
 * The dns=dnsmasq backend (see index.ts): finds dnsmasq, stops one left by
 * an earlier run, starts it on 127.0.0.1 and rewrites its servers file on
 * every DNS change. Imported by the entry when core creates the backend.
 */
import { constants as fsc, existsSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic, type DnsBackend, type DnsBackendFactory, type Logger, type Paths } from '../../sdk/index.js';
import { DnsmasqProcess } from './dnsmasq-process.js';
import { closedToOthers } from './reachable.js';
import { serversFileText } from './servers-file.js';

export interface DnsmasqBackendOptions {
  paths: Paths;
  logger: Logger;
  /** The dnsmasq program; default: the first of /usr/sbin/dnsmasq, /sbin/dnsmasq and $PATH. */
  binary?: string;
  /** Run dnsmasq through this command (tests: inside a network namespace). */
  prefix?: string[];
}

const LISTEN = '127.0.0.1';

async function findDnsmasq(): Promise<string | undefined> {
  const dirs = ['/usr/sbin', '/sbin', ...(process.env.PATH ?? '').split(':').filter(Boolean)];
  for (const d of dirs) {
    const f = path.join(d, 'dnsmasq');
    if (await fsp.access(f, fsc.X_OK).then(() => true, () => false)) return f;
  }
  return undefined;
}

/** A dnsmasq left running by an nmkd that died (its pid file is ours): stop it, or the new one cannot listen. */
async function stopLeftover(pidFile: string, logger: Logger): Promise<void> {
  const pid = Number((await fsp.readFile(pidFile, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 0) return;
  const cmdline = await fsp.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!cmdline.includes('dnsmasq') || !cmdline.includes(`--pid-file=${pidFile}`)) return;
  logger.info(`stopping a dnsmasq left from an earlier run (pid ${pid})`);
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let i = 0; i < 50; i++) {
    const stat = await fsp.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    // Gone, or a zombie (FACTS.md: PID 1 here may not reap it).
    if (!stat || / Z /.test(stat.slice(stat.lastIndexOf(')')))) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* gone */
  }
}

export function dnsmasqBackend(o: DnsmasqBackendOptions, running = new Set<DnsmasqProcess>()): DnsBackendFactory {
  return {
    name: 'dnsmasq',
    async create(): Promise<DnsBackend> {
      const binary = o.binary ?? (await findDnsmasq());
      if (!binary) throw new Error('dnsmasq is not installed (looked in /usr/sbin, /sbin and $PATH; Debian: dnsmasq-base)');
      const pidFile = path.join(o.paths.runDir, 'dnsmasq.pid');
      const serversFile = path.join(o.paths.runDir, 'dnsmasq-servers.conf');
      const confDir = path.join(o.paths.etcDir, 'dnsmasq.d');
      await fsp.mkdir(o.paths.runDir, { recursive: true, mode: 0o755 });
      await writeFileAtomic(serversFile, serversFileText({ configs: [], nameservers: [], searches: [], options: [] }), { mode: 0o644 });
      const closed = await closedToOthers(serversFile);
      if (closed) {
        throw new Error(`dnsmasq drops root after start and could not re-read ${serversFile}: ${closed.dir} is not searchable by other users (mode ${closed.mode.toString(8).padStart(4, '0')}; 0755 or 0711 would do)`);
      }
      await stopLeftover(pidFile, o.logger);
      const args = [
        '--no-resolv',
        '--keep-in-foreground',
        '--no-hosts',
        '--bind-interfaces',
        `--pid-file=${pidFile}`,
        `--listen-address=${LISTEN}`,
        '--cache-size=400',
        '--clear-on-reload',
        '--conf-file=/dev/null',
        '--proxy-dnssec',
        `--servers-file=${serversFile}`,
        // dnsmasq exits when a named conf dir is missing; NetworkManager adds it only when present.
        ...(existsSync(confDir) ? [`--conf-dir=${confDir}`] : []),
      ];
      const proc = new DnsmasqProcess({ binary, args, pidFile, logger: o.logger, ...(o.prefix ? { prefix: o.prefix } : {}) });
      running.add(proc);
      await proc.start().catch(async (err: Error) => {
        running.delete(proc);
        await proc.stop();
        throw err;
      });
      o.logger.info(`dnsmasq started (pid ${proc.pid}), listening on ${LISTEN}`);
      let last: string | undefined;
      return {
        name: 'dnsmasq',
        async update(state) {
          const text = serversFileText(state);
          if (text !== last) {
            await writeFileAtomic(serversFile, text, { mode: 0o644 }).catch((err: Error) => {
              throw new Error(`cannot write ${serversFile}: ${err.message}`);
            });
            last = text;
            proc.reload();
          }
          const options = [...state.options];
          for (const opt of ['edns0', 'trust-ad']) if (!options.includes(opt)) options.push(opt);
          return { nameservers: [LISTEN], searches: state.searches, options };
        },
        stop: async () => {
          running.delete(proc);
          await proc.stop();
        },
      };
    },
  };
}
