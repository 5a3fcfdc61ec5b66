/** Forwarding sysctls: on while any share needs them, back to what they were after the last one. */
import { describe, expect, it } from 'vitest';
import { ForwardingKeeper, IPV4_FORWARDING, IPV6_FORWARDING, type SysctlAccess } from '../forwarding.js';
import { quietLogger } from './helpers.js';

function fakeSysctl(initial: Record<string, string>, refuse: string[] = []): SysctlAccess & { values: Record<string, string>; writes: string[] } {
  const values = { ...initial };
  const writes: string[] = [];
  return {
    values,
    writes,
    readSysctl: async (name) => {
      if (!(name in values)) throw new Error(`no sysctl ${name}`);
      return `${values[name]}\n`;
    },
    writeSysctl: async (name, value) => {
      if (refuse.includes(name)) throw new Error(`EPERM writing ${name}`);
      writes.push(`${name}=${value}`);
      values[name] = value;
    },
  };
}

describe('ForwardingKeeper', () => {
  it('turns forwarding on and writes back the old value when the last holder lets go', async () => {
    const s = fakeSysctl({ 'net.ipv4.ip_forward': '0', 'net.ipv4.ip_dynaddr': '0', 'net.ipv6.conf.all.forwarding': '0' });
    const keeper = new ForwardingKeeper(() => s, quietLogger());
    const a = await keeper.acquire(IPV4_FORWARDING);
    const b = await keeper.acquire([...IPV4_FORWARDING, ...IPV6_FORWARDING]);
    expect(s.values).toEqual({ 'net.ipv4.ip_forward': '1', 'net.ipv4.ip_dynaddr': '1', 'net.ipv6.conf.all.forwarding': '1' });
    await a();
    await a(); // a second call is a no-op, not a second release
    expect(s.values['net.ipv4.ip_forward']).toBe('1');
    await b();
    expect(s.values).toEqual({ 'net.ipv4.ip_forward': '0', 'net.ipv4.ip_dynaddr': '0', 'net.ipv6.conf.all.forwarding': '0' });
  });

  it('leaves a sysctl that was already on, and never writes it', async () => {
    const s = fakeSysctl({ 'net.ipv4.ip_forward': '1', 'net.ipv4.ip_dynaddr': '0' });
    const release = await new ForwardingKeeper(() => s, quietLogger()).acquire(IPV4_FORWARDING);
    await release();
    expect(s.writes).toEqual(['net.ipv4.ip_dynaddr=1', 'net.ipv4.ip_dynaddr=0']);
    expect(s.values['net.ipv4.ip_forward']).toBe('1');
  });

  it('goes on without an optional sysctl that cannot be set', async () => {
    const s = fakeSysctl({ 'net.ipv4.ip_forward': '0', 'net.ipv4.ip_dynaddr': '0' }, ['net.ipv4.ip_dynaddr']);
    const release = await new ForwardingKeeper(() => s, quietLogger()).acquire(IPV4_FORWARDING);
    expect(s.values).toEqual({ 'net.ipv4.ip_forward': '1', 'net.ipv4.ip_dynaddr': '0' });
    await release();
    expect(s.values['net.ipv4.ip_forward']).toBe('0');
  });

  it('rejects naming a required sysctl it cannot set, having undone the others', async () => {
    const s = fakeSysctl({ 'net.ipv4.ip_forward': '0', 'net.ipv4.ip_dynaddr': '0', 'net.ipv6.conf.all.forwarding': '0' }, ['net.ipv6.conf.all.forwarding']);
    const keeper = new ForwardingKeeper(() => s, quietLogger());
    await expect(keeper.acquire([...IPV4_FORWARDING, ...IPV6_FORWARDING])).rejects.toThrow(
      'plugin sharing (start): could not enable forwarding (net.ipv6.conf.all.forwarding=1): EPERM writing net.ipv6.conf.all.forwarding',
    );
    expect(s.values).toEqual({ 'net.ipv4.ip_forward': '0', 'net.ipv4.ip_dynaddr': '0', 'net.ipv6.conf.all.forwarding': '0' });
    // Nothing is counted as held: a later share starts from what is there.
    const release = await new ForwardingKeeper(() => s, quietLogger()).acquire(IPV4_FORWARDING);
    await release();
    expect(s.values['net.ipv4.ip_forward']).toBe('0');
  });

  it('counts shares that start at the same time once each', async () => {
    const s = fakeSysctl({ 'net.ipv4.ip_forward': '0', 'net.ipv4.ip_dynaddr': '1' });
    const keeper = new ForwardingKeeper(() => s, quietLogger());
    const releases = await Promise.all([1, 2, 3].map(() => keeper.acquire(IPV4_FORWARDING)));
    expect(s.writes).toEqual(['net.ipv4.ip_forward=1']);
    await Promise.all(releases.slice(1).map((r) => r()));
    expect(s.values['net.ipv4.ip_forward']).toBe('1');
    await releases[0]!();
    expect(s.writes).toEqual(['net.ipv4.ip_forward=1', 'net.ipv4.ip_forward=0']);
  });
});
