/**
 * netifrc's bond options over the settings model's bond option table
 * (BOND_OPTIONS). netifrc writes ${OPTION}_${IFVAR} into
 * /sys/class/net/<bond>/bonding/OPTION, so an option is read from the
 * variable named by its sysfs file.
 */
import { BOND_OPTIONS, type BondOptionDefinition, parseBondOptionWords } from '../../../sdk/index.js';

/** Options netifrc can set: those the kernel has a sysfs file for. */
export const SYSFS_BOND_OPTIONS = BOND_OPTIONS.filter((o) => o.sysfs !== undefined);

/** The value as NetworkManager stores it, from the variable's words. Throws BadValue. */
export function parseBondValue(def: BondOptionDefinition, words: string[]): string {
  // netifrc adds each target with a '+' of its own, dropping one the user wrote.
  return parseBondOptionWords(def, def.kind === 'ip' ? words.map((w) => w.replace(/^\+/, '')) : words);
}
