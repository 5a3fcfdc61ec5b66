import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConnectionSettings, SourceProfile } from '../../../sdk/index.js';
import { finishProfile } from '../model-hooks.js';
import { FIXTURES, scratchDir, sourceWithBash } from './helpers.js';

const readCases = readdirSync(join(FIXTURES, 'read')).sort();

/** Controllers before their ports, so a port's MASTER_UUID can also name the interface. */
function controllersFirst(profiles: SourceProfile[]): SourceProfile[] {
  return [...profiles].sort((a, b) => Number(Boolean(a.settings.connection?.master)) - Number(Boolean(b.settings.connection?.master)));
}

function byUuid(profiles: SourceProfile[]): Record<string, ConnectionSettings> {
  return Object.fromEntries(profiles.map((p) => [String(p.settings.connection?.uuid), p.settings]));
}

describe('write, then read', () => {
  it.each(readCases)('%s: every profile reads back the same from new files', async (name) => {
    const from = scratchDir(join(FIXTURES, 'read', name, 'network-scripts'));
    const to = scratchDir();
    try {
      const loaded = await from.source.load();
      expect(loaded.profiles.length).toBeGreaterThan(0);
      for (const p of controllersFirst(loaded.profiles)) {
        const written = await to.source.write(p.settings, { persist: 'disk' });
        expect(written.settings).toEqual(p.settings);
        expect(written.file.startsWith(`${to.dir}/ifcfg-`)).toBe(true);
      }
      const reread = await to.source.load();
      expect(reread.errors.map((e) => e.message)).toEqual([]);
      // What nmk writes, it reads without a warning.
      expect(reread.warnings.map((e) => e.message)).toEqual([]);
      expect(byUuid(reread.profiles)).toEqual(byUuid(loaded.profiles));
    } finally {
      from.cleanup();
      to.cleanup();
    }
  });

  it('rewrites only what changed: comments, unknown variables and quoting stay', async () => {
    const s = scratchDir(join(FIXTURES, 'read', 'ethernet-static', 'network-scripts'));
    try {
      const file = join(s.dir, 'ifcfg-enp1s0');
      const before = readFileSync(file, 'utf8').split('\n');
      const [profile] = (await s.source.load()).profiles;
      const settings = structuredClone(profile!.settings);
      settings['802-3-ethernet']!.mtu = 1500;
      delete settings['802-3-ethernet']!['cloned-mac-address'];
      (settings.ipv4!.dns as string[]).push('192.0.2.55');
      const written = await s.source.write(settings, { persist: 'disk' }, profile);
      expect(written.file).toBe(file);
      expect(written.settings).toEqual(finishProfile(settings, file));
      const after = readFileSync(file, 'utf8').split('\n');
      // Every line but the two changed ones is still there, in the same order, as written.
      const kept = before.filter((l) => !l.startsWith('MTU=') && !l.startsWith('MACADDR='));
      expect(after.filter((l) => kept.includes(l))).toEqual(kept);
      expect(kept).toEqual(expect.arrayContaining(['# Static server NIC, written by hand', "NAME='Server LAN'", 'ETHTOOL_OPTS="-K enp1s0 tso off"', 'USERCTL=no', 'DNS2="192.0.2.54"', 'BOOTPROTO=static', 'HWADDR=52:54:00:ab:cd:01']));
      expect(after).toContain('MTU=1500');
      expect(after).toContain('DNS3=192.0.2.55');
      expect(after.some((l) => l.startsWith('MACADDR'))).toBe(false);
    } finally {
      s.cleanup();
    }
  });

  it('names new files after the interface, else the id, and never overwrites another file', async () => {
    const s = scratchDir();
    try {
      const eth = (id: string, iface?: string): ConnectionSettings => ({
        connection: { id, type: '802-3-ethernet', ...(iface ? { 'interface-name': iface } : {}) },
        '802-3-ethernet': {},
        ipv4: { method: 'auto' },
        ipv6: { method: 'ignore', 'addr-gen-mode': 2 },
      });
      const a = await s.source.write(eth('Office', 'eth3'), { persist: 'disk' });
      const b = await s.source.write(eth('My LAN: (home)'), { persist: 'disk' });
      const c = await s.source.write(eth('Second', 'eth3'), { persist: 'disk' });
      expect([a.file, b.file, c.file].map((f) => f.slice(s.dir.length + 1))).toEqual(['ifcfg-eth3', 'ifcfg-My_LAN-_-home-', 'ifcfg-eth3-1']);
      expect(a.settings.connection!.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(readdirSync(s.dir).filter((f) => f.startsWith('.'))).toEqual([]);
    } finally {
      s.cleanup();
    }
  });

  it('writes ifcfg and route files 0644 and keys 0600; route and keys files only when needed', async () => {
    const s = scratchDir();
    try {
      const settings: ConnectionSettings = {
        connection: { id: 'office', uuid: '7d1b9f06-5c8b-4b8e-9d52-2b7c8f1c0a11', type: '802-3-ethernet', 'interface-name': 'eno1' },
        '802-3-ethernet': {},
        '802-1x': { eap: ['peap'], identity: 'alice', 'phase2-auth': 'mschapv2', password: "pa ss'\"$`\\" },
        ipv4: { method: 'manual', 'address-data': [{ address: '192.0.2.5', prefix: 24 }], 'route-data': [{ dest: '10.0.0.0', prefix: 8, nextHop: '192.0.2.1', metric: 7 }] },
        ipv6: { method: 'manual', 'addr-gen-mode': 2, 'address-data': [{ address: '2001:db8::5', prefix: 64 }], 'route-data': [{ dest: '2001:db8:1::', prefix: 48, nextHop: '2001:db8::1' }] },
      };
      const p = await s.source.write(settings, { persist: 'disk' });
      const mode = (f: string): string => (statSync(join(s.dir, f)).mode & 0o777).toString(8);
      expect(readdirSync(s.dir).sort()).toEqual(['ifcfg-eno1', 'keys-eno1', 'route-eno1', 'route6-eno1']);
      expect([mode('ifcfg-eno1'), mode('route-eno1'), mode('route6-eno1'), mode('keys-eno1')]).toEqual(['644', '644', '644', '600']);
      expect(readFileSync(join(s.dir, 'ifcfg-eno1'), 'utf8')).not.toContain('PASSWORD');
      expect(readFileSync(join(s.dir, 'route-eno1'), 'utf8')).toBe('ADDRESS0=10.0.0.0\nNETMASK0=255.0.0.0\nGATEWAY0=192.0.2.1\nMETRIC0=7\n');
      expect(readFileSync(join(s.dir, 'route6-eno1'), 'utf8')).toBe('2001:db8:1::/48 via 2001:db8::1\n');
      expect(sourceWithBash(join(s.dir, 'keys-eno1'), ['IEEE_8021X_PASSWORD'])[0]!.toString()).toBe("pa ss'\"$`\\");
      expect(p.settings).toEqual(finishProfile(settings, p.file));

      const fewer = structuredClone(settings);
      delete fewer['802-1x'];
      delete fewer.ipv4!['route-data'];
      delete fewer.ipv6!['route-data'];
      await s.source.write(fewer, { persist: 'disk' }, p);
      expect(readdirSync(s.dir).sort()).toEqual(['ifcfg-eno1']);
      expect(readFileSync(join(s.dir, 'ifcfg-eno1'), 'utf8')).not.toMatch(/KEY_MGMT|IEEE_8021X/);
    } finally {
      s.cleanup();
    }
  });

  it('keeps the `ip route` form of an existing route-NAME', async () => {
    const s = scratchDir(join(FIXTURES, 'read', 'routes', 'network-scripts'));
    try {
      const profile = (await s.source.load()).profiles.find((p) => p.file.endsWith('ifcfg-eth1'))!;
      await s.source.write(profile.settings, { persist: 'disk' }, profile);
      expect(readFileSync(join(s.dir, 'route-eth1'), 'utf8')).toBe(
        '10.1.0.0/16 via 192.168.7.1\n10.2.0.0/16 via 192.168.7.1 metric 5 table 7\n10.3.0.0/16 blackhole\n192.168.50.7/32 via 192.168.7.2 scope 253 tos 0x10\n',
      );
      expect((await s.source.load()).profiles.find((p) => p.file === profile.file)!.settings).toEqual(profile.settings);
    } finally {
      s.cleanup();
    }
  });

  it('delete removes every file of the profile and nothing else', async () => {
    const s = scratchDir(join(FIXTURES, 'read', 'routes', 'network-scripts'));
    try {
      writeFileSync(join(s.dir, 'keys-eth0'), 'IEEE_8021X_PASSWORD=x\n');
      const profile = (await s.source.load()).profiles.find((p) => p.file.endsWith('ifcfg-eth0'))!;
      await s.source.delete(profile);
      expect(readdirSync(s.dir).sort()).toEqual(['ifcfg-eth1', 'route-eth1']);
      await expect(s.source.delete({ settings: {}, file: '/etc/passwd' })).rejects.toThrow(/not an ifcfg-rh profile/);
      expect(existsSync('/etc/passwd')).toBe(true);
    } finally {
      s.cleanup();
    }
  });

  it('says what it cannot store, and refuses it on write', async () => {
    const s = scratchDir();
    try {
      const eth: ConnectionSettings = { connection: { id: 'x', type: '802-3-ethernet' }, '802-3-ethernet': {} };
      expect(s.source.canWrite(eth, { persist: 'disk' })).toBe(true);
      expect(s.source.canWrite(eth, { persist: 'memory' })).toBe(false);
      expect(s.source.canWrite({ connection: { id: 'w', type: '802-11-wireless' }, '802-11-wireless': {} }, { persist: 'disk' })).toBe(false);
      expect(s.source.canWrite({ ...eth, 'ovs-interface': { type: 'internal' } }, { persist: 'disk' })).toBe(false);
      // A setting that holds only defaults (normalisation adds an empty "proxy") needs no variables.
      expect(s.source.canWrite({ ...eth, proxy: {} }, { persist: 'disk' })).toBe(true);
      await expect(s.source.write(eth, { persist: 'memory' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      // A profile the model refuses never reaches the disk (manual IPv4 needs an address).
      await expect(s.source.write({ ...eth, ipv4: { method: 'manual' } }, { persist: 'disk' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      expect(readdirSync(s.dir)).toEqual([]);
    } finally {
      s.cleanup();
    }
  });

  it('a written file, sourced by bash, holds the profile values', async () => {
    const s = scratchDir();
    try {
      const id = "Büro \"LAN\" $HOME `x` it's ~\\ \t\n;|&";
      const p = await s.source.write(
        { connection: { id, type: 'bond', 'interface-name': 'bond3', zone: 'a b' }, bond: { options: { mode: 'active-backup', miimon: '100' } }, ipv4: { method: 'auto', 'dns-search': ['a.example', 'b.example'] }, ipv6: { method: 'ignore', 'addr-gen-mode': 2 } },
        { persist: 'disk' },
      );
      const [name, zone, opts, domain, device] = sourceWithBash(p.file, ['NAME', 'ZONE', 'BONDING_OPTS', 'DOMAIN', 'DEVICE']).map((b) => b.toString('utf8'));
      expect({ name, zone, opts, domain, device }).toEqual({ name: id, zone: 'a b', opts: 'mode=active-backup miimon=100', domain: 'a.example b.example', device: 'bond3' });
      expect(p.settings.connection!.id).toBe(id);
    } finally {
      s.cleanup();
    }
  });
});
