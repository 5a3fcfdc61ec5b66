/**
 * ifenslave's bond-* options over the settings model's bond option table
 * (BOND_OPTIONS: kinds, ranges, choices, unsupported modes, from
 * NetworkManager's nm-setting-bond.c). The interfaces(5) key of an option
 * is "bond-" + its name with '_' as '-' (ifupdown accepts either spelling).
 * Choices accept the kernel's numbers too (ifenslave writes the value to
 * sysfs as given) and are stored by name.
 */
import { BOND_OPTIONS, type BondOptionDefinition, parseBondOptionWords } from '../../../sdk/index.js';

/** ifenslave options with a meaning of their own, handled by the reader rather than the table. */
export const BOND_SPECIAL_KEYS = new Set(['bond-slaves', 'bond-master']);

/**
 * ifenslave options nmk accepts without modelling them: they are kept in the
 * file when nmk rewrites the stanza. bond-queue-id is per port; bond-give-a-chance
 * is an old ifenslave wait.
 */
export const BOND_KEPT_KEYS = new Set(['bond-queue-id', 'bond-give-a-chance']);

export function bondKey(option: string): string {
  return `bond-${option.replace(/_/g, '-')}`;
}

const BY_KEY = new Map(BOND_OPTIONS.map((o) => [bondKey(o.name), o]));

export function bondOptionForKey(key: string): BondOptionDefinition | undefined {
  return BY_KEY.get(key);
}

/** The option's value as NetworkManager stores it, from the words after the key. Throws BadValue. */
export function parseBondValue(def: BondOptionDefinition, words: string[]): string {
  // bond-primary may list several ports (ifenslave picks the first present); NetworkManager keeps one.
  return parseBondOptionWords(def, def.name === 'primary' ? words.slice(0, 1) : words);
}

/** The words to write after the key for a stored option value. */
export function formatBondValue(def: BondOptionDefinition, value: string): string {
  return def.kind === 'ip' ? value.split(',').join(' ') : value;
}
