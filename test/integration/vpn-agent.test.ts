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
import { Variant } from 'dbus-next';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTerse } from '../harness/nmcli.js';
import { ethernetProfile, openvpnGone, openvpnPasswordProfile, until, useVpnTestbed } from '../harness/openvpn.js';
import { startTestAgent, type AgentAnswer, type TestAgent } from '../harness/secret-agent.js';

const NM = 'org.freedesktop.NetworkManager';
const LOGIN = { username: 'bob', password: 'agent-pw-5Kx' };
const UUID = {
  agentVpn: '6e1f8b52-2c3d-4e4f-9a51-000000000001',
  goodVpn: '6e1f8b52-2c3d-4e4f-9a51-000000000002',
  badVpn: '6e1f8b52-2c3d-4e4f-9a51-000000000003',
};
const ethernet = (id: string, n: number, secondaries?: string) => ethernetProfile(id, `6e1f8b52-2c3d-4e4f-9a51-00000000010${n}`, secondaries);

describe('VPN secrets from an agent, and connection.secondaries (root)', () => {
  const bed = useVpnTestbed({
    name: 'nmkva', prefer: 'classic', login: LOGIN, baseUuid: '6e1f8b52-2c3d-4e4f-9a51-000000000101',
    profiles: (dir) => ({
      'base-good': ethernet('base-good', 2, UUID.goodVpn),
      'base-bad': ethernet('base-bad', 3, UUID.badVpn),
      'vpn-agent': openvpnPasswordProfile(dir, 'vpn-agent', UUID.agentVpn, LOGIN.username, { agentOwned: true }),
      'vpn-good': openvpnPasswordProfile(dir, 'vpn-good', UUID.goodVpn, LOGIN.username, { stored: LOGIN.password }),
      'vpn-bad': openvpnPasswordProfile(dir, 'vpn-bad', UUID.badVpn, LOGIN.username, { stored: 'not-the-password' }),
    }),
  });
  let agent: TestAgent | undefined;
  // Registered after the testbed's, so it runs before it (vitest runs after-hooks in reverse order).
  afterAll(async () => {
    await agent?.close();
  });

  const active = async () => parseTerse((await bed.d.nmcli(['-t', '-f', 'NAME,STATE', 'connection', 'show', '--active'])).stdout);
  /** nmcli's error line (warnings may come before it, a "Hint: ..." line after it, as with NetworkManager). */
  const errorLine = (text: string) => text.split('\n').find((l) => l.startsWith('Error: '));
  const up = (id: string) => bed.d.nmcli(['connection', 'up', id], { timeoutMs: 90_000 });
  const down = async (id: string) => {
    const r = await bed.d.nmcli(['connection', 'down', id]);
    expect(r.code, r.stderr).toBe(0);
    await until(`'${id}' to be down`, async () => !(await active()).some((a) => a[0] === id));
  };

  it('an agent-owned password with no agent but nmcli\'s own: "No valid secrets", the base untouched', async () => {
    const r = await up('vpn-agent');
    expect(r.code).not.toBe(0);
    // nmkd asked nmcli's own agent, which says why it cannot answer; then NetworkManager's reason.
    expect(r.stderr).toContain("Warning: password for 'vpn.secrets.password' not given in 'passwd-file' and nmcli cannot ask without '--ask' option.");
    expect(errorLine(r.stderr)).toBe('Error: Connection activation failed: No valid secrets');
    expect(await active()).toEqual([['base', 'activated']]);
    await until('the openvpn service to exit', () => openvpnGone(bed.ns));
  }, 120_000);

  it('a secret agent of the caller\'s uid answers the password prompt: the VPN connects; the password is never logged', async () => {
    agent = await startTestAgent(bed.d.busAddress);
    agent.answer = (setting): AgentAnswer => (setting === 'vpn' ? { vpn: { secrets: new Variant('a{ss}', { password: LOGIN.password }) } } : {});
    await agent.register(NM, 'org.nmktest.vpn-agent', 1 /* VPN_HINTS */);
    const r = await up('vpn-agent');
    expect(r.code, `${r.stderr}\n${bed.d.stderr().slice(-3000)}`).toBe(0);
    expect(r.stdout).toContain('Connection successfully activated');
    expect(await active()).toEqual(expect.arrayContaining([['vpn-agent', 'activated'], ['base', 'activated']]));
    expect(await bed.ns.ip(['-4', '-o', 'address', 'show', 'dev', 'tun0'])).toMatch(/inet 10\.8\.0\.\d+\/24/);
    const call = agent.calls.find((c) => c.member === 'GetSecrets');
    expect(call, JSON.stringify(agent.calls.map((c) => c.member))).toBeDefined();
    const [, , setting] = call!.body as [unknown, string, string];
    expect(setting).toBe('vpn');
    expect(JSON.stringify(bed.d.logs)).not.toContain(LOGIN.password);
    expect(bed.d.stderr()).not.toContain(LOGIN.password);
    await down('vpn-agent');
    await until('the openvpn service to exit', () => openvpnGone(bed.ns));
    // Gone from the bus, it is asked nothing more (the secondaries below rely on stored passwords only).
    await agent.close();
    agent = undefined;
  }, 120_000);

  it('connection.secondaries: nmcli connection up brings the VPN up over the base before the base is activated', async () => {
    await down('base');
    const from = bed.d.logs.length;
    const r = await up('base-good');
    expect(r.code, `${r.stderr}\n${bed.d.stderr().slice(-3000)}`).toBe(0);
    expect(await active()).toEqual(expect.arrayContaining([['base-good', 'activated'], ['vpn-good', 'activated']]));
    expect(await bed.ns.ip(['-4', '-o', 'address', 'show', 'dev', 'tun0'])).toMatch(/inet 10\.8\.0\.\d+\/24/);
    // The device waited in SECONDARIES (90) for the VPN; the VPN was activated before the base.
    const logs = bed.d.logs.slice(from);
    const vpnUp = logs.findIndex((l) => l.msg === "VPN 'vpn-good' activated");
    const baseUp = logs.findIndex((l) => l.msg === 'activated' && l.connection === 'base-good');
    expect(vpnUp).toBeGreaterThanOrEqual(0);
    expect(baseUp).toBeGreaterThan(vpnUp);
    // Down with the base: the VPN goes too.
    await down('base-good');
    await until('the VPN to go with its base', async () => (await active()).length === 0);
    await until('the openvpn service to exit', () => openvpnGone(bed.ns));
  }, 120_000);

  it('a secondary that fails fails the base: "A secondary connection of the base connection failed"', async () => {
    const r = await up('base-bad');
    expect(r.code).not.toBe(0);
    expect(errorLine(r.stderr)).toBe('Error: Connection activation failed: A secondary connection of the base connection failed');
    await until('nothing to be active', async () => (await active()).length === 0);
    expect(await bed.ns.ip(['-4', '-o', 'address', 'show', 'dev', 'veth0'])).not.toContain('192.0.2.2');
    await until('the openvpn service to exit', () => openvpnGone(bed.ns));
    expect((await bed.d.nmcli(['-t', '-f', 'RUNNING', 'general'])).stdout.trim()).toBe('running');
  }, 120_000);
});
