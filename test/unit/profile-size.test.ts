/**
 * A profile larger than its plugin's reader accepts is refused when it is
 * written (PROFILE_TOO_LARGE, NetworkManager's Settings.Failed), naming the
 * file and the limit, and nothing reaches the disk: what is accepted always
 * loads again.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { refuseOversize, type ConnectionSettings } from '../../sdk/index.js';
import { MAX_KEYFILE_BYTES } from '../../plugins/keyfile/file-access.js';
import { makeTempRoot } from '../../plugins/keyfile/test/support.js';
import { MAX_FILE_SIZE } from '../../plugins/ifcfg-rh/files.js';
import { scratchDir } from '../../plugins/ifcfg-rh/test/helpers.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

const ethernet = (id: string): ConnectionSettings => ({
  connection: { id, uuid: '6b1e3c2a-4d5f-4e6a-8b7c-9d0e1f2a3b4c', type: '802-3-ethernet', 'interface-name': 'eth0' },
  '802-3-ethernet': {},
  ipv4: { method: 'auto' },
  ipv6: { method: 'auto' },
});

describe('profiles over the reader limit', () => {
  it('refuseOversize counts bytes, not characters, and names the file, the plugin and the limit', () => {
    expect(() => refuseOversize('/x', 'é'.repeat(5), 10, 'p')).not.toThrow();
    let err: any;
    try {
      refuseOversize('/x', 'é'.repeat(6), 10, 'p');
    } catch (e) {
      err = e;
    }
    expect(err.code).toBe('PROFILE_TOO_LARGE');
    expect(err.dbusName).toBe('org.freedesktop.NetworkManager.Settings.Failed');
    expect(err.message).toBe('/x: plugin p (write): the profile would take 12 bytes; p reads files of at most 10 bytes, so it is not stored');
  });

  it('keyfile: a 5 MB connection.id is refused and no file is written; one just under the limit is stored and loads', async () => {
    const t = makeTempRoot();
    cleanups.push(() => t.cleanup());
    const err = await t.source.write!(ethernet('x'.repeat(5_000_000)), { persist: 'disk' }).catch((e) => e);
    expect(err.code).toBe('PROFILE_TOO_LARGE');
    expect(err.message).toMatch(new RegExp(`reads files of at most ${MAX_KEYFILE_BYTES} bytes`));
    expect(fs.readdirSync(t.dirs.persistent)).toEqual([]);
    const big = ethernet('y'.repeat(MAX_KEYFILE_BYTES - 4096));
    await t.source.write!(big, { persist: 'disk' });
    const loaded = await t.source.load();
    expect(loaded.errors).toEqual([]);
    expect(loaded.profiles.map((p) => String(p.settings.connection?.id).length)).toEqual([MAX_KEYFILE_BYTES - 4096]);
  });

  it('ifcfg-rh: a NAME over its 10 MiB limit is refused and no file is written', async () => {
    const s = scratchDir();
    cleanups.push(() => s.cleanup());
    const err = await s.source.write(ethernet('z'.repeat(MAX_FILE_SIZE + 1)), { persist: 'disk' }).catch((e) => e);
    expect(err.code).toBe('PROFILE_TOO_LARGE');
    expect(fs.readdirSync(s.dir)).toEqual([]);
  });
});
