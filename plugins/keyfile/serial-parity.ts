/**
 * serial.parity in a keyfile (NetworkManager 1.42's parity_parser and its
 * generic enum writer). The model holds D-Bus's ASCII code (69 'E' even,
 * 111 'o' odd, 110 'n' none); NetworkManager writes its enum's number
 * (1 even, 2 odd; none is the default and not written) and reads any of:
 *   e E o O n N       the letter
 *   69 101 79 111 78 110   the letter's ASCII code (older files)
 *   0 1 2             the enum's number (what it writes)
 * Anything else NetworkManager drops with a warning; nmk refuses it, naming
 * the line.
 */
import { parseCInteger, readRaw } from './scalars.js';
import type { SpecialRow } from './special-properties.js';

const EVEN = 0x45;
const ODD = 0x6f;
const NONE = 0x6e;

/** Letters and ASCII codes to the model's value. */
const BY_LETTER: Readonly<Record<string, number>> = { e: EVEN, o: ODD, n: NONE };
/** NMSettingSerialParity (the keyfile's number) ↔ the model's value. */
const ENUM_TO_MODEL = [NONE, EVEN, ODD] as const;

function fromLetter(code: number): number | undefined {
  return code >= 0 && code < 0x80 ? BY_LETTER[String.fromCharCode(code).toLowerCase()] : undefined;
}

export const serialParity: SpecialRow = {
  read(ctx, group, def, values) {
    if (!ctx.doc.hasKey(group, def.name)) return;
    const raw = readRaw(ctx, group, def.name);
    const letter = raw.length === 1 ? fromLetter(raw.charCodeAt(0)) : undefined;
    if (letter !== undefined) return void (values[def.name] = letter);
    const n = parseCInteger(raw);
    const value = n === undefined || n < 0n || n > 0x7fffffffn ? undefined : (fromLetter(Number(n)) ?? ENUM_TO_MODEL[Number(n)]);
    if (value === undefined) throw ctx.error(group, def.name, `invalid parity value '${raw}' (expected n, e, o or 0, 1, 2)`);
    values[def.name] = value;
  },
  write(w, group, value, def) {
    const number = ENUM_TO_MODEL.indexOf(value as (typeof ENUM_TO_MODEL)[number]);
    if (number < 0) throw w.error(def.setting, def.name, `${String(value)} is not a parity (69 even, 111 odd, 110 none)`);
    w.set(def.setting, def.name, () => w.doc.setRaw(group, def.name, String(number)));
  },
};

/** The rows of the settings added for NetworkManager 1.42's modem and PPP profiles. */
export const MODEM_ROWS: Readonly<Record<string, SpecialRow>> = {
  'serial.parity': serialParity,
};
