/**
 * `nmk dns`: the global DNS state from the DnsManager object (Mode,
 * RcManager and Configuration: one block per entry, with its interface,
 * servers, domains, priority and whether it is a VPN's), in nmcli's
 * multi-line format.
 */
import type { GlobalOptions } from '../args.js';
import { CliError, Exit } from '../exit-codes.js';
import { printBlocks } from '../fields.js';
import { DNS_GROUPS, dnsRows } from '../ip-config.js';
import { errorText, type NmClient, type Props } from '../nm-client.js';

const DNS_MANAGER_PATH = '/org/freedesktop/NetworkManager/DnsManager';
const DNS_MANAGER_IFACE = 'org.freedesktop.NetworkManager.DnsManager';

export const DNS_USAGE = `Usage: nmk dns`;

export function parseDns(args: string[]): void {
  if (args.length) throw new CliError(Exit.USER_INPUT, `invalid extra argument '${args[0]}'.\n${DNS_USAGE}`);
}

export async function runDns(client: NmClient, _req: unknown, opts: GlobalOptions): Promise<number> {
  const props = (await client.call(DNS_MANAGER_PATH, 'org.freedesktop.DBus.Properties', 'GetAll', 's', [DNS_MANAGER_IFACE]).catch((err: unknown) => {
    throw new CliError(Exit.UNKNOWN, `cannot read the DNS state (${DNS_MANAGER_PATH}): ${errorText(err)}`);
  })) as Props;
  printBlocks(opts, dnsRows(props), DNS_GROUPS);
  return Exit.OK;
}
