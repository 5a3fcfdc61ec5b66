import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from './index.js';

// Profiles printed by NetworkManager 1.42's `nmcli --offline connection add`
// (the commands are in each test): the keyfiles NetworkManager itself writes.
const fixture = (name: string): Buffer => readFileSync(new URL(`./test/${name}`, import.meta.url));

describe('NetworkManager keyfiles from nmcli --offline', () => {
  it('ethernet: con-name x ifname eth0 ipv4.method manual ipv4.addresses 10.0.0.1/24 ipv4.dns 8.8.8.8,1.1.1.1', () => {
    const bytes = fixture('ethernet.nmconnection');
    const doc = parse(bytes, 'ethernet.nmconnection');
    expect(doc.groupNames()).toEqual(['connection', 'ethernet', 'ipv4', 'ipv6', 'proxy']);
    expect(doc.keys('connection')).toEqual(['id', 'uuid', 'type', 'interface-name']);
    expect(doc.keys('ethernet')).toEqual([]);
    expect(doc.getString('connection', 'id')).toBe('x');
    expect(doc.getString('connection', 'type')).toBe('ethernet');
    expect(doc.getString('ipv4', 'address1')).toBe('10.0.0.1/24');
    expect(doc.getRaw('ipv4', 'dns')).toBe('8.8.8.8;1.1.1.1;');
    expect(doc.getStringList('ipv4', 'dns')).toEqual(['8.8.8.8', '1.1.1.1']);
    expect(doc.getString('ipv4', 'method')).toBe('manual');
    expect(doc.serialize()).toBe(bytes.toString('utf8'));
  });

  it("wifi: con-name ' Café;#1\\x' ssid 'my net;#' wifi-sec.psk 'p;a#ss \\word' ipv4.dns-search 'a.example;b.example'", () => {
    const bytes = fixture('wifi.nmconnection');
    const doc = parse(bytes, 'wifi.nmconnection');
    expect(doc.groupNames()).toEqual(['connection', 'wifi', 'wifi-security', 'ipv4', 'ipv6', 'proxy']);
    expect(doc.getString('connection', 'id')).toBe(' Café;#1\\x');
    expect(doc.getString('wifi-security', 'psk')).toBe('p;a#ss \\word');
    // NetworkManager escapes ';' in an SSID itself, then GLib escapes the backslash.
    expect(doc.getString('wifi', 'ssid')).toBe('my net\\;#');
    expect(doc.getStringList('ipv4', 'dns-search')).toEqual(['a.example;b.example']);
    expect(doc.getStringList('wifi', 'mac-address-blacklist')).toEqual(['00:11:22:33:44:55']);
    expect(doc.serialize()).toBe(bytes.toString('utf8'));
  });

  it("vlan: con-name vlan.10 dev eth0 id 10 ipv6.routes 'fd01::/64 fd00::2 100' ipv4.method disabled connection.autoconnect no", () => {
    const bytes = fixture('vlan.nmconnection');
    const doc = parse(bytes, 'vlan.nmconnection');
    expect(doc.getString('connection', 'id')).toBe('vlan.10');
    expect(doc.getRaw('connection', 'autoconnect')).toBe('false');
    expect(doc.getBoolean('connection', 'autoconnect')).toBe(false);
    expect(doc.getInteger('vlan', 'id')).toBe(10);
    expect(doc.getInteger('vlan', 'flags')).toBe(1);
    expect(doc.getString('ipv6', 'route1')).toBe('fd01::/64,fd00::2,100');
    expect(doc.getStringList('ipv6', 'route1', ',')).toEqual(['fd01::/64', 'fd00::2', '100']);
    expect(doc.serialize()).toBe(bytes.toString('utf8'));
  });

  it('rebuilds the wifi profile with setters exactly as NetworkManager wrote it', () => {
    const original = fixture('wifi.nmconnection').toString('utf8');
    const read = parse(original);
    const rebuilt = parse('');
    for (const group of read.groups) {
      rebuilt.addGroup(group.name);
      for (const { key } of group.entries) {
        const list = /;$/.test(read.getRaw(group.name, key)!) ? read.getStringList(group.name, key) : undefined;
        if (list) rebuilt.setStringList(group.name, key, list);
        else rebuilt.setString(group.name, key, read.getString(group.name, key)!);
      }
    }
    expect(rebuilt.serialize()).toBe(original);
  });
});
