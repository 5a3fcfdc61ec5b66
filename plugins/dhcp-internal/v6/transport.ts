/**
 * The DHCPv6 client's socket: UDP over IPv6 from the link's link-local
 * address, port 546, to All_DHCP_Relay_Agents_and_Servers (ff02::1:2) on
 * that link, port 547; servers answer by unicast to the link-local address.
 * Node's dgram does this without help (FACTS.md: link-local sockets with a
 * scope id work): the scope in both addresses ("%ifname") pins the link, so
 * no SO_BINDTODEVICE is needed, unlike DHCPv4.
 *
 * A link-local address cannot be bound while it is tentative (duplicate
 * address detection, about a second after the link comes up): bind fails
 * with EADDRNOTAVAIL, and the client retries with a short backoff.
 */
import dgram from 'node:dgram';
import os from 'node:os';

export const CLIENT_PORT = 546;
export const SERVER_PORT = 547;
export const ALL_SERVERS = 'ff02::1:2';

/** How the client sends and receives; tests give it an in-memory one. */
export interface Dhcp6Transport {
  /** The link-local address bound, for the log. */
  readonly local: string;
  /** Multicast to the servers on the link. */
  send(message: Buffer): Promise<void>;
  onMessage(handler: (message: Buffer, from: string) => void): void;
  close(): Promise<void>;
}

/** Opens a transport for the link, or throws; `retryable` errors mean "not yet" (no usable link-local address). */
export type TransportOpener = (ifname: string) => Promise<Dhcp6Transport>;

export class TransportNotReady extends Error {
  readonly retryable = true;
}

/** The link's link-local addresses as the kernel lists them (tentative ones included; bind tells them apart). */
function linkLocalAddresses(ifname: string): string[] {
  const list = os.networkInterfaces()[ifname] ?? [];
  return list.filter((a) => a.family === 'IPv6' && /^fe80:/i.test(a.address)).map((a) => a.address.split('%')[0]!);
}

export const openUdp6Transport: TransportOpener = async (ifname) => {
  const candidates = linkLocalAddresses(ifname);
  if (candidates.length === 0) throw new TransportNotReady(`${ifname} has no IPv6 link-local address yet`);
  let lastError: Error | undefined;
  for (const address of candidates) {
    const socket = dgram.createSocket({ type: 'udp6', ipv6Only: true, reuseAddr: true });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind({ address: `${address}%${ifname}`, port: CLIENT_PORT, exclusive: true }, () => {
          socket.off('error', reject);
          resolve();
        });
      });
    } catch (e: any) {
      socket.close();
      lastError = e?.code === 'EADDRNOTAVAIL' ? new TransportNotReady(`${address}%${ifname} is not usable yet (tentative)`) : e;
      continue;
    }
    // Our own multicast would come back to us otherwise (sd-dhcp6-client turns the loop off too).
    socket.setMulticastLoopback(false);
    const handlers: Array<(m: Buffer, from: string) => void> = [];
    socket.on('message', (msg, rinfo) => {
      for (const h of handlers) h(msg, rinfo.address);
    });
    // A send error comes back through the callback; nothing else should arrive here, but an unhandled 'error' would crash nmkd.
    socket.on('error', () => undefined);
    let closed = false;
    return {
      local: `${address}%${ifname}`,
      send: (message) =>
        new Promise<void>((resolve, reject) => socket.send(message, SERVER_PORT, `${ALL_SERVERS}%${ifname}`, (err) => (err ? reject(err) : resolve()))),
      onMessage: (h) => void handlers.push(h),
      close: () =>
        new Promise<void>((resolve) => {
          if (closed) return resolve();
          closed = true;
          socket.close(() => resolve());
        }),
    };
  }
  throw lastError ?? new TransportNotReady(`${ifname}: no usable link-local address`);
};
