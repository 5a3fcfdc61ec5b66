/**
 * How nmk reaches an agent: org.freedesktop.NetworkManager.SecretAgent on
 * the agent's unique name at /org/freedesktop/NetworkManager/SecretAgent,
 * with NetworkManager's time limits (nm-secret-agent.c). An error reply
 * rejects with a DBusError carrying its name; a timeout or a lost
 * connection with a plain Error. Unit tests put fake agents behind the same
 * interface.
 */
import type { BusConnection } from '../dbus/connection.js';
import type { SecretAgent } from './agent-registry.js';
import { AGENT_TIMEOUTS, SECRET_AGENT_IFACE, SECRET_AGENT_PATH } from './nm-agent-constants.js';
import type { WireSettings } from './secret-flags.js';

export interface GetSecretsCall {
  connection: WireSettings;
  path: string;
  settingName: string;
  hints: readonly string[];
  flags: number;
}

export interface AgentTransport {
  getSecrets(agent: SecretAgent, call: GetSecretsCall): Promise<WireSettings>;
  cancelGetSecrets(agent: SecretAgent, path: string, settingName: string): Promise<void>;
  saveSecrets(agent: SecretAgent, connection: WireSettings, path: string): Promise<void>;
  deleteSecrets(agent: SecretAgent, connection: WireSettings, path: string): Promise<void>;
}

export function dbusAgentTransport(conn: BusConnection, timeouts: Partial<Record<keyof typeof AGENT_TIMEOUTS, number>> = {}): AgentTransport {
  const t = { ...AGENT_TIMEOUTS, ...timeouts };
  const call = (agent: SecretAgent, member: string, signature: string, body: unknown[], timeoutMs: number) =>
    conn.call({ destination: agent.sender, path: SECRET_AGENT_PATH, interface: SECRET_AGENT_IFACE, member, signature, body, timeoutMs });
  return {
    async getSecrets(agent, c) {
      const [secrets] = await call(agent, 'GetSecrets', 'a{sa{sv}}osasu', [c.connection, c.path, c.settingName, [...c.hints], c.flags], t.getSecrets);
      return (secrets ?? {}) as WireSettings;
    },
    async cancelGetSecrets(agent, path, settingName) {
      await call(agent, 'CancelGetSecrets', 'os', [path, settingName], t.cancelGetSecrets);
    },
    async saveSecrets(agent, connection, path) {
      await call(agent, 'SaveSecrets', 'a{sa{sv}}o', [connection, path], t.saveSecrets);
    },
    async deleteSecrets(agent, connection, path) {
      await call(agent, 'DeleteSecrets', 'a{sa{sv}}o', [connection, path], t.deleteSecrets);
    },
  };
}
