import { describe, expect, it } from 'vitest';
import { bondKind, bondLinkOptions } from './index.js';

describe('bond link options', () => {
  it("keep the profile's options and give every other option its mode supports its default", () => {
    const info = bondLinkOptions({ mode: '802.3ad', miimon: '250', lacp_rate: 'fast' });
    expect(info).toMatchObject({ mode: '802.3ad', miimon: '250', lacp_rate: 'fast', updelay: '0', fail_over_mac: 'none', xmit_hash_policy: 'layer2', ad_select: 'stable' });
    // Not supported in 802.3ad (the kernel would refuse them), or naming ports and addresses.
    for (const k of ['arp_interval', 'arp_validate', 'packets_per_slave', 'tlb_dynamic_lb', 'primary', 'active_slave', 'arp_ip_target', 'balance-slb']) expect(info).not.toHaveProperty(k);
  });

  it('leave miimon out of an ARP-monitored bond and num_grat_arp out when num_unsol_na names the same value', () => {
    expect(bondLinkOptions({ mode: 'active-backup', arp_interval: '100', arp_ip_target: '192.0.2.1' })).not.toHaveProperty('miimon');
    expect(bondLinkOptions({ mode: 'active-backup', num_unsol_na: '3' })).not.toHaveProperty('num_grat_arp');
    expect(bondLinkOptions({})).toMatchObject({ miimon: '100', packets_per_slave: '1' });
  });

  it('linkSpec names the bond and carries primary for the activation to set once the port is attached', () => {
    const spec = bondKind.linkSpec!({ connection: { id: 'b', type: 'bond', 'interface-name': 'bond0' }, bond: { options: { mode: 'active-backup', primary: 'eth1' } } } as any, { linkByName: () => undefined, interfaceOfProfile: () => undefined });
    expect(spec).toMatchObject({ name: 'bond0', kind: 'bond', info: { mode: 'active-backup', primary: 'eth1', miimon: '100' } });
    expect(bondKind.afterPorts).toContain('primary');
  });
});
