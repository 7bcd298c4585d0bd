/**
 * Step Functions' rule on expression results: a result that holds a function (a JSONata lambda,
 * a function reference, a regex) is not JSON, and fails the state ("returned an unsupported
 * result type"). Only the expressions the engine or compile-expression.ts evaluates can make
 * one, so only their results are walked. Nothing an expression reads holds one: every variable
 * is an Assign result, checked when it was assigned; `$states.input` is the execution input (a
 * JSON copy) or an earlier state's checked output; `$states.result` is a task result as its JSON
 * gives it (task.ts, copyResultAsJson) or branches' checked outputs; `$states.context` is built
 * by the runner. Values are never mutated once made (see evaluateTemplate). So what the fast
 * shapes (fast-path.ts, fast-expression.ts) give, built from what they read and string
 * literals, needs no walk.
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
