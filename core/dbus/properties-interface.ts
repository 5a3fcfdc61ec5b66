/**
 * org.freedesktop.DBus.Properties on the rows: Get, GetAll and Set. Set is
 * refused, storing nothing, unless the row is readwrite and the value has
 * the row's exact signature (dbus-next's own Set refuses a read-only
 * property yet stores the value anyway).
 */
import { Variant } from './variant.js';
import type { Caller } from './caller.js';
import { DBusError, StandardErrors } from './errors.js';
import { readProperties, type CompiledInterface, type CompiledProperty, type ExportedObject, type PropertyFault } from './exported-object.js';
import { NO_REPLY, type ReplyBody } from './messages.js';
import { isPromiseLike } from './promise.js';
import { toWire } from './values.js';

/** What the Properties methods need from the tree. */
export interface PropertiesHost {
  readonly failedErrorName: string;
  /** True for interfaces the layer serves itself (they have no properties). */
  isStandardInterface(name: string): boolean;
  /** Log a property left out because its getter threw or its value does not fit. */
  readonly onFault: PropertyFault;
  /** A client Set a property: announce it (if the object is still exported). */
  announce(object: ExportedObject, iface: CompiledInterface, name: string): void;
}

export function getProperty(host: PropertiesHost, object: ExportedObject, [ifaceName, name]: [string, string]): ReplyBody {
  const [iface, property] = findProperty(host, object, ifaceName, name);
  const value = property.row.get(object.target); // what it throws is the reply
  let wire: unknown;
  try {
    wire = toWire(property.type, value);
  } catch (err) {
    host.onFault(object.path, iface, property, err);
    throw new DBusError(host.failedErrorName, `property ${iface.name}.${name} has no valid value`);
  }
  return { signature: 'v', body: [new Variant(property.type.text, wire)] };
}

export function getAllProperties(host: PropertiesHost, object: ExportedObject, [ifaceName]: [string]): ReplyBody {
  let dict: Record<string, Variant> = {};
  if (ifaceName === '') {
    for (const iface of object.interfaces.values()) Object.assign(dict, readProperties(object, iface, undefined, host.onFault));
  } else {
    const iface = object.interfaces.get(ifaceName);
    if (iface) dict = readProperties(object, iface, undefined, host.onFault);
    else if (!host.isStandardInterface(ifaceName)) throw unknownInterface(object, ifaceName);
  }
  return { signature: 'a{sv}', body: [dict] };
}

export function setProperty(
  host: PropertiesHost,
  object: ExportedObject,
  [ifaceName, name, value]: [string, string, Variant],
  caller: Caller,
): ReplyBody | Promise<ReplyBody> {
  const [iface, property] = findProperty(host, object, ifaceName, name);
  if (property.row.access !== 'readwrite' || !property.row.set) {
    throw new DBusError(StandardErrors.PropertyReadOnly, `Property '${name}' of interface '${iface.name}' is read-only`);
  }
  if (value.signature !== property.type.text) {
    throw new DBusError(
      StandardErrors.InvalidArgs,
      `Property '${name}' of interface '${iface.name}' has signature '${property.type.text}', not '${value.signature}'`,
    );
  }
  const announce = (): ReplyBody => {
    host.announce(object, iface, name);
    return NO_REPLY;
  };
  const stored = property.row.set(value.value, caller, object.target);
  return isPromiseLike(stored) ? Promise.resolve(stored).then(announce) : announce();
}

/** The interface and property a Get/Set names; '' as interface searches them all. */
function findProperty(host: PropertiesHost, object: ExportedObject, ifaceName: string, name: string): [CompiledInterface, CompiledProperty] {
  if (ifaceName === '') {
    for (const iface of object.interfaces.values()) {
      const property = iface.properties.get(name);
      if (property) return [iface, property];
    }
    throw new DBusError(StandardErrors.UnknownProperty, `No such property '${name}' at object path '${object.path}'`);
  }
  const iface = object.interfaces.get(ifaceName);
  if (!iface) {
    if (host.isStandardInterface(ifaceName)) throw new DBusError(StandardErrors.UnknownProperty, `No such property '${name}' in interface '${ifaceName}'`);
    throw unknownInterface(object, ifaceName);
  }
  const property = iface.properties.get(name);
  if (!property) throw new DBusError(StandardErrors.UnknownProperty, `No such property '${name}' in interface '${ifaceName}'`);
  return [iface, property];
}

function unknownInterface(object: ExportedObject, ifaceName: string): DBusError {
  return new DBusError(StandardErrors.UnknownInterface, `No such interface '${ifaceName}' at object path '${object.path}'`);
}
