/**
 * The profiles of the nmk-daemon kernel scenario (scenarios/nmk-daemon.ts),
 * as files under the daemon's state root:
 * - take-over: keyfiles describing exactly what `ip` built before the start
 *   (bond7: 802.3ad, miimon 100, ports dummy70/dummy71; bond7.20 on it, a
 *   port of bridge br7, which has 192.0.2.7/24);
 * - activation: keyfiles for bond0 (active-backup, primary dummy1), its two
 *   dummy ports and VLAN bond0.10, none autoconnecting (nmcli brings them up);
 * - ifcfg: bond3 from BONDING_OPTS with veth ports p1/p2, and dummy9
 *   NM_CONTROLLED=no next to a keyfile that would autoconnect on it.
 */

export const SCRIPTS = 'etc/sysconfig/network-scripts';

export const BOND3_OPTS = 'mode=active-backup miimon=100 updelay=200 downdelay=300 primary=p2 primary_reselect=better fail_over_mac=active num_grat_arp=3 resend_igmp=2 all_slaves_active=1';

/** Links `ip` makes before the start, and links nmk makes; the scenario deletes all of them on the way out. */
export const TAKE_OVER_LINKS = ['br7', 'bond7.20', 'bond7', 'dummy70', 'dummy71'];
export const ALL_LINKS = [...TAKE_OVER_LINKS, 'br5', 'bond0.10', 'bond0', 'dummy0', 'dummy1', 'bond3', 'p1', 'p2', 'dummy9'];

let n = 0;
function keyfile(id: string, body: string): [string, string] {
  n++;
  return [`etc/nmk/system-connections/${id}.nmconnection`, `[connection]\nid=${id}\nuuid=7d1e0000-0000-4000-8000-${String(n).padStart(12, '0')}\n${body}`];
}

const NO_IP = '\n[ipv4]\nmethod=disabled\n\n[ipv6]\nmethod=ignore\n';

export const FILES: Record<string, string> = Object.fromEntries([
  ['etc/nmk/nmk.conf', '[main]\nplugins=ifcfg-rh\n'],
  // take-over
  keyfile('bond7', `type=bond\ninterface-name=bond7\n\n[bond]\nmode=802.3ad\nmiimon=100\n${NO_IP}`),
  keyfile('bond7-p0', 'type=dummy\ninterface-name=dummy70\nmaster=bond7\nslave-type=bond\n'),
  keyfile('bond7-p1', 'type=dummy\ninterface-name=dummy71\nmaster=bond7\nslave-type=bond\n'),
  keyfile('bond7.20', 'type=vlan\ninterface-name=bond7.20\nmaster=br7\nslave-type=bridge\n\n[vlan]\nid=20\nparent=bond7\n'),
  keyfile('br7', 'type=bridge\ninterface-name=br7\n\n[bridge]\nstp=false\nforward-delay=2\n\n[ipv4]\nmethod=manual\naddress1=192.0.2.7/24\n\n[ipv6]\nmethod=ignore\n'),
  // activation through nmcli
  keyfile('bond0', 'type=bond\ninterface-name=bond0\nautoconnect=false\n\n[bond]\nmode=active-backup\nmiimon=100\nupdelay=200\nprimary=dummy1\n\n[ipv4]\nmethod=manual\naddress1=198.51.100.1/24\n\n[ipv6]\nmethod=ignore\n'),
  keyfile('bond0-port0', 'type=dummy\ninterface-name=dummy0\nmaster=bond0\nslave-type=bond\nautoconnect=false\n'),
  keyfile('bond0-port1', 'type=dummy\ninterface-name=dummy1\nmaster=bond0\nslave-type=bond\nautoconnect=false\n'),
  keyfile('bond0.10', 'type=vlan\ninterface-name=bond0.10\nautoconnect=false\n\n[vlan]\nid=10\nparent=bond0\n\n[ipv4]\nmethod=manual\naddress1=203.0.113.1/24\n\n[ipv6]\nmethod=ignore\n'),
  // ifcfg
  [`${SCRIPTS}/ifcfg-bond3`, `DEVICE=bond3\nNAME=bond3\nTYPE=Bond\nBONDING_MASTER=yes\nBONDING_OPTS="${BOND3_OPTS}"\nONBOOT=yes\nBOOTPROTO=none\nIPADDR=192.0.2.33\nPREFIX=24\nIPV6INIT=no\n`],
  [`${SCRIPTS}/ifcfg-p1`, 'DEVICE=p1\nNAME=bond3-p1\nTYPE=Ethernet\nMASTER=bond3\nSLAVE=yes\nONBOOT=yes\n'],
  [`${SCRIPTS}/ifcfg-p2`, 'DEVICE=p2\nNAME=bond3-p2\nTYPE=Ethernet\nMASTER=bond3\nSLAVE=yes\nONBOOT=yes\n'],
  [`${SCRIPTS}/ifcfg-dummy9`, 'DEVICE=dummy9\nNM_CONTROLLED=no\n'],
  keyfile('dummy9-tempting', 'type=dummy\ninterface-name=dummy9\n\n[ipv4]\nmethod=manual\naddress1=198.18.9.9/24\n\n[ipv6]\nmethod=ignore\n'),
]);

/** What `nmcli connection show --active` lists once the take-over and the ifcfg bond are up. */
export const ACTIVE_AT_START = [
  ['bond3', 'bond3', 'activated'],
  ['bond3-p1', 'p1', 'activated'],
  ['bond3-p2', 'p2', 'activated'],
  ['bond7', 'bond7', 'activated'],
  ['bond7-p0', 'dummy70', 'activated'],
  ['bond7-p1', 'dummy71', 'activated'],
  ['bond7.20', 'bond7.20', 'activated'],
  ['br7', 'br7', 'activated'],
];
