/**
 * The SettingsSource on real directories: where profiles are written and
 * under which name, file modes, atomic replacement, the three directories
 * and their priority, updates, deletes, and the plugin's setup reading
 * [keyfile] path=.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NmkError, type ConnectionSettings, type SettingsSource } from '../../../sdk/index.js';
import { expectSettingsManifest, settingsSourceOf } from '../../../test/harness/settings-plugins.js';
import plugin from '../index.js';
import { makeTempRoot, recordingLogger, type TempRoot } from './support.js';

let t: TempRoot;
beforeEach(() => {
  t = makeTempRoot();
});
afterEach(() => t.cleanup());

function ethernet(id: string, uuid: string, extra: Partial<Record<string, unknown>> = {}): ConnectionSettings {
  return {
    connection: { id, uuid, type: '802-3-ethernet', 'interface-name': 'eth0', ...extra },
    '802-3-ethernet': {},
    ipv4: { method: 'manual', 'address-data': [{ address: '192.0.2.10', prefix: 24 }], gateway: '192.0.2.1' },
    ipv6: { 'addr-gen-mode': 3, method: 'auto' },
    proxy: {},
  };
}

const U1 = '2f0c3a8e-0000-4000-8000-000000000001';
const U2 = '2f0c3a8e-0000-4000-8000-000000000002';

describe('write', () => {
  it('writes a persistent profile as <id>.nmconnection, mode 0600, in the format NetworkManager writes', async () => {
    const stored = await t.source.write!(ethernet('Office LAN', U1), { persist: 'disk' });
    expect(stored.file).toBe(path.join(t.dirs.persistent, 'Office LAN.nmconnection'));
    expect(stored.runtime).toBeUndefined();
    const st = fs.statSync(stored.file);
    expect(st.mode & 0o777).toBe(0o600);
    expect(st.uid).toBe(0);
    expect(fs.readFileSync(stored.file, 'utf8')).toBe(
      [
        '[connection]', 'id=Office LAN', `uuid=${U1}`, 'type=ethernet', 'interface-name=eth0', '',
        '[ethernet]', '',
        '[ipv4]', 'address1=192.0.2.10/24,192.0.2.1', 'method=manual', '',
        '[ipv6]', 'addr-gen-mode=default', 'method=auto', '',
        '[proxy]', '',
      ].join('\n'),
    );
    // No temporary file is left behind.
    expect(fs.readdirSync(t.dirs.persistent)).toEqual(['Office LAN.nmconnection']);
  });

  it("writes a runtime profile under the run directory and marks it runtime", async () => {
    const stored = await t.source.write!(ethernet('tmp', U1), { persist: 'memory' });
    expect(path.dirname(stored.file)).toBe(t.dirs.runtime);
    expect(stored.runtime).toBe(true);
    const { profiles } = await t.source.load();
    expect(profiles).toMatchObject([{ file: stored.file, runtime: true }]);
  });

  it('escapes the id as NetworkManager does and appends the UUID when the name is taken', async () => {
    const a = await t.source.write!(ethernet('.a/b', U1), { persist: 'disk' });
    expect(path.basename(a.file)).toBe('_a_b.nmconnection');
    const b = await t.source.write!(ethernet('.a/b', U2), { persist: 'disk' });
    expect(path.basename(b.file)).toBe(`_a_b-${U2}.nmconnection`);
  });

  it('creates the directory when it is missing', async () => {
    fs.rmSync(t.dirs.persistent, { recursive: true });
    const stored = await t.source.write!(ethernet('new', U1), { persist: 'disk' });
    expect(fs.existsSync(stored.file)).toBe(true);
  });

  it('keeps the file of an updated profile, even when its id changed, and replaces it atomically', async () => {
    const first = await t.source.write!(ethernet('lan', U1), { persist: 'disk' });
    const inode = fs.statSync(first.file).ino;
    const second = await t.source.write!(ethernet('renamed', U1, { autoconnect: false }), { persist: 'disk' }, first);
    expect(second.file).toBe(first.file);
    // A new inode: the content was renamed into place, not rewritten in place.
    expect(fs.statSync(second.file).ino).not.toBe(inode);
    expect(fs.readFileSync(second.file, 'utf8')).toContain('id=renamed\n');
    expect(second.settings.connection!.autoconnect).toBe(false);
    expect(fs.readdirSync(t.dirs.persistent)).toEqual(['lan.nmconnection']);
  });

  it('moves a runtime profile to disk (removing the runtime file), and a disk one to memory (keeping the disk file)', async () => {
    const mem = await t.source.write!(ethernet('p', U1), { persist: 'memory' });
    const disk = await t.source.write!(ethernet('p', U1), { persist: 'disk' }, mem);
    expect(fs.existsSync(mem.file)).toBe(false);
    expect(path.dirname(disk.file)).toBe(t.dirs.persistent);
    const mem2 = await t.source.write!(ethernet('p', U1, { autoconnect: false }), { persist: 'memory' }, disk);
    expect(fs.existsSync(disk.file)).toBe(true);
    // The runtime copy shadows the persistent one until it is gone.
    const { profiles } = await t.source.load();
    expect(profiles).toHaveLength(1);
    expect(profiles[0]).toMatchObject({ file: mem2.file, runtime: true });
    expect(t.logs.some((l) => l.msg.includes('shadowed by'))).toBe(true);
  });

  it('writes a changed read-only profile to the persistent directory, which then wins', async () => {
    const text = fs.readFileSync((await t.source.write!(ethernet('shipped', U1), { persist: 'disk' })).file);
    fs.rmSync(path.join(t.dirs.persistent, 'shipped.nmconnection'));
    t.put('readOnly', 'shipped.nmconnection', text);
    const [ro] = (await t.source.load()).profiles;
    expect(ro).toMatchObject({ readOnly: true });
    const changed = await t.source.write!(ethernet('shipped', U1, { autoconnect: false }), { persist: 'disk' }, ro);
    expect(path.dirname(changed.file)).toBe(t.dirs.persistent);
    expect(fs.existsSync(ro!.file)).toBe(true);
    const { profiles } = await t.source.load();
    expect(profiles).toMatchObject([{ file: changed.file }]);
    expect(profiles[0]!.readOnly).toBeUndefined();
  });

  it('refuses what a keyfile cannot hold with an error naming the property', async () => {
    const bad = ethernet('nul', U1);
    bad.connection!.zone = 'a\0b';
    await expect(t.source.write!(bad, { persist: 'disk' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', origin: { key: 'connection.zone' } });
    expect(fs.readdirSync(t.dirs.persistent)).toEqual([]);
  });

  it('runs concurrent writes one at a time, so two new profiles never share a name', async () => {
    const stored = await Promise.all([t.source.write!(ethernet('same', U1), { persist: 'disk' }), t.source.write!(ethernet('same', U2), { persist: 'disk' })]);
    expect(new Set(stored.map((s) => s.file)).size).toBe(2);
    expect(fs.readdirSync(t.dirs.persistent).sort()).toEqual([`same-${U2}.nmconnection`, 'same.nmconnection']);
  });
});

describe('load', () => {
  it('reads the three directories, runtime first, then persistent, then read-only, one profile per UUID', async () => {
    const p = await t.source.write!(ethernet('disk', U1), { persist: 'disk' });
    t.put('readOnly', 'lib.nmconnection', fs.readFileSync(p.file, 'utf8').replace('id=disk', 'id=lib'));
    t.put('readOnly', 'other.nmconnection', fs.readFileSync(p.file, 'utf8').replace(U1, U2).replace('id=disk', 'id=other'));
    const { profiles, errors } = await t.source.load();
    expect(errors).toEqual([]);
    expect(profiles.map((x) => [x.settings.connection!.id, x.readOnly ?? false])).toEqual([
      ['disk', false],
      ['other', true],
    ]);
  });

  it('ignores hidden, backup, temporary and certificate files, and extension-less files outside the persistent directory', async () => {
    const text = fs.readFileSync((await t.source.write!(ethernet('x', U1), { persist: 'disk' })).file, 'utf8');
    fs.rmSync(path.join(t.dirs.persistent, 'x.nmconnection'));
    for (const name of ['.hidden.nmconnection', 'x.nmconnection~', 'x.aB3dE9', 'ca.pem', 'key.DER']) t.put('persistent', name, text);
    t.put('runtime', 'no-extension', text);
    t.put('persistent', 'legacy-eth0', text.replace('id=x\n', ''));
    const { profiles, errors } = await t.source.load();
    expect(errors).toEqual([]);
    // The extension-less file in the persistent directory loads; without an id it takes the file name.
    expect(profiles.map((p) => [path.basename(p.file), p.settings.connection!.id])).toEqual([['legacy-eth0', 'legacy-eth0']]);
  });

  it('removes the temporary files an interrupted write left in the writable directories, and nothing else', async () => {
    await t.source.write!(ethernet('lan', U1), { persist: 'disk' });
    const leftover = t.put('persistent', '.lan.nmconnection.nmk-0123456789ab', '[connection]\nid=half');
    const runtimeLeftover = t.put('runtime', '.x.nmconnection.nmk-ba9876543210', '');
    const readOnlyOne = t.put('readOnly', '.y.nmconnection.nmk-ba9876543210', '');
    const others = [t.put('persistent', '.hidden', 'x'), t.put('persistent', '.lan.nmconnection.nmk-short', 'x')];
    const { profiles, errors } = await t.source.load();
    expect(errors).toEqual([]);
    expect(profiles).toHaveLength(1);
    expect(fs.existsSync(leftover)).toBe(false);
    expect(fs.existsSync(runtimeLeftover)).toBe(false);
    // Never written there, so never cleaned there; other hidden files are not ours.
    for (const f of [readOnlyOne, ...others]) expect(fs.existsSync(f)).toBe(true);
    expect(t.logs.some((l) => l.level === 'info' && l.msg.includes(`${leftover}: removed a temporary file`))).toBe(true);
  });

  it('gives a file without a UUID the one NetworkManager would give it (from its path below the root)', async () => {
    const file = t.put('persistent', 'no-uuid.nmconnection', '[connection]\nid=no-uuid\ntype=ethernet\n');
    const r = await t.source.loadFile(file);
    // python3: uuid.uuid3(UUID('b425e9fb-7598-44b4-9e3b-5a2e3aaa4905'), 'keyfile\0/etc/nmk/system-connections/no-uuid.nmconnection\0')
    expect(r?.profiles[0]?.settings.connection!.uuid).toBe('4cbc2136-51d3-32ca-be41-e8aa3db9131e');
  });

  it('reads the old and new names of renamed keys and of setting groups', async () => {
    const file = t.put(
      'persistent',
      'new-names.nmconnection',
      ['[connection]', 'id=new-names', `uuid=${U1}`, 'type=802-3-ethernet', 'interface-name=eth1', 'controller=bond0', 'port-type=bond', '', '[802-3-ethernet]', 'mtu=1500', ''].join('\n'),
    );
    const r = await t.source.loadFile(file);
    expect(r?.errors).toEqual([]);
    expect(r?.profiles[0]?.settings.connection).toMatchObject({ type: '802-3-ethernet', master: 'bond0', 'slave-type': 'bond' });
    expect(r?.profiles[0]?.settings['802-3-ethernet']).toMatchObject({ mtu: 1500 });
  });

  it('warns about settings and keys it does not know, and still loads the profile', async () => {
    const file = t.put('persistent', 'unknown.nmconnection', `[connection]\nid=u\nuuid=${U1}\ntype=ethernet\nfuture-key=1\n\n[future-setting]\na=b\n`);
    const r = await t.source.loadFile(file);
    expect(r?.profiles).toHaveLength(1);
    const warnings = t.logs.filter((l) => l.level === 'warn').map((l) => l.msg);
    expect(warnings.some((w) => w.includes(`${file}:5: key 'connection.future-key'`))).toBe(true);
    expect(warnings.some((w) => w.includes('unknown setting [future-setting]'))).toBe(true);
  });

  it('loadFile answers only for its own directories', async () => {
    expect(await t.source.loadFile(path.join(t.root, 'elsewhere.nmconnection'))).toBeUndefined();
    expect(await t.source.loadFile(path.join(t.dirs.runtime, 'no-extension'))).toBeUndefined();
    expect(await t.source.loadFile(path.join(t.dirs.persistent, 'gone.nmconnection'))).toEqual({ profiles: [], errors: [] });
  });

  it('reports an unreadable directory as one error and still reads the others', async () => {
    fs.rmSync(t.dirs.runtime, { recursive: true });
    fs.writeFileSync(t.dirs.runtime, 'not a directory');
    await t.source.write!(ethernet('ok', U1), { persist: 'disk' });
    const { profiles, errors } = await t.source.load();
    expect(profiles).toHaveLength(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(NmkError);
    expect(errors[0]!.origin.file).toBe(t.dirs.runtime);
  });
});

describe('delete', () => {
  it('removes the profile file and every writable copy with its UUID', async () => {
    const disk = await t.source.write!(ethernet('d', U1), { persist: 'disk' });
    const mem = await t.source.write!(ethernet('d', U1), { persist: 'memory' }, disk);
    await t.source.delete!(mem);
    expect(fs.existsSync(mem.file)).toBe(false);
    expect(fs.existsSync(disk.file)).toBe(false);
    expect((await t.source.load()).profiles).toEqual([]);
  });

  it('refuses to delete a read-only profile', async () => {
    const text = fs.readFileSync((await t.source.write!(ethernet('ro', U1), { persist: 'disk' })).file);
    fs.rmSync(path.join(t.dirs.persistent, 'ro.nmconnection'));
    const file = t.put('readOnly', 'ro.nmconnection', text);
    const [ro] = (await t.source.load()).profiles;
    await expect(t.source.delete!(ro!)).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(fs.existsSync(file)).toBe(true);
  });
});

describe('the UUID index', () => {
  it('returns to its size after profiles are added, moved and deleted, round after round', async () => {
    await t.source.write!(ethernet('stays', U1), { persist: 'disk' });
    await t.source.load();
    const start = t.source.indexSize();
    expect(start).toEqual({ uuids: 1, files: 1 });
    for (let round = 0; round < 40; round++) {
      const uuid = `2f0c3a8e-0000-4000-8000-${String(1000 + round).padStart(12, '0')}`;
      const disk = await t.source.write!(ethernet(`p${round}`, uuid), { persist: 'disk' });
      const updated = await t.source.write!(ethernet(`p${round}`, uuid, { autoconnect: false }), { persist: 'disk' }, disk);
      // Every other round also has a runtime copy, deleted with it.
      const last = round % 2 ? await t.source.write!(ethernet(`p${round}`, uuid), { persist: 'memory' }, updated) : updated;
      expect(t.source.indexSize().uuids).toBe(2);
      await t.source.delete!(last);
    }
    // A file removed behind the source's back and then loaded on its own is forgotten too.
    const gone = await t.source.write!(ethernet('gone', U2), { persist: 'disk' });
    fs.rmSync(gone.file);
    expect(await t.source.loadFile(gone.file)).toEqual({ profiles: [], errors: [] });
    expect(t.source.indexSize()).toEqual(start);
  });
});

describe('the plugin', () => {
  const PLUGIN_DIR = path.join(import.meta.dirname, '..');

  function setUp(config: Record<string, string>): Promise<SettingsSource> {
    return settingsSourceOf(plugin, { pluginDir: PLUGIN_DIR, root: t.root, config, logger: recordingLogger([]) });
  }

  it('provides a SettingsSource named keyfile with the default directories under the state root', async () => {
    const source = (await setUp({})) as SettingsSource & { directories: Record<string, string> };
    expect(source.name).toBe('keyfile');
    expect(source.directories).toEqual({
      persistent: path.join(t.root, 'etc/nmk/system-connections'),
      runtime: path.join(t.root, 'run/nmk/system-connections'),
      readOnly: path.join(t.root, 'usr/lib/nmk/system-connections'),
    });
  });

  it('takes the persistent directory from [keyfile] path=, re-rooted', async () => {
    const source = (await setUp({ 'keyfile.path': '/srv/profiles' })) as SettingsSource & { directories: Record<string, string> };
    expect(source.directories.persistent).toBe(path.join(t.root, 'srv/profiles'));
  });

  it('has the manifest the loader expects', () => {
    expectSettingsManifest(PLUGIN_DIR, 'keyfile');
  });
});
