import { describe, expect, it } from 'vitest';
import { WAKE_ON_LAN, type ConfigView, type ConnectionSettings, type DeviceView, type KindConfigureContext, type Logger } from '../../sdk/index.js';
import { FakePlatform } from '../platform-fake/fake-platform.js';
import { makeEthernetKind, vethKind } from './index.js';
import { describeFlags, modesFor, parseConfigInteger, planWakeOnLan, type WolPlan } from './wake-on-lan.js';

const { PHY, MAGIC, BROADCAST, DEFAULT, IGNORE } = WAKE_ON_LAN;

function recordingLogger(lines: string[]): Logger {
  const log = (level: string) => (msg: string) => void lines.push(`${level}: ${msg}`);
  const l: Logger = { trace: log('trace'), debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), child: () => l, isEnabled: () => true };
  return l;
}

/** A ConfigView holding only [connection] ethernet.wake-on-lan (changeable, as a reload changes it). */
function configWith(value?: string): ConfigView & { value?: string } {
  const c = {
    value,
    get: (s: string, k: string) => (s === 'connection' && k === 'ethernet.wake-on-lan' ? c.value : undefined),
    getString: (_s: string, _k: string, f: string) => f,
    getBoolean: (_s: string, _k: string, f: boolean) => f,
    getInteger: (_s: string, _k: string, f: number) => f,
    getList: () => [],
    sections: () => ['connection'],
    origin: () => undefined,
  };
  return c;
}

const profile = (wired?: Record<string, unknown>, extra: Record<string, Record<string, unknown>> = {}): ConnectionSettings =>
  ({ connection: { id: 'lan', type: '802-3-ethernet', 'interface-name': 'eth0' }, ...(wired ? { '802-3-ethernet': wired } : {}), ...extra }) as ConnectionSettings;

/** A physical NIC (the fake's driver has Wake-on-LAN) and a veth pair (none). */
async function bed() {
  const platform = new FakePlatform();
  const eth = platform.injectExternal({ type: 'add-link', link: { name: 'eth0', mac: '52:54:00:12:34:56' } })!;
  const veth = await platform.createLink({ name: 'veth0', kind: 'veth', peer: { name: 'veth1' } });
  const lines: string[] = [];
  const view = (l: { ifindex: number; name: string }) => ({ ifindex: l.ifindex, name: l.name }) as DeviceView;
  const ctx = (device: DeviceView, settings: ConnectionSettings, reapply = false): KindConfigureContext => ({ device, settings, reapply, platform, logger: recordingLogger(lines) });
  return { platform, eth: view(eth), veth: view(veth), lines, ctx, sets: () => platform.calls.filter((c) => c.op === 'setWakeOnLan') };
}

describe('[connection] ethernet.wake-on-lan as NetworkManager reads it', () => {
  it.each([
    ['64', 64], ['0x40', 64], ['0X40', 64], ['0100', 64], [' 64 ', 64], ['+64', 64], ['0', 0], ['32768', IGNORE], ['2147483647', 2147483647],
    ['magic', undefined], ['64abc', undefined], ['0x', undefined], ['08', undefined], ['-1', undefined], ['2147483648', undefined], ['', undefined], [undefined, undefined],
  ])('%s reads as %s', (text, value) => {
    expect(parseConfigInteger(text)).toBe(value);
  });
});

