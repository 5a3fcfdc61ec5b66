/**
 * Which implementation carries a profile's vpn.service-type: a TypeScript
 * plugin (Tokens.VpnPlugin) or a classic service (.name file). When both
 * exist, `[vpn] prefer` decides: `sdk` (the default) or `classic`. A
 * service type is matched as a .name file's is: the full service name, or
 * the short name.
 */
import type { VpnPluginDefinition } from '../../sdk/index.js';
import { findPlugin, VPN_SERVICE_PREFIX, type VpnPluginInfo } from './plugin-info.js';

export const VPN_PREFER_CHOICES = ['sdk', 'classic'] as const;

export interface VpnPluginChoice {
  info: VpnPluginInfo;
  /** Set when a TypeScript plugin carries it. */
  sdk?: VpnPluginDefinition;
}

export function findSdkPlugin(defs: readonly VpnPluginDefinition[], serviceType: string): VpnPluginDefinition | undefined {
  return defs.find((d) => d.serviceType === serviceType) ?? defs.find((d) => d.name === serviceType || d.serviceType === VPN_SERVICE_PREFIX + serviceType);
}

/** The .name-file view of a TypeScript plugin (logs and the single-connection check read it). */
export function sdkPluginInfo(def: VpnPluginDefinition): VpnPluginInfo {
  return { name: def.name, service: def.serviceType, program: '', supportsMultiple: true, supportsHints: true, file: `TypeScript VPN plugin '${def.name}'` };
}

export function chooseVpnPlugin(classic: readonly VpnPluginInfo[], sdk: readonly VpnPluginDefinition[], serviceType: string, prefer: string | undefined): VpnPluginChoice | undefined {
  const c = findPlugin(classic, serviceType);
  const s = findSdkPlugin(sdk, serviceType);
  if (s && (!c || prefer !== 'classic')) return { info: sdkPluginInfo(s), sdk: s };
  return c ? { info: c } : undefined;
}
