/**
 * The shared connection's addresses: NetworkManager 1.42's 10.42.x.1/24 and
 * DHCP range, nmk's stable ULA /64 for IPv6, and the /64s of a delegated prefix.
 */
import { describe, expect, it } from 'vitest';
import { chooseSharedIpv4, chooseSharedIpv6Ula, delegatedSubnet, delegatedSubnetCount, sharedDhcpRange, sharedUlaPrefix48 } from './shared-address.js';

const MACHINE_ID = '0123456789abcdef0123456789abcdef';

describe('sharedDhcpRange (nm_dnsmasq_utils_get_range)', () => {
  it.each([
    // The router low in a /24: the upper part, 8 addresses kept free next to it.
    ['10.42.0.1', 24, '10.42.0.10', '10.42.0.254'],
    // High in the subnet: the lower part.
    ['192.168.1.254', 24, '192.168.1.1', '192.168.1.245'],
    // Mid-way: the upper part, reserving 10 % up to 8.
    ['192.168.1.100', 24, '192.168.1.109', '192.168.1.254'],
    // Larger than /24: only the router's /24 is used.
    ['10.0.5.1', 16, '10.0.5.10', '10.0.5.254'],
    // The network address itself moves one up.
    ['10.42.0.0', 24, '10.42.0.10', '10.42.0.254'],
    // Small subnets: reserve (room / 10) only.
    ['10.1.1.1', 28, '10.1.1.3', '10.1.1.14'],
    ['10.1.1.1', 30, '10.1.1.2', '10.1.1.2'],
  ])('%s/%i hands out %s - %s', (address, prefixlen, start, end) => {
    expect(sharedDhcpRange(address, prefixlen)).toEqual({ rangeStart: start, rangeEnd: end });
  });

  it('refuses a prefix with no room for clients, naming it', () => {
    expect(() => sharedDhcpRange('10.1.1.1', 31)).toThrow('shared address 10.1.1.1/31: prefix /31 is too small for DHCP (at most /30)');
  });
});

describe('chooseSharedIpv4', () => {
  it('takes 10.42.0.1/24 when nothing is in use', () => {
    expect(chooseSharedIpv4({ inUse: [] })).toEqual({ address: '10.42.0.1', prefixlen: 24, rangeStart: '10.42.0.10', rangeEnd: '10.42.0.254' });
  });

  it('skips each /24 holding an address in use on another link, ignoring IPv6 and other subnets', () => {
    const inUse = [
      { address: '10.42.0.1', prefixlen: 24, ifindex: 3 },
      { address: '10.42.1.77', prefixlen: 16, ifindex: 4 },
      { address: '10.43.2.1', prefixlen: 24, ifindex: 4 },
      { address: 'fd00::1', prefixlen: 64, ifindex: 4 },
    ];
    expect(chooseSharedIpv4({ inUse, ifindex: 9 }).address).toBe('10.42.2.1');
  });

  it("does not count the shared link's own address (a re-activation keeps its subnet)", () => {
    expect(chooseSharedIpv4({ inUse: [{ address: '10.42.0.1', prefixlen: 24, ifindex: 5 }], ifindex: 5 }).address).toBe('10.42.0.1');
  });

  it('reuses 10.42.255.1/24 when all 256 subnets are taken, as NetworkManager does', () => {
    const inUse = Array.from({ length: 256 }, (_, x) => ({ address: `10.42.${x}.1`, prefixlen: 24, ifindex: 100 + x }));
    expect(chooseSharedIpv4({ inUse }).address).toBe('10.42.255.1');
  });

  it("honours the profile's address with its prefix and computes the range from it", () => {
    expect(chooseSharedIpv4({ profileAddress: { address: '192.168.5.1', prefixlen: 24 }, inUse: [{ address: '192.168.5.7', prefixlen: 24 }] })).toEqual({
      address: '192.168.5.1', prefixlen: 24, rangeStart: '192.168.5.10', rangeEnd: '192.168.5.254',
    });
  });
});

