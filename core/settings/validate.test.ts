/**
 * Profiles from D-Bus that NetworkManager refuses get its error names: an
 * unknown setting is Settings.Connection.InvalidSetting, an unknown property
 * or a bad value InvalidProperty, an absent required one MissingProperty or
 * MissingSetting. Address and route entries that do not read are refused,
 * naming the entry and what is wrong, never dropped in silence.
 */
import { Variant } from 'dbus-next';
import { describe, expect, it } from 'vitest';
import { settingsFromWire } from './dbus-form.js';
import { checkIncoming } from './validate.js';

const CONN = 'org.freedesktop.NetworkManager.Settings.Connection';
const UUID = '8c9a2e4a-0d2f-4ac8-9d8b-3f0f6d0b1e11';
const v = (sig: string, value: unknown) => new Variant(sig, value);
const base = { connection: { id: v('s', 'x'), uuid: v('s', UUID), type: v('s', '802-3-ethernet') } };

function refusal(fn: () => unknown): { name: string; message: string } | undefined {
  try {
    fn();
  } catch (e) {
    return { name: (e as { dbusName: string }).dbusName, message: (e as Error).message };
  }
  return undefined;
}
const ipv4 = (props: Record<string, Variant>) => ({ ...base, ipv4: { method: v('s', 'manual'), ...props } });
const addr = (address: unknown, prefix: unknown) => ({ address: v('s', address), prefix: v('u', prefix) });

describe('D-Bus profiles NetworkManager refuses', () => {
  it('an unknown setting or property, or a value of the wrong type', () => {
    expect(refusal(() => settingsFromWire({ ...base, frobnicate: { a: v('s', 'b') } }))).toEqual({ name: `${CONN}.InvalidSetting`, message: "key 'frobnicate': frobnicate: unknown setting name" });
    expect(refusal(() => settingsFromWire(ipv4({ bogus: v('s', 'b') })))).toEqual({ name: `${CONN}.InvalidProperty`, message: "key 'ipv4.bogus': ipv4.bogus: unknown property" });
    expect(refusal(() => settingsFromWire({ connection: { ...base.connection, autoconnect: v('s', 'yes') } }))?.name).toBe(`${CONN}.InvalidProperty`);
  });

  it('address-data with a bad address or prefix, and route-data with a bad route, naming the entry', () => {
    const cases: Array<[Record<string, Variant>, string]> = [
      [{ 'address-data': v('aa{sv}', [addr('192.0.2.1', 24), addr('192.0.2.300', 24)]) }, "ipv4.address-data: address 2 is invalid: 'address' '192.0.2.300' is not an IPv4 address"],
      [{ 'address-data': v('aa{sv}', [addr('192.0.2.1', 40)]) }, "ipv4.address-data: address 1 is invalid: 'prefix' 40 is not in 0..32"],
      [{ 'route-data': v('aa{sv}', [{ dest: v('s', '198.51.100.0'), prefix: v('u', 24), 'next-hop': v('s', 'fe80::1') }]) }, "ipv4.route-data: route 1 is invalid: 'next-hop' 'fe80::1' is not an IPv4 address"],
      [{ 'route-data': v('aa{sv}', [{ dest: v('s', 'nowhere'), prefix: v('u', 24) }]) }, "ipv4.route-data: route 1 is invalid: 'dest' 'nowhere' is not an IPv4 address"],
    ];
    for (const [props, message] of cases) {
      const r = refusal(() => settingsFromWire(ipv4(props)));
      expect(r?.name).toBe(`${CONN}.InvalidProperty`);
      expect(r?.message).toContain(message);
    }
    // The good form still reads.
    expect(settingsFromWire(ipv4({ 'address-data': v('aa{sv}', [addr('192.0.2.1', 24)]) })).ipv4?.['address-data']).toEqual([{ address: '192.0.2.1', prefix: 24 }]);
  });

  it('legacy addresses that do not read are refused too', () => {
    for (const bad of [[0x010200c0, 99, 0], [0x010200c0, 24]]) {
      const r = refusal(() => settingsFromWire(ipv4({ addresses: v('aau', [[0x020200c0, 24, 0], bad]) })));
      expect(r).toEqual({ name: `${CONN}.InvalidProperty`, message: "key 'ipv4.addresses': ipv4.addresses: 1 invalid legacy address(es)" });
    }
    const routes = refusal(() => settingsFromWire(ipv4({ routes: v('aau', [[0x0064a8c0, 33, 0, 0]]) })));
    expect(routes?.message).toBe("key 'ipv4.routes': ipv4.routes: 1 invalid legacy route(s)");
  });

  it('a missing required property or setting', () => {
    expect(refusal(() => checkIncoming({ connection: { uuid: UUID, type: '802-3-ethernet' } }))?.name).toBe(`${CONN}.MissingProperty`);
    expect(refusal(() => checkIncoming({ connection: { id: 'v', uuid: UUID, type: 'vlan' } }))?.name).toMatch(new RegExp(`^${CONN}\\.Missing(Setting|Property)$`));
    expect(refusal(() => checkIncoming({ connection: { id: 'v', uuid: UUID, type: '802-3-ethernet' }, '802-3-ethernet': { mtu: -1 as unknown as number } }))?.name).toBe(`${CONN}.InvalidProperty`);
  });
});
