/**
 * An object as the tree keeps it: its interface rows checked once and
 * indexed by name, with parsed signatures, so a call or a GetAll does no
 * parsing and no searching.
 */
import { Variant } from './variant.js';
import { interfaceXml } from './introspect.js';
import { isInterfaceName, isMemberName, isObjectPath } from './names.js';
import type { ArgRow, InterfaceDef, MethodRow, PropertyRow, SignalRow } from './rows.js';
import { parseSingle, type SigType } from './signature.js';
import { STANDARD_SHAPES } from './standard-interfaces.js';
import { checkValue, toWire } from './values.js';
import { Vardict } from './wire.js';

export interface CompiledProperty {
  readonly row: PropertyRow;
  readonly type: SigType;
  /** Its place among the interface's rows: dicts list properties in row order. */
  readonly index: number;
}

export interface CompiledMethod {
  readonly row: MethodRow;
  readonly inSignature: string;
  readonly outTypes: readonly SigType[];
  readonly outSignature: string;
}

export interface CompiledSignal {
  readonly row: SignalRow;
  readonly types: readonly SigType[];
  readonly signature: string;
}

export interface CompiledInterface {
  readonly name: string;
  /** In row order, which is the order GetAll and PropertiesChanged list them. */
  readonly propertyList: readonly CompiledProperty[];
  readonly properties: ReadonlyMap<string, CompiledProperty>;
  readonly methods: ReadonlyMap<string, CompiledMethod>;
  readonly signals: ReadonlyMap<string, CompiledSignal>;
}

/** Called for a property left out of a dict because its getter threw or returned a bad value. */
export type PropertyFault = (path: string, iface: CompiledInterface, property: CompiledProperty, err: unknown) => void;

/**
 * Compiled interfaces by their definition: a shared InterfaceDef (one per
 * device kind, one for all active connections) is checked and indexed once,
 * whatever the number of objects exporting it.
 */
const compiledDefs = new WeakMap<InterfaceDef, CompiledInterface>();
const interfaceXmls = new WeakMap<InterfaceDef, string>();

export class ExportedObject {
  readonly interfaces: ReadonlyMap<string, CompiledInterface>;

  /** Checks every row; throws an Error naming the path, interface and row at fault. */
  constructor(
    readonly path: string,
    private readonly defs: readonly InterfaceDef[],
    /** What the rows' getters, setters and handlers get as their last argument. */
    readonly target?: unknown,
  ) {
    if (!isObjectPath(path)) throw new Error(`cannot export '${path}': not a valid object path`);
    const interfaces = new Map<string, CompiledInterface>();
    for (const def of defs) {
      const where = `cannot export ${path}: interface '${def?.name}'`;
      if (!isInterfaceName(def?.name)) throw new Error(`${where}: not a valid interface name`);
      if (STANDARD_SHAPES[def.name]) throw new Error(`${where}: the D-Bus layer serves it itself`);
      if (interfaces.has(def.name)) throw new Error(`${where}: listed twice`);
      let compiled = compiledDefs.get(def);
      if (!compiled) compiledDefs.set(def, (compiled = compileInterface(def, where)));
      interfaces.set(def.name, compiled);
    }
    this.interfaces = interfaces;
  }

  /** The object's own <interface> elements (each interface's built on first use, shared). */
  interfaceXml(): string {
    return this.defs
      .map((d) => {
        let xml = interfaceXmls.get(d);
        if (xml === undefined) interfaceXmls.set(d, (xml = interfaceXml(d)));
        return xml;
      })
      .join('');
  }

  /** Every interface with its properties: the a{sa{sv}} of GetManagedObjects and InterfacesAdded, for the encoder. */
  allProperties(onFault: PropertyFault): Record<string, Vardict> {
    const out: Record<string, Vardict> = {};
    for (const iface of this.interfaces.values()) out[iface.name] = readVardict(this, iface, undefined, onFault);
    return out;
  }
}

/** One property's current value as a wire-form Variant. Throws what the getter throws, or a ValueError. */
export function readProperty(property: CompiledProperty, target: unknown): Variant {
  return new Variant(property.type.text, toWire(property.type, property.row.get(target)));
}

/** An interface's properties (all, or those in `only`) as a wire-form a{sv}, skipping faulty ones. */
export function readProperties(
  object: ExportedObject,
  iface: CompiledInterface,
  only: ReadonlySet<string> | undefined,
  onFault: PropertyFault,
): Record<string, Variant> {
  const out: Record<string, Variant> = {};
  for (const property of iface.propertyList) {
    if (only && !only.has(property.row.name)) continue;
    try {
      out[property.row.name] = readProperty(property, object.target);
    } catch (err) {
      onFault(object.path, iface, property, err);
    }
  }
  return out;
}

