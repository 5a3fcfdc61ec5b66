/**
 * VPN secrets from a secret agent, and connection.secondaries, with the
 * real network-manager-openvpn against an OpenVPN server that checks a
 * password (--auth-user-pass-verify via-file):
 * - the profile's password is agent-owned (password-flags=1): a test agent
 *   of the caller's uid (root, as nmcli) answers GetSecrets with the right
 *   password, the VPN connects, and nmkd never logs the password; with no
 *   agent but nmcli's own (which cannot prompt without --ask), NetworkManager's
 *   "No valid secrets";
 * - an ethernet profile listing a VPN's UUID in connection.secondaries:
 *   `nmcli connection up` brings the VPN up over it before the base is
 *   activated (NetworkManager's SECONDARIES state); a secondary that fails
 *   fails the base with "A secondary connection of the base connection
 *   failed".
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Variant } from 'dbus-next';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../harness/daemon.js';
import { startPrivateBus, type PrivateBus } from '../harness/dbus.js';
import { Netns } from '../harness/netns.js';
import { parseTerse } from '../harness/nmcli.js';
import { startTestAgent, type AgentAnswer, type TestAgent } from '../harness/secret-agent.js';
import { makeTestCertificates, needProgram, OPENVPN_BIN, OPENVPN_SERVICE, openvpnGone, startOpenvpnServer, systemBusMountWrap, until } from '../harness/vpn-fixtures.js';

const NM = 'org.freedesktop.NetworkManager';
const file = (text: string) => ({ text, mode: 0o600 });
const LOGIN = { username: 'bob', password: 'agent-pw-5Kx' };
const UUID = {
  agentVpn: '6e1f8b52-2c3d-4e4f-9a51-000000000001',
  goodVpn: '6e1f8b52-2c3d-4e4f-9a51-000000000002',
  badVpn: '6e1f8b52-2c3d-4e4f-9a51-000000000003',
};

const ethernet = (id: string, n: number, secondaries?: string) => `[connection]
id=${id}
uuid=6e1f8b52-2c3d-4e4f-9a51-00000000010${n}
type=ethernet
interface-name=veth0
autoconnect=false
${secondaries ? `secondaries=${secondaries};\n` : ''}
[ipv4]
method=manual
address1=192.0.2.2/24,192.0.2.1

[ipv6]
method=ignore
`;

/** network-manager-openvpn with a username; the password agent-owned (no [vpn-secrets]) or stored. */
const vpn = (id: string, uuid: string, dir: string, password: { agentOwned: true } | { stored: string }) => `[connection]
id=${id}
uuid=${uuid}
type=vpn
autoconnect=false

[vpn]
ca=${dir}/ca.crt
connection-type=password
password-flags=${'agentOwned' in password ? 1 : 0}
remote=192.0.2.1
username=${LOGIN.username}
service-type=org.freedesktop.NetworkManager.openvpn
${'stored' in password ? `\n[vpn-secrets]\npassword=${password.stored}\n` : ''}
[ipv4]
method=auto
never-default=true

[ipv6]
method=ignore
`;

