/**
 * The lease file: what INIT-REBOOT needs after a restart. It starts like
 * NetworkManager's internal-client lease file ("ADDRESS=" after a comment
 * line, read by NM with nm_parse_env_file), so a host that switches from
 * NetworkManager keeps using its lease; SERVER_ID and EXPIRY are ours and
 * NetworkManager ignores them.
 */
import { FileReadError, readFileLimited, writeFileAtomic } from '../../../sdk/index.js';
import { ip4ToBytes } from './ip4.js';

/** NetworkManager reads at most 64 KiB of it. */
const MAX_BYTES = 64 * 1024;

export interface StoredLease {
  address: string;
  serverId?: string;
  /** Unix seconds when the lease ends; absent for an infinite lease or a file written by NetworkManager. */
  expiry?: number;
}

export type LeaseFileRead = { lease: StoredLease } | { missing: true } | { error: string };

export async function readLeaseFile(file: string): Promise<LeaseFileRead> {
  let bytes: Buffer | undefined;
  try {
    bytes = await readFileLimited(file, MAX_BYTES);
  } catch (e) {
    return { error: e instanceof FileReadError ? e.reason : String((e as Error).message ?? e) };
  }
  if (!bytes) return { missing: true };
  return parseLeaseFile(bytes);
}

export function parseLeaseFile(bytes: Uint8Array): LeaseFileRead {
  const text = Buffer.from(bytes).toString('utf8');
  if (text.includes('\0') || text.includes('\uFFFD')) return { error: 'not a text file' };
  const values = new Map<string, string>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) return { error: `line ${i + 1} is not KEY=VALUE` };
    values.set(line.slice(0, eq), unquote(line.slice(eq + 1)));
  }
  const address = values.get('ADDRESS');
  if (address === undefined) return { error: 'no ADDRESS' };
  if (!ip4ToBytes(address) || address === '0.0.0.0') return { error: `ADDRESS "${address}" is not an IPv4 address` };
  const lease: StoredLease = { address };
  const serverId = values.get('SERVER_ID');
  if (serverId !== undefined) {
    if (!ip4ToBytes(serverId)) return { error: `SERVER_ID "${serverId}" is not an IPv4 address` };
    lease.serverId = serverId;
  }
  const expiry = values.get('EXPIRY');
  if (expiry !== undefined) {
    if (!/^\d{1,15}$/.test(expiry)) return { error: `EXPIRY "${expiry}" is not a number of seconds` };
    lease.expiry = Number(expiry);
  }
  return { lease };
}

/** Shell-style quotes, which nm_parse_env_file accepts too. */
function unquote(v: string): string {
  return v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.endsWith(v[0]) ? v.slice(1, -1) : v;
}

export function formatLeaseFile(lease: StoredLease): string {
  let s = `# This is private data. Do not parse.\nADDRESS=${lease.address}\n`;
  if (lease.serverId) s += `SERVER_ID=${lease.serverId}\n`;
  if (lease.expiry !== undefined) s += `EXPIRY=${lease.expiry}\n`;
  return s;
}

/** Written atomically (temporary file, fsync, rename), 0644 as NetworkManager's g_file_set_contents leaves it. */
export async function writeLeaseFile(file: string, lease: StoredLease): Promise<void> {
  await writeFileAtomic(file, formatLeaseFile(lease), { mode: 0o644 });
}
