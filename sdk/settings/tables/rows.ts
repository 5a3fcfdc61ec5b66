/**
 * Small builders for rows that repeat across tables: secret flags, ternaries,
 * and the (secret, flags) pairs of NetworkManager's secrets.
 */
import { SECRET_FLAGS_MASK, TERNARY, type PropertyRow } from '../schema.js';

/** An NMSettingSecretFlags word for the secret(s) named in `of`. */
export function secretFlags(name: string, of: string): PropertyRow {
  return {
    name,
    type: 'uint32',
    default: 0,
    flags: SECRET_FLAGS_MASK,
    isSecretFlags: true,
    description: `How ${of} is stored: 0 by NetworkManager, 1 by an agent, 2 never saved, 4 not required.`,
  };
}

/** A secret string and its flags property. */
export function secretString(name: string, description: string, flagsName = `${name}-flags`): [PropertyRow, PropertyRow] {
  return [{ name, type: 'string', secret: true, secretFlags: flagsName, description }, secretFlags(flagsName, name)];
}

/** An NMTernary: -1 default (global configuration decides), 0 false, 1 true. */
export function ternary(name: string, description: string): PropertyRow {
  return { name, type: 'int32', default: -1, values: TERNARY, description };
}

/** Rows sorted by name, as NetworkManager lists them. */
export function sortRows(rows: PropertyRow[]): PropertyRow[] {
  return rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
