/**
 * The per-host identifiers NetworkManager 1.42 derives its stable addresses,
 * DUIDs, IAIDs and client ids from (src/core/nm-core-utils.c):
 * - the machine id (/etc/machine-id, else /var/lib/dbus/machine-id), 16 bytes;
 *   when neither is valid, a fake one hashed from the host id (or the boot id);
 * - the boot id (/proc/sys/kernel/random/boot_id);
 * - the "host id": the secret_key file, hashed with the machine id for the
 *   "nm-v2:" format, used as is for the older format; and the file's mtime,
 *   the constant timestamp of DUID-LLT.
 *
 * The pure functions take bytes and strings so tests pin them with vectors;
 * readHostIdentity() is the small reader that finds the files under the root.
 */
import { createHash, randomBytes } from '../../sdk/crypto.js';
import { constants as fsc, promises as fsp } from 'node:fs';
import path from 'node:path';
import { readFileLimited, syncDirectory, writeFileAtomic, type Logger, type Paths } from '../../sdk/index.js';

export interface HostIdentity {
  /** The machine id's 16 bytes. */
  machineId: Buffer;
  /** Its 32 lower-case hex characters (NetworkManager re-prints what it parsed). */
  machineIdText: string;
  /** No valid machine id on disk: machineId was derived from the host id or the boot id. */
  machineIdIsFake: boolean;
  /** The boot id, lower case with hyphens. */
  bootId: string;
  /** NetworkManager's host id: the key every "stable" identifier is hashed with. */
  hostId: Buffer;
  /** False when the secret key could not be read or persisted (the host id then changes at each start). */
  hostIdGood: boolean;
  /** Seconds since the epoch: the secret key file's mtime (DUID-LLT's time), or now when there is no file. */
  hostIdTimestamp: number;
  /** The secret key file the host id came from, if any. */
  secretKeyFile?: string;
}

/** NetworkManager's secret key prefix for the v2 format: the file is hashed together with the machine id. */
const SECRET_KEY_V2_PREFIX = 'nm-v2:';
/** Random bytes in a new key (base64-encoded into the file; the ASCII is hashed as is, never decoded). */
const SECRET_KEY_RANDOM_LEN = 32;
/** NetworkManager reads at most this much of secret_key. */
const SECRET_KEY_MAX = 10 * 1024;

/** Namespaces NetworkManager hashes a fake machine id in (nm-core-utils.c, _machine_id_get). */
const FAKE_MACHINE_ID_NS = {
  'secret-key': Buffer.from('ab085f06b62946d1a55384eeba5683b6', 'hex'),
  'boot-id': Buffer.from('7ff0c8f553994901ab6361bf594abe8b', 'hex'),
} as const;

/**
 * A machine id as NetworkManager accepts it: after trimming white space,
 * exactly 32 hex digits (either case), not all zero. Undefined otherwise.
 */
export function parseMachineId(text: string): Buffer | undefined {
  const t = text.trim();
  if (!/^[0-9a-fA-F]{32}$/.test(t)) return undefined;
  const bin = Buffer.from(t, 'hex');
  return bin.every((b) => b === 0) ? undefined : bin;
}

/** A boot id (an RFC 4122 UUID with hyphens), lower-cased; undefined when it does not parse. */
export function parseBootId(text: string): string | undefined {
  const t = text.trim();
  return /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(t) ? t.toLowerCase() : undefined;
}

/**
 * The host id from a secret key file's content (nm-core-utils.c,
 * _host_id_read and _host_id_hash_v2): for "nm-v2:" keys of at least 32
 * bytes after the prefix, SHA-256 over "<length> ", the content and the
 * machine id's text (only a real one); for an older key of at least 16
 * bytes, the content itself. Undefined for a key too short, which
 * NetworkManager replaces with a new one.
 */
export function hostIdFromSecretKey(content: Uint8Array, machineIdText: string | undefined): Buffer | undefined {
  return hostIdOf(content, machineIdText)?.();
}

