/**
 * The exported object tree on one connection: routes every method call that
 * reaches us (one addMethodHandler for all paths), serves the freedesktop
 * interfaces (Introspectable, Properties, Peer, and ObjectManager at its
 * root) from the interface rows, and emits InterfacesAdded/Removed and
 * coalesced PropertiesChanged.
 */
import { readFile } from 'node:fs/promises';
import type { Variant } from './variant.js';
import type { Logger } from '../../sdk/logger.js';
import { CallerCache, type Caller } from './caller.js';
import { ChangeBatch, type PendingChanges } from './change-batch.js';
import type { BusConnection } from './connection.js';
import { DBusError, errorReplyFor, isPermissionDenied, StandardErrors } from './errors.js';
import { ExportedObject, readVardict, type CompiledInterface, type CompiledProperty, type PropertyFault } from './exported-object.js';
import { nodeXml } from './introspect.js';
import {
  errorReturn,
  expectsReply,
  isMethodCall,
  methodReturn,
  NO_REPLY,
  signalMessage,
  type Message,
  type ReplyBody,
} from './messages.js';
import { isBelow, isInterfaceName, isObjectPath } from './names.js';
import { isPromiseLike } from './promise.js';
import { PathIndex } from './path-index.js';
import { getAllProperties, getProperty, setProperty, type PropertiesHost } from './properties-interface.js';
import type { InterfaceDef } from './rows.js';
import {
  INTROSPECTABLE,
  OBJECT_MANAGER,
  OBJECT_MANAGER_XML,
  OBJECT_XML,
  PASSAGE_XML,
  PEER,
  PROPERTIES,
} from './standard-interfaces.js';
import { toWireList, ValueError } from './values.js';
import type { Vardict } from './wire.js';

export interface ObjectTreeOptions {
  logger: Logger;
  /** Where org.freedesktop.DBus.ObjectManager lives (NetworkManager's: the default); null for none. */
  objectManagerPath?: string | null;
  /** Error name for thrown errors that carry no D-Bus name (default NetworkManager's Failed). */
  failedErrorName?: string;
  /** Files tried in turn for Peer.GetMachineId. */
  machineIdFiles?: readonly string[];
}

/** Where a built-in method answers: any path, a path that is or leads to an object, an object, the ObjectManager root. */
type Scope = 'anywhere' | 'node' | 'object' | 'manager';

interface Builtin {
  in: string;
  scope: Scope;
  run(msg: Message, caller: Caller): ReplyBody | Promise<ReplyBody>;
}

const DEFAULT_FAILED = 'org.freedesktop.NetworkManager.Failed';
const DEFAULT_MACHINE_ID_FILES = ['/etc/machine-id', '/var/lib/dbus/machine-id'];

export class ObjectTree {
  private readonly objects = new Map<string, ExportedObject>();
  private readonly paths = new PathIndex();
  private readonly changes = new ChangeBatch((object, changes) => this.sendChanges(object, changes));
  private machineIdRead: Promise<string> | undefined;
  private closed = false;
  private readonly log: Logger;
  private readonly managerPath: string | null;
  readonly failedErrorName: string;
  private readonly machineIdFiles: readonly string[];
  /** The Properties target at the ObjectManager root when no object is exported there. */
  private readonly emptyRoot: ExportedObject | undefined;
  private readonly builtins: Record<string, Record<string, Builtin>>;
  private readonly onCall = (msg: Message): boolean => this.receive(msg);
  private readonly onFault: PropertyFault = (path, iface, property, err) => this.logBadProperty(path, iface, property, err);
  private readonly propertiesHost: PropertiesHost;

