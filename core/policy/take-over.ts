/**
 * Whether a link already carries what a profile describes, so that nmk can
 * assume the profile without touching the kernel (NetworkManager's "assume
 * matching connection"): a port attached to its controller, every static
 * address present, IP methods nmk can hold without a client running. Extra
 * addresses another tool added do not stop the match; they are left alone.
 */
import type { ConnectionSettings, IpAddress, NetworkModel } from '../../sdk/index.js';
import type { Device } from '../devices/device.js';

/** IP methods a link can be assumed with: nothing to keep running for them. */
const ASSUMABLE: Record<'ipv4' | 'ipv6', ReadonlySet<string>> = {
  ipv4: new Set(['manual', 'disabled']),
  ipv6: new Set(['manual', 'disabled', 'ignore', 'link-local']),
};
/**
 * After a restart nmk knows which profile it had applied (the run-directory
 * state): a profile with automatic methods is re-adopted too, and its DHCP
 * client, router discovery or sharing start again over the addresses the
 * link still has (a DHCP client asks for the same lease), as NetworkManager
 * does. Without that record such a link is only described ("externally").
 */
const READOPTABLE: Record<'ipv4' | 'ipv6', ReadonlySet<string>> = {
  ipv4: new Set([...ASSUMABLE.ipv4, 'auto', 'shared']),
  ipv6: new Set([...ASSUMABLE.ipv6, 'auto', 'dhcp', 'shared']),
};

export function matchesKernel(settings: ConnectionSettings, device: Device, model: NetworkModel, remembered = false): boolean {
  const c = settings.connection ?? {};
  const master = typeof c.master === 'string' ? c.master : '';
  if (master) {
    const controller = device.link.master ? model.link(device.link.master) : undefined;
    // A UUID reference is resolved by the caller's activation; here the link must at least have a controller.
    return controller !== undefined && (controller.name === master || /^[0-9a-f-]{36}$/i.test(master));
  }
  const present = new Set(model.addresses(device.ifindex).map((a) => `${a.address}/${a.prefixlen}`));
  for (const family of ['ipv4', 'ipv6'] as const) {
    const ip = settings[family];
    const method = typeof ip?.method === 'string' ? ip.method : 'auto';
    if (!(remembered ? READOPTABLE : ASSUMABLE)[family].has(method)) return false;
    for (const a of (ip?.['address-data'] as IpAddress[] | undefined) ?? []) if (!present.has(`${a.address}/${a.prefix}`)) return false;
  }
  return true;
}
