/**
 * Secret agents against the real nmkd on a private bus: a test agent (a
 * dbus-next client serving org.freedesktop.NetworkManager.SecretAgent)
 * registers and nmkd logs it with the caller's uid; the real
 * `nmcli -s connection show` makes nmkd ask it for a VPN profile's
 * agent-owned password through Settings.Connection.GetSecrets (as
 * NetworkManager's GetSecrets does) and prints the answer, which never
 * reaches nmkd's log; the real `nmcli agent secret`, as root and as another
 * user, registers and is dropped when it exits; deleting the profile sends
 * the agent DeleteSecrets; a modify that sets the agent-owned password
 * sends it SaveSecrets (and writes no file with it).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Variant } from 'dbus-next';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon, type DaemonLogLine } from '../harness/daemon.js';
import { Netns } from '../harness/netns.js';
import { NMCLI } from '../harness/nmcli.js';
import { AGENT_MANAGER, startTestAgent, type AgentAnswer, type TestAgent } from '../harness/secret-agent.js';

const run = promisify(execFile);
const NM = 'org.freedesktop.NetworkManager';
const KEYFILE = 'etc/nmk/system-connections/office.nmconnection';
const AGENT_PASSWORD = 'agent pw 7f3a';

async function offlineKeyfile(args: string[]): Promise<string> {
  const { stdout } = await run(NMCLI, ['--offline', 'connection', 'add', ...args], { env: { ...process.env, LC_ALL: 'C', LANG: 'C' } });
  return stdout.split('\n').filter((l) => !l.startsWith('Info: ') && !l.startsWith('Warning: ')).join('\n');
}

/** The profile's D-Bus path and UUID, as a client finds them. */
async function profileOf(d: Daemon, agent: TestAgent, id: string): Promise<{ path: string; uuid: string }> {
  const uuid = (await d.nmcli(['-g', 'connection.uuid', 'connection', 'show', id])).stdout.trim();
  const reply = await agent.client.call(NM, '/org/freedesktop/NetworkManager/Settings', 'org.freedesktop.NetworkManager.Settings', 'GetConnectionByUuid', 's', [uuid]);
  return { path: reply.body[0] as string, uuid };
}

const registered = (identifier: string) => (l: DaemonLogLine) => l.msg === 'secret agent registered' && l.identifier === identifier;

