/**
 * VPN failures, each as nmcli shows it with NetworkManager 1.42's reason
 * text, the base connection untouched and nmkd still running:
 * - plugins registered by .name files under <root>/etc/NetworkManager/VPN
 *   that exit at once, that take their bus name and crash while
 *   connecting, or that never take their bus name (5 s: NetworkManager's
 *   start timeout); nothing of them is left running;
 * - wrong credentials: the real network-manager-openvpn against an OpenVPN
 *   server that checks a password (--auth-user-pass-verify via-file), the
 *   profile's stored password wrong: with nmcli's own agent only, the plugin
 *   asks for a new password, which nmcli without --ask cannot give ("No
 *   valid secrets", as NetworkManager); with an agent that takes no VPN
 *   hints, Connect: the plugin reports login-failed then connect-failed and,
 *   as in NetworkManager (the last Failure wins), nmcli says "Unknown
 *   reason"; then
 *   the right password (connected);
 * - the base connection going down takes the VPN down: tunnel, address and
 *   routes gone, the service exited.
 * (A vpn.service-type with no plugin at all is in vpn-openvpn.test.ts.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../harness/daemon.js';
import { startPrivateBus, type PrivateBus } from '../harness/dbus.js';
import { JITI_CLI, Netns, REPO_ROOT } from '../harness/netns.js';
import { parseTerse } from '../harness/nmcli.js';
import { startTestAgent } from '../harness/secret-agent.js';
import { makeTestCertificates, needProgram, OPENVPN_BIN, OPENVPN_SERVICE, openvpnGone, pidsIn, startOpenvpnServer, systemBusMountWrap, until } from '../harness/vpn-fixtures.js';

const file = (text: string) => ({ text, mode: 0o600 });
const LOGIN = { username: 'alice', password: 'right-pw-7Q' };
const WRONG_PASSWORD = 'wrong-pw-3Z';

const baseProfile = `[connection]
id=base
uuid=5d0e7a41-1b2c-4d3e-8f40-000000000001
type=ethernet
interface-name=veth0
autoconnect=false

[ipv4]
method=manual
address1=192.0.2.2/24,192.0.2.1

[ipv6]
method=ignore
`;

/** A profile for one of the fake services. */
const fakeProfile = (id: string, n: number) => `[connection]
id=${id}
uuid=5d0e7a41-1b2c-4d3e-8f40-00000000010${n}
type=vpn
autoconnect=false

[vpn]
service-type=org.nmktest.${id}
remote=192.0.2.1

[ipv4]
method=auto
`;

const nameFile = (id: string, program: string) => `[VPN Connection]
name=${id}
service=org.nmktest.${id}
program=${program}
supports-multiple-connections=true
`;

/** network-manager-openvpn with a username and a stored (system-owned) password. */
const loginProfile = (id: string, n: number, dir: string, password: string) => `[connection]
id=${id}
uuid=5d0e7a41-1b2c-4d3e-8f40-00000000020${n}
type=vpn
autoconnect=false

[vpn]
ca=${dir}/ca.crt
connection-type=password
password-flags=0
remote=192.0.2.1
username=${LOGIN.username}
service-type=org.freedesktop.NetworkManager.openvpn

[vpn-secrets]
password=${password}

[ipv4]
method=auto
never-default=true

[ipv6]
method=ignore
`;

