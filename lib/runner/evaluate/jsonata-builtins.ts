/**
 * jsonata's own built-in function values, for binding a built-in with its implementation
 * replaced (jsonata-clock.ts, jsonata-shuffle.ts): the value keeps jsonata's signature, so
 * arguments are checked and coerced, and bad ones fail, exactly as for the built-in.
 */

/** A function value as jsonata binds its built-ins (defineFunction in jsonata.js). */
export interface JsonataFunctionValue {
  readonly _jsonata_function: true;
  readonly implementation: (this: unknown, ...args: unknown[]) => unknown;
  readonly signature: unknown;
}

const builtins = new Map<string, Promise<JsonataFunctionValue>>();

/** jsonata's own `$name` function value, read once per process. */
export function readJsonataBuiltin(jsonata: typeof import('jsonata'), name: string): Promise<JsonataFunctionValue> {
  let value = builtins.get(name);
  if (value === undefined) {
    value = jsonata(`$${name}`).evaluate(undefined) as Promise<JsonataFunctionValue>;
    builtins.set(name, value);
  }
  return value;
}
