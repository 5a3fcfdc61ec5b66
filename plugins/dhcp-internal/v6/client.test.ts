/**
 * The DHCPv6 state machine against a scripted server through an in-memory
 * transport, on fake timers: what the client sends at each step, what it
 * reports, and when (the protocol's timers, with the jitter fixed at 0).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DhcpFailure, DhcpLease, DhcpRequest, Logger } from '../../../sdk/index.js';
import { startDhcp6, type Dhcp6Client } from './client.js';
import { decodeMessage, encodeName, ip6ToBytes, ip6ToString, MsgType, Opt, type Dhcp6Message } from './codec.js';
import { TransportNotReady, type Dhcp6Transport } from './transport.js';

const DUID = '00:04:33:e8:7c:10:b6:ad:ca:84:2d:29:a2:c5:ad:73:f3:86';
const DUID_BYTES = Buffer.from(DUID.replace(/:/g, ''), 'hex');
const SERVER_ID = Buffer.from('00010001aaaaaaaa020000000001', 'hex');
const IAID = 0xab61face;

const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
const o = (code: number, ...data: Buffer[]) => {
  const d = Buffer.concat(data);
  return Buffer.concat([u16(code), u16(d.length), d]);
};

/** A server message answering `to` (its xid; our DUID echoed unless told otherwise). */
function answer(to: Dhcp6Message, type: MsgType, ...options: Buffer[]): Buffer {
  return Buffer.concat([u32((type << 24) | to.xid), o(Opt.ServerId, SERVER_ID), o(Opt.ClientId, DUID_BYTES), ...options]);
}
const iaNa = (t1: number, t2: number, ...addrs: Array<[string, number, number]>) =>
  o(Opt.IaNa, u32(IAID), u32(t1), u32(t2), ...addrs.map(([a, p, v]) => o(Opt.IaAddr, ip6ToBytes(a), u32(p), u32(v))));
const iaPd = (t1: number, t2: number, prefix: string, len: number, p: number, v: number) =>
  o(Opt.IaPd, u32(IAID), u32(t1), u32(t2), o(Opt.IaPrefix, u32(p), u32(v), Buffer.from([len]), ip6ToBytes(prefix)));
const dns = (...a: string[]) => o(Opt.DnsServers, ...a.map(ip6ToBytes));
const status = (code: number, text = '') => o(Opt.StatusCode, u16(code), Buffer.from(text));

interface Net {
  sent: Array<{ at: number; msg: Dhcp6Message; raw: Buffer }>;
  deliver(buf: Buffer): void;
  closed: boolean;
  /** Answer each message the client sends (called synchronously from send). */
  server?: (m: Dhcp6Message) => Buffer | undefined;
}

function makeNet(notReadyTimes = 0): { net: Net; open: (ifname: string) => Promise<Dhcp6Transport> } {
  let handler: ((m: Buffer, from: string) => void) | undefined;
  let refusals = notReadyTimes;
  const net: Net = {
    sent: [],
    closed: false,
    deliver: (buf) => handler?.(buf, 'fe80::53'),
  };
  const open = async () => {
    if (refusals-- > 0) throw new TransportNotReady('tentative');
    return {
      local: 'fe80::2%v0',
      send: async (raw: Buffer) => {
        const msg = decodeMessage(raw);
        if ('error' in msg) throw new Error(msg.error);
        net.sent.push({ at: Date.now(), msg, raw });
        const reply = net.server?.(msg);
        if (reply) queueMicrotask(() => net.deliver(reply));
      },
      onMessage: (h: (m: Buffer, from: string) => void) => void (handler = h),
      close: async () => void (net.closed = true),
    };
  };
  return { net, open };
}

const quiet: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child: () => quiet, isEnabled: () => false };

function request(over: Partial<DhcpRequest> = {}): DhcpRequest {
  return { family: 6, ifindex: 2, ifname: 'v0', hwaddr: '02:00:00:00:00:01', uuid: 'u', clientId: DUID, iaid: IAID, timeout: 45, rejectServers: [], leaseFile: '/nonexistent', ...over };
}

function recorder() {
  const leases: DhcpLease[] = [];
  const failures: Array<[DhcpFailure, string]> = [];
  return { leases, failures, events: { onLease: (l: DhcpLease) => void leases.push(l), onFailure: (r: DhcpFailure, m: string) => void failures.push([r, m]) } };
}

