import { describe, expect, it } from 'vitest';
import { parseBusAddress, socketPath } from './bus-address.js';

describe('D-Bus addresses', () => {
  it('reads unix path and abstract targets, in order, with %XX escapes and other keys', () => {
    expect(parseBusAddress('unix:path=/run/dbus/system_bus_socket')).toEqual([{ path: '/run/dbus/system_bus_socket' }]);
    expect(parseBusAddress('unix:abstract=/tmp/dbus-x,guid=0123;unix:path=/tmp/a%20b')).toEqual([{ abstract: '/tmp/dbus-x' }, { path: '/tmp/a b' }]);
    expect(socketPath({ abstract: 'x' })).toBe('\0x');
  });

  it('skips transports it cannot use when another entry is usable', () => {
    expect(parseBusAddress('tcp:host=localhost,port=1;unix:path=/s')).toEqual([{ path: '/s' }]);
  });

  it('refuses an address with nothing usable, naming it and why', () => {
    expect(() => parseBusAddress('tcp:host=localhost,port=1')).toThrow("D-Bus address 'tcp:host=localhost,port=1': transport 'tcp' is not supported (nmkd connects over unix sockets)");
    expect(() => parseBusAddress('unix:tmpdir=/tmp')).toThrow(/names neither path= nor abstract=/);
    expect(() => parseBusAddress('')).toThrow("D-Bus address '': empty");
    expect(() => parseBusAddress('unix:path')).toThrow("D-Bus address 'unix:path': 'path' is not key=value");
    expect(() => parseBusAddress('unix:path=%zz')).toThrow(/malformed %XX escape/);
  });
});
