/**
 * Cross-checks against NetworkManager 1.42 itself: `nmcli --offline` prints
 * the keyfile NetworkManager would write after its own normalisation (no
 * daemon needed). Each case builds the same profile in the model, normalises
 * it with normalizeConnection and compares the settings and the values that
 * a keyfile shows as plain text. Needs Debian's network-manager package.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from '../gkeyfile/index.js';
import {
  isValidConnection,
  normalizeConnection,
  propertyDefinition,
  resolveSettingAlias,
  verifyConnection,
  type ConnectionSettings,
} from './index.js';

interface NmcliResult {
  status: number;
  keyfile: Record<string, Record<string, string>>;
  error: string;
}

/** Run nmcli --offline; `stdin` is a keyfile to modify (else `args` add a profile). */
function nmcli(args: string[], stdin?: string): NmcliResult {
  const r = spawnSync('nmcli', ['--offline', 'connection', ...args], { input: stdin ?? '', encoding: 'utf8' });
  const keyfile: Record<string, Record<string, string>> = {};
  if (r.status === 0) {
    // nmcli prints warnings ("Warning: master='bond0' doesn't refer to any existing profile.") before the keyfile.
    const doc = parse(r.stdout.replace(/^Warning: .*\n/gm, ''));
    for (const group of doc.groupNames()) {
      keyfile[resolveSettingAlias(group)] = Object.fromEntries(doc.keys(group).map((k) => [k, doc.getRaw(group, k)!]));
    }
  }
  return { status: r.status ?? -1, keyfile, error: r.stderr };
}

const modify = (keyfile: string) => nmcli(['modify', 'connection.autoconnect', 'yes'], keyfile);
const settingsOf = (k: object) => Object.keys(k).sort();

/** Normalise and insist the result is valid (as NetworkManager's output is). */
function ours(p: ConnectionSettings): ConnectionSettings {
  const n = normalizeConnection(p);
  expect(verifyConnection(n)).toEqual([]);
  return n;
}

/** A model value as a keyfile writes simple properties (strings, numbers, booleans; defaults filled in). */
function text(n: ConnectionSettings, setting: string, property: string): string | undefined {
  const v = n[setting]?.[property] ?? propertyDefinition(setting, property)?.default;
  return v === undefined ? undefined : String(v);
}

beforeAll(() => {
  try {
    execFileSync('nmcli', ['--version'], { encoding: 'utf8' });
  } catch {
    throw new Error("nmcli is missing: this test needs Debian's network-manager 1.42 package (apt-get install -y network-manager)");
  }
});

