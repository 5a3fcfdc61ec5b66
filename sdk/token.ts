/**
 * Injection tokens are dotted strings ("core.logger"), so a plugin loaded from
 * outside the repository with its own copy of the SDK still names the same
 * service. The phantom type parameter keeps resolve() typed.
 */
export type Token<T> = string & { readonly __service?: T };

export function token<T>(id: string): Token<T> {
  return id as Token<T>;
}
