import { decideOpError, type OpErrorOutcome } from './decide-op-error.js';
import type { OpAttempt } from './op-attempt.js';

/**
 * decideOpError for anything an op throws, hostile values included: a thrown object whose
 * `name` or `message` getter throws, a Proxy whose traps throw, a value whose brand check
 * throws. When reading the thrown value throws, the op's error is a plain `Error` saying so
 * (with what the read threw, read just as carefully), decided under the op's policy like any
 * other: nothing the op throws escapes the wrapper unclassified, whatever name it claims.
 */
export function decideThrown(attempt: OpAttempt, thrown: unknown, random?: () => number): OpErrorOutcome {
  try {
    return decideOpError(attempt, thrown, random);
  } catch (readError) {
    return decideOpError(attempt, new Error(`the op threw a value that cannot be read (reading it threw ${describeSafely(readError)})`), random);
  }
}

/** `name: message` of a value, never throwing: 'a value that cannot be read' when even that throws. */
function describeSafely(value: unknown): string {
  try {
    if (value instanceof Error) {
      // A thrown Error may carry anything in name and message (a getter, a symbol): String() them, never trust the types.
      const { name, message }: { name: unknown; message: unknown } = value;
      return `${String(name)}: ${String(message)}`.slice(0, 500);
    }
    return typeof value;
  } catch {
    return 'a value that cannot be read';
  }
}
