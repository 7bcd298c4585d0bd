/**
 * jsonata 2.x's own value rules, as its engine applies them (jsonata.js: createSequence,
 * fn.lookup, fn.append, fn.boolean, isNumeric, the evaluate() result rule), for the compiled
 * expressions of compile-expression.ts. Where the engine would throw (a non-finite number
 * reaching isNumeric, a type error), these throw FALL_BACK_SIGNAL instead and the caller
 * evaluates the expression with the engine, which reports its own error.
 */

/** Thrown by a compiled expression where only the engine can give the result (or its error). */
export const FALL_BACK_SIGNAL: unique symbol = Symbol('compiled expression falls back to jsonata');

/** A JSONata sequence: an array flagged `sequence` (an enumerable own property, as jsonata sets it). */
export type Sequence = unknown[] & { sequence?: boolean; keepSingleton?: boolean; tupleStream?: boolean; outerWrapper?: boolean; cons?: boolean };

export function fallBack(): never {
  // eslint-disable-next-line @typescript-eslint/only-throw-error -- a signal, not an error: the engine reports any error itself
  throw FALL_BACK_SIGNAL;
}

/**
 * An entry of an object being built by newObjectEntries: assigned, or defined when Object.prototype
 * has the key (`__proto__`, `toString`, any key added to it), so that no inherited accessor or
 * read-only property intervenes: the entry is an own data property either way.
 */
export function setObjectEntry(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key in Object.prototype) Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}

/**
 * jsonata builds its objects with Object.create(null), which V8 keeps in dictionary mode (each
 * entry a hash insert, JSON.stringify on its slow path). An object built as `{}` with
 * setObjectEntry and then given the null prototype here has the same prototype, keys, order and
 * property attributes, and keeps fast properties (built ~2x and stringified ~1.5x faster).
 */
export function dropPrototype<T extends object>(object: T): T {
  return Object.setPrototypeOf(object, null) as T;
}

export function createSequence(...items: unknown[]): Sequence {
  const sequence: Sequence = [];
  sequence.sequence = true;
  if (items.length === 1) sequence.push(items[0]);
  return sequence;
}

export function isSequence(value: unknown): value is Sequence {
  return Array.isArray(value) && (value as Sequence).sequence === true;
}

/** jsonata's isFunction: a JavaScript function or one of its own lambdas/functions. */
export function isFunction(value: unknown): boolean {
  if (typeof value === 'function') return true;
  if (value === null || typeof value !== 'object') return false;
  const flags = value as { _jsonata_function?: unknown; _jsonata_lambda?: unknown };
  return flags._jsonata_function === true || flags._jsonata_lambda === true;
}

/** jsonata's isNumeric; a non-finite number (its D1001) falls back. */
export function isNumeric(value: unknown): value is number {
  if (typeof value !== 'number' || Number.isNaN(value)) return false;
  if (!Number.isFinite(value)) fallBack();
  return true;
}

/** What evaluate() does with every node's result (no `[]` on the node): an empty sequence is nothing, a singleton its item (unless kept). */
export function normalizeResult(result: unknown): unknown {
  if (Array.isArray(result) && (result as Sequence).sequence === true && (result as Sequence).tupleStream !== true) {
    const sequence = result as Sequence;
    if (sequence.length === 0) return undefined;
    if (sequence.length === 1) return sequence.keepSingleton === true ? sequence : sequence[0];
  }
  return result;
}

/** fn.lookup: a field of an object (own properties only), mapped over arrays and flattened one level. */
export function lookupField(input: unknown, key: string): unknown {
  if (Array.isArray(input)) {
    const result = createSequence();
    for (const item of input) {
      const value = lookupField(item, key);
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const inner of value) result.push(inner);
      else result.push(value);
    }
    return result;
  }
  if (input !== null && typeof input === 'object' && Object.prototype.hasOwnProperty.call(input, key) && !isFunction(input)) return (input as Record<string, unknown>)[key];
  return undefined;
}

/** fn.append. */
export function appendValues(first: unknown, second: unknown): unknown {
  if (first === undefined) return second;
  if (second === undefined) return first;
  const left = Array.isArray(first) ? first : createSequence(first);
  const right = Array.isArray(second) ? second : [second];
  return left.concat(right);
}

/** fn.boolean (undefined for undefined); a function falls back. */
export function toBoolean(value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) {
    if (value.length === 1) return toBoolean(value[0]);
    if (value.length > 1) return value.filter((item) => toBoolean(item)).length > 0;
    return false;
  }
  if (typeof value === 'string') return value.length > 0;
  if (isNumeric(value)) return value !== 0;
  if (isFunction(value)) fallBack();
  if (value !== null && typeof value === 'object') return Object.keys(value).length > 0;
  return value === true;
}

/** jsonata's isArrayOfNumbers (an empty array is one). */
export function isArrayOfNumbers(value: unknown): value is number[] {
  return Array.isArray(value) && value.filter((item) => !isNumeric(item)).length === 0;
}

/** fn.type; a function falls back. */
export function describeType(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (value === null) return 'null';
  if (isNumeric(value)) return 'number';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (Array.isArray(value)) return 'array';
  if (isFunction(value)) fallBack();
  return 'object';
}

/** jsonata's isDeepEqual (the `=` and `!=` operators). */
export function isDeepEqual(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (typeof left !== 'object' || typeof right !== 'object' || left === null || right === null) return false;
  if (Array.isArray(left) && Array.isArray(right)) {
    if (left.length !== right.length) return false;
    for (let i = 0; i < left.length; i += 1) if (!isDeepEqual(left[i], right[i])) return false;
    return true;
  }
  const leftKeys = Object.getOwnPropertyNames(left).sort();
  const rightKeys = Object.getOwnPropertyNames(right).sort();
  if (leftKeys.length !== rightKeys.length) return false;
  for (let i = 0; i < leftKeys.length; i += 1) if (leftKeys[i] !== rightKeys[i]) return false;
  for (const key of leftKeys) if (!isDeepEqual((left as Record<string, unknown>)[key], (right as Record<string, unknown>)[key])) return false;
  return true;
}
