/**
 * The agent registry and the order agents are asked in, as NetworkManager
 * 1.42's agent manager keeps them (nm-agent-manager.c).
 */
import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../../test/harness/dbus.js';
import { inAcl, orderAgents, permittedUsers } from './agent-order.js';
import { AgentRegistry, type AgentInput } from './agent-registry.js';
import { identifierProblem } from './identifier.js';

const agent = (sender: string, identifier: string, uid: number, extra: Partial<AgentInput> = {}): AgentInput => ({ sender, identifier, uid, capabilities: 0, ...extra });

describe('agent identifiers (validate_identifier)', () => {
  it.each([
    ['org.gnome.nm-applet', undefined],
    ['nmcli-connect', undefined],
    ['a_b', undefined],
    ['', 'No identifier was given'],
    ['ab', 'Identifier length not between 3 and 255 characters (inclusive)'],
    ['x'.repeat(256), 'Identifier length not between 3 and 255 characters (inclusive)'],
    ['.abc', "Identifier must not start or end with '.'"],
    ['abc.', "Identifier must not start or end with '.'"],
    ['a..b', "Identifier contains two '.' characters in sequence"],
    ['org:applet', "Identifier contains invalid character ':'"],
    ['my agent', "Identifier contains invalid character ' '"],
  ])('%j -> %s', (id, problem) => {
    expect(identifierProblem(id)).toBe(problem);
  });
  it('accepts exactly 255 characters', () => {
    expect(identifierProblem('y'.repeat(255))).toBeUndefined();
  });
});

describe('AgentRegistry', () => {
  it('keeps one agent per identifier and user, whoever sends it', () => {
    const log = recordingLogger();
    const r = new AgentRegistry(log);
    r.register(agent(':1.5', 'org.gnome.nm-applet', 1000));
    expect(() => r.register(agent(':1.6', 'org.gnome.nm-applet', 1000))).toThrow(
      expect.objectContaining({ dbusName: 'org.freedesktop.NetworkManager.AgentManager.PermissionDenied', message: 'An agent with this ID is already registered for this user.' }),
    );
    // Another user may use the identifier; the same sender may register a second identifier.
    r.register(agent(':1.7', 'org.gnome.nm-applet', 1001));
    r.register(agent(':1.5', 'nmcli-connect', 1000));
    expect(r.all().map((a) => `${a.sender}/${a.identifier}/${a.uid}`)).toEqual([':1.5/org.gnome.nm-applet/1000', ':1.7/org.gnome.nm-applet/1001', ':1.5/nmcli-connect/1000']);
    expect(log.lines.filter((l) => l.msg === 'secret agent registered').map((l) => l.fields.identifier)).toEqual(['org.gnome.nm-applet', 'org.gnome.nm-applet', 'nmcli-connect']);
  });

  it('refuses a bad identifier with InvalidIdentifier', () => {
    const r = new AgentRegistry(recordingLogger());
    expect(() => r.register(agent(':1.5', 'a..b', 0))).toThrow(expect.objectContaining({ dbusName: 'org.freedesktop.NetworkManager.AgentManager.InvalidIdentifier' }));
    expect(r.size).toBe(0);
  });

  it('Unregister drops the sender\'s agent; NotRegistered for a sender without one', () => {
    const log = recordingLogger();
    const r = new AgentRegistry(log);
    const removed: string[] = [];
    r.onRemoved((a) => removed.push(a.identifier));
    r.register(agent(':1.5', 'one-agent', 0));
    expect(() => r.unregister(':1.9')).toThrow(expect.objectContaining({ dbusName: 'org.freedesktop.NetworkManager.AgentManager.NotRegistered', message: 'Caller is not registered as an Agent' }));
    r.unregister(':1.5');
    expect(r.size).toBe(0);
    expect(removed).toEqual(['one-agent']);
    expect(log.lines.some((l) => l.msg === 'secret agent unregistered' && l.fields.sender === ':1.5')).toBe(true);
  });

  it('a sender leaving the bus takes all of its agents with it', () => {
    const r = new AgentRegistry(recordingLogger());
    r.register(agent(':1.5', 'first', 0));
    r.register(agent(':1.5', 'second', 0));
    r.register(agent(':1.8', 'other', 0));
    r.dropSender(':1.5');
    expect(r.all().map((a) => a.identifier)).toEqual(['other']);
  });
});

describe('which agents are asked, in which order (request_add_agent, agent_compare_func)', () => {
  const names = (uid: number) => ({ 0: 'root', 1000: 'alice', 1001: 'bob' })[uid];
  const r = new AgentRegistry(recordingLogger());
  const root = r.register(agent(':1.1', 'root-agent', 0, { pid: 10, startTime: 100 }));
  const alice1 = r.register(agent(':1.2', 'alice-old', 1000, { pid: 20, startTime: 200 }));
  const alice2 = r.register(agent(':1.3', 'alice-new', 1000, { pid: 30, startTime: 300 }));
  const bob = r.register(agent(':1.4', 'bob-agent', 1001, { pid: 40, startTime: 400 }));

  it('a user\'s request asks only that user\'s agents, the requesting process first, then the newest', () => {
    const order = (pid?: number) => orderAgents(r.all(), { subject: { uid: 1000, pid }, checkAcl: true, permissions: [], userName: names });
    expect(order()).toEqual([alice2, alice1]);
    expect(order(20)).toEqual([alice1, alice2]);
  });

  it('nmk\'s own request (no subject) asks every agent, newest first', () => {
    expect(orderAgents(r.all(), { checkAcl: true, permissions: [], userName: names })).toEqual([bob, alice2, alice1, root]);
  });

  it('connection.permissions keeps out other users\' agents, never root\'s', () => {
    const perms = ['user:alice:'];
    expect(permittedUsers(perms)).toEqual(['alice']);
    expect(orderAgents(r.all(), { checkAcl: true, permissions: perms, userName: names })).toEqual([alice2, alice1, root]);
    // SaveSecrets and DeleteSecrets do not look at the permissions.
    expect(orderAgents(r.all(), { checkAcl: false, permissions: perms, userName: names })).toHaveLength(4);
    expect(inAcl(4242, perms, names)).toBe(false);
  });

  it('without start times, the later registration goes first', () => {
    const q = new AgentRegistry(recordingLogger());
    const a = q.register(agent(':1.1', 'first', 0));
    const b = q.register(agent(':1.2', 'second', 0));
    expect(orderAgents(q.all(), { checkAcl: false, permissions: [], userName: names })).toEqual([b, a]);
  });
});
