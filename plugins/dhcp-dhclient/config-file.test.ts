/**
 * The generated dhclient.conf, checked against the files NetworkManager 1.42
 * writes for the same input (its src/core/dhcp/tests/test-dhcp-dhclient.c
 * expectations, with "NetworkManager" read as "nmk").
 */
import { describe, expect, it } from 'vitest';
import { dhclientConfig, dhclientString, type DhclientConfigInput } from './config-file.js';
import { escapeDuid, withDuid } from './duid.js';

const V4_TAIL = [
  'option rfc3442-classless-static-routes code 121 = array of unsigned integer 8;',
  'option ms-classless-static-routes code 249 = array of unsigned integer 8;',
  'option wpad code 252 = string;',
  '',
];
const V4_REQUESTS = ['rfc3442-classless-static-routes', 'ms-classless-static-routes', 'static-routes', 'wpad', 'ntp-servers', 'root-path'];
const also = (names: string[]) => names.map((n) => `also request ${n};`);
const text = (...lines: string[]) => `${lines.join('\n')}\n`;

function v4(extra: Partial<DhclientConfigInput> = {}): string {
  return dhclientConfig({ family: 4, ifname: 'eth0', timeout: 0, rejectServers: [], ...extra });
}
const base = (t: string) => ({ base: { path: '/path/to/dhclient.conf', text: t } });

describe('dhclientConfig, IPv4', () => {
  it('without a base file: the option definitions and NetworkManager\'s extra requests', () => {
    expect(v4()).toBe(text('# Created by nmk', '', '', ...V4_TAIL, ...also(V4_REQUESTS), ''));
  });

  it('the profile\'s client id replaces the base file\'s', () => {
    expect(v4({ clientId: '11:22:33:44:55:66', ...base('send dhcp-client-identifier 00:30:04:20:7A:08;\n') })).toBe(
      text('# Created by nmk', '# Merged from /path/to/dhclient.conf', '', 'send dhcp-client-identifier 11:22:33:44:55:66; # added by nmk', '', ...V4_TAIL, ...also(V4_REQUESTS), ''),
    );
  });

  it.each([
    ['00:61:62:63:64', '"\\x00abcd"'], // type 0 and printable: a string
    ['00:61:5c:62:63', '00:61:5c:62:63'], // a backslash: hex
    ['00:11:22:33', '00:11:22:33'], // unprintable: hex
    ['ab:cd:e:12:34:56', 'ab:cd:0e:12:34:56'], // single hex digits padded
  ])('client id %s is sent as %s', (id, sent) => {
    expect(v4({ clientId: id })).toContain(`\nsend dhcp-client-identifier ${sent}; # added by nmk\n`);
  });

  it('a base file\'s client id is kept when the profile has none', () => {
    expect(v4(base('send dhcp-client-identifier "\\044test\\xfe";\n'))).toBe(
      text('# Created by nmk', '# Merged from /path/to/dhclient.conf', '', 'send dhcp-client-identifier "\\044test\\xfe";', '', ...V4_TAIL, ...also(V4_REQUESTS), ''),
    );
  });

  it('the hostname replaces the base file\'s', () => {
    expect(v4({ hostname: 'blahblah', ...base('send host-name "foobar";\n') })).toBe(
      text('# Created by nmk', '# Merged from /path/to/dhclient.conf', '', 'send host-name "blahblah"; # added by nmk', '', ...V4_TAIL, ...also(V4_REQUESTS), ''),
    );
  });

  it('an FQDN with NetworkManager\'s default flags; the base file\'s fqdn options come after and win', () => {
    expect(v4({ fqdn: 'example2.com', ...base('\nsend fqdn.fqdn "foobar.com"\nsend fqdn.encoded off;\nsend fqdn.server-update off;\n') })).toBe(
      text(
        '# Created by nmk',
        '# Merged from /path/to/dhclient.conf',
        '',
        'send fqdn.fqdn "example2.com"; # added by nmk',
        'send fqdn.encoded on;',
        'send fqdn.server-update on;',
        'send fqdn.no-client-update off;',
        '',
        ...V4_TAIL,
        ...also(V4_REQUESTS),
        '',
        '# FQDN options from /path/to/dhclient.conf',
        'send fqdn.encoded off;',
        'send fqdn.server-update off;',
        '',
      ),
    );
  });

  it('also-request lines of the base file are kept, in order, before NetworkManager\'s', () => {
    expect(v4(base('also request something;\nalso request another-thing;\n'))).toBe(
      text('# Created by nmk', '# Merged from /path/to/dhclient.conf', '', '', ...V4_TAIL, ...also(['something', 'another-thing', ...V4_REQUESTS]), ''),
    );
  });

  it('a request statement replaces dhclient\'s defaults; the last one wins; also-requests add', () => {
    const orig = 'request something;\nalso request some-other-thing;\nrequest another-thing;\nalso request yet-another-thing;\n';
    expect(v4(base(orig))).toBe(
      text(
        '# Created by nmk',
        '# Merged from /path/to/dhclient.conf',
        '',
        '',
        ...V4_TAIL,
        'request; # override dhclient defaults',
        ...also(['another-thing', 'yet-another-thing', ...V4_REQUESTS]),
        '',
      ),
    );
  });

  it('an also-request spanning lines', () => {
    expect(v4(base('also request something foo,\n    bar, baz;\n    foobar baz blah;\n'))).toBe(
      text('# Created by nmk', '# Merged from /path/to/dhclient.conf', '', 'foobar baz blah;', '', ...V4_TAIL, ...also(['something', 'foo', 'bar', 'baz', ...V4_REQUESTS]), ''),
    );
  });

  it('interface blocks: this link\'s is unwrapped, others and lease blocks dropped; script and timeout lines dropped', () => {
    const orig = [
      'script "/sbin/dhclient-script";',
      'timeout 300;',
      'retry 60;',
      'interface "eth0" {',
      '  send host-name "eth0-name";',
      '}',
      'interface eth1 {',
      '  send host-name "eth1-name";',
      '}',
      'lease {',
      '  fixed-address 1.2.3.4;',
      '}',
      'if exists dhcp-server-identifier {',
      '  supersede domain-name "x";',
      '}',
    ].join('\n');
    expect(v4(base(orig))).toBe(
      text(
        '# Created by nmk',
        '# Merged from /path/to/dhclient.conf',
        '',
        'send host-name "eth0-name";',
        'if exists dhcp-server-identifier {',
        'supersede domain-name "x";',
        '}',
        '',
        ...V4_TAIL,
        ...also(V4_REQUESTS),
        '',
      ),
    );
  });

  it('the profile\'s timeout (from 60 s, one more so dhclient gives up after nmk), reject list and vendor class', () => {
    const conf = v4({ timeout: 90, rejectServers: ['10.0.0.1', '192.168.0.0/16'], vendorClass: 'nmk "x"' });
    expect(conf).toContain('\ntimeout 91;\nreject 10.0.0.1, 192.168.0.0/16;\n');
    expect(conf).toContain('\nsend vendor-class-identifier "nmk \\"x\\""; # added by nmk\n');
    expect(v4({ timeout: 45 })).not.toContain('timeout');
  });
});

