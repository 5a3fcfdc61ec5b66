/** A servers file dnsmasq could not re-read after dropping root is found before dnsmasq starts. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closedToOthers } from './reachable.js';

describe('closedToOthers', () => {
  let root: string | undefined;
  afterEach(() => {
    if (root) fs.rmSync(root, { recursive: true, force: true });
    root = undefined;
  });

  it('names the first folder others cannot search, with its mode', async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'nmk-reach-'));
    fs.chmodSync(root, 0o700);
    fs.mkdirSync(path.join(root, 'run/nmk'), { recursive: true, mode: 0o755 });
    fs.chmodSync(path.join(root, 'run'), 0o750);
    expect(await closedToOthers(path.join(root, 'run/nmk/dnsmasq-servers.conf'))).toEqual({ dir: root, mode: 0o700 });
    fs.chmodSync(root, 0o711);
    expect(await closedToOthers(path.join(root, 'run/nmk/dnsmasq-servers.conf'))).toEqual({ dir: path.join(root, 'run'), mode: 0o750 });
    fs.chmodSync(path.join(root, 'run'), 0o755);
    expect(await closedToOthers(path.join(root, 'run/nmk/dnsmasq-servers.conf'))).toBeUndefined();
  });
});