/** Types of the messages sent so far, with the ms since start each went out. */
const timeline = (net: Net, t0: number) => net.sent.map((s) => [s.msg.type, s.at - t0]);
/** The addresses in the IA_NA a client message carries (the server-side decoder drops them: their lifetimes are 0). */
function iaAddresses(raw: Buffer): string[] {
  const out: string[] = [];
  for (let i = 4; i < raw.length; i += 4 + raw.readUInt16BE(i + 2)) {
    if (raw.readUInt16BE(i) !== Opt.IaNa) continue;
    const end = i + 4 + raw.readUInt16BE(i + 2);
    for (let j = i + 16; j < end; j += 4 + raw.readUInt16BE(j + 2)) {
      if (raw.readUInt16BE(j) === Opt.IaAddr) out.push(ip6ToString(raw.subarray(j + 4, j + 20)));
    }
  }
  return out;
}
const optCodes = (raw: Buffer) => {
  const out: number[] = [];
  for (let i = 4; i < raw.length; i += 4 + raw.readUInt16BE(i + 2)) out.push(raw.readUInt16BE(i));
  return out;
};

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('stateful DHCPv6', () => {
  it('SOLICIT, waits one retransmission time for ADVERTISEs, REQUESTs the offer, binds, RENEWs at T1, REBINDs at T2, expires', async () => {
    const { net, open } = makeNet();
    const rec = recorder();
    net.server = (m) => {
      if (m.type === MsgType.Solicit) return answer(m, MsgType.Advertise, iaNa(100, 160, ['fd42::150', 150, 200]));
      if (m.type === MsgType.Request) return answer(m, MsgType.Reply, iaNa(100, 160, ['fd42::150', 150, 200]), dns('fd42::53'), o(Opt.DomainList, encodeName('lan.example')));
      return undefined;
    };
    const t0 = Date.now();
    const c = (await startDhcp6(request(), rec.events, { logger: quiet, openTransport: open, random: () => 0 })) as Dhcp6Client;
    await vi.advanceTimersByTimeAsync(0);
    expect(c.state).toBe('solicit');
    // The first SOLICIT: rapid commit, IA_NA, ORO with SOL_MAX_RT, our DUID, elapsed 0.
    const solicit = net.sent[0]!;
    expect(optCodes(solicit.raw)).toEqual([Opt.RapidCommit, Opt.IaNa, Opt.Oro, Opt.ClientId, Opt.ElapsedTime]);
    expect(solicit.msg.clientId).toEqual(DUID_BYTES);

    await vi.advanceTimersByTimeAsync(1100);
    expect(c.state).toBe('bound');
    expect(timeline(net, t0)).toEqual([[MsgType.Solicit, 0], [MsgType.Request, 1100]]);
    const req = net.sent[1]!;
    expect(req.msg.serverId).toEqual(SERVER_ID);
    expect(iaAddresses(req.raw)).toEqual(['fd42::150']);
    expect(rec.leases).toHaveLength(1);
    expect(rec.leases[0]).toMatchObject({
      family: 6,
      addresses: [{ address: 'fd42::150', prefixlen: 128, validLifetime: 200, preferredLifetime: 150 }],
      nameservers: ['fd42::53'],
      domains: ['lan.example'],
      serverId: 'fe80::53',
      leaseTime: 200,
      options: { dhcp6_client_id: DUID, iaid: 'ab:61:fa:ce', ip6_address: 'fd42::150', dhcp6_name_servers: 'fd42::53', dhcp6_domain_search: 'lan.example' },
    });

    // T1 = 100 s after binding: RENEW to the server (no answer), every 10 s doubling; T2 at 160 s: REBIND.
    net.server = undefined;
    await vi.advanceTimersByTimeAsync(100_000);
    expect(net.sent.at(-1)!.msg.type).toBe(MsgType.Renew);
    expect(optCodes(net.sent.at(-1)!.raw)[0]).toBe(Opt.ServerId);
    await vi.advanceTimersByTimeAsync(60_000);
    const types = net.sent.slice(2).map((s) => s.msg.type);
    expect(types).toEqual([MsgType.Renew, MsgType.Renew, MsgType.Renew, MsgType.Rebind]);
    expect(optCodes(net.sent.at(-1)!.raw)).not.toContain(Opt.ServerId);
    expect(rec.failures).toEqual([]);

    // The valid lifetime (200 s) runs out: expired, and the client is done.
    await vi.advanceTimersByTimeAsync(40_000);
    expect(rec.failures).toEqual([['expired', 'DHCPv6 on v0: the lease from fe80::53 expired without a renewal']]);
    expect(c.state).toBe('stopped');
    expect(net.closed).toBe(true);
  });

  it('renews: a REPLY to RENEW reports the lease again and restarts the timers', async () => {
    const { net, open } = makeNet();
    const rec = recorder();
    let valid = 200;
    net.server = (m) => (m.type === MsgType.Solicit ? answer(m, MsgType.Advertise, o(Opt.Preference, Buffer.from([255])), iaNa(100, 160, ['fd42::150', 150, valid])) : answer(m, MsgType.Reply, iaNa(100, 160, ['fd42::150', 150, valid])));
    await startDhcp6(request(), rec.events, { logger: quiet, openTransport: open, random: () => 0 });
    await vi.advanceTimersByTimeAsync(0);
    // Preference 255: REQUEST at once.
    expect(net.sent.map((s) => s.msg.type)).toEqual([MsgType.Solicit, MsgType.Request]);
    valid = 300;
    await vi.advanceTimersByTimeAsync(100_000);
    expect(net.sent.at(-1)!.msg.type).toBe(MsgType.Renew);
    expect(rec.leases.map((l) => l.addresses[0]!.validLifetime)).toEqual([200, 300]);
    await vi.advanceTimersByTimeAsync(250_000);
    expect(rec.failures).toEqual([]);
  });

  it('takes a Rapid Commit REPLY to SOLICIT as the lease', async () => {
    const { net, open } = makeNet();
    const rec = recorder();
    net.server = (m) => answer(m, MsgType.Reply, o(Opt.RapidCommit), iaNa(0, 0, ['fd42::7', 3600, 7200]));
    await startDhcp6(request(), rec.events, { logger: quiet, openTransport: open, random: () => 0 });
    await vi.advanceTimersByTimeAsync(0);
    expect(net.sent.map((s) => s.msg.type)).toEqual([MsgType.Solicit]);
    expect(rec.leases[0]!.addresses[0]!.address).toBe('fd42::7');
  });

  it('ignores NoAddrsAvail, wrong transaction and other client ids; retransmits per RFC; times out', async () => {
    const { net, open } = makeNet();
    const rec = recorder();
    const infos: string[] = [];
    const logger = { ...quiet, info: (m: string) => void infos.push(m) };
    net.server = (m) => {
      const other = Buffer.concat([u32((MsgType.Advertise << 24) | m.xid), o(Opt.ServerId, SERVER_ID), o(Opt.ClientId, Buffer.from('000300010203')), iaNa(0, 0, ['fd42::1', 10, 20])]);
      queueMicrotask(() => net.deliver(other));
      const wrongXid = Buffer.concat([u32((MsgType.Advertise << 24) | (m.xid ^ 1)), o(Opt.ServerId, SERVER_ID), o(Opt.ClientId, DUID_BYTES), iaNa(0, 0, ['fd42::1', 10, 20])]);
      queueMicrotask(() => net.deliver(wrongXid));
      return answer(m, MsgType.Advertise, status(2, 'no addresses'));
    };
    const t0 = Date.now();
    await startDhcp6(request({ timeout: 10 }), rec.events, { logger, openTransport: open, random: () => 0 });
    await vi.advanceTimersByTimeAsync(10_000);
    // 1.1 s, then doubling: sent at 0, 1.1, 3.3, 7.7 s.
    expect(timeline(net, t0)).toEqual([[1, 0], [1, 1100], [1, 3300], [1, 7700]]);
    expect(rec.leases).toEqual([]);
    expect(rec.failures).toEqual([['timeout', 'DHCPv6 on v0: no lease within 10 s']]);
    expect(infos.filter((l) => /ADVERTISE from fe80::53 ignored: NoAddrsAvail \(no addresses\)/.test(l))).toHaveLength(4);
    expect(infos.filter((l) => /ignored: another client id/.test(l))).toHaveLength(4);
    expect(infos.join('\n')).not.toMatch(/fd42::1/);
  });

  it('starts over with SOLICIT on NoBinding, keeping the held lease until a new one', async () => {
    const { net, open } = makeNet();
    const rec = recorder();
    let noBinding = false;
    net.server = (m) => {
      if (m.type === MsgType.Renew && noBinding) return answer(m, MsgType.Reply, status(3, 'gone'));
      if (m.type === MsgType.Solicit) return answer(m, MsgType.Advertise, o(Opt.Preference, Buffer.from([255])), iaNa(100, 160, [noBinding ? 'fd42::2' : 'fd42::1', 150, 200]));
      return answer(m, MsgType.Reply, iaNa(100, 160, [noBinding ? 'fd42::2' : 'fd42::1', 150, 200]));
    };
    await startDhcp6(request(), rec.events, { logger: quiet, openTransport: open, random: () => 0 });
    await vi.advanceTimersByTimeAsync(0);
    noBinding = true;
    await vi.advanceTimersByTimeAsync(100_000);
    expect(net.sent.map((s) => s.msg.type)).toEqual([1, 3, 5, 1, 3]);
    expect(rec.leases.map((l) => l.addresses[0]!.address)).toEqual(['fd42::1', 'fd42::2']);
    expect(rec.failures).toEqual([]);
  });

  it('asks for a delegated prefix with IA_PD and reports it; a lease without the IA_NA it asked for is refused', async () => {
    const { net, open } = makeNet();
    const rec = recorder();
    let withAddress = false;
    net.server = (m) => answer(m, m.type === MsgType.Solicit ? MsgType.Advertise : MsgType.Reply, o(Opt.Preference, Buffer.from([255])), iaPd(0, 0, 'fd43:1::', 56, 3000, 4000), ...(withAddress ? [iaNa(0, 0, ['fd42::9', 3000, 4000])] : []));
    await startDhcp6(request({ prefixDelegation: true }), rec.events, { logger: quiet, openTransport: open, random: () => 0 });
    await vi.advanceTimersByTimeAsync(0);
    expect(net.sent[0]!.msg.ias.map((i) => i.type)).toEqual([Opt.IaNa, Opt.IaPd]);
    expect(rec.leases).toEqual([]);
    withAddress = true;
    await vi.advanceTimersByTimeAsync(1100);
    expect(rec.leases).toHaveLength(1);
    expect(rec.leases[0]!.delegatedPrefixes).toEqual([{ prefix: 'fd43:1::', prefixlen: 56, validLifetime: 4000, preferredLifetime: 3000 }]);
    // T2 = 0 from the server: T1 and T2 become 1/2 and 4/5 of the shortest valid lifetime (4000 s).
    const before = net.sent.length;
    await vi.advanceTimersByTimeAsync(1_999_000);
    expect(net.sent.length).toBe(before);
    await vi.advanceTimersByTimeAsync(1000);
    expect(net.sent.at(-1)!.msg.type).toBe(MsgType.Renew);
  });

  it('asks only for a prefix in information-only mode with prefix delegation', async () => {
    const { net, open } = makeNet();
    const rec = recorder();
    net.server = (m) => answer(m, m.type === MsgType.Solicit ? MsgType.Advertise : MsgType.Reply, o(Opt.Preference, Buffer.from([255])), iaPd(0, 0, 'fd43:2::', 60, 3000, 4000));
    await startDhcp6(request({ infoOnly: true, prefixDelegation: true }), rec.events, { logger: quiet, openTransport: open, random: () => 0 });
    await vi.advanceTimersByTimeAsync(0);
    expect(net.sent[0]!.msg.ias.map((i) => i.type)).toEqual([Opt.IaPd]);
    expect(rec.leases[0]).toMatchObject({ addresses: [], delegatedPrefixes: [{ prefix: 'fd43:2::', prefixlen: 60 }] });
  });

  it('sends RELEASE on stop(true) with the server id and the address, and nothing on stop(false)', async () => {
    for (const release of [true, false]) {
      const { net, open } = makeNet();
      net.server = (m) => answer(m, m.type === MsgType.Solicit ? MsgType.Advertise : MsgType.Reply, o(Opt.Preference, Buffer.from([255])), iaNa(100, 160, ['fd42::150', 150, 200]));
      const c = await startDhcp6(request({ hostname: 'box' }), recorder().events, { logger: quiet, openTransport: open, random: () => 0 });
      await vi.advanceTimersByTimeAsync(0);
      net.server = undefined;
      await c.stop(release);
      const last = net.sent.at(-1)!;
      if (release) {
        expect(last.msg.type).toBe(MsgType.Release);
        expect(last.msg.serverId).toEqual(SERVER_ID);
        expect(iaAddresses(last.raw)).toEqual(['fd42::150']);
        expect(optCodes(last.raw)).not.toContain(Opt.ClientFqdn);
      } else {
        expect(last.msg.type).toBe(MsgType.Request);
      }
      expect(optCodes(net.sent[0]!.raw)).toContain(Opt.ClientFqdn);
      expect(net.closed).toBe(true);
      await vi.advanceTimersByTimeAsync(1_000_000);
    }
  });
});

