/**
 * Side-by-side conformance with NetworkManager 1.42: the keyfile corpus of
 * test/fixtures/nm-corpus (every connection type and property group, written
 * by `nmcli --offline`) is loaded by the real NetworkManager and by nmkd, each
 * in its own network namespace on its own private bus. For every profile:
 * 1. `nmcli -t -f all connection show` prints the same rows;
 * 2. `nmcli -s` prints the same secrets;
 * 3. after a no-op modify through each daemon (connection.autoconnect-priority
 *    set to the value it has), both rewrote the file (or neither did) and the
 *    files are identical byte for byte;
 * 4. the secrets are still identical (and unchanged) after that modify.
 * Every difference is listed per profile in the failure message. Profiles are
 * addressed by UUID; NetworkManager runs with networking off (see
 * test/harness/networkmanager.ts), so neither daemon activates anything.
 *
 * Normalisations (only what must differ between two daemons):
 * - `GENERAL.DBUS-PATH` and `GENERAL.CON-PATH`: object paths are numbered in
 *   load order, which each daemon chooses;
 * - `connection.timestamp` and `GENERAL.TIMESTAMP*`: the time of the last
 *   activation, kept in each daemon's own state;
 * - `GENERAL.FILENAME` (when nmcli prints it): each daemon's keyfile
 *   directory is a different temporary directory, so it becomes `<keyfile-dir>`;
 * - the other `GENERAL.*` rows (device, state, active path, zone...): they
 *   describe activation and devices, and the two namespaces have different
 *   (no) devices; none of the corpus profiles is active.
 * Certificate paths in the corpus (`@CERTS@`) are replaced by the same
 * absolute path for both daemons, so they need no normalisation.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../harness/daemon.js';
import { Netns, REPO_ROOT } from '../harness/netns.js';
import { startNetworkManager, type NetworkManagerInstance } from '../harness/networkmanager.js';
import { parseTerse } from '../harness/nmcli.js';
import type { ExecResult } from '../harness/netns.js';

const run = promisify(execFile);

const CORPUS_DIR = path.join(REPO_ROOT, 'test/fixtures/nm-corpus');
const NMK_KEYFILE_DIR = 'etc/nmk/system-connections';

/** The corpus: file name -> text, with @CERTS@ pointing at the committed throw-away certificates. */
function loadCorpus(): Map<string, string> {
  const certs = path.join(CORPUS_DIR, 'certs');
  const dir = path.join(CORPUS_DIR, 'keyfiles');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.nmconnection')).sort();
  return new Map(files.map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8').replaceAll('@CERTS@', certs)]));
}

/** The uuid= line of a keyfile (every corpus file has one). */
function uuidOf(file: string, text: string): string {
  const m = /^uuid=(.+)$/m.exec(text);
  if (!m) throw new Error(`corpus file ${file} has no uuid`);
  return m[1]!;
}

/** One daemon as the comparison sees it. */
interface Side {
  label: 'NetworkManager' | 'nmk';
  keyfileDir: string;
  nmcli(args: string[]): Promise<ExecResult>;
}

type Rows = Map<string, string>;

/** Rows that carry the time of the last activation. */
const TIME_ROWS = /^(connection\.timestamp|GENERAL\.TIMESTAMP.*)$/;

/** One row normalised (see the header), or undefined for a row left out of the comparison. */
function normaliseRow(side: Side, name: string, value: string): string | undefined {
  if (name === 'GENERAL.DBUS-PATH' || name === 'GENERAL.CON-PATH') return '<object-path>';
  if (TIME_ROWS.test(name)) return '<time>';
  if (name === 'GENERAL.FILENAME') return value.replace(side.keyfileDir, '<keyfile-dir>');
  if (name.startsWith('GENERAL.')) return undefined;
  return value;
}

/**
 * `nmcli [-s] -t -f all connection show uuid U1 uuid U2 ...` for every profile
 * at once (each nmcli start fetches every profile, so one call per side
 * rather than one per profile), split into profiles at their
 * `connection.id` rows. A profile the daemon does not list, or whose rows
 * nmcli could not print, maps to the reason.
 */
async function showAll(side: Side, uuids: string[], secrets: boolean): Promise<Map<string, Rows | string>> {
  const result = new Map<string, Rows | string>(uuids.map((u) => [u, 'not listed by the daemon']));
  const listed = new Set(parseTerse((await side.nmcli(['-t', '-f', 'UUID', 'connection', 'show'])).stdout).map((r) => r[0]));
  const present = uuids.filter((u) => listed.has(u));
  if (present.length === 0) return result;
  const r = await side.nmcli([...(secrets ? ['-s'] : []), '-t', '-f', 'all', 'connection', 'show', ...present.flatMap((u) => ['uuid', u])]);
  if (r.code !== 0) {
    for (const u of present) result.set(u, `nmcli exited ${r.code}: ${r.stderr.trim()}`);
    return result;
  }
  let rows: Rows | undefined;
  for (const [name, ...value] of parseTerse(r.stdout)) {
    if (name === 'connection.id') rows = new Map();
    if (!rows) continue;
    const v = normaliseRow(side, name!, value.join(':'));
    if (v !== undefined) rows.set(name!, v);
    if (name === 'connection.uuid') result.set(v!, rows);
  }
  for (const u of present) if (typeof result.get(u) === 'string') result.set(u, 'listed, but nmcli connection show printed no rows for it');
  return result;
}

/** Differences between two row sets, one line each; a side that printed nothing is always a difference. */
function diffRows(a: Rows | string, b: Rows | string, labels = ['NetworkManager', 'nmk']): string[] {
  if (typeof a === 'string' || typeof b === 'string') {
    return [`no rows: ${labels[0]}: ${typeof a === 'string' ? a : 'ok'}; ${labels[1]}: ${typeof b === 'string' ? b : 'ok'}`];
  }
  const show = (v: string | undefined) => (v === undefined ? '(no row)' : JSON.stringify(v));
  const out: string[] = [];
  for (const n of new Set([...a.keys(), ...b.keys()])) {
    if (a.get(n) !== b.get(n)) out.push(`${n}: ${labels[0]} ${show(a.get(n))}, ${labels[1]} ${show(b.get(n))}`);
  }
  return out;
}

/** Lines of one file missing from the other (as multisets), or a note that only the order differs. */
function diffFiles(nm: string | undefined, nmk: string | undefined): string[] {
  if (nm === nmk) return [];
  if (nm === undefined || nmk === undefined) return [`file: NetworkManager ${nm === undefined ? 'has none' : 'has one'}, nmk ${nmk === undefined ? 'has none' : 'has one'}`];
  const count = (lines: string[]) => lines.reduce((m, l) => m.set(l, (m.get(l) ?? 0) + 1), new Map<string, number>());
  const a = count(nm.split('\n'));
  const b = count(nmk.split('\n'));
  const out: string[] = [];
  for (const [l, n] of a) if ((b.get(l) ?? 0) < n) out.push(`file: only NetworkManager writes ${JSON.stringify(l)}`);
  for (const [l, n] of b) if ((a.get(l) ?? 0) < n) out.push(`file: only nmk writes ${JSON.stringify(l)}`);
  if (out.length === 0) out.push('file: same lines in a different order (or different groups for them)');
  return out;
}

/** The report of every profile with a difference, for the failure message. */
function report(diffs: Map<string, string[]>): string {
  const bad = [...diffs].filter(([, d]) => d.length > 0);
  return `${bad.length} of ${diffs.size} profiles differ:\n` + bad.map(([p, d]) => `== ${p}\n  ${d.join('\n  ')}`).join('\n');
}

/** Run fn over items, `limit` at a time (each call starts an nmcli). */
async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

/** What the host has that NetworkManager must not change: its config, state and run dirs, host name and links. */
async function hostSnapshot(): Promise<string> {
  const tree = (dir: string): string[] => {
    if (!fs.existsSync(dir)) return [`${dir}: absent`];
    return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).map((e) => {
      const f = path.join(e.parentPath, e.name);
      const st = fs.lstatSync(f);
      return `${f} ${st.mode.toString(8)} ${st.size} ${st.mtimeMs}`;
    }).sort();
  };
  const links = JSON.parse((await run('ip', ['-j', 'link', 'show'])).stdout) as { ifname: string; flags: string[]; mtu: number; address?: string }[];
  const addrs = (await run('ip', ['-br', 'addr', 'show'])).stdout;
  return [
    ...tree('/etc/NetworkManager'),
    ...tree('/run/NetworkManager'),
    ...tree('/var/lib/NetworkManager'),
    `hostname ${os.hostname()}`,
    // Other tests may add links of their own on the host meanwhile; what must not change is these ones.
    ...links.filter((l) => !/^(veth|nmk)/.test(l.ifname)).map((l) => `link ${l.ifname} ${l.flags.join(',')} ${l.mtu} ${l.address}`),
    ...addrs.split('\n').filter((l) => l && !/^(veth|nmk)/.test(l)),
  ].join('\n');
}

