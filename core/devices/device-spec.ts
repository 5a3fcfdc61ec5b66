/**
 * NetworkManager's device specs ("interface-name:eth*, mac:00:11:22:33:44:55,
 * type:bond, except:interface-name:eth0, *"), used by [keyfile]
 * unmanaged-devices and [device*] match-device. A device matches when some
 * positive entry matches and no except: entry does; a list of only except:
 * entries matches every device they do not name.
 */
export interface SpecSubject {
  name: string;
  mac: string;
  /** nmk kind name ("bridge", "ethernet") — NetworkManager's type names. */
  type: string;
  driver?: string;
}

type Matcher = (d: SpecSubject) => boolean;

const MAC_RE = /^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i;

/** Shell-style glob (* and ?) to a RegExp, anchored. */
function glob(pattern: string): RegExp {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`);
}

function nameMatcher(v: string): Matcher {
  // "=" forces an exact name, "~" a glob (the default), as NetworkManager does.
  if (v.startsWith('=')) return (d) => d.name === v.slice(1);
  const re = glob(v.startsWith('~') ? v.slice(1) : v);
  return (d) => re.test(d.name);
}

const normMac = (m: string) => m.toLowerCase().replace(/-/g, ':');

/** One row per prefix: how its value becomes a matcher. */
const PREFIXES: ReadonlyArray<[string, (v: string) => Matcher]> = [
  ['interface-name:', nameMatcher],
  ['mac:', (v) => (d) => normMac(d.mac) === normMac(v)],
  ['type:', (v) => (d) => d.type === v],
  ['driver:', (v) => { const re = glob(v); return (d) => d.driver !== undefined && re.test(d.driver); }],
];

function compile(entry: string): Matcher | undefined {
  if (entry === '*') return () => true;
  for (const [p, make] of PREFIXES) if (entry.startsWith(p)) return make(entry.slice(p.length));
  if (MAC_RE.test(entry)) return (d) => normMac(d.mac) === normMac(entry);
  // NetworkManager ignores an unprefixed entry that is not a MAC; nmk reads it as an interface name, which is what people mean.
  return nameMatcher(entry);
}

export class DeviceSpec {
  private positive: Matcher[] = [];
  private negative: Matcher[] = [];

  constructor(readonly entries: readonly string[]) {
    for (const e of entries) {
      if (e.startsWith('except:')) {
        const m = compile(e.slice('except:'.length));
        if (m) this.negative.push(m);
      } else {
        const m = compile(e);
        if (m) this.positive.push(m);
      }
    }
  }

  get empty(): boolean {
    return this.positive.length === 0 && this.negative.length === 0;
  }

  matches(d: SpecSubject): boolean {
    if (this.negative.some((m) => m(d))) return false;
    if (this.positive.length === 0) return this.negative.length > 0;
    return this.positive.some((m) => m(d));
  }
}
