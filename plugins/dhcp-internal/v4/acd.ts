/**
 * IPv4 address conflict detection before a new lease is used (RFC 5227), as
 * NetworkManager does it through n-acd when ipv4.dad-timeout is above zero:
 * three probes spread over the timeout (the RFC's 9 s schedule scaled to it:
 * first probe after up to 1/9, the next two 1/9–3/9 apart, then 2/9 of
 * quiet), then announcements of the claimed address.
 */
import type { PacketChannel, PacketIo } from '../../../sdk/index.js';
import { bytesToHex, bytesToIp4, ip4ToBytes } from './ip4.js';

const ARP_REQUEST = 1;
const ARP_LEN = 28;
const ANNOUNCE_NUM = 3;
const ANNOUNCE_INTERVAL_MS = 2000;

export type AcdResult = { conflict: false } | { conflict: true; by: string };

/** An ARP request for `target` from `sha`/`spa` (a probe has spa 0.0.0.0; an announcement has spa = target). */
export function arpRequest(sha: Uint8Array, spa: string, target: string): Uint8Array {
  const b = new Uint8Array(ARP_LEN);
  b.set([0, 1, 0x08, 0x00, 6, 4, 0, ARP_REQUEST], 0);
  b.set(sha.subarray(0, 6), 8);
  b.set(ip4ToBytes(spa)!, 14);
  b.set(ip4ToBytes(target)!, 24);
  return b;
}

interface ArpInfo {
  sha: string;
  spa: string;
  tpa: string;
}

export function parseArp(d: Uint8Array): ArpInfo | undefined {
  // Ethernet/IPv4 only; anything else cannot speak for our address.
  if (d.length < ARP_LEN || d[0] !== 0 || d[1] !== 1 || d[2] !== 0x08 || d[3] !== 0 || d[4] !== 6 || d[5] !== 4) return undefined;
  return { sha: bytesToHex(d.subarray(8, 14)), spa: bytesToIp4(d, 14), tpa: bytesToIp4(d, 24) };
}

export interface AcdOptions {
  io: PacketIo;
  ifindex: number;
  mac: Uint8Array;
  address: string;
  timeoutMs: number;
  signal: AbortSignal;
  random?: () => number;
}

/**
 * Probe `address`; resolves with the conflicting MAC when someone else uses
 * or probes for it. Rejects when the channel cannot be opened or the signal
 * aborts.
 */
export async function probeAddress(o: AcdOptions): Promise<AcdResult> {
  const random = o.random ?? Math.random;
  const ours = bytesToHex(o.mac);
  let settle!: (r: AcdResult) => void;
  let fail!: (e: unknown) => void;
  const done = new Promise<AcdResult>((res, rej) => {
    settle = res;
    fail = rej;
  });
  const channel = await o.io.open(o.ifindex, 'arp', (p) => {
    const a = parseArp(p.data);
    if (!a || a.sha === ours) return;
    // RFC 5227 2.1.1: any ARP from another host with our candidate as sender, or another host probing for it.
    if (a.spa === o.address || (a.spa === '0.0.0.0' && a.tpa === o.address)) settle({ conflict: true, by: a.sha });
  });
  const timers = new Set<NodeJS.Timeout>();
  const after = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const onAbort = () => fail(o.signal.reason ?? new Error('aborted'));
  o.signal.addEventListener('abort', onAbort, { once: true });
  if (o.signal.aborted) onAbort();
  const unit = o.timeoutMs / 9;
  const probe = (n: number) => {
    channel.send(arpRequest(o.mac, '0.0.0.0', o.address)).catch(fail);
    if (n < 3) after(unit + random() * 2 * unit, () => probe(n + 1));
    else after(2 * unit, () => settle({ conflict: false }));
  };
  after(random() * unit, () => probe(1));
  try {
    return await done;
  } finally {
    for (const t of timers) clearTimeout(t);
    o.signal.removeEventListener('abort', onAbort);
    channel.close();
  }
}

/**
 * Announce a claimed address (RFC 5227 2.3): three gratuitous ARP requests
 * two seconds apart, on a channel of their own. Returns a function that
 * stops the rest. Failures only log.
 */
export function announceAddress(io: PacketIo, ifindex: number, mac: Uint8Array, address: string, onError: (e: unknown) => void): () => void {
  let stopped = false;
  let channel: PacketChannel | undefined;
  let timer: NodeJS.Timeout | undefined;
  const stop = () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    channel?.close();
  };
  const send = (n: number) => {
    if (stopped || !channel) return;
    channel.send(arpRequest(mac, address, address)).catch(onError);
    if (n < ANNOUNCE_NUM) {
      timer = setTimeout(() => send(n + 1), ANNOUNCE_INTERVAL_MS);
      timer.unref?.();
    } else stop();
  };
  io.open(ifindex, 'arp', () => undefined).then(
    (c) => {
      channel = c;
      if (stopped) c.close();
      else send(1);
    },
    (e) => {
      stopped = true;
      onError(e);
    },
  );
  return stop;
}
