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
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JITI_CLI, REPO_ROOT } from '../harness/netns.js';
import { parseTerse } from '../harness/nmcli.js';
import { openvpnGone, openvpnPasswordProfile, pidsWith, until, useVpnTestbed } from '../harness/openvpn.js';
import { startTestAgent } from '../harness/secret-agent.js';

const LOGIN = { username: 'alice', password: 'right-pw-7Q' };
const WRONG_PASSWORD = 'wrong-pw-3Z';

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

/** Writes an executable script into `dir`, returning its path. */
const script = (dir: string, name: string, body: string) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return p;
};

describe('VPN failures with nmcli (root)', () => {
  const bed = useVpnTestbed({
    name: 'nmkvf', prefer: 'classic', login: LOGIN, baseUuid: '5d0e7a41-1b2c-4d3e-8f40-000000000001',
    profiles: (dir) => ({
      'fake-exits': fakeProfile('fake-exits', 1),
      'fake-crashes': fakeProfile('fake-crashes', 2),
      'fake-silent': fakeProfile('fake-silent', 3),
      'vpn-wrong': openvpnPasswordProfile(dir, 'vpn-wrong', '5d0e7a41-1b2c-4d3e-8f40-000000000201', LOGIN.username, { stored: WRONG_PASSWORD }),
      'vpn-right': openvpnPasswordProfile(dir, 'vpn-right', '5d0e7a41-1b2c-4d3e-8f40-000000000202', LOGIN.username, { stored: LOGIN.password }),
    }),
    // The fake services: one exits at once, one crashes while connecting, one never takes its bus name.
    files: (dir) => ({
      'etc/NetworkManager/VPN/fake-exits.name': nameFile('fake-exits', script(dir, 'fake-exits', 'echo "fake-exits: cannot start" >&2; exit 1')),
      'etc/NetworkManager/VPN/fake-crashes.name': nameFile('fake-crashes', script(dir, 'fake-crashes', `exec ${process.execPath} ${JITI_CLI} ${path.join(REPO_ROOT, 'test/harness/fake-vpn-service.ts')} "$@"`)),
      'etc/NetworkManager/VPN/fake-silent.name': nameFile('fake-silent', script(dir, 'fake-silent', 'exec sleep 600')),
    }),
  });

  const active = async () => parseTerse((await bed.d.nmcli(['-t', '-f', 'NAME,STATE', 'connection', 'show', '--active'])).stdout);
  /** The base connection is as it was and nmkd answers. */
  const baseUntouched = async () => {
    expect(await active()).toEqual([['base', 'activated']]);
    expect(await bed.ns.ip(['-4', '-o', 'address', 'show', 'dev', 'veth0'])).toContain('192.0.2.2/24');
    expect(await bed.ns.ip(['-4', 'route', 'show', 'default'])).toMatch(/default via 192\.0\.2\.1 dev veth0/);
    expect((await bed.d.nmcli(['-t', '-f', 'RUNNING', 'general'])).stdout.trim()).toBe('running');
  };
  /** nmcli's error line (a "Hint: use 'journalctl ...'" line follows it, as with NetworkManager). */
  const firstLine = (text: string) => text.trim().split('\n')[0];
  const up = (id: string) => bed.d.nmcli(['connection', 'up', id], { timeoutMs: 90_000 });

  it('a plugin that exits at once: "The VPN service failed to start"', async () => {
    const r = await up('fake-exits');
    expect(r.code).not.toBe(0);
    expect(firstLine(r.stderr)).toBe('Error: Connection activation failed: The VPN service failed to start');
    await baseUntouched();
    expect(pidsWith(bed.ns, `${bed.dir}/fake-exits`)).toEqual([]);
  }, 60_000);

  it('a plugin that takes its bus name and crashes while connecting: "The VPN service stopped unexpectedly"', async () => {
    const r = await up('fake-crashes');
    expect(r.code).not.toBe(0);
    expect(firstLine(r.stderr)).toBe('Error: Connection activation failed: The VPN service stopped unexpectedly');
    // It did get that far: nmkd saw it take the name and answer Connect.
    expect(bed.d.logs.some((l) => /fake-vpn-service: connecting\.\.\. crashing now/.test(l.msg))).toBe(true);
    await baseUntouched();
    expect(pidsWith(bed.ns, 'fake-vpn-service')).toEqual([]);
  }, 60_000);

  it('a plugin that never takes its bus name: "The VPN service did not start in time", and it is stopped', async () => {
    const r = await up('fake-silent');
    expect(r.code).not.toBe(0);
    expect(firstLine(r.stderr)).toBe('Error: Connection activation failed: The VPN service did not start in time');
    await baseUntouched();
    await until('the silent plugin to be stopped', () => pidsWith(bed.ns, 'sleep\x00600').length === 0);
  }, 60_000);

  it('wrong credentials, nmcli alone: the plugin asks again (ConnectInteractive), nmcli cannot prompt without --ask: "No valid secrets"', async () => {
    const r = await up('vpn-wrong');
    expect(r.code).not.toBe(0);
    expect(firstLine(r.stderr), bed.d.logs.filter((l) => (l.component === 'vpn' || l.component === 'agents') && !/openvpn: 20/.test(l.msg)).map((l) => JSON.stringify(l).slice(0, 300)).join('\n').slice(-5000)).toBe('Error: Connection activation failed: No valid secrets');
    await baseUntouched();
    expect((await bed.ns.tryExec('ip', ['link', 'show', 'tun0'])).code).not.toBe(0);
    await until('the openvpn service to exit', () => openvpnGone(bed.ns));
    // The server refused the password, and the plugin said so.
    expect(fs.readFileSync(path.join(bed.dir, 'server.log'), 'utf8')).toMatch(/auth-user-pass-verify|AUTH_FAILED|authentication failed/i);
    expect(bed.d.logs.some((l) => /Password verification failed/.test(l.msg))).toBe(true);
    expect(JSON.stringify(bed.d.logs)).not.toContain(WRONG_PASSWORD);
  }, 120_000);

  it('wrong credentials with an agent that takes no VPN hints: Connect; the plugin reports login-failed, then connect-failed, and the last one wins as in NetworkManager: "Unknown reason"', async () => {
    // NetworkManager calls ConnectInteractive only when every agent passes hints on; this one registers without capabilities.
    const agent = await startTestAgent(bed.d.busAddress);
    try {
      await agent.register('org.freedesktop.NetworkManager', 'org.nmktest.no-hints');
      const from = bed.d.logs.length;
      const r = await up('vpn-wrong');
      expect(r.code).not.toBe(0);
      // nm-vpn-connection.c keeps only the last Failure's reason; connect-failed maps to UNKNOWN.
      expect(firstLine(r.stderr), bed.d.logs.filter((l) => (l.component === 'vpn' || l.component === 'agents') && !/openvpn: 20/.test(l.msg)).map((l) => JSON.stringify(l).slice(0, 250)).join('\n').slice(-4000)).toBe('Error: Connection activation failed: Unknown reason');
      const failures = bed.d.logs.slice(from).filter((l) => l.msg.startsWith('VPN service reports a failure') && l.connection === 'vpn-wrong').map((l) => l.msg);
      expect(failures).toEqual(['VPN service reports a failure: login-failed', 'VPN service reports a failure: connect-failed']);
      expect(bed.d.logs.slice(from).some((l) => l.msg === 'connect: calling Connect, as not every secret agent supports VPN hints')).toBe(true);
      await baseUntouched();
      await until('the openvpn service to exit', () => openvpnGone(bed.ns));
      expect(JSON.stringify(bed.d.logs)).not.toContain(WRONG_PASSWORD);
    } finally {
      await agent.close();
    }
  }, 120_000);

  it('the right password stored: the VPN connects', async () => {
    const r = await up('vpn-right');
    expect(r.code, `${r.stderr}\n${bed.d.stderr().slice(-3000)}`).toBe(0);
    expect(r.stdout).toContain('Connection successfully activated');
    expect(await active()).toEqual(expect.arrayContaining([['vpn-right', 'activated'], ['base', 'activated']]));
    expect(await bed.ns.ip(['-4', '-o', 'address', 'show', 'dev', 'tun0'])).toMatch(/inet 10\.8\.0\.\d+\/24/);
    expect(JSON.stringify(bed.d.logs)).not.toContain(LOGIN.password);
  }, 120_000);

  it('the base connection going down takes the VPN down: deactivated, tunnel and routes gone, service exited', async () => {
    expect(await bed.ns.ip(['-4', 'route', 'show', '198.51.100.0/24'])).toMatch(/dev tun0/);
    const r = await bed.d.nmcli(['connection', 'down', 'base']);
    expect(r.code, r.stderr).toBe(0);
    // The VPN goes through deactivating (Disconnect to the service) to deactivated.
    await until('the VPN to be deactivated', async () => (await active()).length === 0);
    await until('tun0 to go', async () => (await bed.ns.tryExec('ip', ['link', 'show', 'tun0'])).code !== 0);
    expect(await bed.ns.ip(['-4', 'route', 'show', '198.51.100.0/24'])).toBe('');
    expect(await bed.ns.ip(['-4', 'route', 'show', '192.0.2.1/32'])).toBe('');
    await until('the openvpn service to exit', () => openvpnGone(bed.ns));
    // The VPN's end is logged with NetworkManager's reason: the base connection was interrupted (3 = DEVICE_DISCONNECTED).
    expect(bed.d.logs.some((l) => /VPN state .* -> disconnected \(reason 3\)/.test(l.msg) && l.connection === 'vpn-right')).toBe(true);
    expect((await bed.d.nmcli(['-t', '-f', 'RUNNING', 'general'])).stdout.trim()).toBe('running');
  }, 60_000);
});
