/**
 * The sharing service with stand-in nft and dnsmasq programs (shell scripts
 * that record what they get): the order of start, the undo of everything
 * started before a failure, the messages naming a missing program, and a
 * stop that leaves nothing behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SharingRequest } from '../../../sdk/index.js';
import type { SysctlAccess } from '../forwarding.js';
import { sharedRulesetDown, sharedRulesetUp } from '../nft-ruleset.js';
import { SharingService } from '../sharing-service.js';
import { fakeDnsmasq, fakeNft, quietLogger, writeProgram } from './helpers.js';

const request: SharingRequest = {
  ifindex: 7,
  ifname: 'veth-s1',
  uuid: '0f2c7a6e-2a57-4b8a-9a40-7b1e5d1c0001',
  ipv4: { address: '10.42.0.1', prefixlen: 24, rangeStart: '10.42.0.10', rangeEnd: '10.42.0.254', leaseTime: 3600 },
};
const ipv6 = { prefix: 'fd00:1:2:3::', prefixlen: 64, address: 'fd00:1:2:3::1' };

let dir: string;
let bin: string;
let root: string;
let sysctl: SysctlAccess & { values: Record<string, string> };
let extraChildren: ChildProcess[];
const f = (name: string) => path.join(dir, name);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function service(searchPath = [bin]) {
  const logger = quietLogger();
  const paths = { runDir: path.join(root, 'run/nmk'), etcDir: path.join(root, 'etc/nmk'), under: (p: string) => path.join(root, p) };
  return { logger, svc: new SharingService({ logger, paths, sysctl: () => sysctl, searchPath }) };
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'nmk-sharing-'));
  bin = f('bin');
  root = f('root');
  await mkdir(bin);
  await mkdir(path.join(root, 'etc'), { recursive: true });
  await writeProgram(bin, 'nft', fakeNft(f('nft.log'), f('nft.fail')));
  await writeProgram(bin, 'dnsmasq', fakeDnsmasq(f('dnsmasq.args'), f('dnsmasq.fail')));
  const values: Record<string, string> = { 'net.ipv4.ip_forward': '0', 'net.ipv4.ip_dynaddr': '0', 'net.ipv6.conf.all.forwarding': '0' };
  sysctl = { values, readSysctl: async (n) => values[n]!, writeSysctl: async (n, v) => void (values[n] = v) };
  extraChildren = [];
});

afterEach(async () => {
  for (const c of extraChildren) c.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

const allOff = { 'net.ipv4.ip_forward': '0', 'net.ipv4.ip_dynaddr': '0', 'net.ipv6.conf.all.forwarding': '0' };

describe('SharingService', () => {
  it('turns on forwarding, loads the table, starts dnsmasq; stop removes all of it', async () => {
    const { svc } = service();
    const session = await svc.start({ ...request, ipv6 });
    try {
      expect(sysctl.values).toEqual({ 'net.ipv4.ip_forward': '1', 'net.ipv4.ip_dynaddr': '1', 'net.ipv6.conf.all.forwarding': '1' });
      expect(await readFile(f('nft.log'), 'utf8')).toBe(`${sharedRulesetUp('veth-s1', '10.42.0.1', 24)}---\n`);
      const args = (await readFile(f('dnsmasq.args'), 'utf8')).trim().split('\n');
      const pidFile = path.join(root, 'run/nmk/dnsmasq-veth-s1.pid');
      expect(args).toContain(`--pid-file=${pidFile}`);
      expect(args).toContain(`--dhcp-leasefile=${path.join(root, 'run/nmk/dnsmasq-veth-s1.leases')}`);
      expect(args).toContain(`--resolv-file=${path.join(root, 'etc/resolv.conf')}`);
      expect(args).toContain('--enable-ra');
      expect(args.some((a) => a.startsWith('--conf-dir'))).toBe(false);
      const pid = Number(await readFile(pidFile, 'utf8'));
      expect(alive(pid)).toBe(true);

      await session.stop();
      expect(alive(pid)).toBe(false);
      expect(existsSync(pidFile)).toBe(false);
      expect(await readFile(f('nft.log'), 'utf8')).toBe(`${sharedRulesetUp('veth-s1', '10.42.0.1', 24)}---\n${sharedRulesetDown('veth-s1')}---\n`);
      expect(sysctl.values).toEqual(allOff);
      await session.stop(); // twice is harmless
    } finally {
      await session.stop();
    }
  });

  it("passes NetworkManager's dnsmasq-shared.d under nmk's etc dir when it exists", async () => {
    await mkdir(path.join(root, 'etc/nmk/dnsmasq-shared.d'), { recursive: true });
    const session = await service().svc.start(request);
    await session.stop();
    expect(await readFile(f('dnsmasq.args'), 'utf8')).toContain(`--conf-dir=${path.join(root, 'etc/nmk/dnsmasq-shared.d')}\n`);
  });

  it("runs with no upstream DNS, warning, when the root's /etc does not exist (dnsmasq would refuse the resolv-file)", async () => {
    await rm(path.join(root, 'etc'), { recursive: true });
    const { svc, logger } = service();
    const session = await svc.start(request);
    await session.stop();
    const args = (await readFile(f('dnsmasq.args'), 'utf8')).trim().split('\n');
    expect(args).toContain('--no-resolv');
    expect(args.some((a) => a.startsWith('--resolv-file'))).toBe(false);
    expect(logger.lines.find((l) => l.level === 'warn')?.msg).toBe(`${path.join(root, 'etc')} does not exist: the clients' DNS queries have no upstream server`);
  });

  it('warns when dnsmasq, once it drops root, could not read the resolv.conf', async () => {
    await writeFile(path.join(root, 'etc/resolv.conf'), 'nameserver 192.0.2.1\n', { mode: 0o600 });
    const { svc, logger } = service();
    await (await svc.start(request)).stop();
    const file = path.join(root, 'etc/resolv.conf');
    expect(logger.lines.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual([`${file} cannot be read by dnsmasq once it drops root: the clients' DNS queries will be refused`]);
    await chmod(file, 0o644);
    await chmod(dir, 0o755);
    const second = service();
    await (await second.svc.start(request)).stop();
    expect(second.logger.lines.filter((l) => l.level === 'warn')).toEqual([]);
  });

  it('needs no nft for IPv6 alone (no NAT), and restores IPv6 forwarding', async () => {
    await rm(path.join(bin, 'nft'));
    const { ipv4: _v4, ...v6only } = request;
    const session = await service().svc.start({ ...v6only, ipv6 });
    expect(sysctl.values).toEqual({ ...allOff, 'net.ipv6.conf.all.forwarding': '1' });
    await session.stop();
    expect(sysctl.values).toEqual(allOff);
  });

  it.each([
    ['dnsmasq', 'dnsmasq-base'],
    ['nft', 'nftables'],
  ])('without %s it rejects naming the program and the Debian package %s, having changed nothing', async (program, pkg) => {
    await rm(path.join(bin, program));
    await expect(service().svc.start(request)).rejects.toThrow(
      `plugin sharing (start): sharing veth-s1 needs the program '${program}', which is not installed (Debian package ${pkg}; looked in ${bin})`,
    );
    expect(sysctl.values).toEqual(allOff);
    expect(existsSync(f('nft.log'))).toBe(false);
    expect(existsSync(f('dnsmasq.args'))).toBe(false);
  });

  it("rejects with nft's message when the rules are refused, and restores forwarding", async () => {
    await writeFile(f('nft.fail'), 'Error: Could not process rule: Operation not supported\n');
    await expect(service().svc.start(request)).rejects.toThrow('plugin sharing (start): nft refused the sharing rules: Error: Could not process rule: Operation not supported');
    expect(sysctl.values).toEqual(allOff);
    expect(existsSync(f('dnsmasq.args'))).toBe(false);
  });

  it("rejects with dnsmasq's message when it cannot serve, removing the table and restoring forwarding", async () => {
    await writeFile(f('dnsmasq.fail'), 'dnsmasq: failed to create listening socket for 10.42.0.1: Address already in use\n');
    await expect(service().svc.start(request)).rejects.toThrow(
      'plugin sharing (start): dnsmasq for veth-s1 exited with code 2: dnsmasq: failed to create listening socket for 10.42.0.1: Address already in use',
    );
    expect(await readFile(f('nft.log'), 'utf8')).toBe(`${sharedRulesetUp('veth-s1', '10.42.0.1', 24)}---\n${sharedRulesetDown('veth-s1')}---\n`);
    expect(sysctl.values).toEqual(allOff);
    expect(existsSync(path.join(root, 'run/nmk/dnsmasq-veth-s1.pid'))).toBe(false);
  });

  it('keeps forwarding on until the last of two shares stops', async () => {
    const { svc } = service();
    const a = await svc.start(request);
    const b = await svc.start({ ...request, ifname: 'veth-s2', ipv4: { ...request.ipv4!, address: '10.42.1.1', rangeStart: '10.42.1.10', rangeEnd: '10.42.1.254' } });
    await a.stop();
    expect(sysctl.values['net.ipv4.ip_forward']).toBe('1');
    await b.stop();
    expect(sysctl.values).toEqual(allOff);
  });

  it('stopAll (nmkd shutting down) stops every share', async () => {
    const { svc } = service();
    await svc.start(request);
    const pid = Number(await readFile(path.join(root, 'run/nmk/dnsmasq-veth-s1.pid'), 'utf8'));
    await svc.stopAll();
    expect(alive(pid)).toBe(false);
    expect(sysctl.values).toEqual(allOff);
  });

  it('kills a dnsmasq left in the pid file by a crashed nmkd, but never another program', async () => {
    // A process whose command name is dnsmasq: sleep through a symlink called so.
    await mkdir(f('stale'));
    await symlink('/bin/sleep', f('stale/dnsmasq'));
    const stale = spawn(f('stale/dnsmasq'), ['1000'], { stdio: 'ignore' });
    const other = spawn('/bin/sleep', ['1000'], { stdio: 'ignore' });
    extraChildren.push(stale, other);
    const staleExit = new Promise((r) => stale.once('exit', r));
    const pidFile = path.join(root, 'run/nmk/dnsmasq-veth-s1.pid');
    await mkdir(path.dirname(pidFile), { recursive: true });

    await writeFile(pidFile, `${stale.pid}\n`);
    const { svc, logger } = service();
    const s1 = await svc.start(request);
    await staleExit;
    expect(logger.lines.some((l) => l.msg === 'killing a dnsmasq left from before' && l.fields.pid === stale.pid)).toBe(true);
    await s1.stop();

    await writeFile(pidFile, `${other.pid}\n`);
    const s2 = await svc.start(request);
    await s2.stop();
    expect(alive(other.pid!)).toBe(true);
  });

  describe('IPv4 and IPv6 of one link, as two requests', () => {
    const { ipv4: _v4, ...v6only } = { ...request, ipv6 };
    const pidFile = () => path.join(root, 'run/nmk/dnsmasq-veth-s1.pid');
    const args = async () => (await readFile(f('dnsmasq.args'), 'utf8')).trim().split('\n');

    it('share one dnsmasq: the second family restarts it with both, stopping one restarts it with the other', async () => {
      const { svc } = service();
      const s4 = await svc.start(request);
      const pid4 = Number(await readFile(pidFile(), 'utf8'));
      const s6 = await svc.start(v6only);
      const both = Number(await readFile(pidFile(), 'utf8'));
      expect(alive(pid4)).toBe(false);
      expect(alive(both)).toBe(true);
      expect(await args()).toEqual(expect.arrayContaining(['--dhcp-range=10.42.0.10,10.42.0.254,3600', '--enable-ra', '--dhcp-range=fd00:1:2:3::,ra-stateless,64']));

      await s4.stop();
      const pid6 = Number(await readFile(pidFile(), 'utf8'));
      expect(alive(both)).toBe(false);
      expect(alive(pid6)).toBe(true);
      expect((await args()).filter((a) => a.startsWith('--dhcp-range='))).toEqual(['--dhcp-range=fd00:1:2:3::,ra-stateless,64']);
      expect(await readFile(f('nft.log'), 'utf8')).toContain(sharedRulesetDown('veth-s1'));
      expect(sysctl.values).toEqual({ ...allOff, 'net.ipv6.conf.all.forwarding': '1' });

      await s6.stop();
      expect(alive(pid6)).toBe(false);
      expect(existsSync(pidFile())).toBe(false);
      expect(sysctl.values).toEqual(allOff);
    });

    it('refuses a second share of the same family without touching the first', async () => {
      const { svc } = service();
      const s4 = await svc.start(request);
      const pid = Number(await readFile(pidFile(), 'utf8'));
      await expect(svc.start(request)).rejects.toThrow('plugin sharing (start): veth-s1 already shares IPv4');
      expect(await readFile(f('nft.log'), 'utf8')).toBe(`${sharedRulesetUp('veth-s1', '10.42.0.1', 24)}---\n`);
      expect(alive(pid)).toBe(true);
      expect(sysctl.values['net.ipv4.ip_forward']).toBe('1');
      await s4.stop();
      expect(sysctl.values).toEqual(allOff);
    });

    it('serves IPv4 again when adding IPv6 fails', async () => {
      const { svc } = service();
      const s4 = await svc.start(request);
      await writeFile(f('dnsmasq.fail.ra'), 'dnsmasq: bad option --enable-ra\n');
      await expect(svc.start(v6only)).rejects.toThrow('dnsmasq for veth-s1 exited with code 2: dnsmasq: bad option --enable-ra');
      const pid = Number(await readFile(pidFile(), 'utf8'));
      expect(alive(pid)).toBe(true);
      expect((await args()).filter((a) => a.startsWith('--dhcp-range='))).toEqual(['--dhcp-range=10.42.0.10,10.42.0.254,3600']);
      expect(sysctl.values).toEqual({ ...allOff, 'net.ipv4.ip_forward': '1', 'net.ipv4.ip_dynaddr': '1' });
      await s4.stop();
      expect(alive(pid)).toBe(false);
    });
  });

  it('refuses a request with nothing to share or a bad interface name', async () => {
    const { svc } = service();
    const { ipv4: _v4, ...bare } = request;
    await expect(svc.start(bare)).rejects.toThrow('sharing veth-s1: neither IPv4 nor IPv6 is to be shared');
    await expect(svc.start({ ...request, ifname: 'a/b' })).rejects.toThrow("sharing a/b: 'a/b' is not an interface name");
  });
});
