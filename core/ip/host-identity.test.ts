import { mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makePaths } from '../config/paths.js';
import { fakeMachineId, hostIdFromSecretKey, newSecretKey, parseBootId, parseMachineId, readHostIdentity, uuidV5 } from './host-identity.js';

const MACHINE_ID = '3d1219c7c4c5404aaa1f6d2a48adfda4';
/** NetworkManager 1.42.4's key and the host id it hashed from it (see dhcp-identity.test.ts). */
const NM_KEY = 'nm-v2:8ZvpxdM79zpacaYKywa0/eKpuqAdpmMf345dv/GQ6qs=';
const NM_HOST_ID = '24d67b20616a691c508d4b2c41d19f5cdd6fcf8170ca74ef72209ba15e8e4650';
const BOOT_ID = '104bf6ac-daac-461c-98f8-9717988590e9';

let root: string;
let bootIdFile: string;

async function put(rel: string, content: string | Buffer, mode = 0o644): Promise<string> {
  const f = path.join(root, rel);
  await mkdir(path.dirname(f), { recursive: true });
  await writeFile(f, content, { mode });
  return f;
}

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'nmk-hostid-'));
  bootIdFile = path.join(root, 'boot_id');
  await writeFile(bootIdFile, `${BOOT_ID.toUpperCase()}\n`);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('parsers', () => {
  it('accepts a machine id of 32 hex digits with white space around, nothing else', () => {
    expect(parseMachineId(` ${MACHINE_ID.toUpperCase()}\n`)?.toString('hex')).toBe(MACHINE_ID);
    expect(parseMachineId('0'.repeat(32))).toBeUndefined();
    expect(parseMachineId(MACHINE_ID.slice(1))).toBeUndefined();
    expect(parseMachineId(`${MACHINE_ID}00`)).toBeUndefined();
    expect(parseBootId(`${BOOT_ID.toUpperCase()}\n`)).toBe(BOOT_ID);
    expect(parseBootId('nope')).toBeUndefined();
  });

  it('makes v2 keys of 50 bytes, and treats short keys as unusable and old ones as is', () => {
    const k = newSecretKey(new Uint8Array(32));
    expect(k.toString()).toBe(`nm-v2:${Buffer.alloc(32).toString('base64')}`);
    expect(k.length).toBe(50);
    expect(hostIdFromSecretKey(Buffer.from('short'), MACHINE_ID)).toBeUndefined();
    const v1 = Buffer.alloc(16, 9);
    expect(hostIdFromSecretKey(v1, MACHINE_ID)).toEqual(v1);
    // A v2 key without a machine id hashes without it.
    expect(hostIdFromSecretKey(Buffer.from(NM_KEY), undefined)!.toString('hex')).not.toBe(NM_HOST_ID);
  });

  it('builds version 5 UUIDs (RFC 4122 appendix: DNS namespace, "www.example.com")', () => {
    const dns = Buffer.from('6ba7b8109dad11d180b400c04fd430c8', 'hex');
    expect(uuidV5(dns, Buffer.from('www.example.com')).toString('hex')).toBe('2ed6657de927568b95e12665a8aea6a2');
  });
});

