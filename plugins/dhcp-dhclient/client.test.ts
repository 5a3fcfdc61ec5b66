/**
 * The plumbing between dhclient, nmk-dhcp-helper (the real, built helper) and
 * the plugin, with a stand-in dhclient (a shell script that runs the helper
 * as dhclient would, with the environment a test gives it). Real dhclient
 * against dnsmasq is test/integration/dhcp-dhclient.test.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DhcpFailure, DhcpLease, DhcpRequest, Logger, Paths } from '../../sdk/index.js';
import { DhclientClient } from './client.js';
import { findHelper } from './programs.js';

const silent: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child: () => silent, isEnabled: () => false };

/**
 * A dhclient stand-in: records its argv, then for each line of $DIR/script
 * (environment assignments) runs the -sf program with exactly that
 * environment plus interface, pid and the -e variables, recording each
 * exit status; then does what $DIR/then says ("exit N" or sleeps until killed).
 */
const FAKE = `#!/bin/sh
DIR="$(dirname "$0")"
echo "$*" >> "$DIR/argv"
SF= ; EXTRA= ; for a in "$@"; do
  case "$prev" in -sf) SF="$a" ;; -e) EXTRA="$EXTRA $a" ;; esac
  prev="$a"; IFACE="$a"
done
case " $* " in *" -r "*) env -i reason=RELEASE interface="$IFACE" pid=$$ $EXTRA "$SF"; exit 0 ;; esac
while IFS= read -r line; do
  [ -n "$line" ] || continue
  # In a subshell: the status is recorded even when nmk ends this stand-in meanwhile.
  (eval "env -i interface=\\"$IFACE\\" pid=$$ $EXTRA $line \\"$SF\\""; echo $? >> "$DIR/status") &
  wait $!
done < "$DIR/script"
THEN="$(cat "$DIR/then" 2>/dev/null)"
case "$THEN" in exit*) echo boom >&2; exit \${THEN#exit } ;; esac
exec sleep 1000
`;

interface Recorded {
  leases: DhcpLease[];
  failures: Array<[DhcpFailure, string]>;
}

