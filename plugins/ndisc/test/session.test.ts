import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Logger, NdiscConfig, NdiscRequest } from '../../../sdk/index.js';
import { Session } from '../session.js';
import { TestPacketIo } from './fake-packet-io.js';
import { dnsslOpt, mtuOpt, prefixOpt, ra, rdnssOpt, routeOpt } from './ra-bytes.js';

interface LogLine { level: string; msg: string }

function testLogger(lines: LogLine[]): Logger {
  const make = (): Logger => ({
    trace: (msg) => lines.push({ level: 'trace', msg }),
    debug: (msg) => lines.push({ level: 'debug', msg }),
    info: (msg) => lines.push({ level: 'info', msg }),
    warn: (msg) => lines.push({ level: 'warn', msg }),
    error: (msg) => lines.push({ level: 'error', msg }),
    child: () => make(),
    isEnabled: () => true,
  });
  return make();
}

const REQUEST: NdiscRequest = {
  ifindex: 7,
  ifname: 'eth7',
  hwaddr: '52:54:00:12:34:56',
  addrGenMode: 'eui64',
  stableId: '5c7e4d6a-1b2f-4a3c-9d8e-0f1a2b3c4d5e',
  secretKey: new Uint8Array(32).fill(1),
  timeout: 30,
};

describe('neighbour discovery session', () => {
  let io: TestPacketIo;
  let logs: LogLine[];
  let configs: NdiscConfig[];
  let timeouts: number;
  let session: Session | undefined;

  async function start(request: Partial<NdiscRequest> = {}): Promise<Session> {
    session = await Session.start(
      { packetIo: () => io, logger: testLogger(logs), now: () => Date.now(), random: () => 0.5 },
      { ...REQUEST, ...request },
      { onConfig: (c) => configs.push(c), onTimeout: () => timeouts++ },
    );
    return session;
  }

  /** Let queued timers (the coalesced report) and settled promises run. */
  async function settle(ms = 0): Promise<void> {
    await vi.advanceTimersByTimeAsync(ms);
    // A report queued by a timer that fired at the very end of the span is a setTimeout(0), which Node runs 1 ms on.
    await vi.advanceTimersByTimeAsync(1);
  }

  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
    io = new TestPacketIo();
    logs = [];
    configs = [];
    timeouts = 0;
  });
  afterEach(() => {
    session?.stop();
    session = undefined;
    vi.useRealTimers();
  });

  it('opens an icmp6-nd channel on the link and solicits ff02::2 with its MAC, as NetworkManager times it', async () => {
    await start();
    expect(io.opened).toEqual([{ ifindex: 7, protocol: 'icmp6-nd' }]);
    await settle(250);
    expect(io.sent).toHaveLength(1);
    expect(io.sent[0]!.to).toEqual({ address: 'ff02::2' });
    expect(Array.from(io.sent[0]!.data)).toEqual([133, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0x52, 0x54, 0, 0x12, 0x34, 0x56]);
    // With the jitter at its middle: after 125 ms, then 4 s, 8 s, 16 s ... (RFC 7559 back-off).
    await settle(4_000 + 8_000 + 16_000);
    expect(io.sent.map((s) => s.at - 1_000_000)).toEqual([125, 4_125, 12_125, 28_125]);
  });

  it('backs off to an hour and keeps soliciting', async () => {
    await start({ timeout: 0 });
    await settle(24 * 3600_000);
    const gaps = io.sent.slice(1).map((s, i) => s.at - io.sent[i]!.at);
    expect(Math.max(...gaps)).toBe(3600_000);
    expect(gaps.at(-1)).toBe(3600_000);
  });

  it('sends the bare solicitation when the link has no MAC', async () => {
    await start({ hwaddr: '' });
    await settle(250);
    expect(Array.from(io.sent[0]!.data)).toEqual([133, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('reports everything the first advertisement holds', async () => {
    await start();
    io.deliver(
      ra(
        { hopLimit: 64, other: true, routerLifetime: 1800, reachable: 30000, retrans: 1000 },
        prefixOpt('fd42:1::', 64, { valid: 86400, preferred: 14400 }),
        prefixOpt('fd42:9::', 56, { auto: true, valid: 600, preferred: 600 }),
        routeOpt('fd00:aa::', 32, 600, 'high'),
        rdnssOpt(900, 'fd42:1::53'),
        dnsslOpt(1200, 'example.test'),
        mtuOpt(1400),
      ),
      'fe80::aa:1',
    );
    await settle();
    expect(configs).toEqual([
      {
        routers: [{ address: 'fe80::aa:1', lifetime: 1800, preference: 'medium' }],
        addresses: [{ address: 'fd42:1::5054:ff:fe12:3456', prefixlen: 64, validLifetime: 86400, preferredLifetime: 14400 }],
        onLinkPrefixes: [
          { prefix: 'fd42:1::', prefixlen: 64, validLifetime: 86400 },
          { prefix: 'fd42:9::', prefixlen: 56, validLifetime: 600 },
        ],
        routes: [{ dest: 'fd00:aa::', prefixlen: 32, gateway: 'fe80::aa:1', lifetime: 600, preference: 'high' }],
        nameservers: [{ address: 'fd42:1::53', lifetime: 900 }],
        domains: [{ domain: 'example.test', lifetime: 1200 }],
        mtu: 1400,
        hopLimit: 64,
        reachableTimeMs: 30000,
        retransTimerMs: 1000,
        managed: false,
        otherConfig: true,
      },
    ]);
    expect(logs.some((l) => l.level === 'debug' && /fd42:9::\/56 makes no SLAAC address/.test(l.msg))).toBe(true);
  });

  it('makes stable-privacy and token addresses', async () => {
    await start({ addrGenMode: 'stable-privacy' });
    io.deliver(ra({}, prefixOpt('fd42:1::', 64)));
    await settle();
    const stable = configs[0]!.addresses[0]!.address;
    expect(stable).toMatch(/^fd42:1::/);
    expect(stable).not.toBe('fd42:1::5054:ff:fe12:3456');
    session!.stop();

    configs = [];
    await start({ token: '::1:2' });
    io.deliver(ra({}, prefixOpt('fd42:1::', 64)));
    await settle();
    expect(configs.at(-1)!.addresses.map((a) => a.address)).toEqual(['fd42:1::1:2']);
  });

  it('coalesces advertisements that arrive together into one report', async () => {
    await start();
    io.deliver(ra({ routerLifetime: 600 }), 'fe80::1');
    io.deliver(ra({ routerLifetime: 600, preference: 'high' }), 'fe80::2');
    io.deliver(ra({}, rdnssOpt(60, 'fd42::53')), 'fe80::3');
    await settle();
    expect(configs).toHaveLength(1);
    // Several routers at once, the more preferred first.
    expect(configs[0]!.routers.map((r) => `${r.address} ${r.preference}`)).toEqual(['fe80::2 high', 'fe80::1 medium', 'fe80::3 medium']);
  });

  it('expires each item by its lifetime and reports each expiry', async () => {
    await start();
    io.deliver(ra({ routerLifetime: 100 }, rdnssOpt(30, 'fd42::53'), dnsslOpt(60, 'example.test'), routeOpt('fd00:aa::', 32, 100), prefixOpt('fd42:1::', 64, { valid: 200, preferred: 100 })));
    await settle();
    expect(configs).toHaveLength(1);
    await settle(30_000);
    expect(configs).toHaveLength(2);
    expect(configs[1]!.nameservers).toEqual([]);
    expect(configs[1]!.domains).toEqual([{ domain: 'example.test', lifetime: 30 }]);
    await settle(30_000);
    expect(configs[2]!.domains).toEqual([]);
    await settle(40_000);
    expect(configs[3]!.routers).toEqual([]);
    expect(configs[3]!.routes).toEqual([]);
    expect(configs[3]!.addresses).toEqual([{ address: 'fd42:1::5054:ff:fe12:3456', prefixlen: 64, validLifetime: 100, preferredLifetime: 0 }]);
    await settle(100_000);
    expect(configs[4]!.addresses).toEqual([]);
    expect(configs[4]!.onLinkPrefixes).toEqual([]);
    await settle(10 * 3600_000);
    expect(configs).toHaveLength(5);
  });

  it('withdraws with a lifetime of 0, except an address kept per RFC 4862 5.5.3 e)', async () => {
    await start();
    io.deliver(ra({}, rdnssOpt(900, 'fd42::53'), routeOpt('fd00:aa::', 32, 600), prefixOpt('fd42:1::', 64, { valid: 86400, preferred: 14400 })), 'fe80::1');
    await settle();
    await settle(1000);
    io.deliver(ra({ routerLifetime: 0 }, rdnssOpt(0, 'fd42::53'), routeOpt('fd00:aa::', 32, 0), prefixOpt('fd42:1::', 64, { valid: 0, preferred: 0 })), 'fe80::1');
    await settle();
    const last = configs.at(-1)!;
    expect(last.routers).toEqual([]);
    expect(last.nameservers).toEqual([]);
    expect(last.routes).toEqual([]);
    expect(last.onLinkPrefixes).toEqual([]);
    // The valid lifetime is cut to two hours, not to zero; the address is deprecated at once.
    expect(last.addresses).toEqual([{ address: 'fd42:1::5054:ff:fe12:3456', prefixlen: 64, validLifetime: 7200, preferredLifetime: 0 }]);
  });

  it('keeps the DHCP level at its most managed across advertisements', async () => {
    await start();
    io.deliver(ra({ managed: true }), 'fe80::1');
    await settle();
    io.deliver(ra({}), 'fe80::1');
    await settle();
    // The second advertisement refreshed the router's lifetime (a report), without lowering the level.
    expect(configs.map((c) => [c.managed, c.otherConfig])).toEqual([[true, true], [true, true]]);
  });

  it('signals a timeout when nothing came, and keeps listening', async () => {
    await start({ timeout: 10 });
    await vi.advanceTimersByTimeAsync(9_999);
    expect(timeouts).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(timeouts).toBe(1);
    io.deliver(ra({}, prefixOpt('fd42:1::', 64)));
    await settle();
    expect(configs).toHaveLength(1);
    await settle(3600_000);
    expect(timeouts).toBe(1);
  });

  it('does not time out once an advertisement came', async () => {
    await start({ timeout: 10 });
    io.deliver(ra({}));
    await settle(60_000);
    expect(timeouts).toBe(0);
  });

  it('solicits again a minute before things expire, after an advertisement', async () => {
    await start({ timeout: 0 });
    await settle(250);
    const before = io.sent.length;
    io.deliver(ra({ routerLifetime: 600 }));
    await settle(600_000 - 60_000 - 1_000);
    expect(io.sent).toHaveLength(before);
    await settle(2_000);
    expect(io.sent).toHaveLength(before + 1);
  });

  it('drops bad advertisements with a debug line and no report', async () => {
    await start();
    io.deliver(ra({}), '2001:db8::1');
    io.deliver(ra({}, [3, 0, 0, 0, 0, 0, 0, 0]), 'fe80::1');
    io.deliver(Uint8Array.from([134, 0, 1]), 'fe80::1');
    io.deliver(Uint8Array.from([136, 0, 0, 0]), 'fe80::1');
    await settle(1000);
    expect(configs).toEqual([]);
    const debug = logs.filter((l) => l.level === 'debug').map((l) => l.msg);
    expect(debug).toContain("router advertisement from '2001:db8::1' dropped: not a link-local source");
    expect(debug.some((m) => /fe80::1 dropped: an option of length zero/.test(m))).toBe(true);
    expect(debug.some((m) => /fe80::1 dropped: 3 bytes/.test(m))).toBe(true);
  });

  it('warns once when solicitations cannot be sent, and keeps trying', async () => {
    io.failSend = new Error('sendmsg on eth7: Cannot assign requested address');
    await start({ timeout: 0 });
    await settle(30_000);
    expect(logs.filter((l) => l.level === 'warn')).toEqual([{ level: 'warn', msg: 'router solicitation not sent: sendmsg on eth7: Cannot assign requested address' }]);
    io.failSend = undefined;
    await settle(60_000);
    expect(io.sent.length).toBeGreaterThan(0);
  });

  it('refuses a bad token and a missing secret key, naming them', async () => {
    await expect(start({ token: '2001:db8::1' })).rejects.toThrow("ipv6.token '2001:db8::1' is not an interface identifier");
    await expect(start({ addrGenMode: 'stable-privacy', secretKey: new Uint8Array() })).rejects.toThrow('stable-privacy needs the host\'s secret key');
    expect(io.opened).toEqual([]);
  });

  it('rejects when the channel cannot be opened', async () => {
    io.failOpen = new Error('link 7: no such device');
    await expect(start()).rejects.toThrow('link 7: no such device');
  });

  it('says why an eui64 address cannot be made, and makes none', async () => {
    await start({ hwaddr: '00:11:22:33:44:55:66:77' });
    io.deliver(ra({}, prefixOpt('fd42:1::', 64)));
    await settle();
    expect(configs[0]!.addresses).toEqual([]);
    expect(configs[0]!.onLinkPrefixes).toHaveLength(1);
    expect(logs.some((l) => l.level === 'warn' && /not a 48-bit MAC/.test(l.msg))).toBe(true);
  });

  it('stops: closes the channel, sends and reports nothing more', async () => {
    await start();
    io.deliver(ra({ routerLifetime: 30 }));
    session!.stop();
    session!.stop();
    await settle(3600_000);
    expect(io.closed).toBe(1);
    expect(io.sent).toEqual([]);
    expect(configs).toEqual([]);
  });

  it('caps SLAAC addresses at 16, as the kernel default max_addresses', async () => {
    await start();
    const prefixes = Array.from({ length: 20 }, (_, i) => prefixOpt(`fd42:${i + 1}::`, 64));
    io.deliver(ra({}, ...prefixes));
    await settle();
    expect(configs[0]!.addresses).toHaveLength(16);
    expect(configs[0]!.onLinkPrefixes).toHaveLength(20);
  });
});
