/**
 * A bond option's value as NetworkManager stores it in bond.options, from
 * the words a distribution file gives it (ifenslave's bond-* options, netifrc's
 * ${OPTION}_${IFVAR}), checked against the option's row in BOND_OPTIONS.
 * The ifupdown and ifnet readers did this alike; it lives here once. Each
 * caller first applies its own format's quirks to the words.
 */
import { normalizeMac } from './mac.js';
import { bondChoiceIndex, type BondOptionDefinition } from './tables/bond-options.js';
import { BadValue, parseIfnameValue, parseIpValue, parseUintValue } from './text-values.js';

/**
 * 'ip' options: each word an IPv4 address, stored comma-separated. Others:
 * the words joined by a space; choices accept the kernel's numbers too and
 * are stored by name; a MAC keeps its text as given (as NetworkManager
 * does). Throws BadValue.
 */
export function parseBondOptionWords(def: BondOptionDefinition, words: readonly string[]): string {
  if (def.kind === 'ip') return words.map((w) => parseIpValue(w, 4)).join(',');
  const text = words.join(' ');
  switch (def.kind) {
    case 'int':
      return String(parseUintValue(text, def.min ?? 0, def.max ?? 2 ** 31 - 1, def.name));
    case 'choice': {
      const i = bondChoiceIndex(def, text);
      if (i === undefined) throw new BadValue(`invalid ${def.name} '${text}': expected one of ${def.choices?.join(', ')}`);
      return def.choices![i]!;
    }
    case 'ifname':
      return parseIfnameValue(text);
    case 'mac':
      if (!normalizeMac(text, 6)) throw new BadValue(`invalid ${def.name} '${text}': expected a MAC address`);
      return text;
  }
}
