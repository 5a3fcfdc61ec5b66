/**
 * Kernel interface name rules, as NetworkManager checks them
 * (nm_utils_ifname_valid_kernel, after the kernel's dev_valid_name): not
 * empty, not "." or "..", at most 15 bytes, no '/', ':' or whitespace.
 */

const IFNAMSIZ = 16;

/** Why `name` is not a valid kernel interface name, or undefined when it is. */
export function interfaceNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'interface name is too short';
  if (name === '.' || name === '..') return 'interface name is reserved';
  if (/[/:\s]/.test(name)) return 'interface name contains an invalid character';
  if (utf8Length(name) >= IFNAMSIZ) return `interface name is longer than ${IFNAMSIZ - 1} characters`;
  return undefined;
}

/**
 * The length of TextEncoder's UTF-8 for `text` (a lone surrogate becomes
 * U+FFFD, three bytes), counted without encoding: this runs for every
 * profile loaded.
 */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

export function isValidInterfaceName(name: string): boolean {
  return interfaceNameProblem(name) === undefined;
}
