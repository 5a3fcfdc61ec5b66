/**
 * Keyfile rows (see special-properties.ts) of tc, sriov, wireguard,
 * ovs-port, ovs-external-ids, ovs-other-config and the s390 options of
 * 802-3-ethernet, as NetworkManager 1.42 writes them (nm-keyfile.c):
 *   [tc]                    qdisc.PARENT=REST, tfilter.PARENT=REST (PARENT "root" or "1234:2")
 *   [sriov]                 vf.INDEX=ATTRIBUTES
 *   [ovs-port]              trunks=10-20,30
 *   [ovs-external-ids]      data.KEY=VALUE (and [ovs-other-config])
 *   [wireguard-peer.KEY]    one group per peer, after [wireguard]
 *   [ethernet-s390-options] one key per option, after [ethernet]
 */
import {
  formatQdisc,
  formatQdiscRest,
  formatTcParentKey,
  formatTfilter,
  formatTfilterRest,
  formatSriovVf,
  formatVfAttributes,
  formatWireguardPeer,
  isValidEndpoint,
  isWireguardKey,
  normalizeAllowedIp,
  parseQdisc,
  parseSriovVf,
  parseTcHandle,
  parseTfilter,
  parseVfAttributes,
  parseWireguardPeer,
  type Parsed,
  type SettingValues,
  type TcObject,
  type WireguardPeer,
} from '../../sdk/index.js';
import { decodeKey, encodeKey } from './key-escape.js';
import type { ReadContext } from './read-context.js';
import { readInteger, readString, readStringList } from './scalars.js';
import type { SpecialRow } from './special-properties.js';
import { escapedCommaList } from './escaped-list-row.js';

export const WIREGUARD_PEER_GROUP_PREFIX = 'wireguard-peer.';
export const S390_OPTIONS_GROUP = 'ethernet-s390-options';
const STRDICT_PREFIX = 'data.';
/** A peer's preshared-key-flags when the file gives none: not-required. */
const PEER_DEFAULT_FLAGS = 4;

/**
 * Groups that belong to a setting without being one: the groups that must
 * be in the file for them to be read ([wireguard-peer.*] needs [wireguard],
 * [ethernet-s390-options] needs [ethernet]), else undefined.
 */
export function auxiliaryGroupOwner(group: string): readonly string[] | undefined {
  if (group.startsWith(WIREGUARD_PEER_GROUP_PREFIX)) return ['wireguard'];
  if (group === S390_OPTIONS_GROUP) return ['ethernet', '802-3-ethernet'];
  return undefined;
}

/** The canonical text of a record read from the file, or an error naming its key. */
function canonical<T>(ctx: ReadContext, group: string, key: string, parsed: Parsed<T>, format: (v: T) => string): string {
  if (!parsed.ok) throw ctx.error(group, key, parsed.reason);
  return format(parsed.value);
}

/** Keys "PREFIX.PARENT" of [tc]: the parent is a handle, or a word such as "root". */
function tcRow(prefix: 'qdisc' | 'tfilter'): SpecialRow {
  const parse = prefix === 'qdisc' ? parseQdisc : parseTfilter;
  const format = prefix === 'qdisc' ? formatQdisc : formatTfilter;
  const rest = prefix === 'qdisc' ? formatQdiscRest : formatTfilterRest;
  const owns = (key: string) => key.startsWith(`${prefix}.`);
  return {
    ownsKey: owns,
    read(ctx, group, def, values) {
      const list = ctx.doc.keys(group).filter(owns).map((key) => {
        const parent = key.slice(prefix.length + 1);
        const text = `${parseTcHandle(parent) !== undefined ? 'parent ' : ''}${parent} ${readString(ctx, group, key)}`;
        return canonical(ctx, group, key, parse(text), format);
      });
      if (list.length > 0) values[def.name] = list;
    },
    write(w, group, value, def) {
      for (const text of value as string[]) {
        const p = parse(text);
        if (!p.ok) throw w.error(def.setting, def.name, `${text}: ${p.reason}`);
        const o = p.value as TcObject;
        w.set(def.setting, def.name, () => w.doc.setString(group, `${prefix}.${formatTcParentKey(o.parent)}`, rest(o)));
      }
    },
  };
}

const sriovVfs: SpecialRow = {
  ownsKey: (key) => /^vf\.[0-9]+$/.test(key),
  read(ctx, group, def, values) {
    const list = ctx.doc
      .keys(group)
      .filter((k) => /^vf\.[0-9]+$/.test(k))
      .map((key) => {
        const index = Number(key.slice(3));
        if (index > 0xffffffff) throw ctx.error(group, key, 'invalid index');
        const p = parseVfAttributes(index, readString(ctx, group, key));
        return canonical(ctx, group, key, p, formatSriovVf);
      });
    if (list.length > 0) values[def.name] = list;
  },
  write(w, group, value, def) {
    for (const text of value as string[]) {
      const p = parseSriovVf(text);
      if (!p.ok) throw w.error(def.setting, def.name, `${text}: ${p.reason}`);
      w.set(def.setting, def.name, () => w.doc.setString(group, `vf.${p.value.index}`, formatVfAttributes(p.value)));
    }
  },
};


/** data.KEY=VALUE keys, KEY escaped like other dictionary keys. */
const prefixedData: SpecialRow = {
  ownsKey: (key) => key.startsWith(STRDICT_PREFIX),
  read(ctx, group, def, values) {
    const data: Record<string, string> = {};
    for (const key of ctx.doc.keys(group)) {
      if (key.startsWith(STRDICT_PREFIX)) data[decodeKey(key.slice(STRDICT_PREFIX.length))] = readString(ctx, group, key);
    }
    if (Object.keys(data).length > 0) values[def.name] = data;
  },
  write(w, group, value, def) {
    const dict = value as Record<string, string>;
    for (const name of Object.keys(dict).sort()) {
      w.set(def.setting, def.name, () => w.doc.setString(group, `${STRDICT_PREFIX}${encodeKey(name)}`, dict[name]!));
    }
  },
};