describe('secret agents with the real nmkd and nmcli', () => {
  let ns: Netns;
  let d: Daemon;
  let agent: TestAgent;
  const children: ChildProcess[] = [];

  /** `nmcli agent secret`, optionally as another uid; killed by afterAll if a test does not. */
  const nmcliAgent = (prefix: string[] = []): ChildProcess => {
    const [cmd, ...args] = [...prefix, NMCLI, 'agent', 'secret'];
    const child = spawn(cmd!, args, { env: { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: d.busAddress, LC_ALL: 'C' }, stdio: ['pipe', 'pipe', 'pipe'] });
    children.push(child);
    return child;
  };
  const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

  beforeAll(async () => {
    ns = await Netns.create('nmkagent');
    const keyfile = await offlineKeyfile([
      'con-name', 'office', 'type', 'vpn', 'vpn-type', 'openvpn',
      'vpn.data', 'remote=vpn.example.com,connection-type=password,username=alice,password-flags=1',
    ]);
    d = await startDaemon({ ns, profile: 'server', files: { [KEYFILE]: { text: keyfile, mode: 0o600 } } });
    agent = await startTestAgent(d.busAddress);
  });

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await Promise.all(children.map(exited));
    await agent?.close();
    await d?.cleanup();
    await ns?.destroy();
  });

  it('a test agent registers; nmkd logs it with the caller\'s uid and refuses the same identifier twice', async () => {
    await agent.register(NM, 'org.example.nmk-test-agent', 1);
    const line = await d.waitForLog(registered('org.example.nmk-test-agent'));
    expect(line).toMatchObject({ sender: agent.client.uniqueName, uid: 0, capabilities: 1, component: 'agents' });
    expect(await agent.client.callError(NM, AGENT_MANAGER.path, AGENT_MANAGER.iface, 'Register', 's', ['org.example.nmk-test-agent'])).toEqual({
      name: 'org.freedesktop.NetworkManager.AgentManager.PermissionDenied',
      message: 'An agent with this ID is already registered for this user.',
    });
  });

  it('nmcli -s asks the caller\'s agent for the agent-owned VPN password and shows it; nmkd never logs it', async () => {
    agent.answer = (setting): AgentAnswer => (setting === 'vpn' ? { vpn: { secrets: new Variant('a{ss}', { password: AGENT_PASSWORD }) } } : {});
    const { path } = await profileOf(d, agent, 'office');
    const r = await d.nmcli(['-s', '-g', 'vpn.secrets', 'connection', 'show', 'office']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`password = ${AGENT_PASSWORD}`);
    const call = await agent.waitForCall('GetSecrets');
    const [connection, connPath, setting, hints, flags] = call.body as [Record<string, Record<string, Variant>>, string, string, string[], number];
    expect([connPath, setting, hints, flags]).toEqual([path, 'vpn', [], 4 /* USER_REQUESTED; NO_ERRORS is never sent */]);
    expect(connection.connection?.id?.value).toBe('office');
    expect(connection.vpn?.secrets).toBeUndefined();
    expect(JSON.stringify(d.logs)).not.toContain(AGENT_PASSWORD);
  });

  it('the real `nmcli agent secret` registers, as root and as another user, and is dropped when it exits', async () => {
    const asRoot = nmcliAgent();
    const rootLine = await d.waitForLog((l) => registered('nmcli-agent')(l) && l.uid === 0);
    const asNobody = nmcliAgent(['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']);
    const nobodyLine = await d.waitForLog((l) => registered('nmcli-agent')(l) && l.uid === 65534);
    // libnm's agents announce VPN hints.
    expect(rootLine.capabilities).toBe(1);
    expect(nobodyLine.sender).not.toBe(rootLine.sender);
    for (const [child, line] of [[asRoot, rootLine], [asNobody, nobodyLine]] as const) {
      child.kill('SIGTERM');
      await exited(child);
      // nmcli unregisters on the way out or simply leaves the bus: either drops it.
      await d.waitForLog((l) => /^secret agent (unregistered|left the bus)$/.test(l.msg) && l.sender === line.sender);
    }
  });

  it('a modify that sets the agent-owned password sends it to the agent with SaveSecrets, and to no file', async () => {
    const { path } = await profileOf(d, agent, 'office');
    const r = await d.nmcli(['connection', 'modify', 'office', 'vpn.secrets', 'password=saved by agent 91']);
    expect(r.code, r.stderr).toBe(0);
    const call = await agent.waitForCall('SaveSecrets');
    const [connection, connPath] = call.body as [Record<string, Record<string, Variant>>, string];
    expect(connPath).toBe(path);
    expect(connection.vpn?.secrets?.value).toEqual({ password: 'saved by agent 91' });
    expect(fs.readFileSync(join(d.root, KEYFILE), 'utf8')).not.toContain('saved by agent 91');
    expect(JSON.stringify(d.logs)).not.toContain('saved by agent 91');
  });

  it('deleting the profile sends the agent DeleteSecrets with the profile and no secrets', async () => {
    const { path, uuid } = await profileOf(d, agent, 'office');
    expect(uuid).toMatch(/^[0-9a-f-]{36}$/);
    const r = await d.nmcli(['connection', 'delete', 'office']);
    expect(r.code, r.stderr).toBe(0);
    const call = await agent.waitForCall('DeleteSecrets');
    const [connection, connPath] = call.body as [Record<string, Record<string, Variant>>, string];
    expect(connPath).toBe(path);
    expect(connection.connection?.uuid?.value).toBe(uuid);
    expect(connection.vpn?.secrets).toBeUndefined();
  });

  it('Unregister drops the test agent (logged); a second Unregister is NotRegistered', async () => {
    await agent.unregister(NM);
    await d.waitForLog((l) => l.msg === 'secret agent unregistered' && l.sender === agent.client.uniqueName);
    expect(await agent.client.callError(NM, AGENT_MANAGER.path, AGENT_MANAGER.iface, 'Unregister')).toEqual({
      name: 'org.freedesktop.NetworkManager.AgentManager.NotRegistered',
      message: 'Caller is not registered as an Agent',
    });
  });
});
