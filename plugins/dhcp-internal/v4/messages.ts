/**
 * The messages the client sends, with options in the order n-dhcp4 writes
 * them: message type first (some servers read it at a fixed place), client
 * identifier, parameter request list and maximum size (DISCOVER/REQUEST),
 * the per-message addresses, then the profile's options (FQDN or host name,
 * vendor class).
 */
import { BOOTREQUEST, encodeMessage, type Dhcp4Message } from './codec.js';
import { encodeDnsName } from './dns-names.js';
import { ip4ToBytes } from './ip4.js';
import { MessageType, MIN_IP_DATAGRAM, Opt, PARAMETER_REQUEST_LIST } from './options.js';

/** Which client message; the state it is sent from decides its fields (RFC 2131 table 5). */
export type ClientMessageKind = 'discover' | 'select' | 'reboot' | 'renew' | 'rebind' | 'decline' | 'release';

/** RFC 4702 flags NetworkManager sends for IPv4 by default: S (server updates A) and E (canonical wire format). */
export const FQDN_FLAGS = 0x01 | 0x04;

export interface ClientIdentity {
  mac: Uint8Array;
  clientId?: Uint8Array;
  /** The option 81 or option 12 bytes, ready to append (see profileOptions). */
  extra: [number, Uint8Array][];
}

export interface MessageFields {
  xid: number;
  secs: number;
  /** Our address, for RENEW, REBIND and RELEASE. */
  ciaddr?: string;
  /** Option 50. */
  requestedIp?: string;
  /** Option 54. */
  serverId?: string;
  /** Option 56, for DECLINE. */
  errorMessage?: string;
}

const MESSAGE_TYPE_OF: Record<ClientMessageKind, number> = {
  discover: MessageType.DISCOVER,
  select: MessageType.REQUEST,
  reboot: MessageType.REQUEST,
  renew: MessageType.REQUEST,
  rebind: MessageType.REQUEST,
  decline: MessageType.DECLINE,
  release: MessageType.RELEASE,
};

/**
 * Maximum message size (57) as n-dhcp4 announces it: the IPv4 minimum while
 * replies may come to a packet socket (no reassembly), 65535 once the
 * kernel's UDP stack receives them (RENEW, REBIND).
 */
const MAX_SIZE_OF: Partial<Record<ClientMessageKind, number>> = {
  discover: MIN_IP_DATAGRAM,
  select: MIN_IP_DATAGRAM,
  reboot: MIN_IP_DATAGRAM,
  renew: 0xffff,
  rebind: 0xffff,
};

/** Which kinds carry the profile's options (DECLINE and RELEASE do not, as in n-dhcp4). */
const CARRIES_PROFILE_OPTIONS = new Set<ClientMessageKind>(['discover', 'select', 'reboot', 'renew', 'rebind']);

/**
 * The profile's own options: option 81 (flags, two zero RCODEs, the name in
 * wire format) when an FQDN is asked for, else option 12; then option 60.
 * Throws naming the value when a name cannot be encoded.
 */
export function profileOptions(p: { hostname?: string; fqdn?: string; vendorClass?: string }): [number, Uint8Array][] {
  const out: [number, Uint8Array][] = [];
  if (p.fqdn) {
    const wire = encodeDnsName(p.fqdn);
    if (!wire) throw new Error(`cannot send DHCP FQDN "${p.fqdn}": not a valid DNS name`);
    out.push([Opt.CLIENT_FQDN, Uint8Array.from([FQDN_FLAGS, 0, 0, ...wire])]);
  } else if (p.hostname) {
    const bytes = Buffer.from(p.hostname, 'utf8');
    if (bytes.length > 255) throw new Error(`cannot send DHCP hostname "${p.hostname}": longer than 255 bytes`);
    out.push([Opt.HOST_NAME, bytes]);
  }
  if (p.vendorClass) out.push([Opt.VENDOR_CLASS, Buffer.from(p.vendorClass, 'utf8')]);
  return out;
}

export function buildClientMessage(kind: ClientMessageKind, id: ClientIdentity, f: MessageFields): Uint8Array {
  const options = new Map<number, Uint8Array>();
  options.set(Opt.MESSAGE_TYPE, Uint8Array.of(MESSAGE_TYPE_OF[kind]));
  if (id.clientId) options.set(Opt.CLIENT_ID, id.clientId);
  const maxSize = MAX_SIZE_OF[kind];
  if (maxSize !== undefined) {
    options.set(Opt.PARAMETER_REQUEST_LIST, Uint8Array.from(PARAMETER_REQUEST_LIST));
    options.set(Opt.MAX_MESSAGE_SIZE, Uint8Array.of(maxSize >> 8, maxSize & 0xff));
  }
  if (f.requestedIp) options.set(Opt.REQUESTED_IP, addrBytes(f.requestedIp));
  if (f.serverId) options.set(Opt.SERVER_ID, addrBytes(f.serverId));
  if (f.errorMessage) options.set(Opt.ERROR_MESSAGE, Buffer.from(`${f.errorMessage}\0`, 'utf8'));
  if (CARRIES_PROFILE_OPTIONS.has(kind)) for (const [code, data] of id.extra) options.set(code, data);

  const chaddr = new Uint8Array(16);
  chaddr.set(id.mac.subarray(0, 16));
  const m: Dhcp4Message = {
    op: BOOTREQUEST,
    htype: 1, // Ethernet
    hlen: id.mac.length,
    hops: 0,
    xid: f.xid,
    secs: f.secs,
    // No broadcast flag: the packet channel receives replies sent to our MAC before the address is set, as n-dhcp4's packet socket does.
    flags: 0,
    ciaddr: f.ciaddr ?? '0.0.0.0',
    yiaddr: '0.0.0.0',
    siaddr: '0.0.0.0',
    giaddr: '0.0.0.0',
    chaddr,
    options,
  };
  return encodeMessage(m, { maxSize: MIN_IP_DATAGRAM - 28 });
}

function addrBytes(a: string): Uint8Array {
  const b = ip4ToBytes(a);
  if (!b) throw new Error(`not an IPv4 address: ${a}`);
  return b;
}