describe('dhclientConfig, IPv6', () => {
  const v6 = (extra: Partial<DhclientConfigInput> = {}) => dhclientConfig({ family: 6, ifname: 'eth0', timeout: 0, rejectServers: [], ...extra });
  const V6_REQUESTS = ['dhcp6.name-servers', 'dhcp6.domain-search', 'dhcp6.client-id'];

  it('the name as FQDN with server-update, replacing the base file\'s', () => {
    expect(v6({ hostname: 'blahblah.local', ...base('send fqdn.fqdn "foobar";\n') })).toBe(
      text('# Created by nmk', '# Merged from /path/to/dhclient.conf', '', 'send fqdn.fqdn "blahblah.local"; # added by nmk', 'send fqdn.server-update on;', '', ...also(V6_REQUESTS), ''),
    );
  });

  it('no name, no client id or reject list lines', () => {
    expect(v6({ clientId: '00:01:02', rejectServers: ['10.0.0.1'] })).toBe(text('# Created by nmk', '', ...also(V6_REQUESTS), ''));
  });
});

describe('dhclient strings and DUIDs', () => {
  it('quotes, backslashes and unprintable bytes are escaped', () => {
    expect(dhclientString('a"b\\c\td')).toBe('"a\\"b\\\\c\\011d"');
  });

  it.each([
    [[0, 1, 0, 1, 0x13, 0x6f, 0x13, 0x6e, 0, 0x22, 0xfa, 0x8c, 0xd6, 0xc2], '\\000\\001\\000\\001\\023o\\023n\\000\\"\\372\\214\\326\\302'],
    [[0, 1, 0, 1, 0x17, 0x57, 0xee, 0x39, 0, 0x23, 0x15, 0x08, 0x7e, 0xac], '\\000\\001\\000\\001\\027W\\3569\\000#\\025\\010~\\254'],
  ])('DUID %j is written as dhclient writes it', (bytes, escaped) => {
    expect(escapeDuid(Uint8Array.from(bytes))).toBe(escaped);
  });

  it('the DUID goes on top of the lease file, replacing an older one, keeping comments and leases', () => {
    expect(withDuid('', 'aa:0b')).toBe('default-duid "\\252\\013";\n');
    expect(withDuid('default-duid "\\001";\nlease6 {\n}\n', 'aa:0b')).toBe('default-duid "\\252\\013";\nlease6 {\n}\n');
    expect(withDuid('#default-duid "\\001";\n', 'aa:0b')).toBe('default-duid "\\252\\013";\n#default-duid "\\001";\n');
  });
});
