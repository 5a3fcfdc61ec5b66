/**
 * /org/freedesktop/NetworkManager/AgentManager: where secret agents
 * (nm-applet, gnome-shell, `nmcli agent`, `nmcli --ask`) register. Anyone may
 * register (NetworkManager asks polkit nothing for it); the agent is
 * remembered with its caller's uid, and Unregister or leaving the bus drops
 * it. See core/secrets/agent-registry.ts for the rules.
 */
import type { BusConnection } from '../connection.js';
import type { InterfaceDef } from '../rows.js';
import type { Caller } from '../caller.js';
import { nameHasOwner, processOf } from '../../secrets/agent-bus.js';
import type { AgentRegistry } from '../../secrets/agent-registry.js';
import { identifierProblem } from '../../secrets/identifier.js';
import { AGENT_MANAGER_IFACE, AgentManagerErrors } from '../../secrets/nm-agent-constants.js';
import { DBusError } from '../errors.js';

export { AGENT_MANAGER_IFACE, AGENT_MANAGER_PATH } from '../../secrets/nm-agent-constants.js';

export function agentManagerInterface(registry: AgentRegistry, conn: BusConnection): InterfaceDef {
  const register = async (identifier: string, capabilities: number, caller: Caller) => {
    // The identifier first, as NetworkManager, so a bad one costs no bus round trip.
    const problem = identifierProblem(identifier);
    if (problem) throw new DBusError(AgentManagerErrors.InvalidIdentifier, problem);
    const proc = await processOf(conn, caller.sender);
    registry.register({ sender: caller.sender, identifier, uid: caller.uid, capabilities: capabilities >>> 0, ...proc });
    // The agent may have left while its process was looked up; its departure signal came too early to count.
    if (!(await nameHasOwner(conn, caller.sender))) registry.dropSender(caller.sender);
  };
  return {
    name: AGENT_MANAGER_IFACE,
    methods: [
      { name: 'Register', in: [['identifier', 's']], out: [], handler: ([id], caller) => register(String(id), 0, caller) },
      {
        name: 'RegisterWithCapabilities',
        in: [['identifier', 's'], ['capabilities', 'u']],
        out: [],
        handler: ([id, caps], caller) => register(String(id), Number(caps), caller),
      },
      { name: 'Unregister', in: [], out: [], handler: (_a, caller) => void registry.unregister(caller.sender) },
    ],
  };
}