describe('which flags a profile gets (wake_on_lan_enable)', () => {
  const rows: Array<[string, ConnectionSettings, string | undefined, WolPlan]> = [
    ['the profile\'s flags win over the config', profile({ 'wake-on-lan': MAGIC }), '2', { ignore: false, flags: MAGIC, from: 'profile' }],
    ['0 turns it off', profile({ 'wake-on-lan': 0 }), '64', { ignore: false, flags: 0, from: 'profile' }],
    ['ignore leaves the device alone', profile({ 'wake-on-lan': IGNORE }), '64', { ignore: true, why: "'ignore'" }],
    ['bits NetworkManager does not know are dropped', profile({ 'wake-on-lan': 0x10000 | PHY | MAGIC }), undefined, { ignore: false, flags: PHY | MAGIC, from: 'profile' }],
    ['only unknown bits leave 0: off', profile({ 'wake-on-lan': 0x10000 }), undefined, { ignore: false, flags: 0, from: 'profile' }],
    ['default without a config value is ignore', profile({ 'wake-on-lan': DEFAULT }), undefined, { ignore: true, why: "'default' and no usable [connection] ethernet.wake-on-lan" }],
    ['an unset property is default', profile({}), undefined, { ignore: true, why: "'default' and no usable [connection] ethernet.wake-on-lan" }],
    ['default takes the config value', profile({ 'wake-on-lan': DEFAULT }), '0x50', { ignore: false, flags: MAGIC | BROADCAST, from: 'config' }],
    ['a config value of 0 turns it off', profile({}), '0', { ignore: false, flags: 0, from: 'config' }],
    ['a config value of ignore', profile({}), '32768', { ignore: true, why: "'ignore' from [connection] ethernet.wake-on-lan" }],
    ['a config value of default is ignore', profile({}), '1', { ignore: true, why: "'default' and no usable [connection] ethernet.wake-on-lan" }],
    ['an exclusive flag with others in the config is ignore', profile({}), String(IGNORE | MAGIC), { ignore: true, why: "'default' and no usable [connection] ethernet.wake-on-lan" }],
    ['a config value that is not a number is ignore', profile({}), 'magic', { ignore: true, why: "'default' and no usable [connection] ethernet.wake-on-lan" }],
    ['no 802-3-ethernet setting at all uses the config', profile(undefined), '2', { ignore: false, flags: PHY, from: 'config' }],
    ['the password goes with the profile\'s flags', profile({ 'wake-on-lan': MAGIC, 'wake-on-lan-password': '00:11:22:33:44:55' }), undefined, { ignore: false, flags: MAGIC, password: '00:11:22:33:44:55', from: 'profile' }],
    ['an empty password is none', profile({ 'wake-on-lan': MAGIC, 'wake-on-lan-password': '' }), undefined, { ignore: false, flags: MAGIC, from: 'profile' }],
  ];
  it.each(rows)('%s', (_what, settings, config, plan) => {
    expect(planWakeOnLan(settings, config)).toEqual(plan);
  });

  it('names flags as nmcli does and maps them to ethtool modes', () => {
    expect(describeFlags(PHY | MAGIC)).toBe('phy, magic');
    expect(describeFlags(0)).toBe('none');
    expect(modesFor(0x7e, false)).toEqual(['phy', 'ucast', 'mcast', 'bcast', 'arp', 'magic']);
    expect(modesFor(MAGIC, true)).toEqual(['magic', 'magicsecure']);
  });
});

