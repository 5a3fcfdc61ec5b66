/**
 * nmk's D-Bus layer: a thin, data-driven server on its own transport
 * (bus-client.ts: unix socket, EXTERNAL authentication, Hello; wire.ts
 * encodes, wire-reader.ts decodes into dbus-next 0.10.2's value forms, with
 * dbus-next's Variant class). No dbus-next decorators or Interface classes;
 * nothing NetworkManager-specific but two defaults (the ObjectManager root
 * and the fallback error name).
 *
 * Connecting
 *   const conn = await connectBus({ logger, address? })    // default $DBUS_SYSTEM_BUS_ADDRESS or the system socket
 *     rejects NmkError BUS_UNAVAILABLE "cannot connect to D-Bus at ADDRESS: ENOENT"
 *   const tree = await ObjectTree.attach(conn, { logger, objectManagerPath?, failedErrorName?, machineIdFiles? })
 *     objectManagerPath default '/org/freedesktop' (null: no ObjectManager);
 *     failedErrorName default 'org.freedesktop.NetworkManager.Failed'
 *   tree.export(...) for the objects, then
 *   await conn.requestName('org.freedesktop.NetworkManager')
 *     rejects NmkError BUS_UNAVAILABLE "cannot own the name N on D-Bus at A: it is already owned by :1.7"
 *   conn.on('disconnected', (reason: Error | null) => ...)  // once; reason null after close()
 *   conn.call({ destination, path, interface, member, signature?, body?, timeoutMs? }): Promise<any[]>
 *     (body plain, converted by signature; error replies reject with DBusError)
 *   conn.send(OutgoingMessage): boolean   replies and signals; encoded by wire.ts
 *     (10x faster for big replies; byte-identical, see wire.test.ts); writes batched per tick
 *   await tree.close(); await conn.close()
 *
 * Objects (rows.ts): an object is a list of InterfaceDef
 *   { name, properties?: PropertyRow[], methods?: MethodRow[], signals?: SignalRow[] }
 *   PropertyRow { name, signature, access: 'read' | 'readwrite', get(): unknown, set?(value, caller) }
 *   MethodRow   { name, in: [argName, signature][], out: [argName, signature][], handler(args, caller) }
 *               handler returns nothing / the value / an array of values for 0 / 1 / n out args,
 *               or a Promise of that
 *   SignalRow   { name, args: [argName, signature][] }
 *   Caller      { sender: ':1.42', uid }   (uid looked up once per unique name, always present)
 *   tree.export(path, interfaces)   serves it at once, then sends InterfacesAdded (below the root)
 *   tree.unexport(path): boolean    sends InterfacesRemoved
 *   tree.has(path)
 *   tree.changed(path, iface, ['Prop', ...])   one PropertiesChanged per object and interface per tick
 *   tree.emitSignal(path, iface, 'Name', [args...])   flushes that object's pending changes first
 *   tree.flush()                    send pending PropertiesChanged now
 *
 * Served for every object: Introspectable (XML from the rows, with child
 * nodes), Properties (Get/GetAll/Set; Set on a read-only property answers
 * PropertyReadOnly and stores nothing; wrong signature InvalidArgs; unknown
 * UnknownInterface/UnknownProperty), Peer (Ping, GetMachineId); at the root,
 * ObjectManager.GetManagedObjects. Unknown path: UnknownObject; unknown
 * method: UnknownMethod; wrong argument signature: InvalidArgs naming the
 * expected one.
 *
 * Errors: throw DBusError(name, message), or an NmkError (its dbusName);
 * the reply carries the name and the message only. Anything else is logged
 * and replied as failedErrorName with its message.
 *
 * Values (values.ts): plain JS checked against the signature: numbers for
 * y n q i u d, bigint (or a safe integer) for x t, boolean for b, string for
 * s o g, Variant for v (variant(sig, value)), Buffer/Uint8Array/number[] for
 * ay, arrays for arrays and structs, Map or plain object for string-keyed
 * dicts (dbus-next 0.10.2 cannot marshal integer-keyed dicts; NetworkManager
 * has none); vardict([[key, sig, value], ...]) builds an a{sv}. Arguments and
 * Set values arrive in dbus-next's decoded form (Variant, plain objects,
 * bigint, Buffer). A value that does not fit is never sent: a bad property is
 * left out of GetAll/GetManagedObjects/PropertiesChanged (and Get fails), a
 * bad result replies failedErrorName; both are logged with path and row.
 *
 * Calls from one sender are handled in arrival order (also while its uid is
 * being looked up); replies to async handlers go out when they settle.
 */
export { connectBus, BusConnection, systemBusAddress, DEFAULT_SYSTEM_BUS_ADDRESS } from './connection.js';
export { MessageKind, type OutgoingMessage } from './wire.js';
export type { ConnectOptions, CallOptions } from './connection.js';
export { ObjectTree } from './object-tree.js';
export type { ObjectTreeOptions } from './object-tree.js';
export type { Caller, ArgRow, PropertyAccess, PropertyRow, MethodRow, SignalRow, InterfaceDef } from './rows.js';
export { DBusError, StandardErrors, errorReplyFor } from './errors.js';
export { Variant, variant, vardict, toWire, toWireList, ValueError, describe } from './values.js';
export type { VardictRow } from './values.js';
export { parseSignature, parseSingle, isSignature, isSingleType, SignatureError } from './signature.js';
export type { SigType } from './signature.js';
export { isObjectPath, isInterfaceName, isMemberName, isBusName } from './names.js';
export { PROPERTIES, INTROSPECTABLE, PEER, OBJECT_MANAGER } from './standard-interfaces.js';
