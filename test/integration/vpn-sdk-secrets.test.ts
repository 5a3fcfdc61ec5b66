/**
 * The TypeScript openvpn plugin (`[vpn] prefer=sdk`) against an OpenVPN
 * server that checks a username and password (--auth-user-pass-verify
 * via-file, --script-security 2), and a VPN profile's own routes:
 * - a profile with ipv4.routes and ignore-auto-routes: its routes are on
 *   tun0 with the VPN metric (50, or a route's own), the pushed route is not;
 *   `nmcli connection down` takes them away;
 * - connection-type=password-tls with password-flags=1 (agent-owned): the
 *   test agent answers GetSecrets with the right password, the plugin gives
 *   it to openvpn's management interface, the VPN connects, and the password
 *   is nowhere in nmkd's log;
 * - the agent gives a wrong password: the server refuses it, the plugin
 *   reports login-failed, and nmcli says NetworkManager's text for
 *   LOGIN_FAILED, "Invalid secrets"; the base connection is untouched.
 */
import { Variant } from 'dbus-next';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTerse } from '../harness/nmcli.js';
import { openvpnPasswordProfile, pidsWith, SERVER_ADDRESS, until, useVpnTestbed } from '../harness/openvpn.js';
import { startTestAgent, type AgentAnswer, type TestAgent } from '../harness/secret-agent.js';

const NM = 'org.freedesktop.NetworkManager';
const LOGIN = { username: 'carol', password: 'sdk-agent-pw-9Tq' };
const WRONG_PASSWORD = 'sdk-wrong-pw-4Rm';
const UUID = {
  base: '7a2b3c4d-5e6f-4a70-8b81-000000000001',
  routes: '7a2b3c4d-5e6f-4a70-8b81-000000000002',
  agent: '7a2b3c4d-5e6f-4a70-8b81-000000000003',
};

/** password-tls: the client certificate and the username/password; the password agent-owned (password-flags=1). */
const passwordTlsProfile = (dir: string, id: string, uuid: string) => `[connection]
id=${id}
uuid=${uuid}
type=vpn
autoconnect=false

[vpn]
service-type=org.freedesktop.NetworkManager.openvpn
connection-type=password-tls
remote=${SERVER_ADDRESS}
username=${LOGIN.username}
password-flags=1
ca=${dir}/ca.crt
cert=${dir}/client.crt
key=${dir}/client.key

[ipv4]
method=auto
never-default=true

[ipv6]
method=ignore
`;

/** The stored-password profile with routes of its own; ignore-auto-routes drops the pushed 198.51.100.0/24. */
const routesProfile = (dir: string) =>
  openvpnPasswordProfile(dir, 'vpn-routes', UUID.routes, LOGIN.username, { stored: LOGIN.password }).replace(
    'never-default=true\n',
    'never-default=true\nignore-auto-routes=true\nroute1=203.0.113.0/24\nroute2=198.18.0.0/15,10.8.0.1,7\n',
  );

