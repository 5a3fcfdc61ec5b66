/**
 * Device specs matched as NetworkManager 1.42's nm_match_spec_device does.
 * The first block takes the cases of NetworkManager's own test
 * (src/core/tests/test-core.c, test_match_spec_device): a spec string, the
 * interface names that match, those that do not, and those an except: entry
 * turns away; each also in reverse order, and after a join and split. The
 * rest is what nmk passes that NetworkManager's test does not: the permanent
 * address behind mac:, tags in any case, drivers, the DHCP plugin.
 */
import { describe, expect, it } from 'vitest';
import { joinSpecs, splitSpecs } from '../config/spec-list.js';
import { DeviceSpec, parseHwaddr, type SpecResult, type SpecSubject } from './device-spec.js';

const subject = (over: Partial<SpecSubject>): SpecSubject => ({ name: '', mac: '', permMac: '', type: '', ...over });

/** What NetworkManager's test checks when a case names no non-matching names. */
const NO_MATCHES_DEFAULT = ['e', 'em', 'em*', 'em\\', 'em\\*', 'em\\1', 'em\\11', 'em\\2', 'em1', 'em11', 'em2', '=em*'];

interface Case {
  spec: string;
  matches?: string[];
  /** null: NetworkManager's default list, less the names that match or are turned away. */
  noMatches?: string[] | null;
  negMatches?: string[];
  /** How a name of the lists becomes a subject (the driver cases: "DRV|1.6" is driver DRV, version 1.6). */
  as?: (s: string) => SpecSubject;
}

const byName = (name: string) => subject({ name });
const byDriver = (s: string) => {
  const [driver, driverVersion] = s.split('|');
  return subject({ driver, driverVersion });
};

function check({ spec, matches = [], noMatches = null, negMatches = [], as = byName }: Case): void {
  const entries = splitSpecs(spec);
  expect(splitSpecs(joinSpecs(entries))).toEqual(entries);
  const expected: Array<[string, SpecResult]> = [
    ...matches.map((m): [string, SpecResult] => [m, 'match']),
    ...negMatches.map((m): [string, SpecResult] => [m, 'neg-match']),
    ...(noMatches ?? NO_MATCHES_DEFAULT.filter((n) => !matches.includes(n) && !negMatches.includes(n))).map((m): [string, SpecResult] => [m, 'no-match']),
  ];
  // Entries are inclusive and except: always wins: the order never changes an answer.
  for (const list of [entries, [...entries].reverse()]) {
    const ds = new DeviceSpec(list);
    expect(expected.map(([m]) => [m, ds.evaluate(as(m))])).toEqual(expected);
  }
}

const EM_ALL = ['em', 'em*', 'em\\', 'em\\*', 'em\\1', 'em\\11', 'em\\2', 'em1', 'em11', 'em2', 'em3'];

