import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { leaseFileProblem, setAsideCorruptLeaseFile } from './lease-file.js';

/** What dhclient 4.4 writes (a DUID line, then one block per lease). */
const DHCLIENT_LEASES = `default-duid "\\000\\001\\000\\001-\\243\\021\\002\\{\\"x";
lease {
  interface "veth0";
  fixed-address 192.0.2.59;
  option subnet-mask 255.255.255.0;
  option domain-name "example.test";
  option rfc3442-classless-static-routes 24,10,1,2,10,0,0,253;
  renew 1 2026/12/07 13:40:32;
  expire 1 2026/12/07 13:42:28;
}
`;

describe('dhclient lease file check', () => {
  it.each([
    ['', undefined],
    [DHCLIENT_LEASES, undefined],
    ['lease {\n  interface "a{";\n} # }\n', undefined],
    ['ADDRESS\n\0\xff garbage', 'it holds NUL bytes'],
    ['lease { option x \xe9; }', 'it holds bytes dhclient never writes (not ASCII text)'],
    ['lease {\n  interface "veth0";\n', 'a block is not closed'],
    ['}\nlease {', 'a "}" closes no block'],
  ])('%j: %s', (text, problem) => {
    expect(leaseFileProblem(Buffer.from(text, 'latin1'))).toBe(problem);
  });

  it('moves a corrupt file aside, naming it, and leaves a good or missing one alone', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nmk-dhclient-lease-'));
    try {
      const file = path.join(dir, 'dhclient-u-veth0.lease');
      expect(setAsideCorruptLeaseFile(file)).toBeUndefined();
      fs.writeFileSync(file, DHCLIENT_LEASES);
      expect(setAsideCorruptLeaseFile(file)).toBeUndefined();
      expect(fs.readFileSync(file, 'utf8')).toBe(DHCLIENT_LEASES);
      fs.writeFileSync(file, Buffer.from([0x41, 0, 0xff]));
      expect(setAsideCorruptLeaseFile(file)).toBe(`dhclient lease file ${file} is corrupt (it holds NUL bytes); moved to ${file}.corrupt, dhclient starts without a stored lease`);
      expect(fs.existsSync(file)).toBe(false);
      expect(fs.readFileSync(`${file}.corrupt`)).toEqual(Buffer.from([0x41, 0, 0xff]));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
