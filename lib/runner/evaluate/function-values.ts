/**
 * Step Functions' rule on expression results: a result that holds a function (a JSONata lambda,
 * a function reference, a regex) is not JSON, and fails the state ("returned an unsupported
 * result type"). Where such values come from: only expressions the engine or compile-expression.ts
 * evaluates, and values the runner did not build (a task handler's result, as `$states.result`,
 * and whatever flows from it into `$states.input` or `$states.context`). Workflow variables never
 * hold one: every variable is an Assign result, checked when it was assigned, and values are
 * never mutated once made (see evaluateTemplate), so a value read from a variable needs no walk.
 */

/**
 * True when a JSONata result holds a function anywhere. JSONata lambdas are objects whose
 * environment is deep or circular, so the walk stops at them.
 */
export function containsFunction(value: unknown): boolean {
  if (typeof value === 'function') return true;
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (const item of value) if (item !== null && (typeof item === 'object' || typeof item === 'function') && containsFunction(item)) return true;
    return false;
  }
  const object = value as Record<string, unknown>;
  if (object._jsonata_lambda === true || object._jsonata_function === true) return true;
  for (const key in object) {
    const item = object[key];
    if (item !== null && (typeof item === 'object' || typeof item === 'function') && containsFunction(item)) return true;
  }
  return false;
}