describe('readHostIdentity', () => {
  it("prefers NetworkManager's secret key under the root and hashes it with the machine id", async () => {
    await put('etc/machine-id', `${MACHINE_ID}\n`);
    const nmKey = await put('var/lib/NetworkManager/secret_key', NM_KEY, 0o600);
    await utimes(nmKey, 1700000000, 1700000123);
    const paths = makePaths(root);
    const id = await readHostIdentity(paths, { bootIdFile });
    expect(id.hostId.toString('hex')).toBe(NM_HOST_ID);
    expect(id.hostIdGood).toBe(true);
    expect(id.hostIdTimestamp).toBe(1700000123);
    expect(id.secretKeyFile).toBe(nmKey);
    expect(id.machineIdText).toBe(MACHINE_ID);
    expect(id.machineIdIsFake).toBe(false);
    expect(id.bootId).toBe(BOOT_ID);
    // nmk made no key of its own.
    await expect(stat(path.join(paths.stateDir, 'secret_key'))).rejects.toThrow(/ENOENT/);
  });

  it('creates its own 0600 key in the state directory once, and reads the same key after', async () => {
    await put('etc/machine-id', MACHINE_ID);
    const paths = makePaths(root);
    const first = await readHostIdentity(paths, { bootIdFile });
    const file = path.join(paths.stateDir, 'secret_key');
    expect(first.secretKeyFile).toBe(file);
    const st = await stat(file);
    expect(st.mode & 0o777).toBe(0o600);
    const content = await readFile(file);
    expect(content.toString()).toMatch(/^nm-v2:[A-Za-z0-9+/]{43}=$/);
    expect(first.hostId).toEqual(hostIdFromSecretKey(content, MACHINE_ID));
    const second = await readHostIdentity(paths, { bootIdFile });
    expect(second.hostId).toEqual(first.hostId);
    expect(await readFile(file)).toEqual(content);
  });

  it('agrees on one key when several readers create it at once', async () => {
    await put('etc/machine-id', MACHINE_ID);
    const paths = makePaths(root);
    const ids = await Promise.all(Array.from({ length: 5 }, () => readHostIdentity(paths, { bootIdFile })));
    const onDisk = hostIdFromSecretKey(await readFile(path.join(paths.stateDir, 'secret_key')), MACHINE_ID);
    for (const id of ids) expect(id.hostId).toEqual(onDisk);
  });

  it('replaces a key too short to use, and skips a short NetworkManager key', async () => {
    await put('etc/machine-id', MACHINE_ID);
    await put('var/lib/NetworkManager/secret_key', 'tiny', 0o600);
    const own = await put('var/lib/nmk/secret_key', 'also tiny', 0o600);
    const warnings: string[] = [];
    const logger = { warn: (m: string) => warnings.push(m), error: (m: string) => warnings.push(m) } as any;
    const id = await readHostIdentity(makePaths(root), { bootIdFile, logger });
    expect(id.secretKeyFile).toBe(own);
    expect((await readFile(own, 'latin1')).startsWith('nm-v2:')).toBe(true);
    expect(warnings.join('\n')).toMatch(/NetworkManager\/secret_key: secret key too short \(4 bytes\); not used/);
    expect(warnings.join('\n')).toMatch(/nmk\/secret_key: secret key too short \(9 bytes\); writing a new one/);
  });

  it('fakes the machine id from the host id when /etc/machine-id is invalid (the dbus one is not consulted then)', async () => {
    await put('etc/machine-id', 'garbage\n');
    await put('var/lib/dbus/machine-id', MACHINE_ID);
    await put('var/lib/NetworkManager/secret_key', NM_KEY, 0o600);
    const errors: string[] = [];
    const logger = { warn: () => {}, error: (m: string) => errors.push(m) } as any;
    const id = await readHostIdentity(makePaths(root), { bootIdFile, logger });
    expect(id.machineIdIsFake).toBe(true);
    // Without a real machine id the v2 key is hashed alone.
    const hostId = hostIdFromSecretKey(Buffer.from(NM_KEY), undefined)!;
    expect(id.hostId).toEqual(hostId);
    expect(id.machineId).toEqual(fakeMachineId({ kind: 'secret-key', hostId }));
    expect(id.machineId[6]! >> 4).toBe(5);
    expect(errors.join('\n')).toMatch(/machine-id: no valid machine id; using a fake one based on the secret key/);
  });

  it('reads /var/lib/dbus/machine-id when /etc/machine-id is missing', async () => {
    await put('var/lib/dbus/machine-id', `${MACHINE_ID}\n`);
    const id = await readHostIdentity(makePaths(root), { bootIdFile });
    expect(id.machineIdText).toBe(MACHINE_ID);
    expect(id.machineIdIsFake).toBe(false);
  });
});
