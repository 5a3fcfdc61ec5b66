/**
 * One inet or inet6 stanza's addressing read into the interface's IPv4 or
 * IPv6 draft. Facts from ifupdown 0.8: inet static takes "address A/P", or
 * "address A" with "netmask"; without either it uses the classful mask;
 * inet6 defaults to /128. Only static uses address and gateway; dns-* and
 * metric apply to every method but manual. Name servers are filed by their
 * own family whatever the stanza.
 */
import { type IpAddress, type IpFamily, ipFamily, parseCidrValue, parseDomainValue, parseIpValue, parseNetmaskValue, parseUintValue } from '../../../sdk/index.js';
import { at, Problem } from './problem.js';
import type { GroupInfo } from './read-group.js';
import type { IfaceStanza, Opt } from './stanzas.js';

/** The classful prefix ifupdown uses for an IPv4 address without one. */
function classfulPrefix(address: string): number {
  const a = Number(address.split('.')[0]);
  return a < 128 ? 8 : a < 192 ? 16 : a < 224 ? 24 : 32;
}

export function readIp(st: IfaceStanza, family: IpFamily, info: GroupInfo): void {
  const ip = family === 4 ? info.ipv4 : info.ipv6;
  const one = (opt: Opt) => {
    if (opt.words.length !== 1) throw new Problem(st, opt.line, opt.key, `expected one value, got ${opt.words.length}`);
    return opt.words[0]!;
  };
  const netmaskOpt = st.options.find((o) => o.key === 'netmask');
  const netmask = st.method === 'static' && netmaskOpt ? at(st, netmaskOpt.line, 'netmask', () => parseNetmaskValue(one(netmaskOpt), family)) : undefined;
  for (const opt of st.options) {
    switch (opt.key) {
      case 'address': {
        // Only inet static and inet6 static use an address; other methods ignore it (kept in the file).
        if (st.method !== 'static') break;
        const cidr = at(st, opt.line, 'address', () => parseCidrValue(one(opt), family));
        if (cidr.prefix !== undefined && netmask !== undefined && cidr.prefix !== netmask) {
          throw new Problem(st, netmaskOpt!.line, 'netmask', `netmask /${netmask} contradicts the address's /${cidr.prefix}`);
        }
        const prefix = cidr.prefix ?? netmask ?? (family === 4 ? classfulPrefix(cidr.address) : 128);
        const address: IpAddress = { address: cidr.address, prefix };
        if (!ip.addresses.some((a) => a.address === address.address && a.prefix === address.prefix)) ip.addresses.push(address);
        break;
      }
      case 'gateway': {
        if (st.method !== 'static') break;
        const gw = at(st, opt.line, 'gateway', () => parseIpValue(one(opt), family));
        if (ip.gateway !== undefined && ip.gateway !== gw) throw new Problem(st, opt.line, 'gateway', `a second gateway (${gw}) for ${family === 4 ? 'IPv4' : 'IPv6'}; only one is supported`);
        ip.gateway = gw;
        break;
      }
      case 'dns-nameservers':
      case 'dns-nameserver':
        for (const word of opt.words) {
          const fam = ipFamily(word);
          if (!fam) throw new Problem(st, opt.line, opt.key, `invalid nameserver '${word}'`);
          const server = at(st, opt.line, opt.key, () => parseIpValue(word, fam));
          const list = fam === 4 ? info.ipv4.dns : info.ipv6.dns;
          if (!list.includes(server)) list.push(server);
        }
        break;
      case 'dns-search':
        for (const word of opt.words) {
          const domain = at(st, opt.line, opt.key, () => parseDomainValue(word));
          if (!ip.search.includes(domain)) ip.search.push(domain);
        }
        break;
      case 'metric':
        if (st.method === 'manual') break;
        ip.metric = at(st, opt.line, 'metric', () => parseUintValue(one(opt), 0, 2 ** 32 - 1, 'metric'));
        break;
    }
  }
  if (st.method === 'static' && !st.options.some((o) => o.key === 'address')) {
    throw new Problem(st, st.line, 'address', `${st.family} static needs an address`);
  }
}