describe('the TypeScript openvpn plugin with passwords from an agent, and a profile\'s own routes (root)', () => {
  const bed = useVpnTestbed({
    name: 'nmkvss', prefer: 'sdk', login: LOGIN, baseUuid: UUID.base,
    profiles: (dir) => ({ 'vpn-routes': routesProfile(dir), 'vpn-agent': passwordTlsProfile(dir, 'vpn-agent', UUID.agent) }),
  });
  let agent: TestAgent | undefined;
  // Registered after the testbed's, so it runs before it (vitest runs after-hooks in reverse order).
  afterAll(async () => {
    await agent?.close();
  });

  const active = async () => parseTerse((await bed.d.nmcli(['-t', '-f', 'NAME,STATE', 'connection', 'show', '--active'])).stdout);
  const up = (id: string) => bed.d.nmcli(['connection', 'up', id], { timeoutMs: 90_000 });
  const openvpnGone = () => pidsWith(bed.ns, 'openvpn\0--config\0').length === 0;
  const route = async (dst: string) => (await bed.ns.ip(['-4', 'route', 'show', dst])).trim();
  const down = async (id: string) => {
    const r = await bed.d.nmcli(['connection', 'down', id]);
    expect(r.code, r.stderr).toBe(0);
    await until(`'${id}' to be down`, async () => !(await active()).some((a) => a[0] === id));
    await until('openvpn to exit', openvpnGone);
  };

  it('a profile\'s ipv4.routes are on tun0 with the VPN metric; ignore-auto-routes drops the pushed one; down removes them', async () => {
    const r = await up('vpn-routes');
    expect(r.code, `${r.stderr}\n${bed.d.stderr().slice(-3000)}`).toBe(0);
    expect(await route('203.0.113.0/24')).toMatch(/^203\.0\.113\.0\/24 dev tun0 proto static scope link metric 50 *$/);
    expect(await route('198.18.0.0/15')).toMatch(/^198\.18\.0\.0\/15 via 10\.8\.0\.1 dev tun0 proto static metric 7 *$/);
    expect(await route('198.51.100.0/24')).toBe('');
    // nmcli shows them among the VPN's IP4 routes.
    const shown = (await bed.d.nmcli(['-t', '-f', 'IP4.ROUTE', 'connection', 'show', 'vpn-routes'])).stdout;
    expect(shown).toMatch(/dst = 203\.0\.113\.0\/24, nh = 0\.0\.0\.0, mt = 50/);
    await down('vpn-routes');
    expect(await route('203.0.113.0/24')).toBe('');
    expect(await route('198.18.0.0/15')).toBe('');
    expect(await active()).toEqual([['base', 'activated']]);
  }, 120_000);

  it('password-tls with an agent-owned password: the agent answers, openvpn gets it, the VPN connects; the password is never logged', async () => {
    agent = await startTestAgent(bed.d.busAddress);
    agent.answer = (setting): AgentAnswer => (setting === 'vpn' ? { vpn: { secrets: new Variant('a{ss}', { password: LOGIN.password }) } } : {});
    await agent.register(NM, 'org.nmktest.vpn-sdk-agent', 1 /* VPN_HINTS */);
    const r = await up('vpn-agent');
    expect(r.code, `${r.stderr}\n${bed.d.stderr().slice(-3000)}`).toBe(0);
    expect(await active()).toEqual(expect.arrayContaining([['vpn-agent', 'activated'], ['base', 'activated']]));
    expect(await bed.ns.ip(['-4', '-o', 'address', 'show', 'dev', 'tun0'])).toMatch(/inet 10\.8\.0\.\d+\/24/);
    // The plugin ran openvpn itself (not network-manager-openvpn), and the server checked the login.
    expect(pidsWith(bed.ns, 'nm-openvpn-service')).toEqual([]);
    const call = agent.calls.find((c) => c.member === 'GetSecrets');
    expect(call, JSON.stringify(agent.calls.map((c) => c.member))).toBeDefined();
    expect((call!.body as [unknown, string, string])[2]).toBe('vpn');
    expect(JSON.stringify(bed.d.logs)).not.toContain(LOGIN.password);
    expect(bed.d.stderr()).not.toContain(LOGIN.password);
    await down('vpn-agent');
  }, 120_000);

  it('a wrong password from the agent: login-failed, "Invalid secrets" in nmcli, the base untouched, nmkd running', async () => {
    const from = bed.d.logs.length;
    agent!.answer = (setting): AgentAnswer => (setting === 'vpn' ? { vpn: { secrets: new Variant('a{ss}', { password: WRONG_PASSWORD }) } } : {});
    const r = await up('vpn-agent');
    expect(r.code).not.toBe(0);
    expect(r.stderr.split('\n').find((l) => l.startsWith('Error: '))).toBe('Error: Connection activation failed: Invalid secrets');
    const failures = bed.d.logs.slice(from).filter((l) => l.msg.startsWith('VPN service reports a failure')).map((l) => l.msg);
    expect(failures).toEqual(['VPN service reports a failure: login-failed']);
    expect(await active()).toEqual([['base', 'activated']]);
    expect(await bed.ns.ip(['-4', '-o', 'address', 'show', 'dev', 'veth0'])).toContain('192.0.2.2/24');
    await until('openvpn to exit', openvpnGone);
    expect((await bed.ns.tryExec('ip', ['link', 'show', 'tun0'])).code).not.toBe(0);
    expect(JSON.stringify(bed.d.logs)).not.toContain(WRONG_PASSWORD);
    expect((await bed.d.nmcli(['-t', '-f', 'RUNNING', 'general'])).stdout.trim()).toBe('running');
  }, 120_000);
});
