/**
 * The error catalogue: every nmk error code is defined once, here, with the
 * NetworkManager D-Bus error name it maps to. Errors carry their origin (the
 * plugin and hook, or the file and line) so a message always names the culprit.
 */
export const ErrorCodes = {
  CONFIG_SYNTAX: { dbus: 'org.freedesktop.NetworkManager.Failed' },
  CONFIG_UNKNOWN_KEY: { dbus: 'org.freedesktop.NetworkManager.Failed' },
  CONFIG_VALUE: { dbus: 'org.freedesktop.NetworkManager.Failed' },
  PLUGIN_MANIFEST: { dbus: 'org.freedesktop.NetworkManager.Failed' },
  PLUGIN_NOT_FOUND: { dbus: 'org.freedesktop.NetworkManager.Failed' },
  PLUGIN_SETUP: { dbus: 'org.freedesktop.NetworkManager.Failed' },
  PLUGIN_DEPENDENCY: { dbus: 'org.freedesktop.NetworkManager.Failed' },
  PLUGIN_TIMEOUT: { dbus: 'org.freedesktop.NetworkManager.Failed' },
  SERVICE_MISSING: { dbus: 'org.freedesktop.NetworkManager.Failed' },
  PERMISSION_DENIED: { dbus: 'org.freedesktop.NetworkManager.PermissionDenied' },
  INVALID_ARGUMENT: { dbus: 'org.freedesktop.NetworkManager.Failed' },
  UNKNOWN_DEVICE: { dbus: 'org.freedesktop.NetworkManager.UnknownDevice' },
  UNKNOWN_CONNECTION: { dbus: 'org.freedesktop.NetworkManager.UnknownConnection' },
  CONNECTION_NOT_AVAILABLE: { dbus: 'org.freedesktop.NetworkManager.ConnectionNotAvailable' },
  CONNECTION_NOT_ACTIVE: { dbus: 'org.freedesktop.NetworkManager.ConnectionNotActive' },
  INCOMPATIBLE_CONNECTION: { dbus: 'org.freedesktop.NetworkManager.Device.IncompatibleConnection' },
  VERSION_ID_MISMATCH: { dbus: 'org.freedesktop.NetworkManager.Device.VersionIdMismatch' },
  UNKNOWN_METHOD: { dbus: 'org.freedesktop.DBus.Error.UnknownMethod' },
  UNKNOWN_PROPERTY: { dbus: 'org.freedesktop.DBus.Error.UnknownProperty' },
  PROPERTY_READ_ONLY: { dbus: 'org.freedesktop.DBus.Error.PropertyReadOnly' },
  INVALID_ARGS: { dbus: 'org.freedesktop.DBus.Error.InvalidArgs' },
  BUS_UNAVAILABLE: { dbus: 'org.freedesktop.NetworkManager.Failed' },
  PLATFORM: { dbus: 'org.freedesktop.NetworkManager.Failed' },
  INTERNAL: { dbus: 'org.freedesktop.NetworkManager.Failed' },
  // NetworkManager's own error domains, by the interface that names them (libnm's
  // nm-errors.c registers "<interface>.<nick>" for NM_SETTINGS_ERROR,
  // NM_CONNECTION_ERROR and NM_MANAGER_ERROR).
  /** A settings plugin could not store a profile (NM_SETTINGS_ERROR_FAILED), e.g. one larger than its reader accepts. */
  PROFILE_TOO_LARGE: { dbus: 'org.freedesktop.NetworkManager.Settings.Failed' },
  /** Bad flags or arguments of AddConnection2/Update2, or a plugin that is not loaded (NM_SETTINGS_ERROR_INVALID_ARGUMENTS). */
  SETTINGS_INVALID_ARGUMENTS: { dbus: 'org.freedesktop.NetworkManager.Settings.InvalidArguments' },
  /** GetSecrets for a setting the profile does not have (NM_CONNECTION_ERROR_SETTING_NOT_FOUND). */
  SETTING_NOT_FOUND: { dbus: 'org.freedesktop.NetworkManager.Settings.Connection.SettingNotFound' },
  /** An unknown setting name, or a setting that is invalid as a whole (NM_CONNECTION_ERROR_INVALID_SETTING). */
  INVALID_SETTING: { dbus: 'org.freedesktop.NetworkManager.Settings.Connection.InvalidSetting' },
  /** A setting the profile's type requires is absent (NM_CONNECTION_ERROR_MISSING_SETTING). */
  MISSING_SETTING: { dbus: 'org.freedesktop.NetworkManager.Settings.Connection.MissingSetting' },
  /** An unknown property, a value of the wrong type or out of range (NM_CONNECTION_ERROR_INVALID_PROPERTY). */
  INVALID_PROPERTY: { dbus: 'org.freedesktop.NetworkManager.Settings.Connection.InvalidProperty' },
  /** A required property is absent (NM_CONNECTION_ERROR_MISSING_PROPERTY). */
  MISSING_PROPERTY: { dbus: 'org.freedesktop.NetworkManager.Settings.Connection.MissingProperty' },
  /** Bad arguments to a manager call, e.g. unknown Reload flags (NM_MANAGER_ERROR_INVALID_ARGUMENTS). */
  MANAGER_INVALID_ARGUMENTS: { dbus: 'org.freedesktop.NetworkManager.InvalidArguments' },
  /** SetLogging with a level NetworkManager does not know (NM_MANAGER_ERROR_UNKNOWN_LOG_LEVEL). */
  UNKNOWN_LOG_LEVEL: { dbus: 'org.freedesktop.NetworkManager.UnknownLogLevel' },
  /** SetLogging with a domain NetworkManager does not know (NM_MANAGER_ERROR_UNKNOWN_LOG_DOMAIN). */
  UNKNOWN_LOG_DOMAIN: { dbus: 'org.freedesktop.NetworkManager.UnknownLogDomain' },
} as const satisfies Record<string, { dbus: string }>;

export type ErrorCode = keyof typeof ErrorCodes;

/** Where an error comes from: a plugin and its hook, or a file and line. */
export interface ErrorOrigin {
  plugin?: string;
  hook?: string;
  file?: string;
  line?: number;
  key?: string;
}

export class NmkError extends Error {
  override readonly name = 'NmkError';
  constructor(
    readonly code: ErrorCode,
    /** The problem alone, without the origin. */
    readonly reason: string,
    readonly origin: ErrorOrigin = {},
    options?: { cause?: unknown },
  ) {
    // The message carries its origin, so any code that prints it names the culprit.
    super(`${describeOrigin(origin)}${reason}`, options);
  }

  /** NetworkManager's D-Bus error name for this code. */
  get dbusName(): string {
    return ErrorCodes[this.code].dbus;
  }

  /** "file:line: key: message" or "plugin NAME (hook): message". */
  override toString(): string {
    return this.message;
  }
}

export function describeOrigin(o: ErrorOrigin): string {
  const parts: string[] = [];
  if (o.file) parts.push(o.line ? `${o.file}:${o.line}` : o.file);
  if (o.plugin) parts.push(`plugin ${o.plugin}${o.hook ? ` (${o.hook})` : ''}`);
  if (o.key) parts.push(`key '${o.key}'`);
  return parts.length ? `${parts.join(': ')}: ` : '';
}