  private constructor(
    private readonly conn: BusConnection,
    private readonly callers: CallerCache,
    options: ObjectTreeOptions,
  ) {
    this.log = options.logger.child({ component: 'dbus' });
    this.managerPath = options.objectManagerPath === undefined ? '/org/freedesktop' : options.objectManagerPath;
    this.failedErrorName = options.failedErrorName ?? DEFAULT_FAILED;
    this.machineIdFiles = options.machineIdFiles ?? DEFAULT_MACHINE_ID_FILES;
    if (this.managerPath !== null && !isObjectPath(this.managerPath)) throw new TypeError(`'${this.managerPath}' is not a valid object path`);
    if (!isInterfaceName(this.failedErrorName)) throw new TypeError(`'${this.failedErrorName}' is not a valid D-Bus error name`);
    if (this.managerPath !== null) {
      this.paths.add(this.managerPath);
      this.emptyRoot = new ExportedObject(this.managerPath, []);
    }
    this.builtins = this.builtinTable();
    this.propertiesHost = {
      failedErrorName: this.failedErrorName,
      isStandardInterface: (name) => name in this.builtins,
      onFault: this.onFault,
      announce: (object, iface, name) => {
        if (this.objects.get(object.path) === object) this.changes.mark(object, iface, [name]);
      },
    };
  }

  /** Serve every method call that reaches this connection. Export objects before requesting the name. */
  static async attach(conn: BusConnection, options: ObjectTreeOptions): Promise<ObjectTree> {
    const callers = await CallerCache.start(conn, options.logger.child({ component: 'dbus' }));
    const tree = new ObjectTree(conn, callers, options);
    conn.bus.addMethodHandler(tree.onCall);
    return tree;
  }

  /**
   * Export an object. It answers calls at once; then, below the ObjectManager
   * root, InterfacesAdded is sent with its current properties. Throws an
   * Error naming the row for bad rows, or when the path is already exported.
   * `target` reaches the rows' getters, setters and handlers (shared rows).
   */
  export(path: string, interfaces: readonly InterfaceDef[], target?: unknown): void {
    if (this.closed) throw new Error(`cannot export ${path}: the object tree is closed`);
    if (this.objects.has(path)) throw new Error(`cannot export ${path}: already exported`);
    if (interfaces.length === 0) throw new Error(`cannot export ${path}: an object needs at least one interface`);
    const object = new ExportedObject(path, interfaces, target);
    this.objects.set(path, object);
    this.paths.add(path);
    if (this.managerPath !== null && isBelow(path, this.managerPath)) {
      this.sendSignal(this.managerPath, OBJECT_MANAGER, 'InterfacesAdded', 'oa{sa{sv}}', [path, object.allProperties(this.onFault)]);
    }
  }

  /** Remove an object (sending InterfacesRemoved below the root). False when nothing was there. */
  unexport(path: string): boolean {
    const object = this.objects.get(path);
    if (!object) return false;
    this.objects.delete(path);
    this.paths.remove(path);
    this.changes.drop(object);
    if (this.managerPath !== null && isBelow(path, this.managerPath)) {
      this.sendSignal(this.managerPath, OBJECT_MANAGER, 'InterfacesRemoved', 'oas', [path, [...object.interfaces.keys()]]);
    }
    return true;
  }

  has(path: string): boolean {
    return this.objects.has(path);
  }

  /**
   * Mark properties changed. Within one tick every mark on an object and
   * interface becomes ONE PropertiesChanged with the values current when it
   * is sent. A path that is not exported is ignored (it may have just gone);
   * an interface or property the object does not have throws.
   */
  changed(path: string, iface: string, properties: readonly string[]): void {
    const object = this.objects.get(path);
    if (!object) return;
    const compiled = object.interfaces.get(iface);
    if (!compiled) throw new Error(`${path} has no interface ${iface}`);
    for (const name of properties) {
      if (!compiled.properties.has(name)) throw new Error(`${path} has no property ${iface}.${name}`);
    }
    this.changes.mark(object, compiled, properties);
  }

