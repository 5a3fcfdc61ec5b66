/**
 * The assertion helper the conformance scenarios take, so the same
 * scenarios run under Vitest (unit lane, fake platform) and in a plain
 * script inside a network namespace (integration lane, Linux platform).
 */

export interface ConformanceAssert {
  /** Deep equality; a property that is undefined counts as absent. */
  equal(actual: unknown, expected: unknown, message: string): void;
  ok(value: unknown, message: string): void;
  /**
   * The promise rejects with a PlatformError carrying `errno`, whose
   * operation text contains every string in `mentions`. Returns the error.
   */
  rejects(promise: Promise<unknown>, errno: number, message: string, mentions?: string[]): Promise<PlatformErrorLike>;
}

export interface PlatformErrorLike {
  name: string;
  errno: number;
  code: string;
  operation: string;
  message: string;
}

export class ConformanceFailure extends Error {
  override readonly name = 'ConformanceFailure';
}

/** JSON with sorted keys and undefined properties dropped: a stable picture for comparing. */
export function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, value) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value).sort()) if (value[key] !== undefined) out[key] = value[key];
      return out;
    }
    return value;
  });
}

function isPlatformError(e: unknown): e is PlatformErrorLike {
  return !!e && typeof e === 'object' && (e as PlatformErrorLike).name === 'PlatformError' && typeof (e as PlatformErrorLike).errno === 'number';
}

/** An implementation that throws ConformanceFailure with both sides in the message. */
export const strictAssert: ConformanceAssert = {
  equal(actual, expected, message) {
    const a = canonical(actual);
    const e = canonical(expected);
    if (a !== e) throw new ConformanceFailure(`${message}\n  expected: ${e}\n  actual:   ${a}`);
  },
  ok(value, message) {
    if (!value) throw new ConformanceFailure(`${message} (got ${canonical(value)})`);
  },
  async rejects(promise, errno, message, mentions = []) {
    let error: unknown;
    try {
      await promise;
    } catch (e) {
      error = e;
    }
    if (error === undefined) throw new ConformanceFailure(`${message}: expected a rejection with errno ${errno}, but it resolved`);
    if (!isPlatformError(error)) throw new ConformanceFailure(`${message}: expected a PlatformError, got ${String(error)}`);
    if (error.errno !== errno) throw new ConformanceFailure(`${message}: expected errno ${errno}, got ${error.errno} (${error.message})`);
    for (const m of mentions) {
      if (!error.operation.includes(m)) throw new ConformanceFailure(`${message}: the operation "${error.operation}" does not mention "${m}"`);
    }
    return error;
  },
};
