/**
 * The nftables ruleset of one IPv4-shared link, as text for `nft -f -`.
 * It follows NetworkManager 1.42 (nm-firewall-utils.c,
 * _fw_nft_set_shared_construct): one `ip` table per shared interface, named
 * "nm-shared-<ifname>", with a masquerade of the shared subnet towards any
 * other destination and forward accepts for the subnet. NetworkManager also
 * rejects every other packet forwarded to or from the interface; nmk refuses
 * nothing else (a host firewall decides that).
 *
 * One `nft -f -` run is atomic, and "add table; flush table" (or "add table;
 * delete table") succeeds whether or not the table is there, so a table left
 * by a crash is replaced or removed without asking nft first.
 */

/** nft's scanner reads an unquoted identifier only from these characters (src/scanner.l, "string"). */
const NFT_PLAIN_NAME = /^[A-Za-z0-9._-]+$/;

/**
 * The table's name. NetworkManager's where nft can read it ("nm-shared-eth0");
 * an interface name with other characters is written byte by byte with
 * NetworkManager's own escape for nft names (letters and digits kept, any
 * other byte as _xx), as for its "nm-mlag-" tables.
 */
export function sharedTableName(ifname: string): string {
  if (NFT_PLAIN_NAME.test(ifname)) return `nm-shared-${ifname}`;
  const escaped = [...Buffer.from(ifname, 'utf8')]
    .map((b) => (/[A-Za-z0-9]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `_${b.toString(16).padStart(2, '0')}`))
    .join('');
  return `nm-shared-${escaped}`;
}

/** The interface name inside double quotes; nft has no escape for a quote or a backslash in a string. */
function quotedIfname(ifname: string): string {
  if (/["\\\x00-\x1f\x7f]/.test(ifname)) throw new Error(`interface name '${ifname}' cannot be written in an nftables rule (it holds a quote, a backslash or a control character)`);
  return `"${ifname}"`;
}

/** "10.42.0.0/24" for 10.42.0.1/24. */
export function ipv4Subnet(address: string, prefixlen: number): string {
  const octets = address.split('.').map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255) || !Number.isInteger(prefixlen) || prefixlen < 0 || prefixlen > 32) {
    throw new Error(`'${address}/${prefixlen}' is not an IPv4 address with a prefix length`);
  }
  const n = octets.reduce((acc, o) => acc * 256 + o, 0);
  const mask = prefixlen === 0 ? 0 : (0xffffffff << (32 - prefixlen)) >>> 0;
  const net = (n & mask) >>> 0;
  return `${[24, 16, 8, 0].map((s) => (net >>> s) & 0xff).join('.')}/${prefixlen}`;
}

/** Create (or replace) the table with its chains and rules. */
export function sharedRulesetUp(ifname: string, address: string, prefixlen: number): string {
  const table = sharedTableName(ifname);
  const dev = quotedIfname(ifname);
  const subnet = ipv4Subnet(address, prefixlen);
  return [
    `add table ip ${table}`,
    `flush table ip ${table}`,
    `add chain ip ${table} nat_postrouting { type nat hook postrouting priority 100; policy accept; };`,
    `add rule ip ${table} nat_postrouting ip saddr ${subnet} ip daddr != ${subnet} masquerade;`,
    `add chain ip ${table} filter_forward { type filter hook forward priority 0; policy accept; };`,
    // Replies to the clients' own connections come back in.
    `add rule ip ${table} filter_forward ip daddr ${subnet} oifname ${dev} ct state { established, related } accept;`,
    `add rule ip ${table} filter_forward ip saddr ${subnet} iifname ${dev} accept;`,
    `add rule ip ${table} filter_forward iifname ${dev} oifname ${dev} accept;`,
    '',
  ].join('\n');
}

/** Remove the table, whether or not it is there. */
export function sharedRulesetDown(ifname: string): string {
  const table = sharedTableName(ifname);
  return [`add table ip ${table}`, `delete table ip ${table}`, ''].join('\n');
}
