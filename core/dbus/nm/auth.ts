/**
 * Authorization of mutating calls by the caller's uid. Without polkit, nmk
 * allows root and refuses everyone else, naming the action refused.
 */
import { DBusError } from '../errors.js';
import type { Caller } from '../caller.js';

export const PERMISSION_DENIED = 'org.freedesktop.NetworkManager.PermissionDenied';

/** NetworkManager's permission names, as GetPermissions lists them. */
export const PERMISSIONS = [
  'org.freedesktop.NetworkManager.checkpoint-rollback',
  'org.freedesktop.NetworkManager.enable-disable-connectivity-check',
  'org.freedesktop.NetworkManager.enable-disable-network',
  'org.freedesktop.NetworkManager.enable-disable-statistics',
  'org.freedesktop.NetworkManager.enable-disable-wifi',
  'org.freedesktop.NetworkManager.enable-disable-wimax',
  'org.freedesktop.NetworkManager.enable-disable-wwan',
  'org.freedesktop.NetworkManager.network-control',
  'org.freedesktop.NetworkManager.reload',
  'org.freedesktop.NetworkManager.settings.modify.global-dns',
  'org.freedesktop.NetworkManager.settings.modify.hostname',
  'org.freedesktop.NetworkManager.settings.modify.own',
  'org.freedesktop.NetworkManager.settings.modify.system',
  'org.freedesktop.NetworkManager.sleep-wake',
  'org.freedesktop.NetworkManager.wifi.scan',
  'org.freedesktop.NetworkManager.wifi.share.open',
  'org.freedesktop.NetworkManager.wifi.share.protected',
] as const;

export function isPrivileged(caller: Caller): boolean {
  return caller.uid === 0;
}

export function requirePrivileged(caller: Caller, action: string): void {
  if (!isPrivileged(caller)) {
    throw new DBusError(PERMISSION_DENIED, `not authorized to ${action} (uid ${caller.uid}; only root may)`);
  }
}

export function permissionsFor(caller: Caller): Record<string, string> {
  const answer = isPrivileged(caller) ? 'yes' : 'no';
  return Object.fromEntries(PERMISSIONS.map((p) => [p, answer]));
}
