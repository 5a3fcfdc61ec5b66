/**
 * The AgentManager object and agent calls over a real (private) bus, in this
 * process: a test agent (a plain dbus-next client serving SecretAgent)
 * registers, the registry records its uid and process, getSecrets reaches it
 * as NetworkManager's GetSecrets call, cancelling sends CancelGetSecrets, a
 * call that times out moves on to the next agent, and an agent that leaves
 * the bus is dropped. No root needed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Variant } from 'dbus-next';
import type { ConnectionSettings } from '../../../sdk/index.js';
import { recordingLogger, startPrivateBus, type PrivateBus } from '../../../test/harness/dbus.js';
import { AGENT_MANAGER, startTestAgent, type TestAgent } from '../../../test/harness/secret-agent.js';
import { connectBus, type BusConnection } from '../connection.js';
import { ObjectTree } from '../object-tree.js';
import { watchDepartures } from '../../secrets/agent-bus.js';
import { dbusAgentTransport } from '../../secrets/agent-transport.js';
import { AgentCapabilities, GetSecretsFlags } from '../../secrets/nm-agent-constants.js';
import { SecretAgents, SecretsCancelledError } from '../../secrets/secret-agents.js';
import { AGENT_MANAGER_PATH, agentManagerInterface } from './agent-manager-object.js';

const NAME = 'org.freedesktop.NetworkManager';
const PROFILE = {
  path: '/org/freedesktop/NetworkManager/Settings/3',
  id: 'office',
  settings: {
    connection: { id: 'office', uuid: '3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f', type: 'vpn' },
    vpn: { 'service-type': 'org.freedesktop.NetworkManager.openvpn', data: { remote: 'vpn.example.com', 'password-flags': '1' } },
  } as ConnectionSettings,
};

let bus: PrivateBus;
let server: BusConnection;
let tree: ObjectTree;
let agents: SecretAgents;
let unwatch: () => Promise<void>;
const log = recordingLogger();
const started: TestAgent[] = [];

async function agent(): Promise<TestAgent> {
  const a = await startTestAgent(bus.address);
  started.push(a);
  return a;
}

/** Resolves when the registry next loses an agent. */
const nextRemoval = () => new Promise<void>((resolve) => {
  const off = agents.registry.onRemoved(() => (off(), resolve()));
});

beforeAll(async () => {
  bus = await startPrivateBus();
  server = await connectBus({ address: bus.address, logger: log });
  tree = await ObjectTree.attach(server, { logger: log });
  // A short GetSecrets limit, so the test of a silent agent does not wait NetworkManager's 120 s.
  agents = new SecretAgents({ log, transport: dbusAgentTransport(server, { getSecrets: 1_500 }) });
  unwatch = await watchDepartures(server, agents.registry);
  tree.export(AGENT_MANAGER_PATH, [agentManagerInterface(agents.registry, server)]);
  await server.requestName(NAME);
});

afterAll(async () => {
  for (const a of started) await a.close().catch(() => undefined);
  agents?.stop();
  await unwatch?.();
  await tree?.close();
  await server?.close();
  await bus?.stop();
});

