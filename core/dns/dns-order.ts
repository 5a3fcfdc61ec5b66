/**
 * The order NetworkManager 1.42 puts DNS configs in (nm-dns-manager.c,
 * _mgr_get_ip_data_lst_cmp): lower dns-priority first; at equal priority VPNs,
 * then the connection with the best default route, then the others; at equal
 * priority and kind, the config that changed least recently first (NM appends
 * a changed config at the tail of a stable-sorted list).
 */
import type { DnsConfig } from '../../sdk/index.js';

/** A config as the manager holds it: `seq` grows each time the config's content changes. */
export interface HeldConfig {
  config: DnsConfig;
  seq: number;
}

/** NetworkManager's NMDnsIPConfigType: VPN 2, best device 1, default 0 (sorted descending). */
function kindRank(c: DnsConfig): number {
  return c.isVpn ? 2 : c.isDefault ? 1 : 0;
}

/** dns-priority 0 means "the default": 50 for a VPN, 100 otherwise (nm-device.c). */
export function effectivePriority(c: DnsConfig): number {
  return c.priority !== 0 ? c.priority : c.isVpn ? 50 : 100;
}

export function sortConfigs(held: Iterable<HeldConfig>): DnsConfig[] {
  return [...held]
    .sort((a, b) => effectivePriority(a.config) - effectivePriority(b.config) || kindRank(b.config) - kindRank(a.config) || a.seq - b.seq)
    .map((h) => (h.config.priority === 0 ? { ...h.config, priority: effectivePriority(h.config) } : h.config));
}

/**
 * Which sorted configs feed resolv.conf: all of them, unless the first has a
 * negative priority; then only those with exactly that priority
 * (_collect_resolv_conf_data: "first_prio < 0 && first_prio != dns_priority" skips).
 */
export function resolvConfConfigs(sorted: readonly DnsConfig[]): DnsConfig[] {
  const first = sorted[0]?.priority ?? 0;
  return first < 0 ? sorted.filter((c) => c.priority === first) : [...sorted];
}