const PEER_KEYS = ['endpoint', 'preshared-key', 'preshared-key-flags', 'persistent-keepalive', 'allowed-ips'];

function readPeer(ctx: ReadContext, group: string): string {
  const publicKey = group.slice(WIREGUARD_PEER_GROUP_PREFIX.length);
  if (!isWireguardKey(publicKey)) throw ctx.error(group, undefined, `invalid peer public key in section '${group}'`);
  const peer: WireguardPeer = { publicKey, presharedKeyFlags: PEER_DEFAULT_FLAGS, persistentKeepalive: 0, allowedIps: [] };
  const has = (key: string) => ctx.doc.hasKey(group, key);
  if (has('preshared-key')) {
    const psk = readString(ctx, group, 'preshared-key');
    if (!isWireguardKey(psk)) throw ctx.error(group, 'preshared-key', 'not a valid 256 bit key in base64 encoding');
    peer.presharedKey = psk;
  }
  if (has('preshared-key-flags')) peer.presharedKeyFlags = Number(readInteger(ctx, group, 'preshared-key-flags', { min: 0n, max: 7n }));
  if (has('persistent-keepalive')) peer.persistentKeepalive = Number(readInteger(ctx, group, 'persistent-keepalive', { min: 0n, max: 0xffffffffn }));
  const endpoint = has('endpoint') ? readString(ctx, group, 'endpoint') : '';
  if (endpoint !== '') {
    if (!isValidEndpoint(endpoint)) throw ctx.error(group, 'endpoint', `'${endpoint}' is not a valid endpoint`);
    peer.endpoint = endpoint;
  }
  if (has('allowed-ips')) {
    for (const item of readStringList(ctx, group, 'allowed-ips')) {
      const ip = normalizeAllowedIp(item);
      if (!ip) throw ctx.error(group, 'allowed-ips', `'${item}' is not a valid allowed IP`);
      peer.allowedIps.push(ip);
    }
  }
  for (const key of ctx.doc.keys(group)) if (!PEER_KEYS.includes(key)) ctx.warn(group, key, 'unknown key of a WireGuard peer ignored');
  return formatWireguardPeer(peer);
}

/** [wireguard-peer.PUBKEY] groups after [wireguard]; a preshared key only when its flags are 0. */
const wireguardPeers: SpecialRow = {
  read(ctx, _group, def, values: SettingValues) {
    const peers = ctx.doc.groupNames().filter((g) => g.startsWith(WIREGUARD_PEER_GROUP_PREFIX)).map((g) => readPeer(ctx, g));
    if (peers.length > 0) values[def.name] = peers;
  },
  write(w, group, value, def) {
    if (!w.doc.hasGroup(group)) w.doc.addGroup(group);
    for (const text of value as string[]) {
      const p = parseWireguardPeer(text);
      if (!p.ok) throw w.error(def.setting, def.name, p.reason);
      const peer = p.value;
      const g = `${WIREGUARD_PEER_GROUP_PREFIX}${peer.publicKey}`;
      w.set(def.setting, def.name, () => {
        if (peer.endpoint !== undefined) w.doc.setString(g, 'endpoint', peer.endpoint);
        if (peer.presharedKeyFlags === 0 && peer.presharedKey !== undefined) w.doc.setString(g, 'preshared-key', peer.presharedKey);
        if (peer.presharedKeyFlags !== PEER_DEFAULT_FLAGS) w.doc.setRaw(g, 'preshared-key-flags', String(peer.presharedKeyFlags));
        if (peer.persistentKeepalive !== 0) w.doc.setRaw(g, 'persistent-keepalive', String(peer.persistentKeepalive));
        if (peer.allowedIps.length > 0) w.doc.setStringList(g, 'allowed-ips', peer.allowedIps);
        // A peer group cannot be empty: NetworkManager writes an empty endpoint then.
        if (!w.doc.hasGroup(g)) w.doc.setString(g, 'endpoint', '');
      });
    }
  },
};

/** [ethernet-s390-options]: one key per option, the group after [ethernet]. */
const s390Options: SpecialRow = {
  read(ctx, _group, def, values) {
    if (!ctx.doc.hasGroup(S390_OPTIONS_GROUP)) return;
    const options: Record<string, string> = {};
    for (const key of ctx.doc.keys(S390_OPTIONS_GROUP)) options[decodeKey(key)] = readString(ctx, S390_OPTIONS_GROUP, key);
    if (Object.keys(options).length > 0) values[def.name] = options;
  },
  write(w, group, value, def) {
    const options = value as Record<string, string>;
    if (Object.keys(options).length === 0) return;
    if (!w.doc.hasGroup(group)) w.doc.addGroup(group);
    for (const name of Object.keys(options).sort()) {
      w.set(def.setting, def.name, () => w.doc.setString(S390_OPTIONS_GROUP, encodeKey(name), options[name]!));
    }
  },
};

export const LINK_SPECIAL_PROPERTIES: Readonly<Record<string, SpecialRow>> = {
  'tc.qdiscs': tcRow('qdisc'),
  'tc.tfilters': tcRow('tfilter'),
  'sriov.vfs': sriovVfs,
  'ovs-port.trunks': escapedCommaList,
  'ovs-external-ids.data': prefixedData,
  'ovs-other-config.data': prefixedData,
  'wireguard.peers': wireguardPeers,
  '802-3-ethernet.s390-options': s390Options,
};