describe('NetworkManager 1.42 and nmk side by side on the keyfile corpus', () => {
  const corpus = loadCorpus();
  const profiles = [...corpus].map(([file, text]) => ({ file, uuid: uuidOf(file, text) }));
  let nsNm: Netns;
  let nsNmk: Netns;
  let nm: NetworkManagerInstance;
  let nmk: Daemon;
  let sides: [Side, Side];
  let hostBefore: string;
  /** uuid -> [NetworkManager's, nmk's] secret rows, read before the modify. */
  let secretsBefore: Map<string, [Rows | string, Rows | string]>;

  beforeAll(async () => {
    hostBefore = await hostSnapshot();
    nsNm = await Netns.create('nmcn');
    nsNmk = await Netns.create('nmck');
    nm = await startNetworkManager({ ns: nsNm, keyfiles: Object.fromEntries(corpus) });
    nmk = await startDaemon({
      ns: nsNmk,
      profile: 'server',
      logLevel: 'info',
      files: Object.fromEntries([...corpus].map(([f, t]) => [`${NMK_KEYFILE_DIR}/${f}`, t])),
    });
    sides = [
      { label: 'NetworkManager', keyfileDir: nm.keyfileDir, nmcli: (a) => nm.nmcli(a) },
      { label: 'nmk', keyfileDir: path.join(nmk.root, NMK_KEYFILE_DIR), nmcli: (a) => nmk.nmcli(a) },
    ];
  }, 120_000);

  afterAll(async () => {
    await nm?.cleanup();
    await nmk?.cleanup();
    await nsNm?.destroy();
    await nsNmk?.destroy();
  });

  const uuids = () => profiles.map((p) => p.uuid);

  /** Per profile file, the differences `compare` finds for its uuid. */
  function perProfile(compare: (p: { file: string; uuid: string }) => string[]): Map<string, string[]> {
    return new Map(profiles.map((p) => [p.file, compare(p)]));
  }

  /** Secret rows of every profile: the rows `-s` adds or changes (without it nmcli prints `<hidden>` or nothing). */
  async function secretRows(side: Side): Promise<Map<string, Rows | string>> {
    // One after the other: NetworkManager 1.42, asked by two nmcli at once, now and then answers one
    // GetSecrets with nothing (seen once in 12 runs of four concurrent `nmcli -s`; never in sequence).
    const plain = await showAll(side, uuids(), false);
    const withSecrets = await showAll(side, uuids(), true);
    // And even in sequence NetworkManager 1.42 sometimes prints one secret empty (seen in CI once
    // in 82 profiles): a second reading fills a value the first left empty, so a flake is not a difference.
    const again = await showAll(side, uuids(), true);
    for (const [u, rows] of withSecrets) {
      const other = again.get(u);
      if (typeof rows === 'string' || typeof other === 'string' || !other) continue;
      for (const [n, v] of rows) if (v === '' && other.get(n)) rows.set(n, other.get(n)!);
    }
    return new Map(uuids().map((u): [string, Rows | string] => {
      const p = plain.get(u)!;
      const s = withSecrets.get(u)!;
      if (typeof s === 'string' || typeof p === 'string') return [u, typeof s === 'string' ? s : p as string];
      return [u, new Map([...s].filter(([n, v]) => p.get(n) !== v))];
    }));
  }

  it('NetworkManager runs walled off: in its namespaces, on its own bus and directories', async () => {
    const netnsIno = fs.statSync(`/run/netns/${nsNm.name}`).ino;
    expect(fs.statSync(`/proc/${nm.pid}/ns/net`).ino).toBe(netnsIno);
    expect(fs.readlinkSync(`/proc/${nm.pid}/ns/mnt`)).not.toBe(fs.readlinkSync('/proc/self/ns/mnt'));
    expect(fs.readlinkSync(`/proc/${nm.pid}/ns/uts`)).not.toBe(fs.readlinkSync('/proc/self/ns/uts'));
    expect(fs.readlinkSync(`/proc/${nm.pid}/exe`)).toBe('/usr/sbin/NetworkManager');
    const version = await nm.nmcli(['-t', '-f', 'VERSION', 'general']);
    expect(version.stdout.trim()).toMatch(/^1\.42\./);
    // Networking is off in NetworkManager's state file: it activates nothing, so no row or file carries an activation.
    expect((await nm.nmcli(['-t', '-f', 'NETWORKING', 'general'])).stdout.trim()).toBe('disabled');
  });

  it('both daemons list every corpus profile', async () => {
    const listed = async (side: Side) =>
      new Set(parseTerse((await side.nmcli(['-t', '-f', 'UUID', 'connection', 'show'])).stdout).map((r) => r[0]));
    const [a, b] = await Promise.all(sides.map(listed));
    const missing = profiles.flatMap((p) => [
      ...(a!.has(p.uuid) ? [] : [`${p.file}: NetworkManager does not list it`]),
      ...(b!.has(p.uuid) ? [] : [`${p.file}: nmk does not list it`]),
    ]);
    expect(missing, `profiles not listed:\n${missing.join('\n')}\nNetworkManager log:\n${nm.output().slice(-4000)}`).toEqual([]);
  });

  it('nmcli -t -f all connection show prints the same rows for every profile', async () => {
    const [a, b] = await Promise.all(sides.map((s) => showAll(s, uuids(), false)));
    const diffs = perProfile(({ uuid }) => diffRows(a!.get(uuid)!, b!.get(uuid)!));
    expect([...diffs.values()].flat(), report(diffs)).toEqual([]);
  });

  it('nmcli -s shows the same secrets for every profile', async () => {
    const [a, b] = await Promise.all(sides.map(secretRows));
    secretsBefore = new Map(uuids().map((u) => [u, [a!.get(u)!, b!.get(u)!]]));
    const diffs = perProfile(({ uuid }) => diffRows(a!.get(uuid)!, b!.get(uuid)!));
    expect([...diffs.values()].flat(), report(diffs)).toEqual([]);
  });

  it('after a no-op modify through each daemon the rewritten files are identical', async () => {
    // The value each profile has (NetworkManager's, which the rows test compares with nmk's).
    const rows = await showAll(sides[0], uuids(), false);
    const inode = (dir: string, file: string) => (fs.existsSync(path.join(dir, file)) ? fs.statSync(path.join(dir, file)).ino : undefined);
    const inodesBefore = new Map(profiles.map((p) => [p.file, sides.map((s) => inode(s.keyfileDir, p.file))]));
    const modifyErrors = new Map<string, string[]>(profiles.map((p) => [p.file, []]));
    await eachLimited(profiles, 3, async ({ file, uuid }) => {
      const r = rows.get(uuid);
      const prio = (typeof r === 'string' ? undefined : r?.get('connection.autoconnect-priority')) ?? '0';
      for (const side of sides) {
        const m = await side.nmcli(['connection', 'modify', 'uuid', uuid, 'connection.autoconnect-priority', prio]);
        if (m.code !== 0) modifyErrors.get(file)!.push(`${side.label}: nmcli connection modify exited ${m.code}: ${m.stderr.trim()}`);
      }
    });
    const read = (dir: string, file: string) => (fs.existsSync(path.join(dir, file)) ? fs.readFileSync(path.join(dir, file), 'utf8') : undefined);
    // Both write atomically (a new file renamed over the old), so a rewrite shows as a new inode.
    const rewritten = (file: string) => sides.map((s, i) => inode(s.keyfileDir, file) !== inodesBefore.get(file)![i]);
    const diffs = perProfile(({ file }) => [
      ...modifyErrors.get(file)!,
      ...(rewritten(file)[0] === rewritten(file)[1] ? [] : [`rewritten: NetworkManager ${rewritten(file)[0] ? 'yes' : 'no'}, nmk ${rewritten(file)[1] ? 'yes' : 'no'}`]),
      ...diffFiles(read(sides[0].keyfileDir, file), read(sides[1].keyfileDir, file)),
    ]);
    expect([...diffs.values()].flat(), report(diffs)).toEqual([]);
  }, 300_000);

  it('nmcli -s shows the same secrets after the modify, and the same as before it', async () => {
    const [a, b] = await Promise.all(sides.map(secretRows));
    const diffs = perProfile(({ uuid }) => {
      const [a0, b0] = secretsBefore?.get(uuid) ?? ['(not read before)', '(not read before)'];
      return [
        ...diffRows(a!.get(uuid)!, b!.get(uuid)!),
        ...diffRows(a0, a!.get(uuid)!, ['NetworkManager before the modify', 'after']),
        ...diffRows(b0, b!.get(uuid)!, ['nmk before the modify', 'after']),
      ];
    });
    expect([...diffs.values()].flat(), report(diffs)).toEqual([]);
  });

  it('the host is untouched: its NetworkManager directories, host name and links are as before', async () => {
    // Stop NetworkManager first, so whatever it does on the way out is seen too.
    await nm.stop();
    expect(await hostSnapshot()).toBe(hostBefore);
  });
});
