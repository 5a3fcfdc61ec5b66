/**
 * A test secret agent: a plain dbus-next client (test/harness/dbus.ts) that
 * serves org.freedesktop.NetworkManager.SecretAgent at
 * /org/freedesktop/NetworkManager/SecretAgent, records every call it gets,
 * and answers GetSecrets with whatever the test's `answer` returns (a{sa{sv}}
 * of dbus-next Variants, or an error to reply with). It registers itself
 * with the AgentManager on request.
 */
import { Message, Variant } from 'dbus-next';
import { testClient, type TestClient } from './dbus.js';

export const AGENT_MANAGER = { path: '/org/freedesktop/NetworkManager/AgentManager', iface: 'org.freedesktop.NetworkManager.AgentManager' } as const;
const AGENT_PATH = '/org/freedesktop/NetworkManager/SecretAgent';
const AGENT_IFACE = 'org.freedesktop.NetworkManager.SecretAgent';

export interface AgentCall {
  member: string;
  body: unknown[];
}

export type AgentAnswer = Record<string, Record<string, Variant>> | { error: string; message: string } | 'never';

export interface TestAgent {
  readonly client: TestClient;
  readonly calls: AgentCall[];
  /** What GetSecrets answers (default: no secrets). */
  answer: (setting: string, hints: string[], flags: number) => AgentAnswer;
  register(destination: string, identifier: string, capabilities?: number): Promise<void>;
  unregister(destination: string): Promise<void>;
  /** The first call of `member` (now or later). */
  waitForCall(member: string, timeoutMs?: number): Promise<AgentCall>;
  close(): Promise<void>;
}

export async function startTestAgent(address: string): Promise<TestAgent> {
  const client = await testClient(address);
  const calls: AgentCall[] = [];
  const waiters = new Set<() => void>();
  let closing: Promise<void> | undefined;
  const agent: TestAgent = {
    client,
    calls,
    answer: () => ({}),
    async register(destination, identifier, capabilities) {
      if (capabilities === undefined) await client.call(destination, AGENT_MANAGER.path, AGENT_MANAGER.iface, 'Register', 's', [identifier]);
      else await client.call(destination, AGENT_MANAGER.path, AGENT_MANAGER.iface, 'RegisterWithCapabilities', 'su', [identifier, capabilities]);
    },
    async unregister(destination) {
      await client.call(destination, AGENT_MANAGER.path, AGENT_MANAGER.iface, 'Unregister');
    },
    waitForCall(member, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = calls.find((c) => c.member === member);
          if (!found) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`the agent got no ${member} within ${timeoutMs} ms (got ${calls.map((c) => c.member).join(', ') || 'nothing'})`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    // Safe to call twice (a test may close the agent to make it leave the bus).
    close: () => (closing ??= client.close()),
  };
  client.bus.addMethodHandler((msg: Message) => {
    if (msg.path !== AGENT_PATH || msg.interface !== AGENT_IFACE) return false;
    calls.push({ member: msg.member!, body: msg.body });
    for (const wake of [...waiters]) wake();
    if (msg.member === 'GetSecrets') {
      const [, , setting, hints, flags] = msg.body as [unknown, string, string, string[], number];
      const a = agent.answer(setting, hints, flags);
      if (a === 'never') return true;
      if ('error' in a && typeof a.error === 'string') // dbus-next types newError as taking a string; it takes the call message.
        client.bus.send(Message.newError(msg as unknown as string, a.error, String(a.message)));
      else client.bus.send(Message.newMethodReturn(msg, 'a{sa{sv}}', [a]));
      return true;
    }
    client.bus.send(Message.newMethodReturn(msg, '', []));
    return true;
  });
  return agent;
}
