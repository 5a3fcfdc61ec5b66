import { describe, expect, it } from 'vitest';
import { StableType } from '../ip/dhcp-identity.js';
import { clonedMac, effectiveClonedMac, parseMacMask, stableMac } from './cloned-mac.js';

const KEY = Buffer.from('key1');

/** NetworkManager 1.42.4's own vectors (src/core/tests/test-utils.c test_hw_addr_gen_stable_eth), lower-cased. */
const NM_VECTORS: ReadonlyArray<[StableType, string | undefined, string, string[]]> = [
  [StableType.Uuid, undefined, '01:23:45:67:89:ab', ['06:0d:cd:0c:9e:2c']],
  [StableType.StableId, undefined, '01:23:45:67:89:ab', ['c6:ae:a9:9a:76:09']],
  [StableType.Uuid, 'FF:FF:FF:00:00:00', '01:23:45:67:89:ab', ['00:23:45:0c:9e:2c']],
  [StableType.Uuid, 'FF:FF:FF:00:00:00', '03:23:45:67:89:ab', ['02:23:45:0c:9e:2c']],
  [StableType.Uuid, '00:00:00:00:00:00', '01:23:45:67:89:ab', ['06:0d:cd:0c:9e:2c']],
  [StableType.Uuid, '02:00:00:00:00:00', '01:23:45:67:89:ab', ['04:0d:cd:0c:9e:2c']],
  [StableType.Uuid, '02:00:00:00:00:00 00:00:00:00:00:00', '01:23:45:67:89:ab', ['04:0d:cd:0c:9e:2c']],
  [StableType.Uuid, '02:00:00:00:00:00 02:00:00:00:00:00', '01:23:45:67:89:ab', ['06:0d:cd:0c:9e:2c']],
  [StableType.Uuid, '00:00:00:00:00:00 E9:60:CE:F5:ED:2F', '01:23:45:67:89:ab', ['06:0d:cd:0c:9e:2c']],
  [StableType.Uuid, '02:00:00:00:00:00 00:00:00:00:00:00 02:00:00:00:00:00', '01:23:45:67:89:ab', ['06:0d:cd:0c:9e:2c', '04:0d:cd:0c:9e:2c']],
];

describe('stableMac', () => {
  it.each(NM_VECTORS)('type %s mask %s current %s gives NetworkManager’s address', (type, mask, current, expected) => {
    expect(expected).toContain(stableMac(type, 'stable-1', KEY, 'eth0', current, mask));
  });

  it('picks each listed OUI by the random draw', () => {
    const mask = '02:00:00:00:00:00 00:00:00:00:00:00 02:00:00:00:00:00';
    const draw = (n: number) => (_: number) => Buffer.from([0, 0, 0, n]);
    expect(stableMac(StableType.Uuid, 'stable-1', KEY, 'eth0', undefined, mask, draw(0))).toBe('04:0d:cd:0c:9e:2c');
    expect(stableMac(StableType.Uuid, 'stable-1', KEY, 'eth0', undefined, mask, draw(1))).toBe('06:0d:cd:0c:9e:2c');
  });
});

describe('effectiveClonedMac', () => {
  it.each([
    [undefined, undefined, 'preserve'],
    ['', 'stable', 'stable'],
    ['random', 'stable', 'random'],
    [undefined, ' random ', 'random'],
    [undefined, '00:11:22:33:44:55', '00:11:22:33:44:55'],
    [undefined, 'bogus', 'preserve'],
  ])('setting %s, default %s: %s', (setting, def, expected) => {
    expect(effectiveClonedMac(setting, def)).toBe(expected);
  });
});

describe('parseMacMask', () => {
  it('reads a mask and its OUIs, and refuses a bad word', () => {
    expect(parseMacMask(' FF:FF:FF:00:00:00  00:11:22:00:00:00 ')).toEqual({ mask: Buffer.from([255, 255, 255, 0, 0, 0]), ouis: [Buffer.from([0, 0x11, 0x22, 0, 0, 0])] });
    expect(parseMacMask('FF:FF:FF:00:00:00 nope')).toBeUndefined();
    expect(parseMacMask('  ')).toBeUndefined();
  });
});

describe('clonedMac', () => {
  const base = { ifname: 'eth0', hostId: KEY, stable: () => ({ id: 'stable-1', type: StableType.Uuid }) };

  it('leaves the address for preserve, and for permanent without a permanent address', () => {
    expect(clonedMac({ ...base })).toBeUndefined();
    expect(clonedMac({ ...base, setting: 'preserve', globalDefault: 'stable' })).toBeUndefined();
    expect(clonedMac({ ...base, setting: 'permanent' })).toBeUndefined();
    expect(clonedMac({ ...base, setting: 'permanent', permanentMac: '00:AA:BB:CC:DD:EE' })).toBe('00:aa:bb:cc:dd:ee');
  });

  it('sets a literal address in lower case', () => {
    expect(clonedMac({ ...base, setting: '12:34:56:78:9A:BC' })).toBe('12:34:56:78:9a:bc');
  });

  it('computes stable from the profile or the [connection] default, with either mask', () => {
    expect(clonedMac({ ...base, setting: 'stable' })).toBe('06:0d:cd:0c:9e:2c');
    expect(clonedMac({ ...base, globalDefault: 'stable' })).toBe('06:0d:cd:0c:9e:2c');
    expect(clonedMac({ ...base, setting: 'stable', initialMac: '03:23:45:67:89:ab', globalMask: 'FF:FF:FF:00:00:00' })).toBe('02:23:45:0c:9e:2c');
    expect(clonedMac({ ...base, setting: 'stable', initialMac: '03:23:45:67:89:ab', mask: '00:00:00:00:00:00', globalMask: 'FF:FF:FF:00:00:00' })).toBe('06:0d:cd:0c:9e:2c');
  });

  it('makes random addresses locally administered unicast, keeping the masked OUI', () => {
    expect(clonedMac({ ...base, setting: 'random', random: () => Buffer.from([0xff, 1, 2, 3, 4, 5]) })).toBe('fe:01:02:03:04:05');
    expect(clonedMac({ ...base, setting: 'random', random: () => Buffer.from([0x01, 1, 2, 3, 4, 5]) })).toBe('02:01:02:03:04:05');
    expect(clonedMac({ ...base, setting: 'random', initialMac: '00:16:3e:11:22:33', mask: 'FF:FF:FF:00:00:00', random: () => Buffer.from([0xff, 1, 2, 3, 4, 5]) })).toBe('00:16:3e:03:04:05');
    const a = clonedMac({ ...base, setting: 'random' })!;
    const b = clonedMac({ ...base, setting: 'random' })!;
    expect(a).not.toBe(b);
    for (const m of [a, b]) expect(parseInt(m.slice(0, 2), 16) & 3).toBe(2);
  });
});
