/**
 * A secret agent's identifier, checked as NetworkManager 1.42 checks it
 * (nm-agent-manager.c validate_identifier): 3 to 255 characters of
 * [A-Za-z0-9_.-], not starting or ending with '.', no '..'.
 * Returns NetworkManager's message for a bad one, undefined for a good one.
 */
export function identifierProblem(identifier: string): string | undefined {
  if (!identifier) return 'No identifier was given';
  if (identifier.length < 3 || identifier.length > 255) return 'Identifier length not between 3 and 255 characters (inclusive)';
  if (identifier.startsWith('.') || identifier.endsWith('.')) return "Identifier must not start or end with '.'";
  for (let i = 0; i < identifier.length; i++) {
    const c = identifier[i]!;
    if (!/[A-Za-z0-9_.-]/.test(c)) return `Identifier contains invalid character '${c}'`;
    if (c === '.' && identifier[i + 1] === '.') return "Identifier contains two '.' characters in sequence";
  }
  return undefined;
}
