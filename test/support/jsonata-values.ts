/**
 * Compares values as jsonata's results: deep, with undefined, prototypes, key order and the
 * flags jsonata keeps on arrays (a later evaluation reads them, so they are part of the value).
 */

const ARRAY_FLAGS = ['sequence', 'keepSingleton', 'cons', 'outerWrapper', 'tupleStream'] as const;

/** A description of the first difference between two values, or undefined when they are the same. */
export function findDifference(actual: unknown, expected: unknown, at = '$'): string | undefined {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${at}: not an array`;
    if (actual.length !== expected.length) return `${at}: length ${actual.length} vs ${expected.length}`;
    for (const flag of ARRAY_FLAGS) {
      if ((actual as unknown as Record<string, unknown>)[flag] !== (expected as unknown as Record<string, unknown>)[flag]) return `${at}: flag ${flag}`;
    }
    for (let i = 0; i < expected.length; i += 1) {
      const difference = findDifference(actual[i], expected[i], `${at}[${i}]`);
      if (difference !== undefined) return difference;
    }
    return undefined;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return `${at}: not an object`;
    if (Object.getPrototypeOf(actual) !== Object.getPrototypeOf(expected)) return `${at}: prototype`;
    const [keys, expectedKeys] = [Object.keys(actual), Object.keys(expected)];
    if (keys.join('\u0000') !== expectedKeys.join('\u0000')) return `${at}: keys ${keys.join(',')} vs ${expectedKeys.join(',')}`;
    for (const key of expectedKeys) {
      const difference = findDifference((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key], `${at}.${key}`);
      if (difference !== undefined) return difference;
    }
    return undefined;
  }
  return Object.is(actual, expected) ? undefined : `${at}: ${String(actual)} vs ${String(expected)}`;
}
