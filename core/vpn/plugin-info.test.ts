import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverVpnPlugins, findPlugin, parseNameFile } from './plugin-info.js';

const OPENVPN = `[VPN Connection]
name=openvpn
service=org.freedesktop.NetworkManager.openvpn
program=/usr/lib/NetworkManager/nm-openvpn-service
supports-multiple-connections=true

[libnm]
plugin=libnm-vpn-plugin-openvpn.so

[GNOME]
auth-dialog=/usr/lib/NetworkManager/nm-openvpn-auth-dialog
supports-hints=true
`;

describe('VPN .name files', () => {
  it('reads name, service, program and the supports-* hints', () => {
    expect(parseNameFile(OPENVPN, 'f.name')).toEqual({ name: 'openvpn', service: 'org.freedesktop.NetworkManager.openvpn', program: '/usr/lib/NetworkManager/nm-openvpn-service', supportsMultiple: true, supportsHints: true, file: 'f.name' });
  });
  it('names what is missing', () => {
    expect(() => parseNameFile('[VPN Connection]\nname=x\nprogram=/bin/x\n', 'f')).toThrow('[VPN Connection] has no service=');
    expect(() => parseNameFile('[GNOME]\nx=y\n', 'f')).toThrow('no [VPN Connection] group');
    expect(() => parseNameFile('[VPN Connection]\nservice=a.b\nprogram=rel/x\n', 'f')).toThrow("program= must be an absolute path, not 'rel/x'");
  });
  it('discovers in order (a later directory overrides), reports bad files by path, finds by service or short name', () => {
    const a = fs.mkdtempSync(path.join(os.tmpdir(), 'nmk-vpn-a-'));
    const b = fs.mkdtempSync(path.join(os.tmpdir(), 'nmk-vpn-b-'));
    try {
      fs.writeFileSync(path.join(a, 'openvpn.name'), OPENVPN);
      fs.writeFileSync(path.join(b, 'openvpn.name'), OPENVPN.replace('/usr/lib/NetworkManager/nm-openvpn-service', '/opt/ovpn'));
      fs.writeFileSync(path.join(b, 'bad.name'), 'garbage');
      const d = discoverVpnPlugins([a, b, '/nonexistent']);
      expect(d.plugins.map((p) => p.program)).toEqual(['/opt/ovpn']);
      expect(d.errors).toEqual([`${path.join(b, 'bad.name')}: line 1: expected [group] or key=value, found 'garbage'`]);
      expect(findPlugin(d.plugins, 'openvpn')?.program).toBe('/opt/ovpn');
      expect(findPlugin(d.plugins, 'org.freedesktop.NetworkManager.openvpn')?.program).toBe('/opt/ovpn');
      expect(findPlugin(d.plugins, 'org.freedesktop.NetworkManager.vpnc')).toBeUndefined();
    } finally {
      fs.rmSync(a, { recursive: true, force: true });
      fs.rmSync(b, { recursive: true, force: true });
    }
  });
});