/**
 * hostIdFromSecretKey in two steps: whether the key is usable is known at
 * once, the hash is taken when first asked for. An idle daemon then never
 * loads node:crypto (sdk/crypto.ts): nothing needs the host id until a
 * DHCP client, a stable address or a stable MAC does.
 */
function hostIdOf(content: Uint8Array, machineIdText: string | undefined): (() => Buffer) | undefined {
  const buf = Buffer.from(content);
  if (buf.length >= SECRET_KEY_V2_PREFIX.length + SECRET_KEY_RANDOM_LEN && buf.subarray(0, SECRET_KEY_V2_PREFIX.length).toString('latin1') === SECRET_KEY_V2_PREFIX) {
    let hash: Buffer | undefined;
    return () => (hash ??= v2HostId(buf, machineIdText));
  }
  if (buf.length >= 16) return () => buf;
  return undefined;
}

function v2HostId(buf: Buffer, machineIdText: string | undefined): Buffer {
  const sum = createHash('sha256');
  sum.update(`${buf.length} `);
  sum.update(buf);
  if (machineIdText) sum.update(machineIdText);
  return sum.digest();
}

/** A new secret key in NetworkManager's v2 format: the prefix and 32 random bytes in base64 (44 characters). */
export function newSecretKey(random: Uint8Array = randomBytes(SECRET_KEY_RANDOM_LEN)): Buffer {
  return Buffer.from(SECRET_KEY_V2_PREFIX + Buffer.from(random).toString('base64'), 'latin1');
}

/** An RFC 4122 version 5 UUID's bytes: SHA-1 over the namespace and the name, with the version and variant bits set. */
export function uuidV5(namespace: Uint8Array, name: Uint8Array): Buffer {
  const d = createHash('sha1').update(namespace).update(name).digest().subarray(0, 16);
  d[6] = (d[6]! & 0x0f) | 0x50;
  d[8] = (d[8]! & 0x3f) | 0x80;
  return Buffer.from(d);
}

/** The 16 bytes of a UUID written with hyphens. */
export function uuidBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`not a UUID: "${uuid}"`);
  return Buffer.from(hex, 'hex');
}

/** The machine id NetworkManager makes up when /etc/machine-id is missing or invalid. */
export function fakeMachineId(seed: { kind: 'secret-key'; hostId: Uint8Array } | { kind: 'boot-id'; bootId: string }): Buffer {
  return seed.kind === 'secret-key' ? uuidV5(FAKE_MACHINE_ID_NS['secret-key'], seed.hostId) : uuidV5(FAKE_MACHINE_ID_NS['boot-id'], uuidBytes(seed.bootId));
}

export interface HostIdentityOptions {
  /** The kernel's boot id file (not under the root: it is the running kernel's). */
  bootIdFile?: string;
  logger?: Logger;
}

async function readSmall(file: string, max: number): Promise<Buffer | undefined> {
  try {
    return await readFileLimited(file, max);
  } catch {
    return undefined;
  }
}

/**
 * Writes a new key only if none is there: the content goes to a temporary
 * file, fsynced, then link(2)ed to the name, which fails when another writer
 * won; then that writer's key is the one used. Returns the content in place.
 */
async function createSecretKey(file: string): Promise<Buffer> {
  const content = newSecretKey();
  await fsp.mkdir(path.dirname(file), { recursive: true, mode: 0o755 });
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await fsp.open(temp, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | fsc.O_NOFOLLOW, 0o600);
  try {
    await handle.chmod(0o600);
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fsp.link(temp, file);
  } catch (e: any) {
    if (e?.code !== 'EEXIST') throw e;
    const other = await readSmall(file, SECRET_KEY_MAX);
    if (other) return other;
    throw e;
  } finally {
    await fsp.rm(temp, { force: true });
  }
  await syncDirectory(path.dirname(file));
  return content;
}

async function mtimeSeconds(file: string): Promise<number | undefined> {
  try {
    const st = await fsp.stat(file, { bigint: true });
    return Number(st.mtimeNs / 1_000_000_000n);
  } catch {
    return undefined;
  }
}

