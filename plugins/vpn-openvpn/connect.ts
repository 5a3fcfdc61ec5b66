/**
 * One OpenVPN connection: openvpn runs as a child with the configuration
 * config.ts makes, in a private folder (0700) under the run directory, and
 * is driven through its management interface (management.ts): released
 * from its hold, told to report state changes, answered when it asks for
 * the user name, password or key passphrase (from the profile's secrets, or
 * the secret agents when they are missing).
 *
 * How the pushed configuration reaches us: openvpn sets no address and no
 * route itself (ifconfig-noexec, route-noexec), but still runs its --up
 * script with everything it learned in the environment (ifconfig_local,
 * route_network_N, foreign_option_N...). The script is three lines of sh
 * that write that environment (`env -0`) to a file in our folder, renamed
 * into place so it is never read half-written. openvpn runs --up before it
 * reports CONNECTED on the management interface, so on `>STATE:...,CONNECTED`
 * the file is complete: it is read, turned into the SDK's config report
 * (up-env.ts) and core applies it. This needs no D-Bus, no helper binary
 * and no parsing of openvpn's log.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { VpnConnectContext } from '../../sdk/index.js';
import { generateConfig } from './config.js';
import { ManagementServer, parsePasswordPrompt, parseState, quote } from './management.js';
import { parseEnv0, reportFromEnv } from './up-env.js';

export interface OpenvpnOptions {
  /** Where connection folders are made. */
  runDir: string;
  /** The openvpn program. */
  openvpn: string;
}

const KILL_AFTER_MS = 5000;
let serial = 0;

/** The --up script: openvpn's environment into `env`, atomically. Absolute paths: openvpn gives scripts no PATH. */
function upScript(envFile: string): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return `#!/bin/sh\n# nmk's openvpn plugin: hand the pushed options to nmkd (read at CONNECTED)\n/usr/bin/env -0 > ${q(`${envFile}.tmp`)} && exec /bin/mv -f ${q(`${envFile}.tmp`)} ${q(envFile)}\n`;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (!child.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, KILL_AFTER_MS);
  await exited;
  clearTimeout(timer);
}

export async function connectOpenvpn(ctx: VpnConnectContext, o: OpenvpnOptions): Promise<void> {
  const { logger, signal } = ctx;
  const dir = path.join(o.runDir, `${process.pid}-${++serial}`);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  ctx.onDisconnect(() => fs.rmSync(dir, { recursive: true, force: true }));
  const envFile = path.join(dir, 'up.env');
  const script = path.join(dir, 'up.sh');
  const cfg = generateConfig(ctx.data, { managementSocket: path.join(dir, 'management.sock'), upScript: script });
  for (const w of cfg.warnings) logger.warn(w);
  fs.writeFileSync(script, upScript(envFile), { mode: 0o700 });
  const confFile = path.join(dir, 'client.conf');
  fs.writeFileSync(confFile, cfg.text, { mode: 0o600 });

  let secrets: Record<string, string> = { ...ctx.secrets };
  const log: string[] = [];
  const secret = async (key: string, message: string): Promise<string | undefined> => {
    if (secrets[key]) return secrets[key];
    secrets = { ...secrets, ...(await ctx.requestSecrets([key], message)) };
    return secrets[key];
  };

  const answerPassword = async (text: string) => {
    const p = parsePasswordPrompt(text);
    if (!p) return;
    if (p.kind === 'failed') return ctx.fail('login-failed', `the VPN server refused the ${p.type} credentials`);
    if (p.type === 'Auth' && p.userPass) {
      const user = ctx.data.username ?? ctx.userName;
      if (!user) return ctx.fail('login-failed', 'openvpn asks for a user name: set vpn.data username (or vpn.user-name)');
      const password = await secret('password', `A password is required to connect to the VPN '${ctx.id}'.`);
      if (!password) return ctx.fail('login-failed', 'no password was given');
      await mgmt.command(`username "Auth" ${quote(user)}`);
      await mgmt.command(`password "Auth" ${quote(password)}`);
      return;
    }
    if (p.type === 'Private Key') {
      const pass = await secret('cert-pass', `The private key of the VPN '${ctx.id}' needs its passphrase.`);
      if (!pass) return ctx.fail('login-failed', 'no private key passphrase was given');
      await mgmt.command(`password "Private Key" ${quote(pass)}`);
      return;
    }
    ctx.fail('connect-failed', `openvpn asks for '${p.type}' credentials, which this plugin cannot give`);
  };

  const connected = () => {
    let text: string;
    try {
      text = fs.readFileSync(envFile, 'utf8');
    } catch (err) {
      return ctx.fail('bad-ip-config', `openvpn reports CONNECTED but its --up script left no environment (${(err as Error).message})`);
    }
    try {
      ctx.reportConfig(reportFromEnv(parseEnv0(text)));
    } catch (err) {
      ctx.fail('bad-ip-config', (err as Error).message);
    }
  };

  const mgmt: ManagementServer = new ManagementServer(path.join(dir, 'management.sock'), {
    notify: (kind, text) => {
      if (signal.aborted) return;
      if (kind === 'HOLD') {
        void mgmt.command('state on').then(() => mgmt.command('hold release'));
      } else if (kind === 'STATE') {
        const st = parseState(text);
        logger.debug(`openvpn state ${st.name}`, { detail: st.fields[2] });
        if (st.name === 'CONNECTED') connected();
      } else if (kind === 'PASSWORD') {
        answerPassword(text).catch((err) => ctx.fail('login-failed', `secrets: ${(err as Error).message}`));
      } else if (kind === 'FATAL') {
        ctx.fail('connect-failed', `openvpn: ${text}`);
      }
    },
    closed: () => undefined, // the child's exit says more
  });
  await mgmt.listen();
  ctx.onDisconnect(() => mgmt.close());

  const child = spawn(o.openvpn, ['--config', confFile], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  ctx.onDisconnect(() => stopChild(child));
  const onOutput = (b: Buffer) => {
    for (const line of b.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      logger.debug(`openvpn: ${line}`, { pid: child.pid });
      log.push(line);
      if (log.length > 5) log.shift();
    }
  };
  child.stdout!.on('data', onOutput);
  child.stderr!.on('data', onOutput);
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (err) => reject(new Error(`cannot run ${o.openvpn}: ${err.message}`)));
  });
  child.once('exit', (code, sig) => {
    if (signal.aborted) return;
    ctx.fail('connect-failed', `openvpn ${sig ? `was killed by ${sig}` : `exited with status ${code}`}: ${log.join(' | ')}`);
  });
  logger.info(`openvpn started (${cfg.connectionType})`, { pid: child.pid, dir });
}
