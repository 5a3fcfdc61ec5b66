/**
 * The bridge kind's configure and configurePort slots: the VLANs of the
 * bridge itself (bridge.vlans) and of its ports (bridge-port.vlans). The
 * link options vlan_filtering and vlan_default_pvid are already on the
 * bridge (linkSpec, and reapply's option diff) by the time these run.
 */
import { NmkError, type KindConfigureContext, type PortConfigureContext } from '../../sdk/index.js';
import { applyVlans, defaultPvidOf, defaultPvidOfLink, describeVlans, filtering, sameVlans, vlansOf, withDefaultPvid } from './vlans.js';

/**
 * bridge.vlans on the bridge ("self"), only with VLAN filtering on, as
 * NetworkManager does. On reapply nothing is sent when the VLAN settings did
 * not change; turning filtering off turns it off on the link (linkSpec
 * leaves the option out then: a kernel without filtering refuses even "off").
 */
export async function configureBridge({ device, settings, previous, reapply, platform, logger }: KindConfigureContext): Promise<void> {
  const bridge = settings.bridge;
  if (!filtering(bridge)) {
    if (reapply && filtering(previous?.bridge)) {
      try {
        await platform.setLink(device.ifindex, { options: { kind: 'bridge', info: { vlan_filtering: false } } });
      } catch (err) {
        throw new NmkError('PLATFORM', `cannot turn VLAN filtering off on ${device.name}: ${err instanceof Error ? err.message : String(err)}`, { key: 'bridge.vlan-filtering' }, { cause: err });
      }
    }
    return;
  }
  const vlans = vlansOf(settings, 'bridge');
  if (reapply && previous && filtering(previous.bridge) && defaultPvidOf(previous.bridge) === defaultPvidOf(bridge) && sameVlans(vlansOf(previous, 'bridge'), vlans)) return;
  const wanted = withDefaultPvid(vlans, defaultPvidOf(bridge));
  await applyVlans(platform, device.ifindex, device.name, wanted, 'bridge.vlans');
  logger.info(`bridge VLANs of ${device.name}: ${describeVlans(wanted)}`, { device: device.name });
}

/**
 * bridge-port.vlans on a port, while its bridge filters VLANs (the kernel's
 * word, read fresh: the bridge's options may have changed a moment ago). A
 * port without VLANs keeps what the kernel gave it on attach (the default
 * PVID), as in NetworkManager; on reapply the port's VLANs become the new
 * list, with the bridge's default PVID merged in as the kernel would.
 */
export async function configurePort({ port, controller, settings, previous, reapply, platform, logger }: PortConfigureContext): Promise<void> {
  const vlans = vlansOf(settings, 'bridge-port');
  if (reapply ? previous !== undefined && sameVlans(vlansOf(previous, 'bridge-port'), vlans) : vlans.length === 0) return;
  const bridge = await platform.link(controller.ifindex);
  if (bridge?.info?.['vlan_filtering'] !== true) {
    if (vlans.length > 0) logger.info(`bridge-port.vlans of ${port.name} not applied: ${controller.name} does not filter VLANs (bridge.vlan-filtering)`, { device: port.name });
    return;
  }
  const wanted = withDefaultPvid(vlans, defaultPvidOfLink(bridge.info));
  await applyVlans(platform, port.ifindex, port.name, wanted, 'bridge-port.vlans');
  logger.info(`bridge VLANs of port ${port.name}: ${describeVlans(wanted)}`, { device: port.name });
}