describe('information-only DHCPv6', () => {
  it('INFORMATION-REQUEST without IAs; reports DNS and domains; asks again after the refresh time (at least 600 s)', async () => {
    const { net, open } = makeNet();
    const rec = recorder();
    net.server = (m) => answer(m, MsgType.Reply, dns('fd42::53'), o(Opt.DomainList, encodeName('corp.example')), o(Opt.InformationRefreshTime, u32(60)));
    const t0 = Date.now();
    await startDhcp6(request({ infoOnly: true, hostname: 'box' }), rec.events, { logger: quiet, openTransport: open, random: () => 0 });
    await vi.advanceTimersByTimeAsync(0);
    const first = net.sent[0]!;
    expect(first.msg.type).toBe(MsgType.InformationRequest);
    expect(optCodes(first.raw)).toEqual([Opt.Oro, Opt.ClientId, Opt.ElapsedTime]);
    expect(first.raw.subarray(8, 8 + 12).toString('hex')).toBe('00170018001f002000380053');
    expect(rec.leases).toEqual([
      {
        family: 6,
        addresses: [],
        gateways: [],
        routes: [],
        nameservers: ['fd42::53'],
        domains: ['corp.example'],
        ntpServers: [],
        serverId: 'fe80::53',
        options: { dhcp6_client_id: DUID, iaid: 'ab:61:fa:ce', dhcp6_name_servers: 'fd42::53', dhcp6_domain_search: 'corp.example' },
      },
    ]);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(timeline(net, t0)).toEqual([[MsgType.InformationRequest, 0], [MsgType.InformationRequest, 600_000]]);
    expect(rec.leases).toHaveLength(2);
  });

  it('times out when nobody answers', async () => {
    const { open } = makeNet();
    const rec = recorder();
    await startDhcp6(request({ infoOnly: true, timeout: 5 }), rec.events, { logger: quiet, openTransport: open, random: () => 0 });
    await vi.advanceTimersByTimeAsync(5000);
    expect(rec.failures).toEqual([['timeout', 'DHCPv6 on v0: no information within 5 s']]);
  });
});

