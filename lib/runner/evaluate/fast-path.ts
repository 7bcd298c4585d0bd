/**
 * The expression shapes the compiler emits most (`$v3`, `$states.result.Payload`,
 * `$states.result[0].v12`, `$ops.\`op0\`.config`), evaluated without the jsonata engine, and
 * without parsing them with it. A fast path answers only where its result is provably the
 * engine's: variable references, and field/index steps over plain objects and arrays, where
 * only the last step may give an array (jsonata gives that very array, unless it is a JSONata
 * sequence). Anywhere else (an array being mapped, a JSONata sequence, an inherited property,
 * a missing index) it answers FALL_BACK and the caller
 * evaluates the expression with jsonata. test/runner/fast-path.test.ts holds the two to the
 * same results.
 */

/** A path step: a field name, or a non-negative array index. */
type Step = { readonly field: string } | { readonly index: number };

/** `$name` followed by steps. */
export interface FastPath {
  readonly variable: string;
  readonly steps: readonly Step[];
}

/** What a fast path answers when only the engine can give the result. */
export const FALL_BACK: unique symbol = Symbol('fall back to jsonata');

// Only the whitespace jsonata's tokenizer skips (` \t\n\r\v`) may surround the path: `\s` would also take characters jsonata rejects.
const SHAPE = /^[ \t\n\r\v]*\$([A-Za-z_][A-Za-z0-9_]*)((?:\.(?:[A-Za-z_][A-Za-z0-9_]*|`[^`]+`)|\[\d{1,9}\])*)[ \t\n\r\v]*$/;
const STEP = /\.([A-Za-z_][A-Za-z0-9_]*)|\.`([^`]+)`|\[(\d+)\]/g;

/** The fast path of a source, or undefined when it has another shape. */
export function readFastPath(source: string): FastPath | undefined {
  const match = SHAPE.exec(source);
  if (match === null) return undefined;
  const steps: Step[] = [];
  for (const step of match[2]!.matchAll(STEP)) {
    if (step[3] !== undefined) steps.push({ index: Number(step[3]) });
    else steps.push({ field: step[1] ?? step[2]! });
  }
  return { variable: match[1]!, steps };
}

/**
 * Evaluates a fast path on the value bound to its variable (`bound`: whether the name is
 * bound at all). Returns the result, undefined for an unbound variable without steps, or FALL_BACK.
 */
export function evaluateFastPath(path: FastPath, bound: boolean, value: unknown): unknown {
  if (!bound) return path.steps.length === 0 ? undefined : FALL_BACK;
  let current = value;
  if (isSequence(current)) return FALL_BACK;
  const last = path.steps.length - 1;
  for (let i = 0; i <= last; i += 1) {
    const step = path.steps[i]!;
    if ('field' in step) {
      if (current === null || typeof current !== 'object' || Array.isArray(current) || !Object.hasOwn(current, step.field)) return FALL_BACK;
      current = (current as Record<string, unknown>)[step.field];
    } else {
      if (!Array.isArray(current) || isSequence(current) || step.index >= current.length) return FALL_BACK;
      current = current[step.index];
      // An item that is an array: a next index step would index into it, a next field step map over it.
      if (Array.isArray(current) && i < last) return FALL_BACK;
    }
    if (current === undefined || typeof current === 'function') return FALL_BACK;
  }
  // An array at the last step is jsonata's result as it is (the very array), unless it is a JSONata sequence.
  return isSequence(current) ? FALL_BACK : current;
}

function isSequence(value: unknown): boolean {
  return Array.isArray(value) && (value as { sequence?: unknown }).sequence === true;
}
