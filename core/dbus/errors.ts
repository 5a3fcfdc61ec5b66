/**
 * D-Bus errors a handler can throw, and how any thrown value becomes an
 * error reply: its D-Bus name and its message, never a stack trace.
 */
import { isInterfaceName } from './names.js';

/** The standard error names the layer itself replies with. */
export const StandardErrors = {
  Failed: 'org.freedesktop.DBus.Error.Failed',
  UnknownMethod: 'org.freedesktop.DBus.Error.UnknownMethod',
  UnknownObject: 'org.freedesktop.DBus.Error.UnknownObject',
  UnknownInterface: 'org.freedesktop.DBus.Error.UnknownInterface',
  UnknownProperty: 'org.freedesktop.DBus.Error.UnknownProperty',
  PropertyReadOnly: 'org.freedesktop.DBus.Error.PropertyReadOnly',
  InvalidArgs: 'org.freedesktop.DBus.Error.InvalidArgs',
  AccessDenied: 'org.freedesktop.DBus.Error.AccessDenied',
  NotSupported: 'org.freedesktop.DBus.Error.NotSupported',
} as const;

/** Throw this from a handler, getter or setter to reply with a given error name. */
export class DBusError extends Error {
  override readonly name = 'DBusError';
  constructor(
    readonly dbusName: string,
    message: string,
  ) {
    // An invalid error name in a reply makes dbus-daemon drop our connection.
    if (!isInterfaceName(dbusName)) throw new TypeError(`'${dbusName}' is not a valid D-Bus error name`);
    super(message);
  }
}

/** What an error reply carries. `expected` is false for errors no handler meant to send. */
export interface ErrorReply {
  name: string;
  message: string;
  expected: boolean;
}

/**
 * The reply for a thrown value. Anything with a valid string `dbusName` and a
 * message (DBusError, the SDK's NmkError — matched by shape, because a plugin
 * loaded through jiti has its own copy of the SDK's classes) keeps its name;
 * anything else gets `fallbackName` and its message.
 */
export function errorReplyFor(err: unknown, fallbackName: string): ErrorReply {
  const e = err as { dbusName?: unknown; message?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  if (e !== null && typeof e === 'object' && isInterfaceName(e.dbusName)) {
    return { name: e.dbusName, message, expected: true };
  }
  return { name: fallbackName, message, expected: false };
}

/**
 * Whether an error name refuses a caller for lack of permission: NetworkManager's
 * PermissionDenied of any of its interfaces (manager, settings, agent manager...)
 * or the bus's AccessDenied. Such refusals are logged as an audit trail.
 */
export function isPermissionDenied(name: string): boolean {
  return name.endsWith('.PermissionDenied') || name === StandardErrors.AccessDenied;
}
