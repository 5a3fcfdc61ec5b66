import { describe, expect, it } from 'vitest';
import { generateConfig, parseRemote } from '../config.js';
import { splitWords } from '../words.js';

const o = { managementSocket: '/run/nmk/openvpn/1/management.sock', upScript: '/run/nmk/openvpn/1/up.sh' };
const tls = { 'connection-type': 'tls', remote: 'vpn.example.com', ca: '/etc/ca.crt', cert: '/etc/c.crt', key: '/etc/c.key' };

describe('openvpn configuration from vpn.data', () => {
  it('a TLS profile: client, remote with the default port and udp, a tun device, and the fixed management part', () => {
    const c = generateConfig(tls, o);
    expect(c.lines).toEqual([
      ['client'], ['remote', 'vpn.example.com', '1194', 'udp'], ['dev', 'tun'], ['nobind'],
      ['ca', '/etc/ca.crt'], ['cert', '/etc/c.crt'], ['key', '/etc/c.key'],
      ['management', o.managementSocket, 'unix'], ['management-client'], ['management-hold'], ['management-query-passwords'],
      ['auth-nocache'], ['ifconfig-noexec'], ['route-noexec'], ['script-security', '2'], ['up', o.upScript], ['verb', '3'],
    ]);
    expect(c.warnings).toEqual([]);
    expect(c.userPass).toBe(false);
    // The text reads back as the same words.
    expect(c.text.trim().split('\n').map(splitWords)).toEqual(c.lines);
  });

  it('password: auth-user-pass, tcp, several remotes with their own port/proto, tap by name, common options', () => {
    const c = generateConfig(
      { 'connection-type': 'password', remote: 'a.example:443:tcp-client, [2001:db8::1], b.example:1195', port: '1300', 'proto-tcp': 'yes', ca: '/ca', username: 'alice', 'password-flags': '1', dev: 'vpn0', 'dev-type': 'tap', 'comp-lzo': 'no-by-default', cipher: 'AES-256-GCM', auth: 'SHA256', ta: '/ta.key', 'ta-dir': '1', 'verify-x509-name': 'name:server', 'tunnel-mtu': '1400', 'tun-ipv6': 'yes', 'ns-cert-type': 'server' },
      o,
    );
    expect(c.userPass).toBe(true);
    expect(c.lines.slice(0, 8)).toEqual([
      ['client'], ['auth-user-pass'],
      ['remote', 'a.example', '443', 'tcp-client'], ['remote', '2001:db8::1', '1300', 'tcp-client'], ['remote', 'b.example', '1195', 'tcp-client'],
      ['dev', 'vpn0'], ['dev-type', 'tap'], ['nobind'],
    ]);
    for (const l of [['comp-lzo', 'no'], ['cipher', 'AES-256-GCM'], ['auth', 'SHA256'], ['tls-auth', '/ta.key', '1'], ['verify-x509-name', 'server', 'name'], ['tun-mtu', '1400'], ['remote-cert-tls', 'server']]) {
      expect(c.lines).toContainEqual(l);
    }
    // Secret flags and the user name say nothing to openvpn.
    expect(c.text).not.toMatch(/alice|password-flags|tun-ipv6/);
  });

  it('static key: secret with its direction and the ifconfig pair, no client', () => {
    const c = generateConfig({ 'connection-type': 'static-key', remote: '192.0.2.1', 'static-key': '/s.key', 'static-key-direction': '0', 'local-ip': '10.9.0.2', 'remote-ip': '10.9.0.1' }, o);
    expect(c.lines[0]).toEqual(['remote', '192.0.2.1', '1194', 'udp']);
    expect(c.lines).toContainEqual(['secret', '/s.key', '0']);
    expect(c.lines).toContainEqual(['ifconfig', '10.9.0.2', '10.9.0.1']);
    expect(c.lines).not.toContainEqual(['client']);
  });

  it('quotes values with spaces and quotes so openvpn reads them back', () => {
    const c = generateConfig({ ...tls, ca: '/my certs/ca "x".crt' }, o);
    expect(c.text).toContain('ca "/my certs/ca \\"x\\".crt"');
    expect(c.text.trim().split('\n').map(splitWords)).toContainEqual(['ca', '/my certs/ca "x".crt']);
  });

  it('an unknown key is a warning naming it; the rest is generated', () => {
    const c = generateConfig({ ...tls, 'frobnicate-level': '3' }, o);
    expect(c.warnings).toEqual(['vpn.data frobnicate-level: not known to the openvpn plugin; ignored']);
    expect(c.text).not.toContain('frobnicate');
  });

  it.each([
    [{ ...tls, 'connection-type': 'smartcard' }, "vpn.data connection-type: 'smartcard' is not supported (supported: tls, password, password-tls, static-key)"],
    [{ ...tls, cert: '' }, 'vpn.data cert: required for connection-type tls, but not set'],
    [{ ...tls, remote: '' }, 'vpn.data remote: no VPN gateway is given'],
    [{ ...tls, port: '70000' }, "vpn.data port: '70000' is not a number from 1 to 65535"],
    [{ ...tls, 'comp-lzo': 'maybe' }, "vpn.data comp-lzo: 'maybe' is not yes, adaptive or no-by-default"],
    [{ ...tls, 'dev-type': 'tep' }, "vpn.data dev-type: 'tep' is not tun or tap"],
    [{ ...tls, ta: '/ta', 'ta-dir': '2' }, "vpn.data ta-dir: '2' is not 0 or 1"],
  ])('refuses bad input naming the key and value (%#)', (data, message) => {
    expect(() => generateConfig(data as Record<string, string>, o)).toThrow(message);
  });

  it('reads remotes as NetworkManager-openvpn writes them', () => {
    expect(parseRemote('host')).toEqual({ host: 'host' });
    expect(parseRemote('host:1195')).toEqual({ host: 'host', port: '1195' });
    expect(parseRemote('host:1195:tcp')).toEqual({ host: 'host', port: '1195', proto: 'tcp' });
    expect(parseRemote('[2001:db8::1]:443:udp6')).toEqual({ host: '2001:db8::1', port: '443', proto: 'udp6' });
  });
});
