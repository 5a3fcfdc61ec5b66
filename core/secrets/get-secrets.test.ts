/**
 * GetSecrets through fake agents: the order, falling through on errors and
 * empty answers, UserCanceled, NoSecrets, cancelling, agents that come and go
 * while a request runs, which secrets an agent may see and give, and that no
 * secret value reaches a log line. Also SaveSecrets, DeleteSecrets and the
 * capability check the VPN code uses.
 */
import { describe, expect, it } from 'vitest';
import { Variant } from 'dbus-next';
import type { ConnectionSettings } from '../../sdk/index.js';
import { recordingLogger, type RecordingLogger } from '../../test/harness/dbus.js';
import { DBusError } from '../dbus/errors.js';
import type { SecretAgent } from './agent-registry.js';
import type { AgentTransport, GetSecretsCall } from './agent-transport.js';
import { AgentCapabilities, GetSecretsFlags } from './nm-agent-constants.js';
import type { WireSettings } from './secret-flags.js';
import { SecretAgents, SecretsCancelledError } from './secret-agents.js';

const PATH = '/org/freedesktop/NetworkManager/Settings/7';
const SYSTEM_SECRET = 'system-cert-pass-1';

function vpnProfile(extraConnection: Record<string, unknown> = {}): { path: string; id: string; settings: ConnectionSettings } {
  return {
    path: PATH,
    id: 'office',
    settings: {
      connection: { id: 'office', uuid: '6b3b1e0c-7a59-4c3e-9d43-2f9c1a3e5b10', type: 'vpn', ...extraConnection },
      vpn: {
        'service-type': 'org.freedesktop.NetworkManager.openvpn',
        // password: agent-owned; cert-pass: system-owned (stored); otp: not saved.
        data: { remote: 'vpn.example.com', 'password-flags': '1', 'cert-pass-flags': '0', 'otp-flags': '2' },
        secrets: { 'cert-pass': SYSTEM_SECRET },
      },
    } as ConnectionSettings,
  };
}

function wifiProfile(psk?: string): { path: string; id: string; settings: ConnectionSettings } {
  return {
    path: PATH,
    id: 'home',
    settings: {
      connection: { id: 'home', uuid: '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0', type: '802-11-wireless' },
      '802-11-wireless': { ssid: new TextEncoder().encode('Home') },
      '802-11-wireless-security': { 'key-mgmt': 'wpa-psk', ...(psk !== undefined ? { psk } : {}), 'psk-flags': psk === undefined ? 1 : 0 },
    } as ConnectionSettings,
  };
}

const vpnAnswer = (secrets: Record<string, string>): WireSettings => ({ vpn: { secrets: new Variant('a{ss}', secrets) } });
const secretsOf = (w: WireSettings) => (w.vpn?.secrets?.value ?? {}) as Record<string, string>;

interface Call {
  sender: string;
  member: string;
  args: unknown[];
}

