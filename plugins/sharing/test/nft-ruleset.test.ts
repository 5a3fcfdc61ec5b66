/** The nftables text of a shared link: NetworkManager 1.42's table, chains and rules, minus its rejects. */
import { describe, expect, it } from 'vitest';
import { ipv4Subnet, sharedRulesetDown, sharedRulesetUp, sharedTableName } from '../nft-ruleset.js';

describe('sharedTableName', () => {
  it.each([
    ['eth0', 'nm-shared-eth0'],
    ['wlp2s0.10', 'nm-shared-wlp2s0.10'],
    ['br_lan-1', 'nm-shared-br_lan-1'],
    // Characters nft cannot read unquoted are escaped byte by byte (table names cannot be quoted).
    ['a+b', 'nm-shared-a_2bb'],
    ['wé', 'nm-shared-w_c3_a9'],
  ])('%s -> %s', (ifname, table) => {
    expect(sharedTableName(ifname)).toBe(table);
    expect(table).toMatch(/^[A-Za-z_.][A-Za-z0-9/_.-]*$/);
  });
});

describe('ipv4Subnet', () => {
  it('gives the network of the address', () => {
    expect(ipv4Subnet('10.42.0.1', 24)).toBe('10.42.0.0/24');
    expect(ipv4Subnet('192.168.77.200', 26)).toBe('192.168.77.192/26');
    expect(ipv4Subnet('10.1.2.3', 0)).toBe('0.0.0.0/0');
  });

  it('names a bad address', () => {
    expect(() => ipv4Subnet('10.42.0', 24)).toThrow("'10.42.0/24' is not an IPv4 address with a prefix length");
    expect(() => ipv4Subnet('10.42.0.1', 33)).toThrow("'10.42.0.1/33'");
  });
});

describe('shared ruleset', () => {
  it('replaces the table atomically with masquerade and forward accepts for the subnet', () => {
    expect(sharedRulesetUp('eth1', '10.42.3.1', 24)).toBe(
      [
        'add table ip nm-shared-eth1',
        'flush table ip nm-shared-eth1',
        'add chain ip nm-shared-eth1 nat_postrouting { type nat hook postrouting priority 100; policy accept; };',
        'add rule ip nm-shared-eth1 nat_postrouting ip saddr 10.42.3.0/24 ip daddr != 10.42.3.0/24 masquerade;',
        'add chain ip nm-shared-eth1 filter_forward { type filter hook forward priority 0; policy accept; };',
        'add rule ip nm-shared-eth1 filter_forward ip daddr 10.42.3.0/24 oifname "eth1" ct state { established, related } accept;',
        'add rule ip nm-shared-eth1 filter_forward ip saddr 10.42.3.0/24 iifname "eth1" accept;',
        'add rule ip nm-shared-eth1 filter_forward iifname "eth1" oifname "eth1" accept;',
        '',
      ].join('\n'),
    );
  });

  it('refuses nothing: no reject or drop rule', () => {
    expect(sharedRulesetUp('eth1', '10.42.3.1', 24)).not.toMatch(/reject|drop/);
  });

  it('removes the table whether or not it exists', () => {
    expect(sharedRulesetDown('eth1')).toBe('add table ip nm-shared-eth1\ndelete table ip nm-shared-eth1\n');
  });

  it('refuses an interface name nft cannot quote, naming it', () => {
    expect(() => sharedRulesetUp('a"b', '10.42.0.1', 24)).toThrow(`interface name 'a"b' cannot be written in an nftables rule`);
  });
});
