import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as bitset from './ethtool-bitset.js';

/** The kernel's uapi header, from linux-libc-dev (libc6-dev depends on it; bootstrap.sh installs it). */
const HEADER = '/usr/include/linux/ethtool_netlink.h';

/** Every enumerator of every enum in a C header, with its value (the header's enums count up from 0, some with "= N"). */
function enumerators(text: string): Map<string, number> {
  const out = new Map<string, number>();
  const plain = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  for (const [, body] of plain.matchAll(/enum\s*\w*\s*\{([^}]*)\}/g)) {
    let next = 0;
    for (const item of body!.split(',').map((s) => s.trim()).filter(Boolean)) {
      const [name, value] = item.split('=').map((s) => s.trim());
      const n = value === undefined ? next : Number(value);
      // "X_MAX = __X_CNT - 1" and friends are not literals: they name no attribute nmk uses.
      if (Number.isInteger(n)) out.set(name!, n);
      next = (Number.isInteger(n) ? n : next) + 1;
    }
  }
  return out;
}

describe('ethtool bitset attributes', () => {
  it('are the numbers linux/ethtool_netlink.h gives', () => {
    const kernel = enumerators(fs.readFileSync(HEADER, 'utf8'));
    const ours = Object.entries(bitset);
    expect(ours.length).toBeGreaterThan(0);
    for (const [name, value] of ours) expect([name, kernel.get(name)]).toEqual([name, value]);
  });
});