  /**
   * Emit a signal of an exported object, its arguments plain values in the
   * order of the signal row. Pending PropertiesChanged of the same object go
   * first, so a client reacting to the signal reads current properties —
   * unless `flushFirst` is false: a signal that itself announces a change of
   * a list property (DeviceAdded and Devices) must not resend the whole list
   * each time, or a thousand new devices cost a million paths on the bus.
   * Ignored when the path is not exported; throws for an unknown signal or
   * arguments that do not fit its row.
   */
  emitSignal(path: string, iface: string, name: string, args: readonly unknown[], opts: { flushFirst?: boolean } = {}): void {
    const object = this.objects.get(path);
    if (!object) {
      this.log.debug('signal from an object that is not exported', { path, interface: iface, signal: name });
      return;
    }
    const signal = object.interfaces.get(iface)?.signals.get(name);
    if (!signal) throw new Error(`${path} has no signal ${iface}.${name}`);
    let body: unknown[];
    try {
      body = toWireList(signal.types, args);
    } catch (e) {
      throw new Error(`signal ${iface}.${name} from ${path}: ${(e as Error).message}`);
    }
    if (opts.flushFirst !== false) this.changes.flushObject(object);
    this.sendSignal(path, iface, name, signal.signature, body);
  }

  /** Send every pending PropertiesChanged now (normally done once per tick). */
  flush(): void {
    this.changes.flush();
  }

  /** Stop serving calls. Objects stay in memory; pending changes are dropped. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.conn.bus.removeMethodHandler(this.onCall);
    this.changes.clear();
    await this.callers.stop();
  }

  // ---- incoming calls -------------------------------------------------------

  /** dbus-next method handler: every call is ours (true), answered now or once the caller's uid is known. */
  private receive(msg: Message): boolean {
    if (!isMethodCall(msg)) return false;
    if (!msg.sender) {
      this.replyError(msg, new DBusError(StandardErrors.AccessDenied, 'calls without a sender are not accepted'));
      return true;
    }
    this.callers.withCaller(
      msg.sender,
      (caller) => this.dispatch(msg, caller),
      () => this.log.debug('dropped a call: its sender left the bus', { sender: msg.sender, member: msg.member }),
    );
    return true;
  }

  private dispatch(msg: Message, caller: Caller): void {
    let result: ReplyBody | Promise<ReplyBody>;
    try {
      result = this.route(msg, caller);
    } catch (err) {
      this.replyError(msg, err, caller);
      return;
    }
    if (isPromiseLike(result)) {
      result.then(
        (reply) => this.reply(msg, reply),
        (err: unknown) => this.replyError(msg, err, caller),
      );
    } else {
      this.reply(msg, result);
    }
  }

  private route(msg: Message, caller: Caller): ReplyBody | Promise<ReplyBody> {
    const { path, member } = msg;
    const object = this.objects.get(path);
    const iface = msg.interface || this.interfaceOf(object, member);
    const own = iface === undefined ? undefined : object?.interfaces.get(iface);
    if (own) return this.callMethod(msg, object!, own, caller);
    const standard = iface === undefined ? undefined : this.builtins[iface];
    if (standard) {
      const builtin = standard[member];
      if (!this.inScope(path, builtin?.scope ?? 'node')) {
        if (this.isNode(path)) throw new DBusError(StandardErrors.UnknownInterface, `No interface '${iface}' at object path '${path}'`);
        throw new DBusError(StandardErrors.UnknownObject, `No such object path '${path}'`);
      }
      if (!builtin) throw new DBusError(StandardErrors.UnknownMethod, `No such method '${member}' in interface '${iface}'`);
      checkSignature(msg, iface!, builtin.in);
      return builtin.run(msg, caller);
    }
    if (!this.isNode(path)) throw new DBusError(StandardErrors.UnknownObject, `No such object path '${path}'`);
    if (msg.interface) throw new DBusError(StandardErrors.UnknownInterface, `No interface '${iface}' at object path '${path}'`);
    throw new DBusError(StandardErrors.UnknownMethod, `No method '${member}' at object path '${path}'`);
  }