describe('DhclientClient with a stand-in dhclient', () => {
  let dir: string;
  let paths: Paths;
  let client: DhclientClient;
  let fake: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nmk-dhclient-unit-'));
    const under = (p: string) => path.join(dir, p);
    paths = { root: dir, configFile: under('/etc/nmk/nmk.conf'), configDir: under('/etc/nmk/conf.d'), etcDir: under('/etc/nmk'), runDir: under('/run/nmk'), stateDir: under('/var/lib/nmk'), under };
    fake = path.join(dir, 'dhclient');
    fs.writeFileSync(fake, FAKE, { mode: 0o755 });
    client = new DhclientClient({ paths, logger: silent, dhclientCandidates: [fake] });
  });

  afterEach(async () => {
    await client.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function request(extra: Partial<DhcpRequest> = {}): DhcpRequest {
    return { family: 4, ifindex: 7, ifname: 'veth7', hwaddr: '', uuid: 'u1', iaid: 0, timeout: 0, rejectServers: [], leaseFile: path.join(paths.stateDir, 'dhclient-u1-veth7.lease'), ...extra };
  }

  function script(lines: string[], then = 'sleep'): void {
    fs.writeFileSync(path.join(dir, 'script'), `${lines.join('\n')}\n`);
    fs.writeFileSync(path.join(dir, 'then'), then);
  }

  async function start(req: DhcpRequest): Promise<{ rec: Recorded; session: Awaited<ReturnType<DhclientClient['start']>> }> {
    const rec: Recorded = { leases: [], failures: [] };
    const session = await client.start(req, { onLease: (l) => rec.leases.push(l), onFailure: (f, m) => rec.failures.push([f, m]) });
    return { rec, session };
  }

  async function until(what: string, check: () => boolean): Promise<void> {
    for (let i = 0; !check(); i++) {
      if (i > 300) throw new Error(`gave up waiting: ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const statuses = () => (fs.existsSync(path.join(dir, 'status')) ? fs.readFileSync(path.join(dir, 'status'), 'utf8').trim().split('\n').map(Number) : []);

  it('the helper is built (npm run build compiles native/dhcp-helper.c)', () => {
    expect(fs.statSync(findHelper()).mode & 0o111).not.toBe(0);
  });

  it('PREINIT and BOUND reach the plugin through the helper; the lease goes to onLease, the helper exits 0', async () => {
    script(['reason=PREINIT', 'reason=BOUND new_ip_address=10.1.2.3 new_subnet_mask=255.255.0.0 new_routers=10.1.0.1 new_dhcp_lease_time=600']);
    const { rec, session } = await start(request({ hostname: 'h1', clientId: '01:aa:bb' }));
    await until('two events answered', () => statuses().length === 2);
    expect(statuses()).toEqual([0, 0]);
    expect(rec.leases).toHaveLength(1);
    expect(rec.leases[0]).toMatchObject({ addresses: [{ address: '10.1.2.3', prefixlen: 16, validLifetime: 600 }], gateways: ['10.1.0.1'] });
    expect(rec.leases[0]!.options).toMatchObject({ ip_address: '10.1.2.3', dhcp_client_identifier: '01:aa:bb' });

    const argv = fs.readFileSync(path.join(dir, 'argv'), 'utf8').trim();
    const run = path.join(paths.runDir);
    expect(argv).toBe(
      `-d -q -sf ${findHelper()} -pf ${run}/dhclient-veth7.pid -lf ${paths.stateDir}/dhclient-u1-veth7.lease -cf ${run}/dhclient-veth7.conf -e NMK_DHCP_SOCKET=${run}/dhclient-helper.sock veth7`,
    );
    expect(fs.readFileSync(`${run}/dhclient-veth7.conf`, 'utf8')).toContain('send host-name "h1"; # added by nmk');
    expect((fs.statSync(`${run}/dhclient-helper.sock`).mode & 0o777).toString(8)).toBe('600');

    await session.stop(false);
    expect(rec.failures).toEqual([]);
    expect(fs.existsSync(`${run}/dhclient-veth7.conf`)).toBe(false);
  });

  it('stop(true) runs `dhclient -r` with the same files after ending the client; its RELEASE event is acknowledged', async () => {
    script(['reason=PREINIT']);
    const { rec, session } = await start(request());
    await until('PREINIT answered', () => statuses().length === 1);
    await session.stop(true);
    const lines = fs.readFileSync(path.join(dir, 'argv'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe(lines[0]!.replace('-d -q', '-d -q -r'));
    expect(rec.failures).toEqual([]);
  });

  it('a BOUND without a usable address: onFailure(error) naming the value, and the helper refuses (dhclient declines)', async () => {
    script(['reason=BOUND new_ip_address=999.1.2.3']);
    const { rec } = await start(request());
    await until('the failure', () => rec.failures.length > 0);
    expect(rec.failures).toEqual([['error', 'dhclient on veth7 reported BOUND without a usable lease: new_ip_address "999.1.2.3" is not a usable IPv4 address']]);
    await until('the helper exited', () => statuses().length === 1);
    expect(statuses()).toEqual([1]);
    expect(rec.leases).toEqual([]);
  });

  it.each([
    ['EXPIRE', 'expired', 'the lease expired without a renewal (EXPIRE) on veth7'],
    ['RELEASE', 'error', 'dhclient released its lease on veth7 (RELEASE) without nmk asking'],
  ])('%s after a lease: onFailure(%s)', async (reason, failure, message) => {
    script(['reason=BOUND new_ip_address=10.1.2.3', `reason=${reason}`]);
    const { rec } = await start(request());
    await until('the failure', () => rec.failures.length > 0);
    expect(rec.leases).toHaveLength(1);
    expect(rec.failures).toEqual([[failure, message]]);
  });

  it('FAIL with no timeout (forever) is not a failure: dhclient tries again', async () => {
    script(['reason=FAIL', 'reason=BOUND new_ip_address=10.1.2.3']);
    const { rec, session } = await start(request({ timeout: 0 }));
    await until('the lease', () => rec.leases.length > 0);
    expect(rec.failures).toEqual([]);
    await session.stop(false);
  });

  it('dhclient exiting on its own: onFailure(error) with its status and stderr', async () => {
    script([], 'exit 2');
    const { rec } = await start(request());
    await until('the failure', () => rec.failures.length > 0);
    expect(rec.failures).toEqual([['error', 'dhclient exited with status 2: boom']]);
  });

  it('no lease within the timeout: onFailure(timeout), the child ended; a new start on the link works at once', async () => {
    script([]);
    const { rec } = await start(request({ timeout: 1 }));
    await until('the failure', () => rec.failures.length > 0);
    expect(rec.failures).toEqual([['timeout', 'no DHCPv4 lease on veth7 within 1 s']]);
    script(['reason=BOUND new_ip_address=10.1.2.3']);
    const again = await start(request({ timeout: 1 }));
    await until('the lease', () => again.rec.leases.length > 0);
    expect(again.rec.failures).toEqual([]);
  });

  it('a second client for the same link and family is refused', async () => {
    script([]);
    await start(request());
    await expect(start(request())).rejects.toThrow('a dhclient for IPv4 on veth7 is already running; stop it first');
  });

  it('without dhclient, start() rejects naming the program and the package', async () => {
    const none = new DhclientClient({ paths, logger: silent, dhclientCandidates: ['/nonexistent/sbin/dhclient'] });
    await expect(none.start(request(), { onLease() {}, onFailure() {} })).rejects.toThrow(
      'dhclient not found (looked for /nonexistent/sbin/dhclient): install the isc-dhcp-client package, or choose [main] dhcp=internal',
    );
  });

  it('without the helper, the finder names it and the build', () => {
    expect(() => findHelper(['/nonexistent/nmk-dhcp-helper'])).toThrow(/the dhclient script helper nmk-dhcp-helper is not built .*run `npm run build`/);
  });
});