describe('starting', () => {
  it('waits for a tentative link-local address, retrying with a backoff', async () => {
    const { net, open } = makeNet(3);
    const rec = recorder();
    const t0 = Date.now();
    const c = (await startDhcp6(request({ infoOnly: true }), rec.events, { logger: quiet, openTransport: open, random: () => 0 })) as Dhcp6Client;
    expect(c.state).toBe('starting');
    await vi.advanceTimersByTimeAsync(1000);
    // Retries after 100, 200 and 400 ms: the socket opened at 700 ms.
    expect(timeline(net, t0)).toEqual([[MsgType.InformationRequest, 700]]);
  });

  it('fails to start, naming the link, when the socket cannot be opened at all or there is no DUID', async () => {
    const open = async () => {
      throw Object.assign(new Error('no such device'), { code: 'ENODEV' });
    };
    await expect(startDhcp6(request(), recorder().events, { logger: quiet, openTransport: open })).rejects.toThrow('DHCPv6 on v0: cannot open the client socket: no such device');
    await expect(startDhcp6(request({ clientId: undefined }), recorder().events, { logger: quiet, openTransport: open })).rejects.toThrow('DHCPv6 on v0: no DUID to send');
    await expect(startDhcp6(request({ clientId: 'zz' }), recorder().events, { logger: quiet, openTransport: open })).rejects.toThrow('DHCPv6 on v0: DUID "zz" is not hex bytes');
    expect(vi.getTimerCount()).toBe(0);
  });
});
