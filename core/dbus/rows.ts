/**
 * An exported object is a list of interfaces, and an interface is data: rows
 * of properties, methods and signals, each with its D-Bus signature. The
 * layer serves introspection, Properties, ObjectManager and signature checks
 * from these rows; the rows only say how to read, write and call.
 *
 * Rows are shared: an interface used by a thousand objects (devices, active
 * connections, IP configs) is one InterfaceDef built once, whose getters,
 * setters and handlers get the object's `target` (what `export` was given)
 * as their last argument; it is compiled once, not per object. Rows for a
 * single object may close over it instead and ignore the target.
 *
 * Values are plain JavaScript (see values.ts for the table per signature).
 * Anything a getter, setter or handler throws becomes an error reply: a
 * DBusError (or an NmkError) keeps its D-Bus name and message; any other
 * error is logged and replied as the tree's `failedErrorName`.
 */
import type { Caller } from './caller.js';

export type { Caller };

/** [argument name, signature of one complete type]. */
export type ArgRow = readonly [name: string, signature: string];

export type PropertyAccess = 'read' | 'readwrite';

export interface PropertyRow<T = any> {
  readonly name: string;
  /** One complete type; libnm checks it, so be exact ('u' is not 'i'). */
  readonly signature: string;
  readonly access: PropertyAccess;
  /** The current value. Called for Get, GetAll, GetManagedObjects and PropertiesChanged: keep it cheap and synchronous. */
  get(target: T): unknown;
  /**
   * Store a value a client Set (required for 'readwrite'). `value` has already
   * been checked against `signature` and is in dbus-next's decoded form. Throw
   * to refuse. After it returns the layer announces the property as changed.
   */
  set?(value: unknown, caller: Caller, target: T): void | Promise<void>;
}

export interface MethodRow<T = any> {
  readonly name: string;
  readonly in: readonly ArgRow[];
  readonly out: readonly ArgRow[];
  /**
   * Called with the arguments (already checked against `in`, in dbus-next's
   * decoded form) and the caller. Returns nothing for no `out` argument, the
   * value for one, an array of values for several.
   */
  handler(args: any[], caller: Caller, target: T): unknown;
}

export interface SignalRow {
  readonly name: string;
  readonly args: readonly ArgRow[];
}

export interface InterfaceDef<T = any> {
  /** "org.freedesktop.NetworkManager.Device". */
  readonly name: string;
  readonly properties?: readonly PropertyRow<T>[];
  readonly methods?: readonly MethodRow<T>[];
  readonly signals?: readonly SignalRow[];
}
