/**
 * sysctl (/proc/sys) and per-link sysfs (/sys/class/net/IFNAME/ATTR) files.
 *
 * A sysctl name is dotted ("net.ipv4.ip_forward") or slashed
 * ("net/ipv6/conf/eth0.100/disable_ipv6"). Dots in a dotted name are all
 * separators, like sysctl(8) reads them, so a name with an interface that
 * contains dots must be given slashed. Values are read without their
 * trailing newline and written in one write(2), as the kernel wants.
 */
import { promises as fs, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InvalidValue } from './ip-text.js';
import { checkLinkName } from './rtnl-requests.js';

export interface ProcRoots {
  /** Default /proc/sys. */
  procSys: string;
  /** Default /sys/class/net. */
  sysClassNet: string;
}

export const DEFAULT_ROOTS: ProcRoots = { procSys: '/proc/sys', sysClassNet: '/sys/class/net' };

function checkSegments(segments: string[], what: string, original: string): void {
  if (segments.length === 0 || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new InvalidValue(`${what}: '${original}' is not a valid name`);
  }
}

export function sysctlPath(roots: ProcRoots, name: string): string {
  if (typeof name !== 'string') throw new InvalidValue(`sysctl: ${String(name)} is not a name`);
  let rel = name.trim();
  if (rel.startsWith(`${roots.procSys}/`)) rel = rel.slice(roots.procSys.length + 1);
  rel = rel.replace(/^\/+/, '');
  const segments = rel.includes('/') ? rel.split('/') : rel.split('.');
  checkSegments(segments, 'sysctl', name);
  return path.join(roots.procSys, ...segments);
}

export function sysfsPath(roots: ProcRoots, ifname: string, attribute: string): string {
  checkLinkName(ifname, 'interface');
  if (typeof attribute !== 'string') throw new InvalidValue(`sysfs attribute: ${String(attribute)} is not a name`);
  const segments = attribute.split('/');
  checkSegments(segments, 'sysfs attribute', attribute);
  return path.join(roots.sysClassNet, ifname, ...segments);
}

export async function readValue(file: string): Promise<string> {
  const text = await fs.readFile(file, 'utf8');
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

/**
 * Files whose write handler takes the kernel's rtnl lock with rtnl_trylock()
 * and, while another holder has it, restarts the system call until it gets
 * it (net/ipv6/addrconf.c; the bridge and bridge-port sysfs stores). While a
 * thousand links come up, kernel workers (linkwatch, DAD) hold that lock
 * often: one disable_ipv6 write then took 0.7 ms where it takes 50 us on a
 * quiet system. These go to the thread pool, so the spinning is not the
 * loop's time.
 */
const WAITS_FOR_RTNL: readonly RegExp[] = [/\/net\/ipv6\/conf\//, /\/class\/net\/[^/]+\/(bridge|brport)\//];

/**
 * One write(2), done at once: /proc/sys and sysfs files live in the kernel's
 * memory, so a synchronous write costs microseconds, where the thread pool's
 * open, write and close round trips cost a thousand activations half a
 * second of the loop (bench/activation-w1.ts). NetworkManager writes them
 * synchronously too.
 */
export async function writeValue(file: string, value: string): Promise<void> {
  if (WAITS_FOR_RTNL.some((re) => re.test(file))) return fs.writeFile(file, String(value));
  writeFileSync(file, String(value));
}