  /** A call without an interface field: the first interface with that member (ours, then the standard ones). */
  private interfaceOf(object: ExportedObject | undefined, member: string): string | undefined {
    for (const iface of object?.interfaces.values() ?? []) if (iface.methods.has(member)) return iface.name;
    for (const [name, members] of Object.entries(this.builtins)) if (members[member]) return name;
    return undefined;
  }

  private callMethod(msg: Message, object: ExportedObject, iface: CompiledInterface, caller: Caller): ReplyBody | Promise<ReplyBody> {
    const method = iface.methods.get(msg.member);
    if (!method) throw new DBusError(StandardErrors.UnknownMethod, `No such method '${msg.member}' in interface '${iface.name}' at object path '${object.path}'`);
    checkSignature(msg, iface.name, method.inSignature);
    const toReply = (result: unknown): ReplyBody => {
      const values = method.outTypes.length === 0 ? [] : method.outTypes.length === 1 ? [result] : result;
      try {
        if (!Array.isArray(values)) throw new ValueError(`expected an array of ${method.outTypes.length} results, got ${typeof values}`);
        return { signature: method.outSignature, body: toWireList(method.outTypes, values) };
      } catch (e) {
        this.log.error('a D-Bus method returned a value that does not fit its signature', {
          path: object.path,
          interface: iface.name,
          method: msg.member,
          signature: method.outSignature,
          error: (e as Error).message,
        });
        throw new DBusError(this.failedErrorName, `${iface.name}.${msg.member} returned an invalid result`);
      }
    };
    const result = method.row.handler(msg.body, caller, object.target);
    return isPromiseLike(result) ? Promise.resolve(result).then(toReply) : toReply(result);
  }

  private reply(msg: Message, reply: ReplyBody): void {
    if (!expectsReply(msg)) return;
    if (!this.conn.send(methodReturn(msg, reply.signature, reply.body)) && this.conn.isOpen) {
      this.conn.send(errorReturn(msg, this.failedErrorName, `the reply to ${msg.member} could not be encoded`));
    }
  }

  private replyError(msg: Message, err: unknown, caller?: Caller): void {
    const { name, message, expected } = errorReplyFor(err, this.failedErrorName);
    // An audit trail of refused calls: who (uid) tried what, wherever the refusal was raised.
    if (caller && isPermissionDenied(name)) {
      this.log.info(`refused ${msg.interface ?? ''}.${msg.member} on ${msg.path} for uid ${caller.uid}: ${message}`, {
        uid: caller.uid,
        sender: caller.sender,
        path: msg.path,
        interface: msg.interface,
        member: msg.member,
        error: name,
      });
    }
    if (!expected) {
      this.log.error('a D-Bus call failed', {
        path: msg.path,
        interface: msg.interface,
        member: msg.member,
        error: message,
        stack: (err as Error | null)?.stack,
      });
    }
    if (expectsReply(msg)) this.conn.send(errorReturn(msg, name, message.replace(/\0/g, '')));
  }

  // ---- built-in interfaces ---------------------------------------------------

  private builtinTable(): Record<string, Record<string, Builtin>> {
    return {
      [PROPERTIES]: {
        Get: { in: 'ss', scope: 'object', run: (msg) => getProperty(this.propertiesHost, this.propertiesTarget(msg.path), msg.body as [string, string]) },
        GetAll: { in: 's', scope: 'object', run: (msg) => getAllProperties(this.propertiesHost, this.propertiesTarget(msg.path), msg.body as [string]) },
        Set: { in: 'ssv', scope: 'object', run: (msg, caller) => setProperty(this.propertiesHost, this.propertiesTarget(msg.path), msg.body as [string, string, Variant], caller) },
      },
      [INTROSPECTABLE]: {
        Introspect: { in: '', scope: 'node', run: (msg) => ({ signature: 's', body: [this.introspect(msg.path)] }) },
      },
      [PEER]: {
        Ping: { in: '', scope: 'anywhere', run: () => NO_REPLY },
        GetMachineId: { in: '', scope: 'anywhere', run: () => this.machineId().then((id) => ({ signature: 's', body: [id] })) },
      },
      [OBJECT_MANAGER]: {
        GetManagedObjects: { in: '', scope: 'manager', run: () => ({ signature: 'a{oa{sa{sv}}}', body: [this.managedObjects()] }) },
      },
    };
  }

