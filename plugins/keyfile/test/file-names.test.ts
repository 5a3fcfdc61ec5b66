/** File names and UUIDs by NetworkManager's rules. */
import { describe, expect, it } from 'vitest';
import { fileNameFor, idFromFileName, isIgnoredFileName } from '../file-names.js';
import { uuidFromPath } from '../uuid-from-path.js';

describe('fileNameFor (nm_keyfile_utils_create_filename)', () => {
  it.each([
    ['Wired connection 1', 'Wired connection 1.nmconnection'],
    ['a/b/c', 'a_b_c.nmconnection'],
    ['.hidden', '_hidden.nmconnection'],
    ['backup~', 'backup_.nmconnection'],
    ['cert.pem', 'cert.pem_.nmconnection'],
    ['CERT.DER', 'CERT.DER_.nmconnection'],
    ['tmp.Ab12Cd', 'tmp.Ab12Cd_.nmconnection'],
    ['tmp.Ab12C', 'tmp.Ab12C.nmconnection'],
    ['Café ☕', 'Café ☕.nmconnection'],
  ])('%j → %j', (id, name) => {
    expect(fileNameFor(id)).toBe(name);
  });

  it('never produces a name the loader ignores, nor one longer than 255 bytes', () => {
    for (const id of ['.', '..', '~', '/', 'x'.repeat(300), 'é'.repeat(200), '.x.pem~']) {
      const name = fileNameFor(id);
      expect(isIgnoredFileName(name, true), name).toBe(false);
      expect(isIgnoredFileName(name, false), name).toBe(false);
      expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
      expect(name).not.toContain('/');
    }
  });
});

describe('isIgnoredFileName (nm_keyfile_utils_ignore_filename)', () => {
  it('requires .nmconnection in the runtime and read-only directories', () => {
    expect(isIgnoredFileName('eth0.nmconnection', true)).toBe(false);
    expect(isIgnoredFileName('eth0', true)).toBe(true);
    expect(isIgnoredFileName('.nmconnection', true)).toBe(true);
  });
  it('accepts old extension-less files in the persistent directory, but not backups, temp files or certificates', () => {
    expect(isIgnoredFileName('eth0', false)).toBe(false);
    expect(isIgnoredFileName('eth0~', false)).toBe(true);
    expect(isIgnoredFileName('eth0.aB3dE9', false)).toBe(true);
    expect(isIgnoredFileName('ca.PEM', false)).toBe(true);
    expect(isIgnoredFileName('.eth0.nmconnection', false)).toBe(true);
  });
  it('gives the id of a file without one', () => {
    expect(idFromFileName('office.nmconnection')).toBe('office');
    expect(idFromFileName('legacy-eth0')).toBe('legacy-eth0');
  });
});

describe('uuidFromPath (nm_keyfile_read_ensure_uuid)', () => {
  it("is NetworkManager's version-3 UUID of \"keyfile\" and the path", () => {
    // python3: uuid.uuid3(UUID('b425e9fb-7598-44b4-9e3b-5a2e3aaa4905'), 'keyfile\0/etc/NetworkManager/system-connections/Wired\0')
    expect(uuidFromPath('/etc/NetworkManager/system-connections/Wired')).toBe('9a5e623c-1fa0-3844-8aea-680bd095d0d9');
  });
  it('differs between paths and is stable', () => {
    expect(uuidFromPath('/a')).toBe(uuidFromPath('/a'));
    expect(uuidFromPath('/a')).not.toBe(uuidFromPath('/b'));
  });
});
