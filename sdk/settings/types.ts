/**
 * The connection profile as every part of nmk holds it: NetworkManager's
 * setting and property names (D-Bus names: "802-3-ethernet", "ipv4",
 * "address-data"...), with one JavaScript representation per property type.
 * Settings plugins produce and consume this; the D-Bus layer converts it to
 * and from a{sa{sv}} with the property table's signatures.
 *
 * Value representation by property type (the tables in this folder give each
 * property's type):
 *   string, enum-as-string      string
 *   boolean                      boolean
 *   int32, uint32, int64, uint64 number (D-Bus 'x'/'t' become bigint only on the wire)
 *   bytes (ay, e.g. ssid)        Uint8Array
 *   mac (ay on D-Bus)            string "AA:BB:CC:DD:EE:FF" (upper case)
 *   string list (as)             string[]
 *   uint32 list (au)             number[]
 *   string dict (a{ss})          Record<string, string> (bond.options, vpn.data)
 *   ip addresses                 IpAddress[]  (ipv4/ipv6 "address-data")
 *   ip routes                    IpRoute[]    (ipv4/ipv6 "route-data")
 *   dns servers                  string[] of addresses (ipv4/ipv6 "dns")
 * A property that is absent from its setting has its default.
 */

export type SettingValue =
  | string
  | number
  | boolean
  | Uint8Array
  | string[]
  | number[]
  | Record<string, string>
  | IpAddress[]
  | IpRoute[];

/** One setting ("ipv4") : its properties by name. */
export type SettingValues = Record<string, SettingValue>;

/** A whole profile: settings by their canonical (D-Bus) name. */
export type ConnectionSettings = Record<string, SettingValues>;

export interface IpAddress {
  address: string;
  prefix: number;
  /** Extra attributes as NetworkManager's address-data carries them (e.g. "label"). */
  attributes?: Record<string, string | number | boolean>;
}

export interface IpRoute {
  dest: string;
  prefix: number;
  /** Gateway ("next-hop" on D-Bus); absent for a direct route. */
  nextHop?: string;
  /** -1 or absent: the connection's default metric. */
  metric?: number;
  /** Route attributes as NetworkManager names them: table, src, onlink, mtu, type, scope... */
  attributes?: Record<string, string | number | boolean>;
}

/** Secret flags (NMSettingSecretFlags). */
export const SecretFlags = { NONE: 0, AGENT_OWNED: 1, NOT_SAVED: 2, NOT_REQUIRED: 4 } as const;
