/**
 * Groups and keys nmk does not read (a newer NetworkManager's, [.nmmeta],
 * another tool's) survive a rewrite of the file unchanged, in their place:
 * checked on the text of real files written by the source, against files
 * NetworkManager wrote (nmcli --offline) with such parts added.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectionsEqual, type ConnectionSettings, type SourceProfile } from '../../../sdk/index.js';
import { normalizeAndVerify } from '../model.js';
import { preservedOf } from '../preserved.js';
import { parseProfile, serializeProfile } from '../profile-codec.js';
import { makeTempRoot, nmcliOffline, type TempRoot } from './support.js';

let t: TempRoot;
beforeEach(() => {
  t = makeTempRoot();
});
afterEach(() => t.cleanup());

const U1 = '6a1f7b52-0000-4000-8000-0000000000a1';

/** Loads one file of the persistent directory; fails the test on an error. */
async function loadOne(name: string, text: string): Promise<SourceProfile> {
  const file = t.put('persistent', name, text);
  const r = await t.source.loadFile(file);
  expect(r?.errors).toEqual([]);
  expect(r?.profiles).toHaveLength(1);
  return r!.profiles[0]!;
}

/** Writes `settings` over `previous` (to disk) and returns the file's new text. */
async function rewrite(previous: SourceProfile, change: (s: ConnectionSettings) => void = () => undefined): Promise<{ text: string; stored: SourceProfile }> {
  const settings = structuredClone(previous.settings);
  change(settings);
  const stored = await t.source.write!(settings, { persist: 'disk' }, previous);
  expect(stored.file).toBe(previous.file);
  return { text: fs.readFileSync(stored.file, 'utf8'), stored };
}

const warnings = () => t.logs.filter((l) => l.level === 'warn').map((l) => l.msg);

describe('a file NetworkManager wrote, with parts nmk does not know', () => {
  /** nmcli's keyfile with a future key in [connection], [ethernet] and [ipv4] (where NM sorts them), a future group and [.nmmeta]. */
  async function withFutureParts(): Promise<string> {
    const nm = await nmcliOffline(['connection', 'add', 'type', 'ethernet', 'con-name', 'lan', 'ifname', 'eth0', 'connection.uuid', U1, 'ipv4.method', 'manual', 'ipv4.addresses', '10.0.0.2/24']);
    const text = nm
      .replace('type=ethernet\n', 'type=ethernet\nfuture-conn-key=1\n')
      .replace('[ethernet]\n', '[ethernet]\nfuture-key=a;b;\n')
      .replace('method=manual\n', 'method=manual\nzz-future=x y \\s\n\n[future-setting]\nalpha=1\nbeta=two words\n')
      .concat('\n[.nmmeta]\nnm-generated=true\n');
    // The edits landed (nmcli's output has the lines they anchor on).
    expect(text.match(/future|nmmeta/g)).toHaveLength(5);
    return text;
  }

  it('reads the profile as if those parts were not there, warning about each unknown one', async () => {
    const text = await withFutureParts();
    const p = await loadOne('lan.nmconnection', text);
    const plain = parseProfile(await nmcliOffline(['connection', 'add', 'type', 'ethernet', 'con-name', 'lan', 'ifname', 'eth0', 'connection.uuid', U1, 'ipv4.method', 'manual', 'ipv4.addresses', '10.0.0.2/24']), p.file);
    expect(connectionsEqual(p.settings, plain.settings)).toBe(true);
    expect(JSON.stringify(p.settings)).not.toMatch(/future|nmmeta/);
    const w = warnings();
    expect(w.some((m) => m.includes("key 'connection.future-conn-key': unknown property of connection not read; kept as is"))).toBe(true);
    expect(w.some((m) => m.includes("key 'ethernet.future-key'"))).toBe(true);
    expect(w.some((m) => m.includes("key 'ipv4.zz-future'"))).toBe(true);
    expect(w.some((m) => m.includes('unknown setting [future-setting] not read; kept as is'))).toBe(true);
    // [.nmmeta] is NetworkManager's own: kept without a warning.
    expect(w.some((m) => m.includes('nmmeta'))).toBe(false);
  });

  it('writes the same file back, byte for byte, when nothing changed', async () => {
    const text = await withFutureParts();
    const p = await loadOne('lan.nmconnection', text);
    expect((await rewrite(p)).text).toBe(text);
  });

  it('keeps every part in its place when a property changes, and again on the next rewrite', async () => {
    const text = await withFutureParts();
    const p = await loadOne('lan.nmconnection', text);
    const first = await rewrite(p, (s) => (s.connection!['autoconnect-priority'] = 5));
    expect(first.text).toBe(text.replace('type=ethernet\n', 'type=ethernet\nautoconnect-priority=5\n'));
    expect(first.stored.settings.connection!['autoconnect-priority']).toBe(5);
    // What write() returns carries the parts on, so the next update keeps them too.
    const second = await rewrite(first.stored, (s) => (s.ipv4!['dns-search'] = ['example.com']));
    expect(second.text).toBe(first.text.replace('address1=10.0.0.2/24\n', 'address1=10.0.0.2/24\ndns-search=example.com;\n'));
    expect(fs.statSync(first.stored.file).mode & 0o777).toBe(0o600);
  });
});

