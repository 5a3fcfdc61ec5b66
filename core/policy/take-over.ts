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

export function matchesKernel(settings: ConnectionSettings, device: Device, model: NetworkModel): boolean {
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
    if (!ASSUMABLE[family].has(method)) return false;
    for (const a of (ip?.['address-data'] as IpAddress[] | undefined) ?? []) if (!present.has(`${a.address}/${a.prefix}`)) return false;
  }
  return true;
}
