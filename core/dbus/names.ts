/**
 * D-Bus name and path rules (the specification's "Valid names" section).
 * dbus-daemon disconnects a peer that sends an invalid name or object path,
 * so everything we put in a header or an `o` value is checked first.
 */

const ELEMENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const BUS_ELEMENT = /^[A-Za-z_-][A-Za-z0-9_-]*$/;
const UNIQUE_ELEMENT = /^[A-Za-z0-9_-]+$/;
const OBJECT_PATH = /^\/(?:[A-Za-z0-9_]+(?:\/[A-Za-z0-9_]+)*)?$/;

/** "/", or "/"-separated non-empty [A-Za-z0-9_] elements with no trailing "/". */
export function isObjectPath(value: unknown): value is string {
  return typeof value === 'string' && OBJECT_PATH.test(value);
}

/** Interface and error names: two or more dot-separated elements, at most 255 bytes. */
export function isInterfaceName(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 255) return false;
  const parts = value.split('.');
  return parts.length >= 2 && parts.every((p) => ELEMENT.test(p));
}

/** Method, signal and property names. */
export function isMemberName(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 255 && ELEMENT.test(value);
}

/** Well-known ("org.example.Name") or unique (":1.42") bus names. */
export function isBusName(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 255) return false;
  const unique = value.startsWith(':');
  const parts = (unique ? value.slice(1) : value).split('.');
  return parts.length >= 2 && parts.every((p) => (unique ? UNIQUE_ELEMENT : BUS_ELEMENT).test(p));
}

/** The parent of an object path ("/" for "/a"); undefined for "/". */
export function parentPath(path: string): string | undefined {
  if (path === '/') return undefined;
  const cut = path.lastIndexOf('/');
  return cut === 0 ? '/' : path.slice(0, cut);
}

/** True when `path` lies strictly below `root` ("/a/b" is below "/a" and "/"). */
export function isBelow(path: string, root: string): boolean {
  if (root === '/') return path !== '/';
  return path.length > root.length && path.startsWith(root) && path[root.length] === '/';
}
