/**
 * Canary for the VM itself, independent of nmk's code: the guest kernel loads
 * bonding, 8021q and dummy, and iproute2 makes a bond with a VLAN on it. When
 * bond-vlan fails and this passes, the fault is in nmk, not in the VM.
 */
import { readFileSync } from 'node:fs';
import { ipJson, scenario, sh, step } from '../scenario-kit.js';

await scenario(async () => {
  for (const m of ['bonding', '8021q', 'dummy']) {
    step(`modprobe ${m}`);
    sh('modprobe', [m]);
  }
  step('ip link add');
  sh('ip', ['link', 'add', 'kbond0', 'type', 'bond', 'mode', '802.3ad', 'miimon', '100']);
  sh('ip', ['link', 'add', 'kdummy0', 'type', 'dummy']);
  sh('ip', ['link', 'set', 'kdummy0', 'master', 'kbond0']);
  sh('ip', ['link', 'add', 'link', 'kbond0', 'name', 'kbond0.7', 'type', 'vlan', 'id', '7']);
  return {
    uname: sh('uname', ['-r']).trim(),
    mode: readFileSync('/sys/class/net/kbond0/bonding/mode', 'utf8').trim(),
    slaves: readFileSync('/sys/class/net/kbond0/bonding/slaves', 'utf8').trim(),
    vlan: ipJson(['link', 'show', 'kbond0.7'])[0]?.linkinfo?.info_data,
  };
});