/**
 * Reads (and on first use creates) everything above. The secret key: if
 * NetworkManager's own /var/lib/NetworkManager/secret_key exists under the
 * root and is usable, nmk uses it (read only), so a host that switches from
 * NetworkManager keeps the same stable-privacy addresses, stable DUIDs,
 * IAIDs and client ids. Otherwise nmk keeps its own key in the state
 * directory ("secret_key", 0600, NetworkManager's v2 format), created when
 * missing and replaced when too short, as NetworkManager does with its file.
 */
export async function readHostIdentity(paths: Pick<Paths, 'under' | 'stateDir'>, opts: HostIdentityOptions = {}): Promise<HostIdentity> {
  const log = opts.logger;
  let machineId: Buffer | undefined;
  for (const f of ['/etc/machine-id', '/var/lib/dbus/machine-id']) {
    const text = await readSmall(paths.under(f), 100 * 1024);
    if (text === undefined) continue;
    machineId = parseMachineId(text.toString('latin1'));
    // NetworkManager looks at the second file only when the first cannot be read, not when it is invalid.
    break;
  }
  const machineIdText = machineId?.toString('hex');

  const bootFile = opts.bootIdFile ?? '/proc/sys/kernel/random/boot_id';
  const bootText = await readSmall(bootFile, 1024);
  let bootId = bootText ? parseBootId(bootText.toString('latin1')) : undefined;
  if (!bootId) {
    log?.warn(`${bootFile}: no valid boot id; using a random one`);
    const r = randomBytes(16);
    r[6] = (r[6]! & 0x0f) | 0x40;
    r[8] = (r[8]! & 0x3f) | 0x80;
    const h = r.toString('hex');
    bootId = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  let hostId: (() => Buffer) | undefined;
  let secretKeyFile: string | undefined;
  const nmFile = paths.under('/var/lib/NetworkManager/secret_key');
  const nmKey = await readSmall(nmFile, SECRET_KEY_MAX);
  if (nmKey) {
    hostId = hostIdOf(nmKey, machineIdText);
    if (hostId) secretKeyFile = nmFile;
    else log?.warn(`${nmFile}: secret key too short (${nmKey.length} bytes); not used`);
  }
  if (!hostId) {
    const ownFile = path.join(paths.stateDir, 'secret_key');
    try {
      let key = await readSmall(ownFile, SECRET_KEY_MAX);
      hostId = key ? hostIdOf(key, machineIdText) : undefined;
      if (!hostId) {
        if (key) {
          log?.warn(`${ownFile}: secret key too short (${key.length} bytes); writing a new one`);
          key = newSecretKey();
          await writeFileAtomic(ownFile, key, { mode: 0o600 });
        } else {
          key = await createSecretKey(ownFile);
        }
        hostId = hostIdOf(key, machineIdText);
      }
      secretKeyFile = ownFile;
    } catch (e) {
      log?.warn(`${ownFile}: cannot keep a secret key (${(e as Error).message}); stable identifiers will change at the next start`);
    }
  }
  const hostIdGood = hostId !== undefined;
  // As NetworkManager without a persistent key: a key for this run only.
  hostId ??= hostIdOf(newSecretKey(), machineIdText)!;
  const hostIdTimestamp = (secretKeyFile ? await mtimeSeconds(secretKeyFile) : undefined) ?? Math.floor(Date.now() / 1000);

  let machineIdIsFake = false;
  if (!machineId) {
    machineIdIsFake = true;
    machineId = hostIdGood ? fakeMachineId({ kind: 'secret-key', hostId: hostId() }) : fakeMachineId({ kind: 'boot-id', bootId });
    log?.error(`${paths.under('/etc/machine-id')}: no valid machine id; using a fake one based on the ${hostIdGood ? 'secret key' : 'boot id'}: ${machineId.toString('hex')}`);
  }

  const lazyHostId = hostId;
  return {
    machineId,
    machineIdText: machineId.toString('hex'),
    machineIdIsFake,
    bootId,
    get hostId() {
      return lazyHostId();
    },
    hostIdGood,
    hostIdTimestamp,
    ...(secretKeyFile !== undefined ? { secretKeyFile } : {}),
  };
}