describe('AgentManager on the bus', () => {
  it('records the caller\'s unique name, uid, process and capabilities; refuses a duplicate and a bad identifier', async () => {
    const a = await agent();
    await a.register(NAME, 'org.example.test-agent', AgentCapabilities.VPN_HINTS);
    const [rec] = agents.registry.all().filter((x) => x.sender === a.client.uniqueName);
    expect(rec).toMatchObject({ identifier: 'org.example.test-agent', uid: process.getuid!(), pid: process.pid, capabilities: 1 });
    expect(rec!.startTime).toBeGreaterThan(0);
    expect(await a.client.callError(NAME, AGENT_MANAGER.path, AGENT_MANAGER.iface, 'Register', 's', ['org.example.test-agent'])).toEqual({
      name: 'org.freedesktop.NetworkManager.AgentManager.PermissionDenied',
      message: 'An agent with this ID is already registered for this user.',
    });
    expect(await a.client.callError(NAME, AGENT_MANAGER.path, AGENT_MANAGER.iface, 'Register', 's', ['no:colons'])).toEqual({
      name: 'org.freedesktop.NetworkManager.AgentManager.InvalidIdentifier',
      message: "Identifier contains invalid character ':'",
    });
    await a.unregister(NAME);
    expect(agents.registry.all().some((x) => x.sender === a.client.uniqueName)).toBe(false);
    expect(await a.client.callError(NAME, AGENT_MANAGER.path, AGENT_MANAGER.iface, 'Unregister')).toEqual({
      name: 'org.freedesktop.NetworkManager.AgentManager.NotRegistered',
      message: 'Caller is not registered as an Agent',
    });
  });

  it('getSecrets reaches the agent as GetSecrets(a{sa{sv}} o s as u) and returns its answer', async () => {
    const a = await agent();
    a.answer = (setting) => ({ [setting]: { secrets: new Variant('a{ss}', { password: 'over-the-bus' }) } });
    await a.register(NAME, 'answering-agent');
    const got = await agents.getSecrets({ profile: PROFILE, settingName: 'vpn', hints: ['password'], flags: GetSecretsFlags.ALLOW_INTERACTION | GetSecretsFlags.NO_ERRORS, subject: { uid: process.getuid!() } });
    expect(got.vpn?.secrets?.value).toEqual({ password: 'over-the-bus' });
    const [call] = a.calls;
    const [connection, path, setting, hints, flags] = call!.body as [Record<string, Record<string, Variant>>, string, string, string[], number];
    expect([call!.member, path, setting, hints, flags]).toEqual(['GetSecrets', PROFILE.path, 'vpn', ['password'], GetSecretsFlags.ALLOW_INTERACTION]);
    expect(connection.connection?.uuid?.value).toBe('3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f');
    expect(connection.vpn?.['service-type']?.value).toBe('org.freedesktop.NetworkManager.openvpn');
    await a.unregister(NAME);
  });

  it('cancelling sends CancelGetSecrets(o s) to the agent being asked', async () => {
    const a = await agent();
    a.answer = () => 'never';
    await a.register(NAME, 'slow-agent');
    const ac = new AbortController();
    const p = agents.getSecrets({ profile: PROFILE, settingName: 'vpn', signal: ac.signal });
    await a.waitForCall('GetSecrets');
    ac.abort();
    await expect(p).rejects.toBeInstanceOf(SecretsCancelledError);
    expect((await a.waitForCall('CancelGetSecrets')).body).toEqual([PROFILE.path, 'vpn']);
    await a.unregister(NAME);
  });

  it('an agent that never answers is given up at the time limit, and the next one is asked', async () => {
    const silent = await agent();
    silent.answer = () => 'never';
    const helpful = await agent();
    helpful.answer = (setting) => ({ [setting]: { secrets: new Variant('a{ss}', { password: 'second' }) } });
    await helpful.register(NAME, 'helpful-agent');
    await silent.register(NAME, 'silent-agent');
    const got = await agents.getSecrets({ profile: PROFILE, settingName: 'vpn' });
    expect(got.vpn?.secrets?.value).toEqual({ password: 'second' });
    expect(silent.calls.map((c) => c.member)).toEqual(['GetSecrets']);
    await helpful.unregister(NAME);
    await silent.unregister(NAME);
  });

  it('an agent that leaves the bus is dropped, with a log line', async () => {
    const a = await agent();
    await a.register(NAME, 'leaving-agent');
    const sender = a.client.uniqueName;
    expect(agents.registry.all().some((x) => x.sender === sender)).toBe(true);
    const removed = nextRemoval();
    await a.close();
    await removed;
    expect(agents.registry.all().some((x) => x.sender === sender)).toBe(false);
    expect(log.lines.some((l) => l.msg === 'secret agent left the bus' && l.fields.sender === sender)).toBe(true);
  });
});
