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
  if (new TextEncoder().encode(name).length >= IFNAMSIZ) return `interface name is longer than ${IFNAMSIZ - 1} characters`;
  return undefined;
}

export function isValidInterfaceName(name: string): boolean {
  return interfaceNameProblem(name) === undefined;
}
