import { describe, expect, it } from 'vitest';
import { importOvpn } from '../import.js';

const opts = { blobDir: '/home/u/.cert/nm-openvpn' };

describe('.ovpn import', () => {
  it('a TLS client with files relative to the .ovpn: NetworkManager-openvpn\'s keys', () => {
    const text = [
      '# a comment', 'client', 'dev tun', 'proto tcp', 'remote vpn.example.com 443', 'remote 2001:db8::1 1194 udp', 'resolv-retry infinite', 'nobind',
      'ca ca.crt', 'cert /abs/client.crt', 'key "my key.pem"', 'tls-auth ta.key', 'key-direction 1', 'comp-lzo', 'cipher AES-256-GCM',
      'auth SHA256', 'remote-cert-tls server', 'verify-x509-name server name', 'keepalive 10 60', 'tun-mtu 1400', 'route 10.20.0.0 255.255.0.0 10.8.0.1',
      '; another comment', '',
    ].join('\r\n');
    const r = importOvpn(text, '/etc/vpn/office.ovpn', opts);
    expect(r.files).toEqual([]);
    expect(r.settings.connection).toMatchObject({ id: 'office', type: 'vpn' });
    expect(r.settings.vpn?.['service-type']).toBe('org.freedesktop.NetworkManager.openvpn');
    expect(r.settings.vpn?.data).toEqual({
      'proto-tcp': 'yes', remote: 'vpn.example.com:443, [2001:db8::1]:1194:udp', ca: '/etc/vpn/ca.crt', cert: '/abs/client.crt', key: '/etc/vpn/my key.pem',
      ta: '/etc/vpn/ta.key', 'ta-dir': '1', 'comp-lzo': 'adaptive', cipher: 'AES-256-GCM', auth: 'SHA256', 'remote-cert-tls': 'server',
      'verify-x509-name': 'name:server', ping: '10', 'ping-restart': '60', 'tunnel-mtu': '1400', dev: 'tun', 'connection-type': 'tls',
    });
    expect(r.settings.ipv4).toEqual({ method: 'auto', 'route-data': [{ dest: '10.20.0.0', prefix: 16, nextHop: '10.8.0.1' }] });
  });

  it('inline certificates become files under blobDir, named <basename>-<tag>.pem; auth-user-pass makes password-tls', () => {
    const text = ['client', 'remote 192.0.2.1', 'auth-user-pass', '<ca>', '-----BEGIN CERTIFICATE-----', 'AAA', '-----END CERTIFICATE-----', '</ca>', '<cert>', 'C', '</cert>', '<key>', 'K', '</key>'].join('\n');
    const r = importOvpn(text, '/tmp/work.ovpn', opts);
    expect(r.settings.vpn?.data).toMatchObject({
      ca: '/home/u/.cert/nm-openvpn/work-ca.pem', cert: '/home/u/.cert/nm-openvpn/work-cert.pem', key: '/home/u/.cert/nm-openvpn/work-key.pem',
      'connection-type': 'password-tls', 'password-flags': '1',
    });
    expect(r.files).toEqual([
      { path: '/home/u/.cert/nm-openvpn/work-ca.pem', text: '-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n' },
      { path: '/home/u/.cert/nm-openvpn/work-cert.pem', text: 'C\n' },
      { path: '/home/u/.cert/nm-openvpn/work-key.pem', text: 'K\n' },
    ]);
  });

  it('a static-key configuration', () => {
    const r = importOvpn('remote 192.0.2.1\ndev tun\nsecret static.key 0\nifconfig 10.9.0.2 10.9.0.1\n', '/v/p2p.conf', opts);
    expect(r.settings.vpn?.data).toEqual({ remote: '192.0.2.1', dev: 'tun', 'static-key': '/v/static.key', 'static-key-direction': '0', 'local-ip': '10.9.0.2', 'remote-ip': '10.9.0.1', 'connection-type': 'static-key' });
  });

  it.each([
    ['remote 192.0.2.1\nca ca.crt\n', '/x/a.ovpn: not an OpenVPN client configuration'],
    ['client\nca ca.crt\n', '/x/a.ovpn: not a valid OpenVPN configuration (no remote)'],
    ['client\nremote h\n', '/x/a.ovpn: not a valid OpenVPN configuration (missing ca)'],
    ['client\nremote h\nca c\ncert c\n', '(cert and key go together)'],
    ['client\nremote h 99999\n', "/x/a.ovpn:2: remote: '99999' is not a number from 1 to 65535"],
    ['client\nproto sctp\n', "/x/a.ovpn:2: proto: 'sctp' is not one of"],
    ['client\n<ca>\nX\n', '/x/a.ovpn:2: <ca>: not closed by </ca>'],
    ['client\n<dh>\nX\n</dh>\n', '/x/a.ovpn:2: <dh>: unsupported inline element'],
    ['client\nremote "h\n', '/x/a.ovpn:2: unterminated " quote'],
    ['client\ncomp-lzo maybe\n', "/x/a.ovpn:2: comp-lzo: 'maybe' is not one of yes, adaptive"],
  ])('refuses %j naming the file and line', (text, message) => {
    expect(() => importOvpn(text, '/x/a.ovpn', opts)).toThrow(message);
  });
});