/** Agents behind a fake transport: each answers GetSecrets with its behaviour. */
class FakeAgents implements AgentTransport {
  readonly calls: Call[] = [];
  readonly behaviour = new Map<string, (c: GetSecretsCall) => Promise<WireSettings>>();
  saveFails = new Set<string>();
  getSecrets(agent: SecretAgent, c: GetSecretsCall): Promise<WireSettings> {
    this.calls.push({ sender: agent.sender, member: 'GetSecrets', args: [c] });
    const b = this.behaviour.get(agent.sender);
    return b ? b(c) : Promise.reject(new DBusError('org.freedesktop.DBus.Error.UnknownMethod', 'no such method'));
  }
  async cancelGetSecrets(agent: SecretAgent, path: string, setting: string): Promise<void> {
    this.calls.push({ sender: agent.sender, member: 'CancelGetSecrets', args: [path, setting] });
  }
  async saveSecrets(agent: SecretAgent, connection: WireSettings, path: string): Promise<void> {
    this.calls.push({ sender: agent.sender, member: 'SaveSecrets', args: [connection, path] });
    if (this.saveFails.has(agent.sender)) throw new DBusError('org.freedesktop.NetworkManager.SecretAgent.Failed', 'cannot save');
  }
  async deleteSecrets(agent: SecretAgent, connection: WireSettings, path: string): Promise<void> {
    this.calls.push({ sender: agent.sender, member: 'DeleteSecrets', args: [connection, path] });
  }
  asked(): string[] {
    return this.calls.filter((c) => c.member === 'GetSecrets').map((c) => c.sender);
  }
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

function setup(): { agents: SecretAgents; fake: FakeAgents; log: RecordingLogger; add(sender: string, uid: number, behaviour?: (c: GetSecretsCall) => Promise<WireSettings>, startTime?: number): SecretAgent } {
  const log = recordingLogger();
  const fake = new FakeAgents();
  const agents = new SecretAgents({ log, transport: fake, userName: (uid) => ({ 0: 'root', 1000: 'alice' })[uid] });
  let start = 0;
  return {
    agents,
    fake,
    log,
    add(sender, uid, behaviour, startTime = ++start) {
      if (behaviour) fake.behaviour.set(sender, behaviour);
      return agents.registry.register({ sender, identifier: `agent${sender.replace(/\W/g, '')}`, uid, capabilities: 0, startTime });
    },
  };
}

/** Waits until `n` GetSecrets calls were made (the request starts on a later turn of the loop). */
async function untilAsked(fake: FakeAgents, n: number): Promise<void> {
  for (let i = 0; i < 1000 && fake.asked().length < n; i++) await new Promise((r) => setImmediate(r));
  expect(fake.asked()).toHaveLength(n);
}

describe('getSecrets', () => {
  it('asks the newest agent first and falls through an error and an empty answer to the one that answers', async () => {
    const { agents, fake, log } = setup();
    fake.behaviour.set(':1.1', async () => vpnAnswer({ password: 'agent-pw-oldest' }));
    agents.registry.register({ sender: ':1.1', identifier: 'oldest', uid: 0, capabilities: 0, startTime: 1 });
    agents.registry.register({ sender: ':1.2', identifier: 'empty', uid: 0, capabilities: 0, startTime: 2 });
    fake.behaviour.set(':1.2', async () => ({ vpn: {} }));
    agents.registry.register({ sender: ':1.3', identifier: 'failing', uid: 0, capabilities: 0, startTime: 3 });
    fake.behaviour.set(':1.3', () => Promise.reject(new DBusError('org.freedesktop.NetworkManager.SecretAgent.NoSecrets', 'none here')));
    const got = await agents.getSecrets({ profile: vpnProfile(), settingName: 'vpn', flags: GetSecretsFlags.ALLOW_INTERACTION, subject: { uid: 0 } });
    expect(fake.asked()).toEqual([':1.3', ':1.2', ':1.1']);
    // The stored system secret with the agent's on top.
    expect(secretsOf(got)).toEqual({ 'cert-pass': SYSTEM_SECRET, password: 'agent-pw-oldest' });
    expect(JSON.stringify(log.lines)).not.toMatch(/agent-pw-oldest|system-cert-pass/);
    expect(log.lines.some((l) => l.msg === 'secret agent returned secrets' && String(l.fields.secrets) === 'secrets.password')).toBe(true);
  });

  it('sends the agent the profile without secrets, the private flags masked, and the hints as given', async () => {
    const { agents, fake, add } = setup();
    add(':1.4', 1000, async () => vpnAnswer({ password: 'pw' }));
    await agents.getSecrets({
      profile: vpnProfile(),
      settingName: 'vpn',
      hints: ['password', 'x-vpn-message:Enter your token'],
      flags: GetSecretsFlags.ALLOW_INTERACTION | GetSecretsFlags.NO_ERRORS,
      subject: { uid: 1000 },
    });
    const c = fake.calls[0]!.args[0] as GetSecretsCall;
    expect(c.path).toBe(PATH);
    expect(c.settingName).toBe('vpn');
    expect(c.hints).toEqual(['password', 'x-vpn-message:Enter your token']);
    expect(c.flags).toBe(GetSecretsFlags.ALLOW_INTERACTION);
    // A user's agent does not see the system's secret; it is marked not required instead.
    expect(c.connection.vpn?.secrets).toBeUndefined();
    expect((c.connection.vpn?.data?.value as Record<string, string>)['cert-pass-flags']).toBe('4');
    expect(c.connection.connection?.id?.value).toBe('office');
  });

  it('root\'s agent, with interaction allowed, is sent the setting\'s system secrets', async () => {
    const { agents, fake, add } = setup();
    add(':1.4', 0, async () => vpnAnswer({ password: 'pw' }));
    await agents.getSecrets({ profile: vpnProfile(), settingName: 'vpn', flags: GetSecretsFlags.ALLOW_INTERACTION, subject: { uid: 0 } });
    const c = fake.calls[0]!.args[0] as GetSecretsCall;
    expect(c.connection.vpn?.secrets?.value).toEqual({ 'cert-pass': SYSTEM_SECRET });
  });

  it('a user\'s agent may not replace a system-owned secret; without interaction nothing unsaved comes back', async () => {
    const { agents, fake, add } = setup();
    add(':1.4', 1000, async () => vpnAnswer({ password: 'pw', otp: '123456' }));
    const interactive = await agents.getSecrets({ profile: vpnProfile(), settingName: 'vpn', flags: GetSecretsFlags.ALLOW_INTERACTION, subject: { uid: 1000 } });
    expect(secretsOf(interactive)).toEqual({ 'cert-pass': SYSTEM_SECRET, password: 'pw', otp: '123456' });
    const silent = await agents.getSecrets({ profile: vpnProfile(), settingName: 'vpn', flags: GetSecretsFlags.NONE, subject: { uid: 1000 } });
    expect(secretsOf(silent)).toEqual({ 'cert-pass': SYSTEM_SECRET, password: 'pw' });
    // An answer holding a system secret from an agent without the right keeps only agent-owned ones (get_cmp_flags).
    fake.behaviour.set(':1.4', async () => vpnAnswer({ password: 'pw', otp: '123456', 'cert-pass': 'forged' }));
    const forged = await agents.getSecrets({ profile: vpnProfile(), settingName: 'vpn', flags: GetSecretsFlags.ALLOW_INTERACTION, subject: { uid: 1000 } });
    expect(secretsOf(forged)).toEqual({ 'cert-pass': SYSTEM_SECRET, password: 'pw' });
  });

  it('getSecretSettings gives the same answer as plain settings values', async () => {
    const { agents, add } = setup();
    add(':1.4', 0, async () => vpnAnswer({ password: 'plain-pw' }));
    expect(await agents.getSecretSettings({ profile: vpnProfile(), settingName: 'vpn', flags: GetSecretsFlags.ALLOW_INTERACTION })).toEqual({
      vpn: { secrets: { 'cert-pass': SYSTEM_SECRET, password: 'plain-pw' } },
    });
  });

  it('a user\'s request asks only that user\'s agents', async () => {
    const { agents, fake, add } = setup();
    add(':1.1', 0, async () => vpnAnswer({ password: 'root-pw' }));
    add(':1.2', 1000, async () => vpnAnswer({ password: 'alice-pw' }));
    const got = await agents.getSecrets({ profile: vpnProfile(), settingName: 'vpn', subject: { uid: 1000 } });
    expect(fake.asked()).toEqual([':1.2']);
    expect(secretsOf(got).password).toBe('alice-pw');
  });

  it('UserCanceled from an agent ends the request: no further agent is asked', async () => {
    const { agents, fake, add } = setup();
    add(':1.1', 0, async () => vpnAnswer({ password: 'never' }));
    add(':1.2', 0, () => Promise.reject(new DBusError('org.freedesktop.NetworkManager.SecretAgent.UserCanceled', 'User canceled')));
    await expect(agents.getSecrets({ profile: vpnProfile(), settingName: 'vpn', subject: { uid: 0 } })).rejects.toMatchObject({
      dbusName: 'org.freedesktop.NetworkManager.AgentManager.UserCanceled',
      message: 'User canceled the secrets request.',
    });
    expect(fake.asked()).toEqual([':1.2']);
  });

  it('no agent (or none that answers) is NoSecrets; a timed-out call moves on like any error', async () => {
    const { agents, add } = setup();
    const noSecrets = { dbusName: 'org.freedesktop.NetworkManager.AgentManager.NoSecrets', message: 'No agents were available for this request.' };
    await expect(agents.getSecrets({ profile: vpnProfile(), settingName: 'vpn' })).rejects.toMatchObject(noSecrets);
    add(':1.1', 0, () => Promise.reject(new Error('org.freedesktop.NetworkManager.SecretAgent.GetSecrets on :1.1 timed out after 120000 ms')));
    await expect(agents.getSecrets({ profile: vpnProfile(), settingName: 'vpn' })).rejects.toMatchObject(noSecrets);
  });

  it('stored system secrets answer alone when they suffice, for ONLY_SYSTEM, and for NO_ERRORS without agents', async () => {
    const { agents, fake, add } = setup();
    // Wi-Fi with a stored psk: enough, no agent asked.
    add(':1.1', 0, async () => ({ '802-11-wireless-security': { psk: new Variant('s', 'agent-psk') } }));
    const wifi = await agents.getSecrets({ profile: wifiProfile('stored-psk'), settingName: '802-11-wireless-security', subject: { uid: 0 } });
    expect(wifi['802-11-wireless-security']?.psk?.value).toBe('stored-psk');
    expect(fake.asked()).toEqual([]);
    // Asked anew (the stored one was wrong): the agent's answer wins.
    const renewed = await agents.getSecrets({ profile: wifiProfile('stored-psk'), settingName: '802-11-wireless-security', requestNew: true, subject: { uid: 0 } });
    expect(renewed['802-11-wireless-security']?.psk?.value).toBe('agent-psk');
    const onlySystem = await agents.getSecrets({ profile: vpnProfile(), settingName: 'vpn', flags: GetSecretsFlags.ONLY_SYSTEM });
    expect(secretsOf(onlySystem)).toEqual({ 'cert-pass': SYSTEM_SECRET });
    expect(fake.asked()).toHaveLength(1);
    const { agents: none } = setup();
    const noErrors = await none.getSecrets({ profile: vpnProfile(), settingName: 'vpn', flags: GetSecretsFlags.NO_ERRORS | GetSecretsFlags.USER_REQUESTED, subject: { uid: 0 } });
    expect(secretsOf(noErrors)).toEqual({ 'cert-pass': SYSTEM_SECRET });
  });

  it('a setting the profile lacks is SettingNotFound, before any agent is asked', async () => {
    const { agents, fake, add } = setup();
    add(':1.1', 0, async () => vpnAnswer({ password: 'x' }));
    await expect(agents.getSecrets({ profile: vpnProfile(), settingName: '802-1x' })).rejects.toMatchObject({ message: "Connection didn't have requested setting '802-1x'." });
    expect(fake.asked()).toEqual([]);
  });

  it('cancelling sends CancelGetSecrets to the agent being asked and rejects; its late answer is ignored', async () => {
    const { agents, fake, add } = setup();
    const pending = deferred<WireSettings>();
    add(':1.1', 0, () => pending.promise);
    const ac = new AbortController();
    const p = agents.getSecrets({ profile: vpnProfile(), settingName: 'vpn', signal: ac.signal });
    await untilAsked(fake, 1);
    ac.abort();
    await expect(p).rejects.toBeInstanceOf(SecretsCancelledError);
    expect(fake.calls.map((c) => `${c.member} ${c.sender} ${c.member === 'CancelGetSecrets' ? c.args.join(' ') : ''}`.trim())).toEqual([
      'GetSecrets :1.1',
      `CancelGetSecrets :1.1 ${PATH} vpn`,
    ]);
    pending.resolve(vpnAnswer({ password: 'late' }));
  });

  it('an agent registering while a request waits joins it; one that leaves while asked is abandoned for the next', async () => {
    const { agents, fake, add } = setup();
    const first = deferred<WireSettings>();
    add(':1.1', 0, () => first.promise, 5);
    const p = agents.getSecrets({ profile: vpnProfile(), settingName: 'vpn', subject: { uid: 0 } });
    await untilAsked(fake, 1);
    // Started before :1.1, so it queues behind the agent being asked.
    add(':1.2', 0, async () => vpnAnswer({ password: 'from-newcomer' }), 1);
    agents.registry.dropSender(':1.1');
    expect(secretsOf(await p).password).toBe('from-newcomer');
    expect(fake.asked()).toEqual([':1.1', ':1.2']);
    first.resolve(vpnAnswer({ password: 'stale' }));
  });

  it('an agent whose name has no owner any more is dropped from the registry', async () => {
    const { agents, add } = setup();
    add(':1.1', 0, async () => vpnAnswer({ password: 'ok' }), 1);
    add(':1.2', 0, () => Promise.reject(new DBusError('org.freedesktop.DBus.Error.ServiceUnknown', 'The name :1.2 was not provided by any .service files')), 2);
    await agents.getSecrets({ profile: vpnProfile(), settingName: 'vpn' });
    expect(agents.registry.all().map((a) => a.sender)).toEqual([':1.1']);
  });

  it('stop() cancels requests in flight and forgets every agent', async () => {
    const { agents, fake, add } = setup();
    add(':1.1', 0, () => new Promise(() => undefined));
    const p = agents.getSecrets({ profile: vpnProfile(), settingName: 'vpn' });
    await untilAsked(fake, 1);
    agents.stop();
    await expect(p).rejects.toBeInstanceOf(SecretsCancelledError);
    expect(agents.registry.size).toBe(0);
  });
});

describe('SaveSecrets, DeleteSecrets and capabilities', () => {
  it('SaveSecrets carries only agent-owned secrets, to the updating user\'s agents until one takes them', async () => {
    const { agents, fake, add } = setup();
    add(':1.1', 1000, undefined, 1);
    add(':1.2', 1000, undefined, 2);
    add(':1.3', 0, undefined, 3);
    fake.saveFails.add(':1.2');
    const p = vpnProfile();
    (p.settings.vpn as Record<string, unknown>).secrets = { 'cert-pass': SYSTEM_SECRET, password: 'agent-owned-pw' };
    await agents.saveSecrets(p, { uid: 1000 });
    expect(fake.calls.map((c) => `${c.member} ${c.sender}`)).toEqual(['SaveSecrets :1.2', 'SaveSecrets :1.1']);
    const sent = fake.calls[1]!.args[0] as WireSettings;
    expect(sent.vpn?.secrets?.value).toEqual({ password: 'agent-owned-pw' });
    expect(sent.connection?.uuid?.value).toBe('6b3b1e0c-7a59-4c3e-9d43-2f9c1a3e5b10');
  });

  it('DeleteSecrets goes to every agent, without secrets', async () => {
    const { agents, fake, add } = setup();
    add(':1.1', 1000);
    add(':1.2', 0);
    await agents.deleteSecrets(vpnProfile());
    expect(fake.calls.map((c) => `${c.member} ${c.sender}`)).toEqual(['DeleteSecrets :1.2', 'DeleteSecrets :1.1']);
    expect((fake.calls[0]!.args[0] as WireSettings).vpn?.secrets).toBeUndefined();
  });

  it('allAgentsHaveCapability looks at the subject\'s agents only, and is true without any', () => {
    const { agents } = setup();
    expect(agents.allAgentsHaveCapability(AgentCapabilities.VPN_HINTS)).toBe(true);
    agents.registry.register({ sender: ':1.1', identifier: 'hints', uid: 1000, capabilities: AgentCapabilities.VPN_HINTS });
    agents.registry.register({ sender: ':1.2', identifier: 'plain', uid: 0, capabilities: 0 });
    expect(agents.allAgentsHaveCapability(AgentCapabilities.VPN_HINTS, { uid: 1000 })).toBe(true);
    expect(agents.allAgentsHaveCapability(AgentCapabilities.VPN_HINTS)).toBe(false);
  });
});