describe('the ethernet kind applies wake-on-lan', () => {
  it('sets exactly the profile\'s modes, then clears them for 0, and never fails the activation', async () => {
    const { platform, eth, ctx, sets } = await bed();
    const kind = makeEthernetKind();
    await kind.configure!(ctx(eth, profile({ 'wake-on-lan': PHY | MAGIC })));
    expect((await platform.wakeOnLan(eth.ifindex)).modes).toEqual(['phy', 'magic']);
    await kind.configure!(ctx(eth, profile({ 'wake-on-lan': BROADCAST }), true));
    expect((await platform.wakeOnLan(eth.ifindex)).modes).toEqual(['bcast']);
    await kind.configure!(ctx(eth, profile({ 'wake-on-lan': 0 })));
    expect((await platform.wakeOnLan(eth.ifindex)).modes).toEqual([]);
    expect(sets().map((c) => c.args[1])).toEqual([['phy', 'magic'], ['bcast'], []]);
  });

  it('sets the SecureOn password with magicsecure', async () => {
    const { platform, eth, ctx } = await bed();
    await makeEthernetKind().configure!(ctx(eth, profile({ 'wake-on-lan': MAGIC, 'wake-on-lan-password': 'A0:B1:C2:D3:E4:F5' })));
    expect(await platform.wakeOnLan(eth.ifindex)).toMatchObject({ modes: ['magic', 'magicsecure'], password: 'a0:b1:c2:d3:e4:f5' });
  });

  it('leaves the device alone for ignore, and for default without a config value', async () => {
    const { platform, eth, ctx, sets, lines } = await bed();
    await platform.setWakeOnLan(eth.ifindex, ['arp']);
    platform.calls.length = 0;
    await makeEthernetKind().configure!(ctx(eth, profile({ 'wake-on-lan': IGNORE })));
    await makeEthernetKind().configure!(ctx(eth, profile({})));
    expect(sets()).toEqual([]);
    expect((await platform.wakeOnLan(eth.ifindex)).modes).toEqual(['arp']);
    expect(lines).toContain("debug: wake-on-lan of eth0 left as it is: 'ignore'");
  });

  it('resolves default through [connection] ethernet.wake-on-lan, read at each activation', async () => {
    const { platform, eth, ctx } = await bed();
    const config = configWith('64');
    const kind = makeEthernetKind(config);
    await kind.configure!(ctx(eth, profile({ 'wake-on-lan': DEFAULT })));
    expect((await platform.wakeOnLan(eth.ifindex)).modes).toEqual(['magic']);
    config.value = '0x2';
    await kind.configure!(ctx(eth, profile({})));
    expect((await platform.wakeOnLan(eth.ifindex)).modes).toEqual(['phy']);
  });

  it('logs a refusal at debug, naming the device, the property and the errno, and goes on', async () => {
    const { platform, veth, eth, ctx, lines } = await bed();
    // The ethernet slot on a link whose driver has no Wake-on-LAN (the fake's veth).
    await expect(makeEthernetKind().configure!(ctx(veth, profile({ 'wake-on-lan': MAGIC })))).resolves.toBeUndefined();
    expect(lines).toContain('debug: 802-3-ethernet.wake-on-lan=magic not applied to veth0: EOPNOTSUPP');
    platform.failNext('setWakeOnLan', 22);
    await expect(makeEthernetKind().configure!(ctx(eth, profile({ 'wake-on-lan': ARP_AND_MAGIC })))).resolves.toBeUndefined();
    expect(lines).toContain('debug: 802-3-ethernet.wake-on-lan=arp, magic not applied to eth0: EINVAL');
    expect(lines.filter((l) => !l.startsWith('debug:'))).toEqual([]);
  });

  it('skips the activation of a profile with 802-1x, and applies it on reapply', async () => {
    const { platform, eth, ctx, sets } = await bed();
    const settings = profile({ 'wake-on-lan': MAGIC }, { '802-1x': { eap: ['peap'] } });
    await makeEthernetKind().configure!(ctx(eth, settings));
    expect(sets()).toEqual([]);
    await makeEthernetKind().configure!(ctx(eth, settings, true));
    expect((await platform.wakeOnLan(eth.ifindex)).modes).toEqual(['magic']);
  });

  it('does not touch the device when the password is not a MAC address', async () => {
    const { eth, ctx, sets, lines } = await bed();
    await makeEthernetKind().configure!(ctx(eth, profile({ 'wake-on-lan': MAGIC, 'wake-on-lan-password': 'secret' })));
    expect(sets()).toEqual([]);
    expect(lines).toContain('debug: 802-3-ethernet.wake-on-lan=magic not applied to eth0: 802-3-ethernet.wake-on-lan-password is not a MAC address');
  });
});

describe('the veth kind', () => {
  it('never asks the platform, whatever the profile says', async () => {
    const { veth, ctx, sets, lines } = await bed();
    await vethKind.configure!(ctx(veth, profile({ 'wake-on-lan': MAGIC })));
    await vethKind.configure!(ctx(veth, profile({ 'wake-on-lan': 0 }), true));
    expect(sets()).toEqual([]);
    expect(lines).toEqual([
      'debug: 802-3-ethernet.wake-on-lan=magic not applied to veth0: NetworkManager leaves the Wake-on-LAN of veth devices alone',
      'debug: 802-3-ethernet.wake-on-lan=none not applied to veth0: NetworkManager leaves the Wake-on-LAN of veth devices alone',
    ]);
  });
});

const ARP_AND_MAGIC = WAKE_ON_LAN.ARP | MAGIC;
