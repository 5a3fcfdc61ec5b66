/** Where the two programs the plugin runs are: ISC dhclient, and nmk's helper that dhclient runs as its script. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where Debian (and NetworkManager's default DHCLIENT_PATH search) puts dhclient. */
export const DHCLIENT_CANDIDATES = ['/usr/sbin/dhclient', '/sbin/dhclient'];
export const HELPER_NAME = 'nmk-dhcp-helper';

function executable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The dhclient program; throws naming the paths looked at and the package to install. */
export function findDhclient(candidates: readonly string[] = DHCLIENT_CANDIDATES): string {
  const found = candidates.find(executable);
  if (found === undefined) {
    throw new Error(`dhclient not found (looked for ${candidates.join(' and ')}): install the isc-dhcp-client package, or choose [main] dhcp=internal`);
  }
  return found;
}

/**
 * The helper: beside this file once compiled (dist/plugins/dhcp-dhclient/),
 * and in dist/ when this file runs from the source tree (tests, jiti).
 */
export function findHelper(
  candidates = [new URL(`./${HELPER_NAME}`, import.meta.url), new URL(`../../dist/plugins/dhcp-dhclient/${HELPER_NAME}`, import.meta.url)].map((u) => fileURLToPath(u)),
): string {
  const found = candidates.find(executable);
  if (found === undefined) {
    throw new Error(
      `the dhclient script helper ${HELPER_NAME} is not built (looked for ${candidates.join(' and ')}): ` +
        `run \`npm run build\` (it compiles ${path.join('plugins', 'dhcp-dhclient', 'native', 'dhcp-helper.c')} and needs gcc and libc6-dev)`,
    );
  }
  return found;
}

/**
 * A dhclient left running by an earlier nmkd (one killed -9) per its pid
 * file: the pid when that process is still a dhclient, so it can be stopped
 * before a new one takes the link (NetworkManager's nm_dhcp_client_stop_existing).
 */
export function staleDhclientPid(pidFile: string): number | undefined {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 1) return undefined;
  try {
    const argv0 = fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0')[0] ?? '';
    return path.basename(argv0) === 'dhclient' ? pid : undefined;
  } catch {
    return undefined;
  }
}