/**
 * The same dict for the encoder only: each value read once and checked, and
 * written into the message as it is (no Variant, copy or Buffer per value).
 * `rows`: a bitset of the rows to read (bit i is row i; see change-batch.ts), or all.
 */
export function readVardict(object: ExportedObject, iface: CompiledInterface, rows: readonly number[] | undefined, onFault: PropertyFault): Vardict {
  const list = iface.propertyList;
  if (!rows) {
    const out = new Vardict(list.length);
    for (let i = 0; i < list.length; i++) readInto(out, object, iface, list[i]!, onFault);
    return out;
  }
  let count = 0;
  for (const word of rows) count += bitCount(word);
  const out = new Vardict(count);
  for (let w = 0; w < rows.length; w++) {
    // Lowest bit first: row order.
    for (let bits = rows[w]!; bits !== 0; bits &= bits - 1) {
      readInto(out, object, iface, list[w * 32 + 31 - Math.clz32(bits & -bits)]!, onFault);
    }
  }
  return out;
}

function readInto(out: Vardict, object: ExportedObject, iface: CompiledInterface, property: CompiledProperty, onFault: PropertyFault): void {
  try {
    const value = property.row.get(object.target);
    checkValue(property.type, value);
    out.add(property.row.name, property.type, value);
  } catch (err) {
    onFault(object.path, iface, property, err);
  }
}

function bitCount(word: number): number {
  let count = 0;
  for (let bits = word; bits !== 0; bits &= bits - 1) count++;
  return count;
}

function compileInterface(def: InterfaceDef, where: string): CompiledInterface {
  const properties = new Map<string, CompiledProperty>();
  const methods = new Map<string, CompiledMethod>();
  const signals = new Map<string, CompiledSignal>();
  for (const row of def.properties ?? []) {
    const at = `${where}: property '${row.name}'`;
    checkMemberName(row.name, properties, at);
    // Property names become keys of plain objects in a{sv} dicts.
    if (row.name === '__proto__') throw new Error(`${at}: reserved name`);
    if (typeof row.get !== 'function') throw new Error(`${at}: has no get()`);
    if (row.access !== 'read' && row.access !== 'readwrite') throw new Error(`${at}: access must be 'read' or 'readwrite'`);
    if (row.access === 'readwrite' && typeof row.set !== 'function') throw new Error(`${at}: is readwrite but has no set()`);
    properties.set(row.name, { row, type: singleType(row.signature, at), index: properties.size });
  }
  for (const row of def.methods ?? []) {
    const at = `${where}: method '${row.name}'`;
    checkMemberName(row.name, methods, at);
    if (typeof row.handler !== 'function') throw new Error(`${at}: has no handler()`);
    const inTypes = argTypes(row.in, at);
    const outTypes = argTypes(row.out, at);
    methods.set(row.name, { row, inSignature: joinTypes(inTypes), outTypes, outSignature: joinTypes(outTypes) });
  }
  for (const row of def.signals ?? []) {
    const at = `${where}: signal '${row.name}'`;
    checkMemberName(row.name, signals, at);
    const types = argTypes(row.args, at);
    signals.set(row.name, { row, types, signature: joinTypes(types) });
  }
  return { name: def.name, propertyList: [...properties.values()], properties, methods, signals };
}

function checkMemberName(name: string, seen: ReadonlyMap<string, unknown>, at: string): void {
  if (!isMemberName(name)) throw new Error(`${at}: not a valid member name`);
  if (seen.has(name)) throw new Error(`${at}: listed twice`);
}

function singleType(signature: string, at: string): SigType {
  try {
    return parseSingle(signature);
  } catch (e) {
    throw new Error(`${at}: bad signature '${signature}': ${(e as Error).message}`);
  }
}

function argTypes(args: readonly ArgRow[] | undefined, at: string): SigType[] {
  if (!Array.isArray(args)) throw new Error(`${at}: arguments must be a list of [name, signature]`);
  return args.map(([name, signature]) => {
    if (!isMemberName(name)) throw new Error(`${at}: argument name '${name}' is not a valid name`);
    return singleType(signature, `${at}: argument '${name}'`);
  });
}

function joinTypes(types: readonly SigType[]): string {
  return types.map((t) => t.text).join('');
}
