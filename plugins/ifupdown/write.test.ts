/**
 * Writing: profiles added, updated, renamed and deleted in the files that
 * hold them, everything else byte for byte as it was, and every write read
 * back as the profile that was written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ConnectionSettings, normalizeConnection, NmkError, type SourceProfile } from '../../sdk/index.js';
import { FIXTURES, interfaceName, meaningDiff, sourceAt, tempRoot } from './test/helpers.js';

const DISK = { persist: 'disk' } as const;
const MAIN = 'etc/network/interfaces';

let cleanup = () => {};
afterEach(() => cleanup());

function setup(files: Record<string, string>) {
  const t = tempRoot(files);
  cleanup = t.cleanup;
  const source = sourceAt(t.root);
  const read = (rel = MAIN) => fs.readFileSync(path.join(t.root, rel), 'utf8');
  const profile = async (name: string): Promise<SourceProfile> => {
    const p = (await source.load()).profiles.find((x) => interfaceName(x.settings) === name);
    if (!p) throw new Error(`no profile for ${name}`);
    return p;
  };
  return { ...t, source, read, profile };
}

function copyTree(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true });
}

const ethernet = (name: string, extra: Partial<ConnectionSettings> = {}): ConnectionSettings => ({
  connection: { id: `office ${name}`, uuid: '5f1b6c2e-7a0d-4c53-9d8e-1a2b3c4d5e6f', type: '802-3-ethernet', 'interface-name': name, autoconnect: true },
  '802-3-ethernet': {},
  ipv4: { method: 'manual', 'address-data': [{ address: '192.0.2.20', prefix: 24 }], gateway: '192.0.2.1', dns: ['192.0.2.53'] },
  ipv6: { method: 'auto' },
  ...extra,
});

function expectSame(actual: ConnectionSettings, written: ConnectionSettings): void {
  expect(meaningDiff(actual, normalizeConnection(written))).toEqual([]);
}

describe('ifupdown writing', () => {
  it('updates a stanza in place, keeping comments, unmodelled options and every other stanza byte for byte', async () => {
    const head = '# Managed by hand.\nauto lo\niface lo inet loopback\n\n# eth0: the uplink\n';
    const tail = '\n# eth1 is spare\niface eth1 inet dhcp\n    # hook\n    post-up /usr/local/bin/notify\n';
    const t = setup({ [MAIN]: `${head}auto eth0\niface eth0 inet static\n    address 192.0.2.10/24\n    # keep me\n    up echo up\n    gateway 192.0.2.1\n${tail}` });
    const eth0 = await t.profile('eth0');
    const s = structuredClone(eth0.settings);
    s['802-3-ethernet'] = { mtu: 1400 };
    (s.ipv4!['address-data'] as unknown[]).push({ address: '192.0.2.11', prefix: 24 });
    const stored = await t.source.write(s, DISK, eth0);
    expectSame(stored.settings, s);
    const text = t.read();
    expect(text.startsWith(head)).toBe(true);
    expect(text.endsWith(tail)).toBe(true);
    expect(text.slice(head.length, text.length - tail.length)).toBe(
      'auto eth0\niface eth0 inet static\n    address 192.0.2.10/24\n    address 192.0.2.11/24\n    gateway 192.0.2.1\n    mtu 1400\n    # keep me\n    up echo up\n',
    );
    expect(stored.settings.connection!.uuid).toBe(eth0.settings.connection!.uuid);
  });

  it('adds a new profile to the main file and reads it back whole, its own name and UUID included', async () => {
    const t = setup({ [MAIN]: 'auto lo\niface lo inet loopback\n' });
    const s = ethernet('eth7');
    expect(t.source.canWrite(s, DISK)).toBe(true);
    const stored = await t.source.write(s, DISK);
    expect(path.relative(t.root, stored.file)).toBe(MAIN);
    expectSame(stored.settings, s);
    expect(t.read()).toBe(
      'auto lo\niface lo inet loopback\n\nauto eth7\niface eth7 inet static\n    # nmk-uuid: 5f1b6c2e-7a0d-4c53-9d8e-1a2b3c4d5e6f\n    # nmk-id: "office eth7"\n' +
        '    address 192.0.2.20/24\n    gateway 192.0.2.1\n    dns-nameservers 192.0.2.53\n\niface eth7 inet6 auto\n',
    );
    // A fresh source (a restart) sees the same profile.
    const again = (await sourceAt(t.root).load()).profiles;
    expect(again).toHaveLength(1);
    expectSame(again[0]!.settings, s);
  });

  it('creates the main file when there is none', async () => {
    const t = setup({});
    await t.source.write(ethernet('eth0'), DISK);
    expect(fs.existsSync(path.join(t.root, MAIN))).toBe(true);
    expect((await t.source.load()).profiles.map((p) => interfaceName(p.settings))).toEqual(['eth0']);
  });

  it('updates a profile in the sourced file that holds it and leaves the main file alone', async () => {
    const main = 'source-directory interfaces.d\n\nauto eth0\niface eth0 inet dhcp\n';
    const t = setup({ [MAIN]: main, 'etc/network/interfaces.d/eth1': '# eth1\nauto eth1\niface eth1 inet dhcp\n' });
    const eth1 = await t.profile('eth1');
    const s = structuredClone(eth1.settings);
    s.connection!.autoconnect = false;
    const stored = await t.source.write(s, DISK, eth1);
    expect(path.relative(t.root, stored.file)).toBe('etc/network/interfaces.d/eth1');
    expect(t.read()).toBe(main);
    expect(t.read('etc/network/interfaces.d/eth1')).toBe('# eth1\niface eth1 inet dhcp\n');
    expect(stored.settings.connection!.autoconnect).toBe(false);
  });

  it('renames the interface: stanza and auto entry follow, other names on the auto line stay', async () => {
    const t = setup({ [MAIN]: 'auto eth0 eth1\niface eth0 inet dhcp\n\niface eth1 inet dhcp\n' });
    const eth0 = await t.profile('eth0');
    const s = structuredClone(eth0.settings);
    s.connection!['interface-name'] = 'lan0';
    const stored = await t.source.write(s, DISK, eth0);
    expect(t.read()).toBe(`auto lan0 eth1\niface lan0 inet dhcp\n    # nmk-uuid: ${eth0.settings.connection!.uuid}\n    # nmk-id: "Ifupdown (eth0)"\n\niface eth1 inet dhcp\n`);
    expect(stored.settings.connection!.uuid).toBe(eth0.settings.connection!.uuid);
    expect(stored.settings.connection!.id).toBe('Ifupdown (eth0)');
  });

  it('deletes a profile: its stanzas, its auto entry and its place in port lists, nothing else', async () => {
    const t = setup({
      [MAIN]: '# top\nauto eth0 eth2\niface eth0 inet dhcp\n\niface eth0 inet6 auto\n\n# between\niface br0 inet manual\n    bridge_ports eth2 eth3\n\niface eth2 inet manual\n',
    });
    await t.source.delete(await t.profile('eth0'));
    expect(t.read()).toBe('# top\nauto eth2\n# between\niface br0 inet manual\n    bridge_ports eth2 eth3\n\niface eth2 inet manual\n');
    await t.source.delete(await t.profile('eth3'));
    await t.source.delete(await t.profile('eth2'));
    expect(t.read()).toBe('# top\n# between\niface br0 inet manual\n    bridge_ports none\n\n');
    expect((await t.source.load()).profiles.map((p) => interfaceName(p.settings))).toEqual(['br0']);
  });

  it('writes ports: a bridge port joins bridge_ports, a bond port names its bond, a moved port leaves its old list', async () => {
    const t = setup({
      [MAIN]: 'auto br0\niface br0 inet dhcp\n    bridge_ports eth1\n\nauto bond0\niface bond0 inet manual\n    bond-mode active-backup\n    bond-slaves eth5\n',
    });
    const port = (name: string, master: string, type: 'bond' | 'bridge'): ConnectionSettings => ({
      connection: { id: name, uuid: '0b3b1a4e-1d3e-4a7e-9a7c-2f2d3c4b5a6f', type: '802-3-ethernet', 'interface-name': name, autoconnect: true, master, 'slave-type': type },
      '802-3-ethernet': {},
    });
    await t.source.write(port('eth2', 'br0', 'bridge'), DISK);
    expect(t.read()).toContain('    bridge_ports eth1 eth2\n');
    const bondPort = { ...port('eth3', 'bond0', 'bond'), connection: { ...port('eth3', 'bond0', 'bond').connection, uuid: '1b3b1a4e-1d3e-4a7e-9a7c-2f2d3c4b5a6f' } };
    await t.source.write(bondPort, DISK);
    expect(t.read()).toContain('iface eth3 inet manual\n    # nmk-uuid: 1b3b1a4e-1d3e-4a7e-9a7c-2f2d3c4b5a6f\n    # nmk-id: "eth3"\n    bond-master bond0\n');
    // eth5 is a port bond0 lists; moved to the bridge it leaves bond0's list.
    const eth5 = await t.profile('eth5');
    const moved = structuredClone(eth5.settings);
    moved.connection!.master = 'br0';
    moved.connection!['slave-type'] = 'bridge';
    const stored = await t.source.write(moved, DISK, eth5);
    expect(stored.settings.connection!.master).toBe('br0');
    expect(t.read()).toContain('    bond-slaves none\n');
    expect(t.read()).toContain('    bridge_ports eth1 eth2 eth5\n');
    const byName = new Map((await t.source.load()).profiles.map((p) => [interfaceName(p.settings), p.settings.connection!]));
    expect([...byName.keys()].sort()).toEqual(['bond0', 'br0', 'eth1', 'eth2', 'eth3', 'eth5']);
    expect(byName.get('eth3')!.master).toBe('bond0');
    expect(byName.get('eth5')!.master).toBe('br0');
    // A controller may be named by its profile UUID, as NetworkManager allows.
    const bridgeUuid = String(byName.get('br0')!.uuid);
    const byUuid = port('eth6', bridgeUuid, 'bridge');
    byUuid.connection!.uuid = '2b3b1a4e-1d3e-4a7e-9a7c-2f2d3c4b5a6f';
    await t.source.write(byUuid, DISK);
    expect(t.read()).toContain('    bridge_ports eth1 eth2 eth5 eth6\n');
  });

  it('refuses what interfaces(5) cannot hold, leaving the files as they were', async () => {
    const t = setup({ [MAIN]: 'iface eth0 inet dhcp\n' });
    const before = t.read();
    const cases: Array<[string, ConnectionSettings]> = [
      ['a static route', ethernet('eth8', { ipv4: { method: 'manual', 'address-data': [{ address: '192.0.2.2', prefix: 24 }], 'route-data': [{ dest: '10.0.0.0', prefix: 8, nextHop: '192.0.2.1' }] } })],
      ['ipv6.method disabled', ethernet('eth8', { ipv6: { method: 'disabled' } })],
      ['a Wi-Fi profile', { connection: { id: 'w', uuid: '3b3b1a4e-1d3e-4a7e-9a7c-2f2d3c4b5a6f', type: '802-11-wireless', 'interface-name': 'wlan0' }, '802-11-wireless': { ssid: new Uint8Array([0x61]) } }],
      ['a second profile for eth0', ethernet('eth0')],
      ['a port of a bridge nmk does not know', { ...ethernet('eth8'), connection: { ...ethernet('eth8').connection, master: 'br9', 'slave-type': 'bridge' } }],
      ['bridge multicast snooping off', { connection: { id: 'b', uuid: '4b3b1a4e-1d3e-4a7e-9a7c-2f2d3c4b5a6f', type: 'bridge', 'interface-name': 'br5' }, bridge: { 'multicast-snooping': false }, ipv4: { method: 'auto' }, ipv6: { method: 'ignore' } }],
    ];
    for (const [what, s] of cases) {
      await t.source.load();
      if (what !== 'a second profile for eth0' && what !== 'a port of a bridge nmk does not know') expect(t.source.canWrite(s, DISK), what).toBe(false);
      const err = await t.source.write(s, DISK).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, what).toBeInstanceOf(NmkError);
      expect((err as NmkError).code, what).toBe('INVALID_ARGUMENT');
      expect(t.read(), what).toBe(before);
    }
    expect(t.source.canWrite(ethernet('eth8'), { persist: 'memory' })).toBe(false);
    expect(sourceAt(t.root, false).canWrite(ethernet('eth8'), DISK)).toBe(false);
  });

  it('writes atomically: mode kept, no temporary file left, a linked file edited where it lives', async () => {
    const t = setup({ [MAIN]: 'source-directory interfaces.d\n', 'usr/share/net/eth1': 'iface eth1 inet dhcp\n' });
    fs.chmodSync(path.join(t.root, MAIN), 0o640);
    fs.mkdirSync(path.join(t.root, 'etc/network/interfaces.d'));
    fs.symlinkSync('../../../usr/share/net/eth1', path.join(t.root, 'etc/network/interfaces.d/eth1'));
    await t.source.write(ethernet('eth0'), DISK);
    const eth1 = await t.profile('eth1');
    await t.source.write({ ...eth1.settings, ipv6: { method: 'auto' } }, DISK, eth1);
    expect(fs.statSync(path.join(t.root, MAIN)).mode & 0o777).toBe(0o640);
    expect(fs.lstatSync(path.join(t.root, 'etc/network/interfaces.d/eth1')).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(path.join(t.root, 'usr/share/net/eth1'), 'utf8')).toBe('iface eth1 inet dhcp\n\niface eth1 inet6 auto\n');
    const leftovers = fs.readdirSync(path.join(t.root, 'etc/network')).filter((f) => f.startsWith('.'));
    expect(leftovers).toEqual([]);
  });

  it('serialises concurrent writes: every one lands', async () => {
    const t = setup({ [MAIN]: '' });
    await Promise.all(
      Array.from({ length: 8 }, (_, i) => {
        const s = ethernet(`eth${i}`);
        s.connection!.uuid = `00000000-0000-4000-8000-00000000000${i}`;
        return t.source.write(s, DISK);
      }),
    );
    expect((await t.source.load()).profiles.map((p) => interfaceName(p.settings)).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `eth${i}`));
  });

  for (const name of ['static', 'dhcp', 'ipv6', 'bond', 'bridge', 'vlan', 'source-directory']) {
    it(`rewrites every ${name} fixture profile unchanged and reads the same profiles back`, async () => {
      const t = setup({});
      copyTree(path.join(FIXTURES, name, 'root'), t.root);
      const before = (await t.source.load()).profiles;
      for (const p of before) {
        const current = (await t.source.load()).profiles.find((x) => interfaceName(x.settings) === interfaceName(p.settings))!;
        expect(t.source.canWrite(p.settings, DISK), interfaceName(p.settings)).toBe(true);
        await t.source.write(p.settings, DISK, current);
      }
      const after = await t.source.load();
      expect(after.errors.map(String)).toEqual([]);
      expect(after.profiles.map((p) => interfaceName(p.settings)).sort()).toEqual(before.map((p) => interfaceName(p.settings)).sort());
      for (const p of before) {
        const q = after.profiles.find((x) => interfaceName(x.settings) === interfaceName(p.settings))!;
        expect(meaningDiff(q.settings, p.settings), interfaceName(p.settings)).toEqual([]);
        expect(path.relative(t.root, q.file)).toBe(path.relative(t.root, p.file));
      }
    });
  }
});
