/**
 * Wake-on-LAN in the fake platform. A physical NIC (kind "") has a driver
 * with Wake-on-LAN that supports every mode but 'filter' (most real
 * drivers support fewer); every other kind (veth, bridge...) has none and
 * answers EOPNOTSUPP, as Linux does. Modes start off. Kept by ifindex,
 * which the fake kernel never reuses.
 */
import { Errno, WAKE_ON_LAN_MODES, type Link, type WakeOnLan, type WakeOnLanMode } from '../../sdk/index.js';
import { fail } from './fake-values.js';

const SUPPORTED: readonly WakeOnLanMode[] = WAKE_ON_LAN_MODES.filter((m) => m !== 'filter');
const MAC = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;

export class FakeWol {
  private readonly state = new Map<number, WakeOnLan>();

  get(link: Link | undefined, op: string): WakeOnLan {
    const wol = this.entry(link, op);
    return { modes: [...wol.modes], supported: [...wol.supported], ...(wol.password === undefined ? {} : { password: wol.password }) };
  }

  set(link: Link | undefined, modes: readonly WakeOnLanMode[], password: string | undefined, op: string): void {
    const wol = this.entry(link, op);
    for (const m of modes) {
      if (!(WAKE_ON_LAN_MODES as readonly string[]).includes(m)) throw fail(Errno.EINVAL, op, `'${String(m)}' is not a Wake-on-LAN mode`);
      if (!wol.supported.includes(m)) throw fail(Errno.EINVAL, op, `cannot enable unsupported WoL mode ${m}`);
    }
    if (password !== undefined && !MAC.test(password)) throw fail(Errno.EINVAL, op, `bad SecureOn password`);
    wol.modes = WAKE_ON_LAN_MODES.filter((m) => modes.includes(m));
    if (password !== undefined) wol.password = password.toLowerCase();
  }

  private entry(link: Link | undefined, op: string): WakeOnLan {
    if (!link) throw fail(Errno.ENODEV, op);
    if (link.kind !== '') throw fail(Errno.EOPNOTSUPP, op);
    let wol = this.state.get(link.ifindex);
    if (!wol) this.state.set(link.ifindex, (wol = { modes: [], supported: [...SUPPORTED], password: '00:00:00:00:00:00' }));
    return wol;
  }
}
