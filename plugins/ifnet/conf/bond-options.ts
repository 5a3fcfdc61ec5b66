/**
 * netifrc's bond options over the settings model's bond option table
 * (BOND_OPTIONS). netifrc writes ${OPTION}_${IFVAR} into
 * /sys/class/net/<bond>/bonding/OPTION, so an option is read from the
 * variable named by its sysfs file. Choices accept the kernel's numbers too
 * and are stored by name.
 */
import { BOND_OPTIONS, bondChoiceIndex, type BondOptionDefinition, normalizeMac } from '../../../sdk/index.js';
import { BadValue, parseIfname, parseIp, parseUint } from './values.js';

/** Options netifrc can set: those the kernel has a sysfs file for. */
export const SYSFS_BOND_OPTIONS = BOND_OPTIONS.filter((o) => o.sysfs !== undefined);

/** The value as NetworkManager stores it, from the variable's words. */
export function parseBondValue(def: BondOptionDefinition, words: string[]): string {
  // netifrc adds each target with a '+' of its own, dropping one the user wrote.
  if (def.kind === 'ip') return words.map((w) => parseIp(w.replace(/^\+/, ''), 4)).join(',');
  const text = words.join(' ');
  switch (def.kind) {
    case 'int':
      return String(parseUint(text, def.min ?? 0, def.max ?? 2 ** 31 - 1, def.name));
    case 'choice': {
      const i = bondChoiceIndex(def, text);
      if (i === undefined) throw new BadValue(`invalid ${def.name} '${text}': expected one of ${def.choices?.join(', ')}`);
      return def.choices![i]!;
    }
    case 'ifname':
      return parseIfname(text);
    case 'mac':
      if (!normalizeMac(text, 6)) throw new BadValue(`invalid ${def.name} '${text}': expected a MAC address`);
      return text; // NetworkManager keeps the option's text as given
  }
}