describe('VPN failures with nmcli (root)', () => {
  let ns: Netns | undefined;
  let peer: Netns | undefined;
  let bus: PrivateBus | undefined;
  let d: Daemon | undefined;
  let dir = '';

  const active = async () => parseTerse((await d!.nmcli(['-t', '-f', 'NAME,STATE', 'connection', 'show', '--active'])).stdout);
  /** The base connection is as it was and nmkd answers. */
  const baseUntouched = async () => {
    expect(await active()).toEqual([['base', 'activated']]);
    expect(await ns!.ip(['-4', '-o', 'address', 'show', 'dev', 'veth0'])).toContain('192.0.2.2/24');
    expect(await ns!.ip(['-4', 'route', 'show', 'default'])).toMatch(/default via 192\.0\.2\.1 dev veth0/);
    expect((await d!.nmcli(['-t', '-f', 'RUNNING', 'general'])).stdout.trim()).toBe('running');
  };
  /** nmcli's error line (a "Hint: use 'journalctl ...'" line follows it, as with NetworkManager). */
  const firstLine = (text: string) => text.trim().split('\n')[0];
  const up = (id: string) => d!.nmcli(['connection', 'up', id], { timeoutMs: 90_000 });

  beforeAll(async () => {
    needProgram(OPENVPN_SERVICE, 'network-manager-openvpn');
    needProgram(OPENVPN_BIN, 'openvpn');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nmk-vpnf-'));
    fs.chmodSync(dir, 0o755);
    makeTestCertificates(dir);
    // The fake services: one exits at once, one crashes while connecting, one never takes its bus name.
    const script = (name: string, body: string) => {
      const p = path.join(dir, name);
      fs.writeFileSync(p, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
      return p;
    };
    const exits = script('fake-exits', 'echo "fake-exits: cannot start" >&2; exit 1');
    const crashes = script('fake-crashes', `exec ${process.execPath} ${JITI_CLI} ${path.join(REPO_ROOT, 'test/harness/fake-vpn-service.ts')} "$@"`);
    const silent = script('fake-silent', 'exec sleep 600');

    ns = await Netns.create('nmkvf');
    peer = await Netns.create('nmkvfs');
    await ns.addVeth('veth0', 'veth1', peer);
    await peer.ip(['address', 'add', '192.0.2.1/24', 'dev', 'veth1']);
    await peer.ip(['link', 'set', 'veth1', 'up']);
    await startOpenvpnServer(peer, dir, { login: LOGIN });
    bus = await startPrivateBus();
    d = await startDaemon({
      ns,
      busAddress: bus.address,
      files: {
        'etc/nmk/system-connections/base.nmconnection': file(baseProfile),
        'etc/nmk/system-connections/fake-exits.nmconnection': file(fakeProfile('fake-exits', 1)),
        'etc/nmk/system-connections/fake-crashes.nmconnection': file(fakeProfile('fake-crashes', 2)),
        'etc/nmk/system-connections/fake-silent.nmconnection': file(fakeProfile('fake-silent', 3)),
        'etc/nmk/system-connections/vpn-wrong.nmconnection': file(loginProfile('vpn-wrong', 1, dir, WRONG_PASSWORD)),
        'etc/nmk/system-connections/vpn-right.nmconnection': file(loginProfile('vpn-right', 2, dir, LOGIN.password)),
        'etc/NetworkManager/VPN/fake-exits.name': nameFile('fake-exits', exits),
        'etc/NetworkManager/VPN/fake-crashes.name': nameFile('fake-crashes', crashes),
        'etc/NetworkManager/VPN/fake-silent.name': nameFile('fake-silent', silent),
      },
      // The classic network-manager-openvpn service, not nmk's own TypeScript OpenVPN plugin.
      config: '[vpn]\nprefer=classic\n',
      wrap: systemBusMountWrap(bus.address),
    });
    const r = await d.nmcli(['connection', 'up', 'base']);
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await d?.cleanup();
    await ns?.destroy();
    await peer?.destroy();
    await bus?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a plugin that exits at once: "The VPN service failed to start"', async () => {
    const r = await up('fake-exits');
    expect(r.code).not.toBe(0);
    expect(firstLine(r.stderr)).toBe('Error: Connection activation failed: The VPN service failed to start');
    await baseUntouched();
    expect(pidsIn(ns!, `${dir}/fake-exits`)).toEqual([]);
  }, 60_000);

  it('a plugin that takes its bus name and crashes while connecting: "The VPN service stopped unexpectedly"', async () => {
    const r = await up('fake-crashes');
    expect(r.code).not.toBe(0);
    expect(firstLine(r.stderr)).toBe('Error: Connection activation failed: The VPN service stopped unexpectedly');
    // It did get that far: nmkd saw it take the name and answer Connect.
    expect(d!.logs.some((l) => /fake-vpn-service: connecting\.\.\. crashing now/.test(l.msg))).toBe(true);
    await baseUntouched();
    expect(pidsIn(ns!, 'fake-vpn-service')).toEqual([]);
  }, 60_000);

  it('a plugin that never takes its bus name: "The VPN service did not start in time", and it is stopped', async () => {
    const r = await up('fake-silent');
    expect(r.code).not.toBe(0);
    expect(firstLine(r.stderr)).toBe('Error: Connection activation failed: The VPN service did not start in time');
    await baseUntouched();
    await until('the silent plugin to be stopped', () => pidsIn(ns!, 'sleep\x00600').length === 0);
  }, 60_000);

  it('wrong credentials, nmcli alone: the plugin asks again (ConnectInteractive), nmcli cannot prompt without --ask: "No valid secrets"', async () => {
    const r = await up('vpn-wrong');
    expect(r.code).not.toBe(0);
    expect(firstLine(r.stderr), d!.logs.filter((l) => (l.component === 'vpn' || l.component === 'agents') && !/openvpn: 20/.test(l.msg)).map((l) => JSON.stringify(l).slice(0, 300)).join('\n').slice(-5000)).toBe('Error: Connection activation failed: No valid secrets');
    await baseUntouched();
    expect((await ns!.tryExec('ip', ['link', 'show', 'tun0'])).code).not.toBe(0);
    await until('the openvpn service to exit', () => openvpnGone(ns!));
    // The server refused the password, and the plugin said so.
    expect(fs.readFileSync(path.join(dir, 'server.log'), 'utf8')).toMatch(/auth-user-pass-verify|AUTH_FAILED|authentication failed/i);
    expect(d!.logs.some((l) => /Password verification failed/.test(l.msg))).toBe(true);
    expect(JSON.stringify(d!.logs)).not.toContain(WRONG_PASSWORD);
  }, 120_000);

  it('wrong credentials with an agent that takes no VPN hints: Connect; the plugin reports login-failed, then connect-failed, and the last one wins as in NetworkManager: "Unknown reason"', async () => {
    // NetworkManager calls ConnectInteractive only when every agent passes hints on; this one registers without capabilities.
    const agent = await startTestAgent(d!.busAddress);
    try {
      await agent.register('org.freedesktop.NetworkManager', 'org.nmktest.no-hints');
      const from = d!.logs.length;
      const r = await up('vpn-wrong');
      expect(r.code).not.toBe(0);
      // nm-vpn-connection.c keeps only the last Failure's reason; connect-failed maps to UNKNOWN.
      expect(firstLine(r.stderr), d!.logs.filter((l) => (l.component === 'vpn' || l.component === 'agents') && !/openvpn: 20/.test(l.msg)).map((l) => JSON.stringify(l).slice(0, 250)).join('\n').slice(-4000)).toBe('Error: Connection activation failed: Unknown reason');
      const failures = d!.logs.slice(from).filter((l) => l.msg.startsWith('VPN service reports a failure') && l.connection === 'vpn-wrong').map((l) => l.msg);
      expect(failures).toEqual(['VPN service reports a failure: login-failed', 'VPN service reports a failure: connect-failed']);
      expect(d!.logs.slice(from).some((l) => l.msg === 'connect: calling Connect, as not every secret agent supports VPN hints')).toBe(true);
      await baseUntouched();
      await until('the openvpn service to exit', () => openvpnGone(ns!));
      expect(JSON.stringify(d!.logs)).not.toContain(WRONG_PASSWORD);
    } finally {
      await agent.close();
    }
  }, 120_000);

  it('the right password stored: the VPN connects', async () => {
    const r = await up('vpn-right');
    expect(r.code, `${r.stderr}\n${d!.stderr().slice(-3000)}`).toBe(0);
    expect(r.stdout).toContain('Connection successfully activated');
    expect(await active()).toEqual(expect.arrayContaining([['vpn-right', 'activated'], ['base', 'activated']]));
    expect(await ns!.ip(['-4', '-o', 'address', 'show', 'dev', 'tun0'])).toMatch(/inet 10\.8\.0\.\d+\/24/);
    expect(JSON.stringify(d!.logs)).not.toContain(LOGIN.password);
  }, 120_000);

  it('the base connection going down takes the VPN down: deactivated, tunnel and routes gone, service exited', async () => {
    expect(await ns!.ip(['-4', 'route', 'show', '198.51.100.0/24'])).toMatch(/dev tun0/);
    const r = await d!.nmcli(['connection', 'down', 'base']);
    expect(r.code, r.stderr).toBe(0);
    // The VPN goes through deactivating (Disconnect to the service) to deactivated.
    await until('the VPN to be deactivated', async () => (await active()).length === 0);
    await until('tun0 to go', async () => (await ns!.tryExec('ip', ['link', 'show', 'tun0'])).code !== 0);
    expect(await ns!.ip(['-4', 'route', 'show', '198.51.100.0/24'])).toBe('');
    expect(await ns!.ip(['-4', 'route', 'show', '192.0.2.1/32'])).toBe('');
    await until('the openvpn service to exit', () => openvpnGone(ns!));
    // The VPN's end is logged with NetworkManager's reason: the base connection was interrupted (3 = DEVICE_DISCONNECTED).
    expect(d!.logs.some((l) => /VPN state .* -> disconnected \(reason 3\)/.test(l.msg) && l.connection === 'vpn-right')).toBe(true);
    expect((await d!.nmcli(['-t', '-f', 'RUNNING', 'general'])).stdout.trim()).toBe('running');
  }, 60_000);
});
