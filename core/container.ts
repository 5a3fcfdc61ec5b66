/**
 * The service container. Core services and plugin contributions are registered
 * as values under the string tokens of sdk/tokens.ts; each plugin gets a child
 * container for what it keeps to itself (fastify's plugin scopes).
 */
import 'reflect-metadata';
import { container as globalContainer, type DependencyContainer } from 'tsyringe';
import { NmkError, type Token } from '../sdk/index.js';

export type { DependencyContainer };

export function createRootContainer(): DependencyContainer {
  // Never the global container itself: two daemons in one process (tests) stay apart.
  return globalContainer.createChildContainer();
}

export function registerValue<T>(c: DependencyContainer, token: Token<T>, value: T): void {
  c.register(token, { useValue: value });
}

/** Resolve one service; a missing one is an error naming the token and who asked. */
export function resolveOne<T>(c: DependencyContainer, token: Token<T>, who: string): T {
  if (!c.isRegistered(token, true)) {
    throw new NmkError('SERVICE_MISSING', `no service registered for token '${token}' (asked by ${who})`);
  }
  const all = c.resolveAll<T>(token);
  // The first registration wins for single-service tokens, so an earlier plugin keeps its claim.
  return all[0]!;
}

export function resolveEvery<T>(c: DependencyContainer, token: Token<T>): T[] {
  return c.isRegistered(token, true) ? c.resolveAll<T>(token) : [];
}
