/**
 * What the activation's automatic methods need, gathered at start-up: the
 * DHCP client `[main] dhcp=` names (NetworkManager's values: internal,
 * dhclient; the internal one when the named one is missing or does not
 * speak the family), the router discovery and sharing plugins, the host's
 * identity for DUIDs and stable addresses, the shared-address choosers and
 * the pool of prefixes delegated for IPv6 sharing.
 */
import { Tokens, type ConfigView, type DhcpClientFactory, type Family, type IpAddress, type Logger, type NetworkModel, type Paths } from '../../sdk/index.js';
import { resolveEvery, type DependencyContainer } from '../container.js';
import { requestPrefixes, type AutoIpServices } from '../activation/dynamic/auto-ip.js';
import { PrefixDelegation } from '../activation/dynamic/prefix-delegation.js';
import { dhcpIdentities } from '../activation/dynamic/identities.js';
import { chooseSharedIpv4, chooseSharedIpv6Ula, type AddressInUse } from '../activation/shared-address.js';
import { readHostIdentity } from '../ip/host-identity.js';

export async function autoIpServices(container: DependencyContainer, config: ConfigView, paths: Paths, model: NetworkModel, logger: Logger): Promise<AutoIpServices> {
  const host = await readHostIdentity(paths, { logger });
  const warned = new Set<string>();
  const inUse = function* (): Iterable<AddressInUse> {
    for (const link of model.links()) for (const a of model.addresses(link.ifindex)) yield { address: a.address, prefixlen: a.prefixlen, ifindex: a.ifindex };
  };
  const services: AutoIpServices = {
    dhcpClient(family: Family): DhcpClientFactory | undefined {
      const all = resolveEvery(container, Tokens.DhcpClient);
      const wanted = config.getString('main', 'dhcp', 'internal');
      const named = all.find((c) => c.name === wanted);
      if (named?.families.includes(family)) return named;
      const fallback = all.find((c) => c.name === 'internal' && c.families.includes(family)) ?? all.find((c) => c.families.includes(family));
      const why = named ? `'${wanted}' does not speak DHCPv${family}` : `no DHCP client plugin '${wanted}' is loaded ([main] dhcp=${wanted})`;
      if (fallback && !warned.has(`${wanted}/${family}`)) {
        warned.add(`${wanted}/${family}`);
        (named ? logger.info : logger.warn).call(logger, `${why}; using '${fallback.name}' for DHCPv${family}`);
      }
      return fallback;
    },
    ndisc: () => resolveEvery(container, Tokens.Ndisc)[0],
    sharing: () => resolveEvery(container, Tokens.Sharing)[0],
    identities: dhcpIdentities(host, config, logger),
    config,
    stateDir: paths.stateDir,
    sharedAddress4: (ac) => {
      const own = (ac.applied.ipv4?.['address-data'] as IpAddress[] | undefined)?.[0];
      return chooseSharedIpv4({ ...(own ? { profileAddress: { address: own.address, prefixlen: own.prefix } } : {}), inUse: inUse(), ifindex: ac.device.ifindex });
    },
    sharedPrefix6: (ac) => chooseSharedIpv6Ula({ machineId: host.machineIdText ?? '', ifname: ac.device.name, inUse: inUse(), ifindex: ac.device.ifindex }),
  };
  services.delegation = new PrefixDelegation({ logger, requestPrefixes: (upstream, dyn) => requestPrefixes(upstream, dyn, services, logger) });
  return services;
}
