import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { formatIp } from '../../../sdk/index.js';
import { buildRouterSolicit, parseRouterAdvert, type RouterAdvert } from '../ra-parse.js';
import { dnsName, dnsslOpt, mtuOpt, prefixOpt, ra, rawDnssl, rdnssOpt, routeOpt, sllaOpt } from './ra-bytes.js';

function ok(data: Uint8Array): { advert: RouterAdvert; dropped: string[] } {
  const r = parseRouterAdvert(data);
  if ('error' in r) throw new Error(`unexpected error: ${r.error}`);
  return r;
}

describe('parseRouterAdvert', () => {
  it('reads every field and option NetworkManager uses', () => {
    const { advert, dropped } = ok(
      ra(
        { hopLimit: 63, managed: true, other: true, preference: 'high', routerLifetime: 1800, reachable: 30000, retrans: 1000 },
        sllaOpt([0x52, 0x54, 0, 1, 2, 3]),
        prefixOpt('fd42:1::', 64, { valid: 86400, preferred: 14400 }),
        prefixOpt('fd42:2::ffff', 48, { onLink: true, auto: false, valid: 0xffffffff, preferred: 0xffffffff }),
        mtuOpt(1400),
        routeOpt('fd00:aa::', 32, 600, 'low'),
        routeOpt('fd00:bb::1:0', 112, 700, 'high'),
        routeOpt('::', 0, 800),
        rdnssOpt(900, 'fd42:1::53', 'fd42:1::54'),
        dnsslOpt(1200, 'example.test', 'corp.example.test'),
      ),
    );
    expect(dropped).toEqual([]);
    expect({ ...advert, prefixes: [], routes: [], nameservers: [] }).toEqual({
      curHopLimit: 63, managed: true, otherConfig: true, preference: 'high', routerLifetime: 1800, reachableTime: 30000, retransTimer: 1000,
      prefixes: [], routes: [], nameservers: [],
      domains: [{ domain: 'example.test', lifetime: 1200 }, { domain: 'corp.example.test', lifetime: 1200 }],
      mtus: [1400],
    });
    expect(advert.prefixes.map((p) => ({ ...p, prefix: formatIp(p.prefix) }))).toEqual([
      { prefix: 'fd42:1::', prefixlen: 64, onLink: true, autonomous: true, validLifetime: 86400, preferredLifetime: 14400 },
      // Host bits past the length are cleared.
      { prefix: 'fd42:2::', prefixlen: 48, onLink: true, autonomous: false, validLifetime: 0xffffffff, preferredLifetime: 0xffffffff },
    ]);
    expect(advert.routes.map((r) => ({ ...r, prefix: formatIp(r.prefix) }))).toEqual([
      { prefix: 'fd00:aa::', prefixlen: 32, lifetime: 600, preference: 'low' },
      { prefix: 'fd00:bb::1:0', prefixlen: 112, lifetime: 700, preference: 'high' },
      { prefix: '::', prefixlen: 0, lifetime: 800, preference: 'medium' },
    ]);
    expect(advert.nameservers.map((n) => ({ ...n, address: formatIp(n.address) }))).toEqual([
      { address: 'fd42:1::53', lifetime: 900 },
      { address: 'fd42:1::54', lifetime: 900 },
    ]);
  });

  it('reads a reserved router preference as medium (RFC 4191 2.2)', () => {
    expect(ok(ra({ preference: 'reserved' })).advert.preference).toBe('medium');
    expect(ok(ra({ preference: 'low' })).advert.preference).toBe('low');
  });

  it.each([
    ['too short', Uint8Array.from([134, 0, 0, 0, 64, 0, 7, 8]), /shorter than a router advertisement/],
    ['another message', Uint8Array.from([135, ...ra({}).subarray(1)]), /type 135, not a router advertisement/],
    ['a non-zero code', ra({ code: 1 }), /code 1/],
    ['an option of length zero', ra({}, prefixOpt('fd42:1::', 64), [25, 0, 0, 0, 0, 0, 0, 0]), /length zero/],
    ['an option past the end', ra({}, [25, 3, 0, 0, 0, 0, 3, 132, 0xfd, 0x42]), /runs past the end/],
    ['a lone option byte', ra({}, [3]), /truncated option header/],
  ])('refuses a packet with %s', (_what, data, message) => {
    const r = parseRouterAdvert(data);
    expect('error' in r && r.error).toMatch(message);
  });

  it.each([
    ['a prefix option of the wrong length', [3, 3, 64, 0xc0, ...new Array(20).fill(0)], /prefix information of length 24/],
    ['a prefix length over 128', prefixOpt('fd42:1::', 129), /prefix length 129/],
    ['an MTU option of the wrong length', [5, 2, 0, 0, 0, 0, 5, 220, 0, 0, 0, 0, 0, 0, 0, 0], /MTU option of length 16/],
    ['a route option too short for its prefix', [24, 1, 48, 0, 0, 0, 1, 0], /route information \/48 of length 8/],
    ['a /96 route option with 8 prefix bytes', [24, 2, 96, 0, 0, 0, 1, 0, 0xfd, 0, 0, 0, 0, 0, 0, 0], /must be 24\.\.24/],
    ['a route option with the reserved preference', routeOpt('fd00::', 16, 60, 'reserved'), /reserved preference/],
    ['an RDNSS option without servers', [25, 1, 0, 0, 0, 0, 0, 60], /RDNSS option of length 8/],
    ['an RDNSS option of even length', [25, 2, 0, 0, 0, 0, 0, 60, ...new Array(8).fill(0)], /RDNSS option of length 16/],
    ['a DNSSL option with a compression pointer', rawDnssl(60, [...dnsName('a.test').slice(0, 2), 0xc0, 0x0c]), /malformed domain name/],
    ['a DNSSL name running past the option', rawDnssl(60, [7, ...Buffer.from('example')]), /malformed domain name/],
    ['a DNSSL option with garbage after the padding', rawDnssl(60, [...dnsName('a.test'), 0, 0, 5]), /malformed domain name/],
    ['a DNSSL name over 255 bytes', rawDnssl(60, [...new Array(5).fill([60, ...new Array(60).fill(0x61)]).flat(), 0]), /malformed domain name/],
  ])('drops %s and keeps the rest', (_what, opt, message) => {
    const { advert, dropped } = ok(ra({}, opt, rdnssOpt(300, 'fd42::53')));
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toMatch(message);
    expect(advert.nameservers.map((n) => formatIp(n.address))).toEqual(['fd42::53']);
  });

  it('drops single DNSSL names with characters unsafe for resolv.conf, keeping the others', () => {
    const { advert, dropped } = ok(ra({}, rawDnssl(60, [...dnsName('good.test'), ...dnsName('bad name.test'), ...dnsName('new\nline')])));
    expect(advert.domains).toEqual([{ domain: 'good.test', lifetime: 60 }]);
    expect(dropped).toEqual(['DNSSL names with unusable characters: "bad name.test", "new\\nline"']);
  });

  it('skips options it does not use', () => {
    const { advert, dropped } = ok(ra({}, [200, 1, 1, 2, 3, 4, 5, 6], rdnssOpt(1, 'fd42::1')));
    expect(dropped).toEqual([]);
    expect(advert.nameservers).toHaveLength(1);
  });

  fcTest.prop([fc.uint8Array({ maxLength: 300 })], { numRuns: 5000 })('never throws on random bytes after an RA header', (tail) => {
    const data = Uint8Array.from([...ra({}), ...tail]);
    const r = parseRouterAdvert(data);
    expect('error' in r || Array.isArray(r.advert.prefixes)).toBe(true);
  });

  fcTest.prop([fc.uint8Array({ maxLength: 300 })], { numRuns: 3000 })('never throws on random bytes', (data) => {
    parseRouterAdvert(data);
  });
});

describe('buildRouterSolicit', () => {
  it('carries the source link-layer address option with a MAC', () => {
    expect(Array.from(buildRouterSolicit(Uint8Array.from([0x52, 0x54, 0, 0x12, 0x34, 0x56])))).toEqual([133, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0x52, 0x54, 0, 0x12, 0x34, 0x56]);
  });
  it('is the bare message without one', () => {
    expect(Array.from(buildRouterSolicit())).toEqual([133, 0, 0, 0, 0, 0, 0, 0]);
  });
});