describe('ULA for IPv6 sharing', () => {
  it('derives a fd00::/8 /48 from the machine id: the same id gives the same prefix, another id another', () => {
    const a = sharedUlaPrefix48(MACHINE_ID);
    expect(a[0]).toBe(0xfd);
    expect(a.subarray(6).every((b) => b === 0)).toBe(true);
    expect(sharedUlaPrefix48(`${MACHINE_ID}\n`)).toEqual(a);
    expect(sharedUlaPrefix48('fedcba9876543210fedcba9876543210').subarray(0, 6)).not.toEqual(a.subarray(0, 6));
  });

  it('gives a stable /64 per interface inside the /48, with the router at ::1', () => {
    const wlan = chooseSharedIpv6Ula({ machineId: MACHINE_ID, ifname: 'wlan0' });
    const eth = chooseSharedIpv6Ula({ machineId: MACHINE_ID, ifname: 'eth1' });
    const p48 = sharedUlaPrefix48(MACHINE_ID).subarray(0, 6).toString('hex');
    for (const r of [wlan, eth]) {
      expect(r.prefixlen).toBe(64);
      expect(r.prefix).toMatch(/^fd[0-9a-f]{2}:[0-9a-f]{1,4}:[0-9a-f]{1,4}:[0-9a-f]{1,4}::$/);
      expect(r.address).toBe(`${r.prefix}1`);
      const groups = r.prefix.split(':').slice(0, 3).map((g) => g.padStart(4, '0')).join('');
      expect(groups).toBe(p48);
    }
    expect(wlan.prefix).not.toBe(eth.prefix);
    expect(chooseSharedIpv6Ula({ machineId: MACHINE_ID, ifname: 'wlan0' })).toEqual(wlan);
  });

  it('moves to the next subnet ID when the /64 is in use on another link, not on its own', () => {
    const first = chooseSharedIpv6Ula({ machineId: MACHINE_ID, ifname: 'wlan0' });
    const used = { address: `${first.prefix}abcd`, prefixlen: 64, ifindex: 7 };
    const moved = chooseSharedIpv6Ula({ machineId: MACHINE_ID, ifname: 'wlan0', inUse: [used], ifindex: 8 });
    expect(moved.prefix).not.toBe(first.prefix);
    const subnet = (p: string) => parseInt(p.split(':')[3]!, 16);
    expect(subnet(moved.prefix)).toBe((subnet(first.prefix) + 1) & 0xffff);
    expect(chooseSharedIpv6Ula({ machineId: MACHINE_ID, ifname: 'wlan0', inUse: [used], ifindex: 7 })).toEqual(first);
  });

  it('refuses a machine id that is not 32 hex digits, naming it', () => {
    expect(() => chooseSharedIpv6Ula({ machineId: 'not-an-id', ifname: 'eth0' })).toThrow("machine id 'not-an-id' is not 32 hexadecimal digits");
  });
});

describe('delegatedSubnet (ip6_subnet_from_delegation)', () => {
  it.each([
    ['2001:db8:0:100::', 56, 0n, '2001:db8:0:100::', '2001:db8:0:100::1'],
    ['2001:db8:0:100::', 56, 1n, '2001:db8:0:101::', '2001:db8:0:101::1'],
    ['2001:db8:0:100::', 56, 255n, '2001:db8:0:1ff::', '2001:db8:0:1ff::1'],
    ['2001:db8:5::', 48, 0x1234n, '2001:db8:5:1234::', '2001:db8:5:1234::1'],
    ['2001:db8:9:9::', 64, 0n, '2001:db8:9:9::', '2001:db8:9:9::1'],
    // Host bits a server left in the prefix are cleared.
    ['2001:db8:0:1ab::5', 56, 2n, '2001:db8:0:102::', '2001:db8:0:102::1'],
  ])('%s/%i number %i is %s', (prefix, len, index, subnet, router) => {
    expect(delegatedSubnet(prefix, len, index)).toEqual({ prefix: subnet, prefixlen: 64, address: router });
  });

  it('has no subnet past the end of the prefix, nor in one longer than /64', () => {
    expect(delegatedSubnetCount(56)).toBe(256n);
    expect(delegatedSubnet('2001:db8:0:100::', 56, 256n)).toBeUndefined();
    expect(delegatedSubnet('2001:db8:9:9::', 64, 1n)).toBeUndefined();
    expect(delegatedSubnetCount(80)).toBe(0n);
    expect(delegatedSubnet('2001:db8:9:9::', 80, 0n)).toBeUndefined();
    expect(delegatedSubnet('not-an-address', 56, 0n)).toBeUndefined();
  });
});
