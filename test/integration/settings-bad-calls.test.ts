/**
 * Bad calls to the running daemon's settings and manager API get
 * NetworkManager 1.42's exact D-Bus error names, the daemon runs on, and
 * nothing is written: a profile larger than the keyfile reader's limit,
 * unknown flags and arguments of AddConnection2/Update2, a plugin that is not
 * loaded, unknown settings and properties, bad address and route entries,
 * Reload with unknown flags, SetLogging with an unknown level or domain, and
 * GetSecrets for a setting the profile lacks. The valid parts NetworkManager
 * has work (the `plugin` argument, BLOCK_AUTOCONNECT, SetLogging/GetLogging),
 * and a refused call from another uid leaves an audit line naming the uid.
 * Config files that cannot be read stop nmkd with a message naming them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { Variant } from 'dbus-next';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NMKD_SOURCE, startDaemon, type Daemon } from '../harness/daemon.js';
import { runBusTool, testClient, type TestClient } from '../harness/dbus.js';
import { JITI_CLI, Netns } from '../harness/netns.js';
import { parseTerse } from '../harness/nmcli.js';

const NM = 'org.freedesktop.NetworkManager';
const NM_PATH = '/org/freedesktop/NetworkManager';
const SETTINGS = `${NM}.Settings`;
const SETTINGS_PATH = `${NM_PATH}/Settings`;
const CONNECTION = `${NM}.Settings.Connection`;
const KEYFILE_DIR = 'etc/nmk/system-connections';
const UUID = '0f4b8a2c-6d1e-4b3a-9c8d-7e6f5a4b3c2d';

const v = (sig: string, value: unknown) => new Variant(sig, value);
const ethernet = (id: string, uuid = UUID, extra: Record<string, Record<string, Variant>> = {}) => ({
  connection: { id: v('s', id), uuid: v('s', uuid), type: v('s', '802-3-ethernet'), 'interface-name': v('s', 'veth0') },
  ...extra,
});

/** Every file under the state root's profile folders, with its content: what "nothing was written" compares. */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const dir of [KEYFILE_DIR, 'run/nmk/system-connections']) {
    const full = path.join(root, dir);
    for (const f of fs.existsSync(full) ? fs.readdirSync(full) : []) out[`${dir}/${f}`] = fs.readFileSync(path.join(full, f), 'utf8');
  }
  return out;
}

