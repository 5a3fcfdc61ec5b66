/**
 * The DhcpIdentities the activation uses, from the host's identity (machine
 * id, boot id, NetworkManager's host id) and core/ip's NetworkManager-exact
 * rules: connection.stable-id, ipv4.dhcp-client-id, ipv4/ipv6.dhcp-iaid and
 * ipv6.dhcp-duid, each with the device's `[connection*]` default from the config.
 */
import { connectionDefaultsOf, deviceMatchOf, type ConfigView, type ConnectionSettings, type Family, type Logger } from '../../../sdk/index.js';
import type { Device } from '../../devices/device.js';
import { dhcpIaid, internalClientDefaultClientId, StableType, ipv4ClientId, ipv6Duid, resolveStableId, toHex, type HostKeys, type StableId } from '../../ip/dhcp-identity.js';
import type { HostIdentity } from '../../ip/host-identity.js';
import type { DhcpIdentities } from './auto-ip.js';

const STABLE_TYPES = { [StableType.Uuid]: 'uuid', [StableType.StableId]: 'stable-id', [StableType.Generated]: 'generated', [StableType.Random]: 'random' } as const;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function dhcpIdentities(host: HostIdentity, config: ConfigView, logger: Logger): DhcpIdentities {
  // hostId is read when first used: host-identity.ts hashes it then (an idle daemon never does).
  const keys: HostKeys = {
    machineId: host.machineId,
    get hostId() {
      return host.hostId;
    },
    hostIdTimestamp: host.hostIdTimestamp,
  };
  const defaults = connectionDefaultsOf(config);
  // The device the profile activates on picks the [connection*] sections that apply.
  const global = (key: string, d: Device) => str(defaults.get(key, deviceMatchOf(d)));
  const warn = (w: string | undefined) => w && logger.warn(w);
  // One stable id per activation (the applied settings object lives as long as it): ${RANDOM} must give the IAID and the DUID the same value.
  const stableIds = new WeakMap<ConnectionSettings, StableId>();
  const stable = (settings: ConnectionSettings, d: Device): StableId => {
    let id = stableIds.get(settings);
    if (!id) {
      id = resolveStableId({
        stableId: str(settings.connection?.['stable-id']) ?? global('connection.stable-id', d),
        uuid: String(settings.connection?.uuid ?? ''),
        ifname: d.name,
        // ${MAC} is the permanent address only, which nmk does not read (veths and most virtual links have none): NetworkManager leaves it empty then.
        permHwaddr: undefined,
        bootId: host.bootId,
      });
      stableIds.set(settings, id);
    }
    return id;
  };
  const iaidOf = (family: Family, settings: ConnectionSettings, d: Device) => {
    const r = dhcpIaid({
      iaid: str(settings[family === 4 ? 'ipv4' : 'ipv6']?.['dhcp-iaid']),
      globalDefault: global(`ipv${family}.dhcp-iaid`, d),
      ifname: d.name,
      hwaddr: d.link.mac || undefined,
      permHwaddr: d.link.mac || undefined,
      host: keys,
      stable: stable(settings, d),
      family,
    });
    warn(r.warning);
    return r;
  };
  const duidOf = (settings: ConnectionSettings, d: Device) => {
    const r = ipv6Duid({ duid: str(settings.ipv6?.['dhcp-duid']) ?? global('ipv6.dhcp-duid', d), hwaddr: d.link.mac || undefined, host: keys, stable: stable(settings, d) });
    warn(r.warning);
    return r;
  };
  return {
    stableId: (settings, d) => stable(settings, d).id,
    stableType: (settings, d) => STABLE_TYPES[stable(settings, d).type],
    iaid: (family, settings, d) => iaidOf(family, settings, d).iaid,
    duid: (settings, d) => toHex(duidOf(settings, d).duid),
    clientId4: (settings, d, client = 'internal') => {
      const r = ipv4ClientId({
        clientId: str(settings.ipv4?.['dhcp-client-id']),
        globalDefault: global('ipv4.dhcp-client-id', d),
        hwaddr: d.link.mac || undefined,
        permHwaddr: d.link.mac || undefined,
        host: keys,
        stable: stable(settings, d),
        iaid4: iaidOf(4, settings, d),
        iaid6: iaidOf(6, settings, d),
        duid6: duidOf(settings, d),
      });
      warn(r.warning);
      // Unset: NetworkManager's internal client sends "mac" (01 + the address); dhclient sends none (or what dhclient.conf says).
      const id = r.clientId ?? (client === 'internal' ? internalClientDefaultClientId(d.link.mac || undefined) : undefined);
      return id ? toHex(id) : undefined;
    },
    secretKey: () => host.hostId,
  };
}
