/**
 * D-Bus server addresses ("unix:path=/run/dbus/system_bus_socket"), as the
 * specification writes them: transports separated by ';', each
 * "transport:key=value,key=value" with %XX escapes in values. nmkd connects
 * over unix sockets only (the system bus, a private bus in the tests), named
 * by a path or in the abstract namespace; anything else is refused with the
 * address and what is missing, before a socket is opened.
 */

/** Where to connect: a filesystem path, or a name in Linux's abstract socket namespace. */
export type SocketTarget = { path: string } | { abstract: string };

/** The targets of an address, in the order to try them. Throws an Error naming the address. */
export function parseBusAddress(address: string): SocketTarget[] {
  const targets: SocketTarget[] = [];
  const problems: string[] = [];
  for (const entry of address.split(';')) {
    if (entry === '') continue;
    const colon = entry.indexOf(':');
    if (colon <= 0) {
      problems.push(`'${entry}' has no transport name`);
      continue;
    }
    const transport = entry.slice(0, colon);
    const keys = new Map<string, string>();
    for (const pair of entry.slice(colon + 1).split(',')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new Error(`D-Bus address '${address}': '${pair}' is not key=value`);
      keys.set(pair.slice(0, eq), unescapeValue(pair.slice(eq + 1), address));
    }
    if (transport !== 'unix') {
      problems.push(`transport '${transport}' is not supported (nmkd connects over unix sockets)`);
      continue;
    }
    const path = keys.get('path');
    const abstract = keys.get('abstract');
    if (path !== undefined) targets.push({ path });
    else if (abstract !== undefined) targets.push({ abstract });
    else problems.push(`'${entry}' names neither path= nor abstract= (tmpdir= and dir= are for servers)`);
  }
  if (targets.length === 0) throw new Error(`D-Bus address '${address}': ${problems.join('; ') || 'empty'}`);
  return targets;
}

/** The path node's net.connect takes: abstract names start with a NUL byte. */
export function socketPath(target: SocketTarget): string {
  return 'path' in target ? target.path : `\0${target.abstract}`;
}

function unescapeValue(text: string, address: string): string {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    throw new Error(`D-Bus address '${address}': '${text}' has a malformed %XX escape`);
  }
}
