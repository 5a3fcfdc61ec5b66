#!/usr/bin/env node
/**
 * nmk: the command-line client, with nmcli's grammar, messages and exit
 * codes. It talks to nmkd (or NetworkManager) over D-Bus; point it at a
 * private bus with DBUS_SYSTEM_BUS_ADDRESS, as nmcli. Implemented: general
 * [status]; device [status], show, connect, disconnect, reapply, set; dns;
 * connection show, up, down, reload, load. Output: columns, or -t (terse,
 * ':'-separated) with -f FIELDS.
 */
import { matches, parseArgs, type GlobalOptions } from './args.js';
import { CONNECTION_USAGE, parseConnection, runConnection } from './commands/connection.js';
import { DEVICE_USAGE, parseDevice, runDevice } from './commands/device.js';
import { DNS_USAGE, parseDns, runDns } from './commands/dns.js';
import { CliError, Exit } from './exit-codes.js';
import { NmClient } from './nm-client.js';
import { print } from './output.js';
import { connectivityName, managerStateName } from './tables.js';

async function general(client: NmClient, out: GlobalOptions): Promise<number> {
  const p = await client.managerProps();
  print(out, ['RUNNING', 'VERSION', 'STATE', 'CONNECTIVITY', 'NETWORKING'], [[
    'running', String(p.Version ?? ''), managerStateName(Number(p.State ?? 0)), connectivityName(Number(p.Connectivity ?? 0)), p.NetworkingEnabled ? 'enabled' : 'disabled',
  ]]);
  return Exit.OK;
}

const USAGE = `Usage: nmk [OPTIONS] OBJECT [COMMAND] [ARGUMENTS]

OPTIONS
  -t, --terse             terse output (':'-separated)
  -f, --fields FIELDS     the columns to print
  -w, --wait SECONDS      how long to wait for an operation to finish (0: do not wait)
  -h, --help              this help

OBJECT
  g[eneral]     general status of the daemon
  d[evice]      devices: status, show, connect, disconnect, reapply, set
  dn[s]         the DNS state: mode, resolv.conf manager, servers and domains per interface
  c[onnection]  profiles: show, up, down, reload, load

${CONNECTION_USAGE}

${DEVICE_USAGE}

${DNS_USAGE}

Environment: DBUS_SYSTEM_BUS_ADDRESS selects the bus (as for nmcli).
Exit codes (nmcli's): 0 ok, 1 error, 2 bad input, 3 timeout, 4 activation failed,
5 deactivation failed, 6 disconnect failed, 8 daemon not running, 10 not found.`;

/** An object of the command line: checks its words before the daemon is asked anything, then runs. */
interface ObjectRow {
  name: string;
  parse(args: string[]): unknown;
  run(client: NmClient, request: any, out: GlobalOptions): Promise<number>;
}

const OBJECTS: readonly ObjectRow[] = [
  {
    name: 'general',
    parse: (args) => {
      if (args.length && !matches(args[0]!, 'status')) throw new CliError(Exit.USER_INPUT, `'${args[0]}' is not a known command of 'general' in this version of nmk.`);
    },
    run: (client, _req, out) => general(client, out),
  },
  { name: 'device', parse: parseDevice, run: runDevice },
  { name: 'dns', parse: parseDns, run: runDns },
  { name: 'connection', parse: parseConnection, run: runConnection },
];

async function main(argv: string[]): Promise<number> {
  const { options, words } = parseArgs(argv);
  if (options.help) {
    console.log(USAGE);
    return Exit.OK;
  }
  const [object = 'general', ...rest] = words;
  const row = OBJECTS.find((o) => matches(object, o.name));
  if (!row) throw new CliError(Exit.USER_INPUT, `argument '${object}' not understood. Try 'nmk --help'.`);
  const request = row.parse(rest);
  const client = await NmClient.open();
  try {
    return await row.run(client, request, options);
  } finally {
    client.disconnect();
  }
}

main(process.argv.slice(2))
  .catch((err: unknown) => {
    if (err instanceof CliError) {
      console.error(`Error: ${err.message}`);
      return err.code;
    }
    const e = err as { text?: string; message?: string };
    console.error(`Error: ${e?.text ?? e?.message ?? String(err)}`);
    return Exit.UNKNOWN;
  })
  .then((code) => process.exit(code));
