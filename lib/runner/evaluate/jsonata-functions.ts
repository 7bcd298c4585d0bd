import { createHash } from 'node:crypto';
import { createRandomSource, createUuidV4, type RandomSource } from './random.js';

/** The functions Step Functions adds to JSONata, bound per run so their randomness is seeded. */
export interface StepFunctionsJsonataFunctions {
  readonly partition: (array: unknown, size: unknown) => unknown[][];
  readonly range: (start: unknown, end: unknown, step?: unknown) => number[];
  readonly hash: (data: unknown, algorithm: unknown) => string;
  readonly random: (seed?: unknown) => number;
  readonly uuid: () => string;
  readonly parse: (json: unknown) => unknown;
}

/** The names of the functions Step Functions adds ($partition, $range, ...). */
export const STEP_FUNCTIONS_FUNCTION_NAMES: ReadonlySet<string> = new Set<keyof StepFunctionsJsonataFunctions>(['partition', 'range', 'hash', 'random', 'uuid', 'parse']);

const HASH_ALGORITHMS: Readonly<Record<string, string>> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

/** Step Functions caps the arrays that $range builds (as States.ArrayRange) at 1,000 items. */
const MAX_RANGE_ITEMS = 1000;

/** Builds $partition, $range, $hash, $random, $uuid and $parse for one run. */
export function createStepFunctionsJsonataFunctions(random: RandomSource, uuidRandom: RandomSource): StepFunctionsJsonataFunctions {
  return {
    partition: (array, size) => partitionArray(array, size),
    range: (start, end, step) => toSequence(buildRange(start, end, step)),
    hash: (data, algorithm) => hashString(data, algorithm),
    random: (seed) => {
      if (seed === undefined) return random();
      if (typeof seed !== 'number' || !Number.isInteger(seed)) throw new Error('$random: the seed must be an integer');
      return createRandomSource(seed)();
    },
    uuid: () => createUuidV4(uuidRandom),
    parse: (json) => {
      if (typeof json !== 'string') throw new Error('$parse: the argument must be a string of JSON');
      return JSON.parse(json) as unknown;
    },
  };
}

/**
 * Marks an array as a JSONata sequence, as Step Functions' $range returns one: a sequence of
 * one value is that value (`$range(1, 9, 9)` gives 1, recorded on AWS), an empty one is
 * nothing, and `[...]` or `$range(...)[]` keeps the array.
 */
function toSequence(values: number[]): number[] {
  return Object.defineProperty(values, 'sequence', { value: true });
}

function partitionArray(array: unknown, size: unknown): unknown[][] {
  if (!Array.isArray(array)) throw new Error('$partition: the first argument must be an array');
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) {
    throw new Error('$partition: the chunk size must be a positive integer');
  }
  const chunks: unknown[][] = [];
  for (let i = 0; i < array.length; i += size) chunks.push(array.slice(i, i + size));
  return chunks;
}

function buildRange(start: unknown, end: unknown, step: unknown): number[] {
  const increment = step === undefined ? 1 : step;
  if (typeof start !== 'number' || typeof end !== 'number' || typeof increment !== 'number') {
    throw new Error('$range: start, end and step must be numbers');
  }
  if (!Number.isInteger(start) || !Number.isInteger(end) || !Number.isInteger(increment) || increment === 0) {
    throw new Error('$range: start, end and step must be integers and step must not be 0');
  }
  const values: number[] = [];
  for (let v = start; increment > 0 ? v <= end : v >= end; v += increment) {
    values.push(v);
    if (values.length > MAX_RANGE_ITEMS) throw new Error(`$range: the range has more than ${MAX_RANGE_ITEMS} items`);
  }
  return values;
}

function hashString(data: unknown, algorithm: unknown): string {
  if (typeof data !== 'string') throw new Error('$hash: the data must be a string');
  const name = typeof algorithm === 'string' ? HASH_ALGORITHMS[algorithm] : undefined;
  if (name === undefined) {
    throw new Error(`$hash: the algorithm must be one of ${Object.keys(HASH_ALGORITHMS).join(', ')}`);
  }
  return createHash(name).update(data, 'utf8').digest('hex');
}