describe('placing kept parts', () => {
  const head = `[connection]\nid=p\nuuid=${U1}\ntype=ethernet\n`;
  /** The groups the writer adds after [connection] for this profile (normalisation gives it ethernet, ipv4, ipv6, proxy). */
  const rest = '\n[ethernet]\n\n[ipv4]\nmethod=auto\n\n[ipv6]\naddr-gen-mode=default\nmethod=auto\n\n[proxy]\n';

  it('keeps the comments above kept groups and keys, and drops those of known ones (as NetworkManager does)', async () => {
    const text = `# about the profile\n${head}# about a future key\nzz-key=1\n\n# a tool's group\n[tool:x]\n# inside it\nk=v\n\n[ethernet]\n# a known key\nmtu=1400\n`;
    const p = await loadOne('p.nmconnection', text);
    expect((await rewrite(p)).text).toBe(`${head}# about a future key\nzz-key=1\n\n# a tool's group\n[tool:x]\n# inside it\nk=v\n${rest.replace('[ethernet]\n', '[ethernet]\nmtu=1400\n')}`);
  });

  it('keeps a group that comes first in the file first, with the blank line the writer puts before [connection]', async () => {
    const p = await loadOne('p.nmconnection', `[.nmmeta]\nnm-generated=true\n${head}`);
    expect((await rewrite(p)).text).toBe(`[.nmmeta]\nnm-generated=true\n\n${head}${rest}`);
  });

  it('puts a group after the nearest earlier group still written when the setting before it is gone, and drops the removed setting\'s kept keys', async () => {
    const text = `${head}\n[ethernet]\n\n[match]\ninterface-name=eth*;\nfuture-match=1\n\n[future-a]\na=1\n\n[future-b]\nb=2\n\n[ipv4]\nmethod=auto\n`;
    const p = await loadOne('p.nmconnection', text);
    expect(p.settings.match).toBeDefined();
    const { text: out } = await rewrite(p, (s) => delete s.match);
    expect(out).toBe(`${head}\n[ethernet]\n\n[future-a]\na=1\n\n[future-b]\nb=2\n\n[ipv4]\nmethod=auto\n\n[ipv6]\naddr-gen-mode=default\nmethod=auto\n\n[proxy]\n`);
    expect(out).not.toContain('future-match');
  });

  it('keeps the file\'s trailing comments when its last group is a kept one', async () => {
    const text = `${head}${rest}\n[future-setting]\na=1\n# b=2 (commented out)\n`;
    const p = await loadOne('p.nmconnection', text);
    expect((await rewrite(p)).text).toBe(text);
    // Not when another group ends the file now: they went with the known group's comments.
    const moved = await loadOne('q.nmconnection', `${head}\n[future-setting]\na=1\n# b=2\n`);
    expect((await rewrite(moved)).text).toBe(`${head}\n[future-setting]\na=1\n${rest}`);
  });

  it('keeps [vpn-secrets] of a profile without [vpn] as it is', async () => {
    const p = await loadOne('p.nmconnection', `${head}\n[vpn-secrets]\npassword=s3cret\n`);
    expect(warnings().some((m) => m.includes('[vpn-secrets] without a [vpn] group not read; kept as is'))).toBe(true);
    expect((await rewrite(p)).text).toMatch(/\n\[vpn-secrets\]\npassword=s3cret\n/);
  });

  it('drops a kept [vpn-secrets] once the profile has a [vpn] group, where it would become the VPN\'s secrets', () => {
    const read = parseProfile(`${head}${rest}\n[vpn-secrets]\npassword=old\n\n[future]\nk=1\n`, '/x/p.nmconnection');
    expect(preservedOf(read.preserved)?.groups.map((g) => g.name)).toEqual(['vpn-secrets', 'future']);
    const vpn = normalizeAndVerify({
      connection: { id: 'p', uuid: U1, type: 'vpn' },
      vpn: { 'service-type': 'org.freedesktop.NetworkManager.openvpn', data: { remote: 'vpn.example.com' } },
    });
    expect(vpn.problems).toEqual([]);
    const out = serializeProfile(vpn.settings, read.preserved);
    expect(out).not.toContain('vpn-secrets');
    expect(out).toContain('\n[future]\nk=1\n');
    expect(parseProfile(out, '/x/p.nmconnection').settings.vpn?.secrets).toBeUndefined();
  });

  it('keeps no key of a setting group that a later group of the same setting replaces', async () => {
    const p = await loadOne('p.nmconnection', `${head}\n[802-3-ethernet]\nold-future=1\n\n[ethernet]\nnew-future=2\n`);
    const out = (await rewrite(p)).text;
    expect(out).toContain('[ethernet]\nnew-future=2\n');
    expect(out).not.toContain('old-future');
  });

  it('keeps an unknown key of the profile NetworkManager may merge from a repeated group once, with its last value', async () => {
    const p = await loadOne('p.nmconnection', `${head}\n[future]\nk=1\n\n[ethernet]\n\n[future]\nk=2\n`);
    const out = (await rewrite(p)).text;
    expect(out.match(/\[future\]/g)).toHaveLength(1);
    expect(out).toContain('[future]\nk=2\n');
  });

  it('warns about, and leaves out, a kept key that cannot be written back; the rest of its group stays', async () => {
    const p = await loadOne('p.nmconnection', `${head}\n[future]\nEncoding=latin1\nok=1\n`);
    expect(warnings().some((m) => m.includes("key 'future.Encoding': cannot be kept for a rewrite: only Encoding=UTF-8 can be written"))).toBe(true);
    expect((await rewrite(p)).text).toContain('[future]\nok=1\n');
  });
});

describe('a file with nothing to keep', () => {
  it('has no preserved parts and is written exactly as the settings alone say', async () => {
    const nm = await nmcliOffline(['connection', 'add', 'type', 'ethernet', 'con-name', 'plain', 'ifname', 'eth0', 'connection.uuid', U1]);
    const p = await loadOne('plain.nmconnection', nm);
    expect('preserved' in p).toBe(false);
    const { text, stored } = await rewrite(p, (s) => (s.connection!.autoconnect = false));
    expect(text).toBe(serializeProfile(stored.settings));
    expect('preserved' in stored).toBe(false);
  });

  it('ignores a preserved field that is not the keyfile source\'s own', async () => {
    const p = await loadOne('plain.nmconnection', `[connection]\nid=plain\nuuid=${U1}\ntype=ethernet\n`);
    expect(preservedOf({ groups: [{ name: 'x' }] })).toBeUndefined();
    const { text } = await rewrite({ ...p, preserved: { groups: [{ name: 'x', entries: [] }] } });
    expect(text).toBe(serializeProfile(p.settings));
    expect(path.basename(p.file)).toBe('plain.nmconnection');
  });
});
