import { describe, expect, it } from 'vitest';
import { CliError, Exit } from './exit-codes.js';
import { findActive, findDevice, findProfile, type ActiveInfo, type ProfileInfo } from './lookup.js';

const S = '/org/freedesktop/NetworkManager/Settings';
const profile = (n: number, id: string, uuid: string): ProfileInfo => ({ path: `${S}/${n}`, id, uuid, interfaceName: '', wire: {}, filename: '' });
const profiles = [profile(1, 'lan', 'u-1'), profile(2, 'u-1', 'u-2'), profile(3, 'wan', 'u-3')];
const active: ActiveInfo[] = [{ path: '/org/freedesktop/NetworkManager/ActiveConnection/4', id: 'lan', uuid: 'u-1', connection: `${S}/1`, state: 2, devices: [] }];

describe('finding what the command line names', () => {
  it('a profile by UUID first, then name, then path (full or its number); a selector narrows it', () => {
    expect(findProfile(profiles, 'u-1').path).toBe(`${S}/1`);
    expect(findProfile(profiles, 'u-1', 'id').path).toBe(`${S}/2`);
    expect(findProfile(profiles, 'wan').path).toBe(`${S}/3`);
    expect(findProfile(profiles, `${S}/2`).id).toBe('u-1');
    expect(findProfile(profiles, '3', 'path').id).toBe('wan');
  });

  it('an unknown profile or device is exit 10 naming it', () => {
    for (const f of [() => findProfile(profiles, 'nosuch'), () => findProfile(profiles, 'lan', 'uuid'), () => findDevice(new Map(), 'veth9')]) {
      let err: unknown;
      try {
        f();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(CliError);
      expect((err as CliError).code).toBe(Exit.NOT_FOUND);
      expect((err as CliError).message).toMatch(/'(nosuch|lan|veth9)'/);
    }
  });

  it('an active connection by profile name, UUID, profile path or its own path', () => {
    for (const [value, sel] of [['lan'], ['u-1'], [`${S}/1`], ['4', 'apath'], ['/org/freedesktop/NetworkManager/ActiveConnection/4']] as const) {
      expect(findActive(active, value, sel as any)?.id, value).toBe('lan');
    }
    expect(findActive(active, 'wan')).toBeUndefined();
  });
});