  private inScope(path: string, scope: Scope): boolean {
    switch (scope) {
      case 'anywhere':
        return true;
      case 'node':
        return this.isNode(path);
      case 'object':
        return this.objects.has(path) || path === this.managerPath;
      case 'manager':
        return path === this.managerPath;
    }
  }

  /** An exported object, a path leading to one, or the ObjectManager root. */
  private isNode(path: string): boolean {
    return this.objects.has(path) || this.paths.hasChildren(path) || path === this.managerPath;
  }

  private propertiesTarget(path: string): ExportedObject {
    return this.objects.get(path) ?? this.emptyRoot!;
  }

  private introspect(path: string): string {
    const object = this.objects.get(path);
    let interfaces: string;
    if (path === this.managerPath) interfaces = OBJECT_XML + (object?.interfaceXml() ?? '') + OBJECT_MANAGER_XML;
    else interfaces = object ? OBJECT_XML + object.interfaceXml() : PASSAGE_XML;
    return nodeXml(interfaces, this.paths.childrenOf(path));
  }

  /** Every object below the root with all its properties, in one synchronous pass. */
  private managedObjects(): Record<string, Record<string, Vardict>> {
    const out: Record<string, Record<string, Vardict>> = {};
    for (const [path, object] of this.objects) {
      if (isBelow(path, this.managerPath!)) out[path] = object.allProperties(this.onFault);
    }
    return out;
  }

  private machineId(): Promise<string> {
    this.machineIdRead ??= (async () => {
      for (const file of this.machineIdFiles) {
        const id = await readFile(file, 'utf8').then((t) => t.trim(), () => '');
        if (/^[0-9a-f]{32}$/.test(id)) return id;
      }
      this.machineIdRead = undefined;
      throw new DBusError(StandardErrors.Failed, `no machine id in ${this.machineIdFiles.join(' or ')}`);
    })();
    return this.machineIdRead;
  }

  // ---- signals ----------------------------------------------------------------

  private sendChanges(object: ExportedObject, changes: PendingChanges): void {
    if (this.objects.get(object.path) !== object) return; // unexported (or replaced) meanwhile
    for (const { iface, rows } of changes) {
      const dict = readVardict(object, iface, rows, this.onFault);
      if (dict.size > 0) this.sendSignal(object.path, PROPERTIES, 'PropertiesChanged', 'sa{sv}as', [iface.name, dict, []]);
    }
  }

  /** Never throws: a signal that cannot be encoded is logged by the connection. */
  private sendSignal(path: string, iface: string, member: string, signature: string, body: unknown[]): void {
    this.conn.send(signalMessage(path, iface, member, signature, body));
  }

  private logBadProperty(path: string, iface: CompiledInterface, property: CompiledProperty, err: unknown): void {
    this.log.error('a D-Bus property has no valid value; left out', {
      path,
      interface: iface.name,
      property: property.row.name,
      signature: property.type.text,
      error: (err as Error | null)?.message ?? String(err),
    });
  }
}

function checkSignature(msg: Message, iface: string, expected: string): void {
  if (msg.signature !== expected) {
    throw new DBusError(
      StandardErrors.InvalidArgs,
      `${iface}.${msg.member} expects arguments of signature '${expected}', got '${msg.signature}'`,
    );
  }
}
