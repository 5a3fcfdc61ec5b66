/**
 * A writer for the cpio "newc" format, the one the kernel unpacks as an
 * initramfs. Written here so building the VM image needs no cpio binary and
 * no root (device nodes are just header fields).
 */

export type CpioEntry =
  | { type: 'dir'; path: string; mode?: number }
  | { type: 'file'; path: string; data: Buffer; mode?: number }
  | { type: 'symlink'; path: string; target: string }
  | { type: 'chardev'; path: string; major: number; minor: number; mode?: number };

/** S_IF* bits of st_mode. */
const FileType = { dir: 0o040000, file: 0o100000, symlink: 0o120000, chardev: 0o020000 } as const;

const MAGIC = '070701';
const TRAILER = 'TRAILER!!!';

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

function pad4(length: number): Buffer {
  return Buffer.alloc((4 - (length % 4)) % 4);
}

function record(ino: number, mode: number, name: string, data: Buffer, rdev: { major: number; minor: number } = { major: 0, minor: 0 }): Buffer[] {
  const nameBytes = Buffer.from(`${name}\0`);
  // Field order is fixed by the format: ino, mode, uid, gid, nlink, mtime,
  // filesize, devmajor, devminor, rdevmajor, rdevminor, namesize, check.
  const fields = [ino, mode, 0, 0, 1, 0, data.length, 0, 0, rdev.major, rdev.minor, nameBytes.length, 0];
  const header = Buffer.from(MAGIC + fields.map(hex8).join(''), 'ascii');
  return [header, nameBytes, pad4(header.length + nameBytes.length), data, pad4(data.length)];
}

/** The archive bytes (uncompressed) for these entries, parents listed before children. */
export function buildCpio(entries: CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  let ino = 1;
  for (const e of entries) {
    const name = e.path.replace(/^\/+/, '');
    switch (e.type) {
      case 'dir':
        parts.push(...record(ino++, FileType.dir | (e.mode ?? 0o755), name, Buffer.alloc(0)));
        break;
      case 'file':
        parts.push(...record(ino++, FileType.file | (e.mode ?? 0o644), name, e.data));
        break;
      case 'symlink':
        parts.push(...record(ino++, FileType.symlink | 0o777, name, Buffer.from(e.target)));
        break;
      case 'chardev':
        parts.push(...record(ino++, FileType.chardev | (e.mode ?? 0o600), name, Buffer.alloc(0), e));
        break;
    }
  }
  parts.push(...record(0, 0, TRAILER, Buffer.alloc(0)));
  return Buffer.concat(parts);
}