describe("NetworkManager's test_match_spec_device cases", () => {
  const cases: Case[] = [
    { spec: 'em1', matches: ['em1'] },
    { spec: 'em1,em2', matches: ['em1', 'em2'] },
    { spec: 'em1,em2,interface-name:em2', matches: ['em1', 'em2'] },
    { spec: 'interface-name:em1', matches: ['em1'] },
    { spec: 'interface-name:em*', matches: EM_ALL },
    { spec: String.raw`interface-name:em\*`, matches: ['em\\', 'em\\*', 'em\\1', 'em\\11', 'em\\2'] },
    { spec: String.raw`interface-name:~em\*`, matches: ['em\\', 'em\\*', 'em\\1', 'em\\11', 'em\\2'] },
    { spec: 'except:*', noMatches: [], negMatches: ['a'] },
    { spec: 'interface-name:=em*', matches: ['em*'] },
    {
      spec: 'interface-name:em*,except:interface-name:em1*',
      matches: ['em', 'em*', 'em\\', 'em\\*', 'em\\1', 'em\\11', 'em\\2', 'em2', 'em3'],
      negMatches: ['em1', 'em11'],
    },
    { spec: 'interface-name:em*,except:interface-name:=em*', matches: EM_ALL.filter((n) => n !== 'em*'), negMatches: ['em*'] },
    { spec: 'except:interface-name:em*', matches: ['', 'eth', 'eth1', 'e1'], noMatches: [], negMatches: EM_ALL },
    { spec: String.raw`aa,bb,cc\,dd,e,,`, matches: ['aa', 'bb', 'cc,dd', 'e'] },
    { spec: String.raw`aa;bb;cc\;dd;e,;`, matches: ['aa', 'bb', 'cc;dd', 'e'] },
    { spec: String.raw`interface-name:em\;1,em\,2,\,,\\,,em\\x`, matches: ['em;1', 'em,2', ',', '\\', 'em\\x'] },
    { spec: String.raw`\s\s,\sinterface-name:a,\s,`, matches: ['  ', ' ', ' interface-name:a'] },
    { spec: ' aa ;  bb   ; cc\\;dd  ;e , ; \t\\t  , ', matches: ['aa', 'bb', 'cc;dd', 'e', '\t'] },
    { spec: 'driver:DRV', matches: ['DRV', 'DRV|1.6'], noMatches: ['DR', 'DR*'], as: byDriver },
    { spec: 'driver:DRV//', matches: ['DRV/'], noMatches: ['DRV/|1.6', 'DR', 'DR*'], as: byDriver },
    { spec: 'driver:DRV//*', matches: ['DRV/', 'DRV/|1.6'], noMatches: ['DR', 'DR*'], as: byDriver },
    { spec: 'driver:DRV//1.5*', matches: ['DRV/|1.5', 'DRV/|1.5.2'], noMatches: ['DRV/', 'DRV/|1.6', 'DR', 'DR*'], as: byDriver },
  ];
  it.each(cases)('$spec', (c) => check(c));

  it('s390-subchannels: nmk has no s390 channels, so like NetworkManager without them it matches nothing (and except: of it turns nothing away)', () => {
    const spec = new DeviceSpec(splitSpecs(String.raw`s390-subchannels:0.0.1000\,0.0.1001`));
    expect(spec.evaluate(byName('s390-subchannels:0.0.1000,0.0.1001'))).toBe('no-match');
    expect(new DeviceSpec(splitSpecs(String.raw`*,except:s390-subchannels:0.0.1000\,0.0.1001`)).evaluate(byName('x'))).toBe('match');
  });
});

describe('mac: matches the permanent address only (nm_device_spec_match_list)', () => {
  // A NIC whose current address was changed, and a veth, which has no permanent address.
  const nic = subject({ name: 'eth0', mac: '02:aa:bb:cc:dd:ee', permMac: '00:11:22:33:44:55', type: 'ethernet' });
  const veth = subject({ name: 'veth0', mac: '02:00:00:00:00:09', permMac: '', type: 'ethernet' });
  const one = (spec: string, d: SpecSubject) => new DeviceSpec(splitSpecs(spec)).evaluate(d);

  it('a device matches by its permanent address, in any spelling _nm_utils_hwaddr_aton reads, not by its current one', () => {
    for (const spec of ['mac:00:11:22:33:44:55', 'mac:00-11-22-33-44-55', 'MAC:00:11:22:33:44:55', 'mac:0:11:22:33:44:55', 'Mac:00:11:22:33:44:55'.toUpperCase()]) {
      expect([spec, one(spec, nic)]).toEqual([spec, 'match']);
    }
    expect(one('mac:02:aa:bb:cc:dd:ee', nic)).toBe('no-match');
    for (const spec of ['mac:00:11-22:33:44:55', 'mac:001122334455', 'mac: 00:11:22:33:44:55', 'mac:00:11:22:33:44', 'mac:00:11:22:33:44:55:66']) {
      expect([spec, one(spec, nic)]).toEqual([spec, 'no-match']);
    }
  });

  it('a link without a permanent address (a veth) matches no mac: entry, also not its current address; except:mac: never turns it away', () => {
    expect(one('mac:02:00:00:00:00:09', veth)).toBe('no-match');
    expect(one('02:00:00:00:00:09', veth)).toBe('no-match');
    expect(one('except:mac:02:00:00:00:00:09', veth)).toBe('match');
    expect(one('*,except:mac:02:00:00:00:00:09', veth)).toBe('match');
    expect(one('except:mac:00:11:22:33:44:55', nic)).toBe('neg-match');
  });

  it('an entry without a tag is the permanent address or the exact interface name, never a glob; after except: it is nothing', () => {
    expect(one('00:11:22:33:44:55', nic)).toBe('match');
    expect(one('eth0', nic)).toBe('match');
    expect(one('eth*', nic)).toBe('no-match');
    expect(one('except:eth0', nic)).toBe('match');
    expect(one('except:00:11:22:33:44:55', nic)).toBe('match');
  });

  it('a caller that does not pass permMac is matched by its current address', () => {
    const legacy: SpecSubject = { name: 'eth0', mac: '02:aa:bb:cc:dd:ee', type: 'ethernet' };
    expect(one('mac:02:aa:bb:cc:dd:ee', legacy)).toBe('match');
    expect(one('mac:00:11:22:33:44:55', legacy)).toBe('no-match');
  });

  it('an InfiniBand address (20 bytes) compares by its last 8 bytes', () => {
    const ib = subject({ name: 'ib0', permMac: '80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:0b:c5:01' });
    expect(one('mac:00:00:00:00:fe:80:00:00:00:00:00:00:00:02:c9:03:00:0b:c5:01', ib)).toBe('match');
    expect(one('mac:80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:0b:c5:02', ib)).toBe('no-match');
  });
});

