import type { ConfigView, Paths } from './config.js';
import type { ConnectionDefaults } from './connection-defaults.js';
import type { DeviceKind, DeviceView } from './device.js';
import type { DhcpClientFactory } from './dhcp.js';
import type { DnsBackendFactory } from './dns.js';
import type { Ndisc } from './ndisc.js';
import type { PacketIo } from './packet.js';
import type { SharingProvider } from './sharing.js';
import type { VpnPluginDefinition } from './vpn.js';
import type { EventBus } from './events.js';
import type { Logger } from './logger.js';
import type { NetworkModel } from './model.js';
import type { Platform } from './platform.js';
import type { SettingsSource } from './settings/source.js';
import { token } from './token.js';

/** Time, injectable so tests can control it. */
export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
}

/** Read access to the devices core manages. */
export interface DeviceRegistry {
  all(): Iterable<DeviceView>;
  byIfindex(ifindex: number): DeviceView | undefined;
  byName(name: string): DeviceView | undefined;
}

/**
 * Every service token, read top to bottom. `core.*` are provided by core;
 * `contrib.*` are contracts that plugins implement and core resolves.
 */
export const Tokens = {
  /** Structured logger (each plugin gets its own child). */
  Logger: token<Logger>('core.logger'),
  /** The typed event bus. */
  Events: token<EventBus>('core.events'),
  /** The merged configuration. */
  Config: token<ConfigView>('core.config'),
  /** `[connection*]` property defaults for a profile on a given device, in NetworkManager's section order. */
  ConnectionDefaults: token<ConnectionDefaults>('core.connection-defaults'),
  /** Every path nmk reads or writes, under one root. */
  Paths: token<Paths>('core.paths'),
  Clock: token<Clock>('core.clock'),
  /** The live model of links, addresses and routes. */
  Model: token<NetworkModel>('core.model'),
  /** The devices core manages. */
  Devices: token<DeviceRegistry>('core.devices'),

  /** Exactly one: how nmk talks to the kernel. */
  Platform: token<Platform>('contrib.platform'),
  /** Any number: device kinds (bridge, veth, ethernet...). */
  DeviceKind: token<DeviceKind>('contrib.device-kind'),
  /** Any number: settings plugins (keyfile, ifcfg-rh, ifupdown, ifnet), in [main] plugins order. */
  SettingsSource: token<SettingsSource>('contrib.settings-source'),
  /** At most one, from the platform plugin: link-level packet channels (DHCPv4, ARP, ICMPv6 ND). */
  PacketIo: token<PacketIo>('contrib.packet-io'),
  /** Any number: DHCP clients; `[main] dhcp=` picks one by name (default "internal"). */
  DhcpClient: token<DhcpClientFactory>('contrib.dhcp-client'),
  /** At most one: IPv6 router discovery and SLAAC for hosts. */
  Ndisc: token<Ndisc>('contrib.ndisc'),
  /** Any number: DNS backends; `[main] dns=` picks one by name. */
  DnsBackend: token<DnsBackendFactory>('contrib.dns-backend'),
  /** At most one: serves clients of shared connections (DHCP, DNS, RA, NAT). */
  Sharing: token<SharingProvider>('contrib.sharing'),
  /** Any number: VPN types written against sdk/vpn.ts, one per vpn.service-type ([vpn] prefer picks them or classic services). */
  VpnPlugin: token<VpnPluginDefinition>('contrib.vpn-plugin'),
} as const;