describe('normalisation agrees with nmcli --offline', () => {
  it('a new bond: mode and options as given, ipv4/ipv6 auto, proxy', () => {
    const nm = nmcli(['add', 'type', 'bond', 'con-name', 'b0', 'ifname', 'bond0', 'bond.options', 'mode=802.3ad,miimon=100']);
    expect(nm.status, nm.error).toBe(0);
    const n = ours({ connection: { id: 'b0', type: 'bond', 'interface-name': 'bond0' }, bond: { options: { mode: '802.3ad', miimon: '100' } } });
    expect(settingsOf(n)).toEqual(settingsOf(nm.keyfile));
    expect(n['bond']!['options']).toEqual(nm.keyfile['bond']);
    expect([text(n, 'ipv4', 'method'), text(n, 'ipv6', 'method')]).toEqual([nm.keyfile['ipv4']!['method'], nm.keyfile['ipv6']!['method']]);
  });

  it('a bond port: no IP settings; bond-port only because nmcli adds it', () => {
    const nm = nmcli(['add', 'type', 'ethernet', 'con-name', 'p1', 'ifname', 'eth1', 'master', 'bond0', 'slave-type', 'bond']);
    expect(nm.status, nm.error).toBe(0);
    const n = ours({ connection: { id: 'p1', type: '802-3-ethernet', 'interface-name': 'eth1', master: 'bond0', 'slave-type': 'bond' } });
    // nmcli (the client) adds [bond-port] to bond ports; NetworkManager's normalisation does not.
    expect(n['bond-port']).toBeUndefined();
    expect(settingsOf({ ...n, 'bond-port': {} })).toEqual(settingsOf(nm.keyfile));
  });

  it('a VLAN: ethernet added, flags default to reorder-headers', () => {
    const nm = nmcli(['add', 'type', 'vlan', 'con-name', 'v1', 'dev', 'eth0', 'id', '10']);
    expect(nm.status, nm.error).toBe(0);
    const n = ours({ connection: { id: 'v1', type: 'vlan' }, vlan: { id: 10, parent: 'eth0' } });
    expect(settingsOf(n)).toEqual(settingsOf(nm.keyfile));
    for (const p of ['flags', 'id', 'parent']) expect(text(n, 'vlan', p), p).toBe(nm.keyfile['vlan']![p]);
  });

  it('a bridge and a dummy', () => {
    const br = nmcli(['add', 'type', 'bridge', 'con-name', 'br0', 'ifname', 'br0']);
    expect(br.status, br.error).toBe(0);
    expect(settingsOf(ours({ connection: { id: 'br0', type: 'bridge', 'interface-name': 'br0' } }))).toEqual(settingsOf(br.keyfile));
    const dummy = nmcli(['add', 'type', 'dummy', 'con-name', 'd0', 'ifname', 'dummy0']);
    expect(dummy.status, dummy.error).toBe(0);
    const n = ours({ connection: { id: 'd0', type: 'dummy', 'interface-name': 'dummy0' } });
    expect(settingsOf(n)).toEqual(settingsOf(dummy.keyfile));
    expect([text(n, 'ipv4', 'method'), text(n, 'ipv6', 'method')]).toEqual([dummy.keyfile['ipv4']!['method'], dummy.keyfile['ipv6']!['method']]);
  });

  it('numeric bond mode named, unsupported options dropped', () => {
    const nm = modify('[connection]\nid=x\nuuid=abcdef01-2345-4678-89ab-cdef01234567\ntype=bond\ninterface-name=b0\n[bond]\nmode=4\nmiimon=100\narp_interval=0\nlacp_rate=fast\ntlb_dynamic_lb=1\n');
    expect(nm.status, nm.error).toBe(0);
    const n = ours({
      connection: { id: 'x', uuid: 'abcdef01-2345-4678-89ab-cdef01234567', type: 'bond', 'interface-name': 'b0' },
      bond: { options: { mode: '4', miimon: '100', arp_interval: '0', lacp_rate: 'fast', tlb_dynamic_lb: '1' } },
    });
    expect(n['bond']!['options']).toEqual(nm.keyfile['bond']);
  });

  it('legacy and upper-case UUIDs normalised to the same UUID', () => {
    for (const uuid of ['0123456789abcdef0123456789abcdef01234567', 'ABCDEF01-2345-4678-89AB-CDEF01234567']) {
      const nm = modify(`[connection]\nid=x\nuuid=${uuid}\ntype=dummy\ninterface-name=d0\n`);
      expect(nm.status, nm.error).toBe(0);
      const n = ours({ connection: { id: 'x', uuid, type: 'dummy', 'interface-name': 'd0' } });
      expect(n['connection']!['uuid']).toBe(nm.keyfile['connection']!['uuid']);
    }
  });

  it('gateway dropped with never-default; may-fail forced for disabled; lone speed cleared', () => {
    const nm = modify('[connection]\nid=x\nuuid=abcdef01-2345-4678-89ab-cdef01234567\ntype=ethernet\n[ethernet]\nspeed=100\n[ipv4]\nmethod=manual\naddress1=192.0.2.1/24,192.0.2.254\nnever-default=true\n[ipv6]\nmethod=disabled\nmay-fail=false\n');
    expect(nm.status, nm.error).toBe(0);
    const n = ours({
      connection: { id: 'x', uuid: 'abcdef01-2345-4678-89ab-cdef01234567', type: '802-3-ethernet' },
      '802-3-ethernet': { speed: 100 },
      ipv4: { method: 'manual', 'address-data': [{ address: '192.0.2.1', prefix: 24 }], gateway: '192.0.2.254', 'never-default': true },
      ipv6: { method: 'disabled', 'may-fail': false },
    });
    expect(nm.keyfile['ipv4']!['address1']).toBe('192.0.2.1/24');
    expect(n['ipv4']!['gateway']).toBeUndefined();
    expect(nm.keyfile['ipv6']!['may-fail']).toBeUndefined(); // true is the default, so not written
    expect(n['ipv6']!['may-fail']).toBe(true);
    expect(nm.keyfile['802-3-ethernet']).toEqual({});
    expect(n['802-3-ethernet']).toEqual({});
  });

  it('bridge VLANs sorted', () => {
    const nm = modify('[connection]\nid=x\nuuid=abcdef01-2345-4678-89ab-cdef01234567\ntype=bridge\ninterface-name=br0\n[bridge]\nvlans=100,1 pvid untagged,10-20\n');
    expect(nm.status, nm.error).toBe(0);
    const n = ours({ connection: { id: 'x', uuid: 'abcdef01-2345-4678-89ab-cdef01234567', type: 'bridge', 'interface-name': 'br0' }, bridge: { vlans: ['100', '1 pvid untagged', '10-20'] } });
    expect((n['bridge']!['vlans'] as string[]).join(',')).toBe(nm.keyfile['bridge']!['vlans']);
  });

  it('a port: slave-type detected from bridge-port, ipv4 removed', () => {
    const nm = modify('[connection]\nid=x\nuuid=abcdef01-2345-4678-89ab-cdef01234567\ntype=ethernet\nmaster=br0\n[bridge-port]\n[ipv4]\nmethod=auto\n');
    expect(nm.status, nm.error).toBe(0);
    const n = ours({ connection: { id: 'x', uuid: 'abcdef01-2345-4678-89ab-cdef01234567', type: '802-3-ethernet', master: 'br0' }, 'bridge-port': {}, ipv4: { method: 'auto' } });
    expect(settingsOf(n)).toEqual(settingsOf(nm.keyfile));
    expect(n['connection']!['slave-type']).toBe(nm.keyfile['connection']!['slave-type']);
  });
});