describe('tags and the other fields', () => {
  const eth0 = subject({ name: 'eth0', type: 'ethernet', driver: 'e1000e', driverVersion: '3.2.6-k', dhcpPlugin: 'internal' });
  const one = (spec: string) => new DeviceSpec(splitSpecs(spec)).evaluate(eth0);

  it('reads tags in any case, as g_ascii_strncasecmp does', () => {
    expect(one('Interface-Name:eth0')).toBe('match');
    expect(one('TYPE:ethernet')).toBe('match');
    expect(one('*,EXCEPT:interface-name:eth0')).toBe('neg-match');
    // The value after the tag keeps its case.
    expect(one('type:Ethernet')).toBe('no-match');
  });

  it('type: and dhcp-plugin: compare exactly; an unknown tag is an interface name', () => {
    expect(one('type:ether*')).toBe('no-match');
    expect(one('dhcp-plugin:internal')).toBe('match');
    expect(one('dhcp-plugin:dhclient')).toBe('no-match');
    expect(new DeviceSpec(['foo:bar']).evaluate(subject({ name: 'foo:bar' }))).toBe('match');
  });

  it('driver: is the driver exactly, or DRIVER/VERSION-GLOB', () => {
    expect(one('driver:e1000e')).toBe('match');
    expect(one('driver:e1000*')).toBe('no-match');
    expect(one('driver:e1000e/3.2.*')).toBe('match');
    expect(one('driver:e1000e/4.*')).toBe('no-match');
    expect(new DeviceSpec(['driver:e1000e']).evaluate(subject({ name: 'eth0' }))).toBe('no-match');
  });

  it('an empty list matches nothing; empty entries are skipped', () => {
    const empty = new DeviceSpec([]);
    expect(empty.empty).toBe(true);
    expect(empty.evaluate(eth0)).toBe('no-match');
    expect(new DeviceSpec(['', 'eth0']).matches(eth0)).toBe(true);
    expect(new DeviceSpec(['']).empty).toBe(true);
  });
});

describe('parseHwaddr (_nm_utils_hwaddr_aton)', () => {
  it.each<[string, number[] | undefined]>([
    ['00:11:22:33:44:55', [0, 0x11, 0x22, 0x33, 0x44, 0x55]],
    ['AA-bb-0C-d-e-F', [0xaa, 0xbb, 0x0c, 0xd, 0xe, 0xf]],
    ['aa', [0xaa]],
    ['a', [0xa]],
    ['aa:', undefined],
    [':aa', undefined],
    ['aabb', undefined],
    ['aa:bb-cc', undefined],
    ['abc:de', undefined],
    ['', undefined],
    ['aa bb', undefined],
    [Array(20).fill('01').join(':'), Array(20).fill(1)],
    [Array(21).fill('01').join(':'), undefined],
  ])('%j', (text, bytes) => {
    expect(parseHwaddr(text)).toEqual(bytes);
  });
});
