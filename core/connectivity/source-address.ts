/**
 * The address a check for a device is sent from. NetworkManager binds curl to
 * the device (SO_BINDTODEVICE); Node cannot, so nmk binds to the device's own
 * address of the family: a global one when there is one, else (IPv6) the
 * link-local one with the interface as its scope. Tentative and failed (DAD)
 * addresses cannot be bound and come last.
 */
import type { DeviceView, Family, NetworkModel } from '../../sdk/index.js';

/** IFA_F_DADFAILED | IFA_F_TENTATIVE. */
const UNUSABLE = 0x08 | 0x40;
/** RT_SCOPE_LINK. */
const SCOPE_LINK = 253;

export function sourceAddress(model: NetworkModel, device: DeviceView, family: Family): string | undefined {
  const rank = (flags: number, scope: number) => ((flags & UNUSABLE) !== 0 ? 2 : 0) + (scope === SCOPE_LINK ? 1 : 0);
  const candidates = model
    .addresses(device.ifindex)
    .filter((a) => a.family === family)
    .sort((a, b) => rank(a.flags, a.scope) - rank(b.flags, b.scope));
  const a = candidates[0];
  if (!a) return undefined;
  return family === 6 && a.scope === SCOPE_LINK ? `${a.address}%${device.name}` : a.address;
}
