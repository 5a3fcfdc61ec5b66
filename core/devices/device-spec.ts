/**
 * NetworkManager's device specs ("interface-name:eth*, mac:00:11:22:33:44:55,
 * type:bond, except:interface-name:eth0, *"), used by [keyfile]
 * unmanaged-devices, [main] no-auto-default and ignore-carrier, and the
 * match-device of [device*] and [connection*] sections; matched as
 * nm_match_spec_device (nm-core-utils.c) matches them:
 * - a device matches when some entry matches and no except: entry does; a
 *   list of only except: entries matches every device they do not name;
 * - tags ("mac:", "except:"...) are read without regard to case;
 * - mac: compares with the device's permanent hardware address only: a link
 *   without one (a veth, a bridge) never matches a mac: entry;
 * - an entry without a tag matches a device whose permanent address it spells
 *   or whose interface name it is, exactly (no glob); after except: it
 *   matches nothing.
 * The entries come already split (core/config/spec-list.ts).
 */
export interface SpecSubject {
  name: string;
  /** The link's current address. mac: specs use it only when the caller leaves permMac out. */
  mac: string;
  /**
   * The permanent hardware address mac: specs match (nm_device_spec_match_list
   * passes NetworkManager's permanent address, never a "fake" one); '' when
   * the link has none (sdk permanentMacOf). Callers that leave it out (the
   * device manager until it passes it) are matched by their current address.
   */
  permMac?: string;
  /** NetworkManager's type description ("ethernet" for a veth too): nmTypeDescription(). */
  type: string;
  driver?: string;
  driverVersion?: string;
  /** The DHCP client in use ("internal", "dhclient"), for dhcp-plugin:. */
  dhcpPlugin?: string;
}

/** NMMatchSpecMatchType: an except: entry that matches is a negative match, which callers read as "no". */
export type SpecResult = 'match' | 'no-match' | 'neg-match';

type Matcher = (d: SpecSubject) => boolean;

/** g_pattern_match_simple: '*' any run of characters, '?' one, nothing else special. */
function glob(pattern: string): RegExp {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'su');
}

/** _NM_UTILS_HWADDR_LEN_MAX (INFINIBAND_ALEN). */
const HWADDR_LEN_MAX = 20;
const INFINIBAND_ALEN = 20;

/**
 * _nm_utils_hwaddr_aton: one- or two-digit hex octets separated by ':' or by
 * '-' (one of them, throughout), up to 20 octets; undefined when it is not one.
 */
export function parseHwaddr(text: string): number[] | undefined {
  const hex = (c: string | undefined): number => (c !== undefined && /^[0-9a-f]$/i.test(c) ? Number.parseInt(c, 16) : -1);
  const out: number[] = [];
  let delimiter: string | undefined;
  let i = 0;
  for (;;) {
    const hi = hex(text[i]);
    if (hi < 0) return undefined;
    const lo = hex(text[i + 1]);
    out.push(lo < 0 ? hi : hi * 16 + lo);
    i += lo < 0 ? 1 : 2;
    if (i === text.length) return out;
    if (out.length === HWADDR_LEN_MAX) return undefined;
    const c = text[i];
    if (delimiter === undefined && (c === ':' || c === '-')) delimiter = c;
    if (c !== delimiter) return undefined;
    i++;
  }
}

/** nm_utils_hwaddr_matches: same length and bytes; an InfiniBand address by its last 8 bytes. */
function sameHwaddr(a: number[], b: number[]): boolean {
  if (a.length !== b.length || a.length === 0) return false;
  const from = a.length === INFINIBAND_ALEN ? INFINIBAND_ALEN - 8 : 0;
  for (let i = from; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The address mac: entries compare with, parsed; undefined when there is none. */
function permanentOf(d: SpecSubject): number[] | undefined {
  const text = d.permMac ?? d.mac;
  return text ? parseHwaddr(text) : undefined;
}

function hwaddrMatcher(text: string): Matcher {
  const want = parseHwaddr(text);
  if (!want) return () => false;
  return (d) => {
    const have = permanentOf(d);
    return have !== undefined && sameHwaddr(want, have);
  };
}

function nameMatcher(v: string): Matcher {
  // "=" forces an exact name, "~" a glob (the default).
  if (v.startsWith('=')) return (d) => d.name === v.slice(1);
  const re = glob(v.startsWith('~') ? v.slice(1) : v);
  return (d) => re.test(d.name);
}

/** "DRIVER" is the driver exactly; "DRIVER/VERSION" a driver name that starts with DRIVER (NM's strncmp) and a version glob. */
function driverMatcher(v: string): Matcher {
  const slash = v.lastIndexOf('/');
  if (slash < 0) return (d) => !!d.driver && d.driver === v;
  const driver = v.slice(0, slash);
  const version = glob(v.slice(slash + 1));
  return (d) => !!d.driver && d.driver.startsWith(driver) && version.test(d.driverVersion || '');
}

/** One row per tag, in NetworkManager's order: how its value becomes a matcher. */
const TAGS: ReadonlyArray<[string, (v: string) => Matcher]> = [
  ['type:', (v) => (d) => d.type !== '' && d.type === v],
  ['mac:', hwaddrMatcher],
  ['interface-name:', nameMatcher],
  ['driver:', driverMatcher],
  // nmk knows no s390 channel subsystem; NetworkManager matches nothing without one either.
  ['s390-subchannels:', () => () => false],
  ['dhcp-plugin:', (v) => (d) => !!d.dhcpPlugin && d.dhcpPlugin === v],
];

const EXCEPT = 'except:';

/** Whether `text` starts with `tag`, in any case (g_ascii_strncasecmp). */
const hasTag = (text: string, tag: string): boolean => text.length >= tag.length && text.slice(0, tag.length).toLowerCase() === tag;

/** match_device_eval: the entry without its except:, and whether it may be read without a tag (only outside except:). */
function compile(entry: string, untagged: boolean): Matcher {
  if (entry === '*') return () => true;
  for (const [tag, make] of TAGS) if (hasTag(entry, tag)) return make(entry.slice(tag.length));
  if (!untagged) return () => false;
  const byAddress = hwaddrMatcher(entry);
  return (d) => byAddress(d) || d.name === entry;
}

export class DeviceSpec {
  private positive: Matcher[] = [];
  private negative: Matcher[] = [];

  constructor(readonly entries: readonly string[]) {
    for (const e of entries) {
      if (!e) continue;
      if (hasTag(e, EXCEPT)) this.negative.push(compile(e.slice(EXCEPT.length), false));
      else this.positive.push(compile(e, true));
    }
  }

  get empty(): boolean {
    return this.positive.length === 0 && this.negative.length === 0;
  }

  /** nm_match_spec_device's three answers. */
  evaluate(d: SpecSubject): SpecResult {
    if (this.negative.some((m) => m(d))) return 'neg-match';
    // Only except: entries, none of which matched: every other device matches.
    if (this.positive.length === 0) return this.negative.length > 0 ? 'match' : 'no-match';
    return this.positive.some((m) => m(d)) ? 'match' : 'no-match';
  }

  matches(d: SpecSubject): boolean {
    return this.evaluate(d) === 'match';
  }
}