describe('bad settings and manager calls', () => {
  let ns: Netns;
  let d: Daemon;
  let c: TestClient;
  let profilePath: string;

  beforeAll(async () => {
    ns = await Netns.create('nmkc');
    await ns.addVeth('veth0', 'veth1');
    // No default wired connections: the test checks that bad calls write nothing.
    d = await startDaemon({ ns, config: '[main]\nplugins=keyfile\nno-auto-default=*\n' });
    c = await testClient(d.busAddress);
    const reply = await c.call(NM, SETTINGS_PATH, SETTINGS, 'AddConnection', 'a{sa{sv}}', [ethernet('lan')]);
    profilePath = reply.body[0] as string;
  });
  afterAll(async () => {
    await c?.close();
    await d?.cleanup();
    await ns?.destroy();
  });

  const settingsError = (member: string, signature: string, body: unknown[]) => c.callError(NM, SETTINGS_PATH, SETTINGS, member, signature, body);
  const connectionError = (member: string, signature: string, body: unknown[]) => c.callError(NM, profilePath, CONNECTION, member, signature, body);

  it('refuses each bad call with NetworkManager’s error name, writes nothing, and runs on', async () => {
    const before = snapshot(d.root);
    expect(Object.keys(before)).toEqual([`${KEYFILE_DIR}/lan.nmconnection`]);
    const other = '1d2c3b4a-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
    const cases: Array<[string, Promise<{ name: string; message: string }>, string, RegExp]> = [
      ['5 MB connection.id', settingsError('AddConnection', 'a{sa{sv}}', [ethernet('x'.repeat(5_000_000), other)]), `${SETTINGS}.Failed`, /reads files of at most 4194304 bytes/],
      ['AddConnection2 unknown flag', settingsError('AddConnection2', 'a{sa{sv}}ua{sv}', [ethernet('b', other), 0x41, {}]), `${SETTINGS}.InvalidArguments`, /^Unknown flags$/],
      ['AddConnection2 no persist flag', settingsError('AddConnection2', 'a{sa{sv}}ua{sv}', [ethernet('b', other), 0, {}]), `${SETTINGS}.InvalidArguments`, /^Requires either to-disk/],
      ['AddConnection2 bogus argument', settingsError('AddConnection2', 'a{sa{sv}}ua{sv}', [ethernet('b', other), 1, { bogus: v('s', 'x') }]), `${SETTINGS}.InvalidArguments`, /^Unsupported argument 'bogus'$/],
      ['AddConnection2 plugin as a number', settingsError('AddConnection2', 'a{sa{sv}}ua{sv}', [ethernet('b', other), 1, { plugin: v('u', 1) }]), `${SETTINGS}.InvalidArguments`, /^Unsupported argument 'plugin'$/],
      ['AddConnection2 plugin not loaded', settingsError('AddConnection2', 'a{sa{sv}}ua{sv}', [ethernet('b', other), 1, { plugin: v('s', 'ifcfg-rh') }]), `${SETTINGS}.InvalidArguments`, /^a plugin by the name of 'ifcfg-rh' is not available$/],
      ['unknown setting', settingsError('AddConnection', 'a{sa{sv}}', [ethernet('b', other, { frobnicate: { a: v('s', 'b') } })]), `${CONNECTION}.InvalidSetting`, /frobnicate: unknown setting name/],
      ['unknown property', settingsError('AddConnection', 'a{sa{sv}}', [ethernet('b', other, { ipv4: { method: v('s', 'auto'), bogus: v('s', 'x') } })]), `${CONNECTION}.InvalidProperty`, /ipv4\.bogus: unknown property/],
      [
        'address-data with a bad prefix',
        settingsError('AddConnection', 'a{sa{sv}}', [ethernet('b', other, { ipv4: { method: v('s', 'manual'), 'address-data': v('aa{sv}', [{ address: v('s', '192.0.2.1'), prefix: v('u', 33) }]) } })]),
        `${CONNECTION}.InvalidProperty`,
        /ipv4\.address-data: address 1 is invalid: 'prefix' 33 is not in 0\.\.32/,
      ],
      [
        'address-data with a bad address',
        settingsError('AddConnection', 'a{sa{sv}}', [ethernet('b', other, { ipv4: { method: v('s', 'manual'), 'address-data': v('aa{sv}', [{ address: v('s', '192.0.2.256'), prefix: v('u', 24) }]) } })]),
        `${CONNECTION}.InvalidProperty`,
        /ipv4\.address-data: address 1 is invalid: 'address' '192\.0\.2\.256' is not an IPv4 address/,
      ],
      [
        'a bad route',
        settingsError('AddConnection', 'a{sa{sv}}', [ethernet('b', other, { ipv6: { method: v('s', 'auto'), 'route-data': v('aa{sv}', [{ dest: v('s', '2001:db8::'), prefix: v('u', 129) }]) } })]),
        `${CONNECTION}.InvalidProperty`,
        /ipv6\.route-data: route 1 is invalid: 'prefix' 129 is not in 0\.\.128/,
      ],
      ['Update with an unknown property', connectionError('Update', 'a{sa{sv}}', [ethernet('lan', UUID, { '802-3-ethernet': { speeed: v('u', 100) } })]), `${CONNECTION}.InvalidProperty`, /802-3-ethernet\.speeed: unknown property/],
      ['Update2 unknown flag', connectionError('Update2', 'a{sa{sv}}ua{sv}', [{}, 0x80, {}]), `${SETTINGS}.InvalidArguments`, /^Unknown flags$/],
      ['Update2 conflicting flags', connectionError('Update2', 'a{sa{sv}}ua{sv}', [{}, 0x3, {}]), `${SETTINGS}.InvalidArguments`, /^Conflicting flags$/],
      ['Update2 bogus argument', connectionError('Update2', 'a{sa{sv}}ua{sv}', [{}, 0x1, { bogus: v('b', true) }]), `${SETTINGS}.InvalidArguments`, /^Unsupported argument 'bogus'$/],
      ['Update2 plugin as a number', connectionError('Update2', 'a{sa{sv}}ua{sv}', [{}, 0x1, { plugin: v('i', 3) }]), `${SETTINGS}.InvalidArguments`, /^Unsupported argument 'plugin'$/],
      ['Update2 plugin not loaded', connectionError('Update2', 'a{sa{sv}}ua{sv}', [{}, 0x1, { plugin: v('s', 'ifcfg-rh') }]), `${SETTINGS}.InvalidArguments`, /^a plugin by the name of 'ifcfg-rh' is not available$/],
      ['Update2 over the size limit', connectionError('Update2', 'a{sa{sv}}ua{sv}', [ethernet('y'.repeat(5_000_000)), 0x1, {}]), `${SETTINGS}.Failed`, /reads files of at most/],
      ['GetSecrets for a missing setting', connectionError('GetSecrets', 's', ['802-11-wireless-security']), `${CONNECTION}.SettingNotFound`, /^Connection didn't have requested setting '802-11-wireless-security'\.$/],
      ['Reload with an unknown flag', c.callError(NM, NM_PATH, NM, 'Reload', 'u', [0x8]), `${NM}.InvalidArguments`, /^Invalid flags for reload$/],
      ['SetLogging with an unknown level', c.callError(NM, NM_PATH, NM, 'SetLogging', 'ss', ['LOUD', '']), `${NM}.UnknownLogLevel`, /^Unknown log level 'LOUD'$/],
      ['SetLogging with an unknown domain', c.callError(NM, NM_PATH, NM, 'SetLogging', 'ss', ['INFO', 'CORE,FROB']), `${NM}.UnknownLogDomain`, /^Unknown log domain 'FROB'$/],
    ];
    for (const [what, call, name, message] of cases) {
      const err = await call;
      expect(err.name, what).toBe(name);
      expect(err.message, what).toMatch(message);
    }
    // Nothing was written, nothing is lost after a reload, and the daemon answers.
    expect(snapshot(d.root)).toEqual(before);
    const reload = await c.call(NM, SETTINGS_PATH, SETTINGS, 'ReloadConnections', '', []);
    expect(reload.body).toEqual([true]);
    const list = await d.nmcli(['-t', '-f', 'NAME', 'connection', 'show']);
    expect(list.stdout.trim()).toBe('lan');
    expect((await d.nmcli(['-t', '-f', 'LEVEL', 'general', 'logging'])).stdout.trim()).toBe('DEBUG');
  });

  it('does what NetworkManager does with the valid parts: plugin, BLOCK_AUTOCONNECT, logging levels and domains', async () => {
    const uuid = '2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d';
    const added = await c.call(NM, SETTINGS_PATH, SETTINGS, 'AddConnection2', 'a{sa{sv}}ua{sv}', [ethernet('wan', uuid), 0x1 | 0x20, { plugin: v('s', 'keyfile') }]);
    expect(fs.existsSync(path.join(d.root, KEYFILE_DIR, 'wan.nmconnection'))).toBe(true);
    const wanPath = added.body[0] as string;
    // To memory and back to disk through Update2, naming the plugin it lives in.
    await c.call(NM, wanPath, CONNECTION, 'Update2', 'a{sa{sv}}ua{sv}', [{}, 0x2 | 0x10, { plugin: v('s', 'keyfile') }]);
    expect(fs.readdirSync(path.join(d.root, 'run/nmk/system-connections'))).toEqual(['wan.nmconnection']);
    await c.call(NM, wanPath, CONNECTION, 'Update2', 'a{sa{sv}}ua{sv}', [{}, 0x1 | 0x40, {}]);
    expect(fs.readdirSync(path.join(d.root, 'run/nmk/system-connections'))).toEqual([]);
    expect((await d.nmcli(['connection', 'delete', 'wan'])).code).toBe(0);

    expect((await d.nmcli(['general', 'logging', 'level', 'INFO', 'domains', 'CORE:DEBUG,IP'])).code).toBe(0);
    expect(parseTerse((await d.nmcli(['-t', 'general', 'logging'])).stdout)).toEqual([['INFO', 'IP4,IP6,CORE:DEBUG']]);
    const got = await c.call(NM, NM_PATH, NM, 'GetLogging', '', []);
    expect(got.body).toEqual(['INFO', 'IP4,IP6,CORE:DEBUG']);
    expect(d.logs.some((l) => l.level === 'info' && l.msg === "logging: level 'INFO' domains 'IP4,IP6,CORE:DEBUG'")).toBe(true);
    // Reload with known flags works.
    await c.call(NM, NM_PATH, NM, 'Reload', 'u', [0x1]);
  });

  it('logs a refused call at info with the caller’s uid (an audit trail)', async () => {
    const r = await runBusTool('gdbus', ['call', '--system', '--dest', NM, '--object-path', SETTINGS_PATH, '--method', `${SETTINGS}.ReloadConnections`], d.busAddress, [
      'setpriv', '--reuid=65534', '--regid=65534', '--clear-groups',
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`${NM}.PermissionDenied`);
    const line = await d.waitForLog((l) => l.level === 'info' && /^refused .*ReloadConnections .* for uid 65534: not authorized to reload connections/.test(l.msg), 5000);
    expect(line['uid']).toBe(65534);
  });
});

describe('nmkd with a named config file it cannot read', () => {
  let ns: Netns;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nmk-badconf-'));

  beforeAll(async () => {
    ns = await Netns.create('nmkf');
  });
  afterAll(async () => {
    await ns?.destroy();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** Run nmkd until it exits; a run that does not end within the limit is a failure (a blocked start-up), not a hang. */
  function runNmkd(args: string[], limitMs = 90_000): Promise<{ code: number | null; stderr: string }> {
    const child = ns.spawn(process.execPath, [JITI_CLI, NMKD_SOURCE, '--root', tmp, '--bus', `unix:path=${tmp}/no-bus`, '--log-format', 'json', ...args]);
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`nmkd ${args.join(' ')} did not exit within ${limitMs} ms (blocked?); stderr:\n${stderr}`));
      }, limitMs);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, stderr });
      });
    });
  }

  // A cold start transpiles all of core (about 20 s here): each case gets its own time.
  const cases: Array<[string, (file: string) => void, string]> = [
    ['a missing file', () => undefined, 'config file not found'],
    ['a symbolic link loop', (f) => (fs.symlinkSync(`${f}.b`, f), fs.symlinkSync(f, `${f}.b`)), 'cannot read config file: symbolic link loop'],
    ['a FIFO', (f) => execFileSync('mkfifo', [f]), 'cannot read config file: not a regular file'],
  ];
  for (const [what, make, why] of cases) {
    it(`stops with status 1 and a message naming ${what}`, async () => {
      const file = path.join(tmp, `${what.replace(/\W+/g, '-')}.conf`);
      make(file);
      const r = await runNmkd(['--config', file]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(`start-up failed: ${file}: ${why}`);
    }, 120_000);
  }

  it('warns about a FIFO in conf.d, naming it, and does not block on it', { timeout: 120_000 }, async () => {
    const confd = path.join(tmp, 'etc/nmk/conf.d');
    fs.mkdirSync(confd, { recursive: true });
    execFileSync('mkfifo', [path.join(confd, '10-fifo.conf')]);
    // --print-config reads the whole config and exits: no bus, no network needed.
    const r = await runNmkd(['--print-config']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`${confd}/10-fifo.conf: cannot read config file: not a regular file; skipped`);
  });
});