describe('VPN secrets from an agent, and connection.secondaries (root)', () => {
  let ns: Netns | undefined;
  let peer: Netns | undefined;
  let bus: PrivateBus | undefined;
  let d: Daemon | undefined;
  let agent: TestAgent | undefined;
  let dir = '';

  const active = async () => parseTerse((await d!.nmcli(['-t', '-f', 'NAME,STATE', 'connection', 'show', '--active'])).stdout);
  /** nmcli's error line (warnings may come before it, a "Hint: ..." line after it, as with NetworkManager). */
  const errorLine = (text: string) => text.split('\n').find((l) => l.startsWith('Error: '));
  const up = (id: string) => d!.nmcli(['connection', 'up', id], { timeoutMs: 90_000 });
  const down = async (id: string) => {
    const r = await d!.nmcli(['connection', 'down', id]);
    expect(r.code, r.stderr).toBe(0);
    await until(`'${id}' to be down`, async () => !(await active()).some((a) => a[0] === id));
  };

  beforeAll(async () => {
    needProgram(OPENVPN_SERVICE, 'network-manager-openvpn');
    needProgram(OPENVPN_BIN, 'openvpn');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nmk-vpna-'));
    fs.chmodSync(dir, 0o755);
    makeTestCertificates(dir);
    ns = await Netns.create('nmkva');
    peer = await Netns.create('nmkvas');
    await ns.addVeth('veth0', 'veth1', peer);
    await peer.ip(['address', 'add', '192.0.2.1/24', 'dev', 'veth1']);
    await peer.ip(['link', 'set', 'veth1', 'up']);
    await startOpenvpnServer(peer, dir, { login: LOGIN });
    bus = await startPrivateBus();
    d = await startDaemon({
      ns,
      busAddress: bus.address,
      files: {
        'etc/nmk/system-connections/base.nmconnection': file(ethernet('base', 1)),
        'etc/nmk/system-connections/base-good.nmconnection': file(ethernet('base-good', 2, UUID.goodVpn)),
        'etc/nmk/system-connections/base-bad.nmconnection': file(ethernet('base-bad', 3, UUID.badVpn)),
        'etc/nmk/system-connections/vpn-agent.nmconnection': file(vpn('vpn-agent', UUID.agentVpn, dir, { agentOwned: true })),
        'etc/nmk/system-connections/vpn-good.nmconnection': file(vpn('vpn-good', UUID.goodVpn, dir, { stored: LOGIN.password })),
        'etc/nmk/system-connections/vpn-bad.nmconnection': file(vpn('vpn-bad', UUID.badVpn, dir, { stored: 'not-the-password' })),
      },
      // The classic network-manager-openvpn service, not nmk's own TypeScript OpenVPN plugin.
      config: '[vpn]\nprefer=classic\n',
      wrap: systemBusMountWrap(bus.address),
    });
    const r = await d.nmcli(['connection', 'up', 'base']);
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await agent?.close();
    await d?.cleanup();
    await ns?.destroy();
    await peer?.destroy();
    await bus?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('an agent-owned password with no agent but nmcli\'s own: "No valid secrets", the base untouched', async () => {
    const r = await up('vpn-agent');
    expect(r.code).not.toBe(0);
    // nmkd asked nmcli's own agent, which says why it cannot answer; then NetworkManager's reason.
    expect(r.stderr).toContain("Warning: password for 'vpn.secrets.password' not given in 'passwd-file' and nmcli cannot ask without '--ask' option.");
    expect(errorLine(r.stderr)).toBe('Error: Connection activation failed: No valid secrets');
    expect(await active()).toEqual([['base', 'activated']]);
    await until('the openvpn service to exit', () => openvpnGone(ns!));
  }, 120_000);

  it('a secret agent of the caller\'s uid answers the password prompt: the VPN connects; the password is never logged', async () => {
    agent = await startTestAgent(d!.busAddress);
    agent.answer = (setting): AgentAnswer => (setting === 'vpn' ? { vpn: { secrets: new Variant('a{ss}', { password: LOGIN.password }) } } : {});
    await agent.register(NM, 'org.nmktest.vpn-agent', 1 /* VPN_HINTS */);
    const r = await up('vpn-agent');
    expect(r.code, `${r.stderr}\n${d!.stderr().slice(-3000)}`).toBe(0);
    expect(r.stdout).toContain('Connection successfully activated');
    expect(await active()).toEqual(expect.arrayContaining([['vpn-agent', 'activated'], ['base', 'activated']]));
    expect(await ns!.ip(['-4', '-o', 'address', 'show', 'dev', 'tun0'])).toMatch(/inet 10\.8\.0\.\d+\/24/);
    const call = agent.calls.find((c) => c.member === 'GetSecrets');
    expect(call, JSON.stringify(agent.calls.map((c) => c.member))).toBeDefined();
    const [, , setting] = call!.body as [unknown, string, string];
    expect(setting).toBe('vpn');
    expect(JSON.stringify(d!.logs)).not.toContain(LOGIN.password);
    expect(d!.stderr()).not.toContain(LOGIN.password);
    await down('vpn-agent');
    await until('the openvpn service to exit', () => openvpnGone(ns!));
    // Gone from the bus, it is asked nothing more (the secondaries below rely on stored passwords only).
    await agent.close();
    agent = undefined;
  }, 120_000);

  it('connection.secondaries: nmcli connection up brings the VPN up over the base before the base is activated', async () => {
    await down('base');
    const from = d!.logs.length;
    const r = await up('base-good');
    expect(r.code, `${r.stderr}\n${d!.stderr().slice(-3000)}`).toBe(0);
    expect(await active()).toEqual(expect.arrayContaining([['base-good', 'activated'], ['vpn-good', 'activated']]));
    expect(await ns!.ip(['-4', '-o', 'address', 'show', 'dev', 'tun0'])).toMatch(/inet 10\.8\.0\.\d+\/24/);
    // The device waited in SECONDARIES (90) for the VPN; the VPN was activated before the base.
    const logs = d!.logs.slice(from);
    const vpnUp = logs.findIndex((l) => l.msg === "VPN 'vpn-good' activated");
    const baseUp = logs.findIndex((l) => l.msg === 'activated' && l.connection === 'base-good');
    expect(vpnUp).toBeGreaterThanOrEqual(0);
    expect(baseUp).toBeGreaterThan(vpnUp);
    // Down with the base: the VPN goes too.
    await down('base-good');
    await until('the VPN to go with its base', async () => (await active()).length === 0);
    await until('the openvpn service to exit', () => openvpnGone(ns!));
  }, 120_000);

  it('a secondary that fails fails the base: "A secondary connection of the base connection failed"', async () => {
    const r = await up('base-bad');
    expect(r.code).not.toBe(0);
    expect(errorLine(r.stderr)).toBe('Error: Connection activation failed: A secondary connection of the base connection failed');
    await until('nothing to be active', async () => (await active()).length === 0);
    expect(await ns!.ip(['-4', '-o', 'address', 'show', 'dev', 'veth0'])).not.toContain('192.0.2.2');
    await until('the openvpn service to exit', () => openvpnGone(ns!));
    expect((await d!.nmcli(['-t', '-f', 'RUNNING', 'general'])).stdout.trim()).toBe('running');
  }, 120_000);
});