describe('verification refuses what nmcli refuses', () => {
  const cases: [string, string[] | string, ConnectionSettings, string][] = [
    [
      'lacp_rate=fast outside 802.3ad',
      ['add', 'type', 'bond', 'con-name', 'b1', 'ifname', 'bond1', 'bond.options', 'mode=active-backup,lacp_rate=fast'],
      { connection: { id: 'b1', type: 'bond', 'interface-name': 'bond1' }, bond: { options: { mode: 'active-backup', lacp_rate: 'fast' } } },
      "bond.options: 'lacp_rate",
    ],
    [
      'updelay without miimon',
      '[connection]\nid=x\ntype=bond\ninterface-name=b\n[bond]\nmode=active-backup\nmiimon=0\nupdelay=100\n',
      { connection: { id: 'x', type: 'bond', 'interface-name': 'b' }, bond: { options: { mode: 'active-backup', miimon: '0', updelay: '100' } } },
      "bond.options: 'updelay' option",
    ],
    [
      'vlan id 5000',
      ['add', 'type', 'vlan', 'con-name', 'v', 'dev', 'eth0', 'id', '5000'],
      { connection: { id: 'v', type: 'vlan' }, vlan: { id: 5000, parent: 'eth0' } },
      'vlan.id: 5000 is out of range',
    ],
    [
      'manual ipv4 without addresses',
      ['add', 'type', 'ethernet', 'con-name', 'e', 'ifname', 'eth0', 'ipv4.method', 'manual'],
      { connection: { id: 'e', type: '802-3-ethernet', 'interface-name': 'eth0' }, ipv4: { method: 'manual' } },
      "ipv4.address-data: this property cannot be empty for 'method=manual'",
    ],
  ];
  it.each(cases)('%s', (_name, command, model, message) => {
    const nm = typeof command === 'string' ? modify(command) : nmcli(command);
    expect(nm.status, 'nmcli should refuse').not.toBe(0);
    const issues = verifyConnection(normalizeConnection(model));
    expect(isValidConnection(issues)).toBe(false);
    expect(issues.map((i) => i.message).join('\n')).toContain(message);
  });
});
