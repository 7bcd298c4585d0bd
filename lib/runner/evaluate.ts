import jsonata from 'jsonata';
import { InvalidDefinitionError } from './errors.js';
import type { StepFunctionsJsonataFunctions } from './jsonata-functions.js';
import { StatesError, StatesErrorName } from './states-error.js';
import type { StatesContextObject } from './types.js';

/** A JSON value from the definition, compiled once: constants stay constants. */
export type Template =
  | { readonly kind: 'constant'; readonly value: unknown }
  | {
      readonly kind: 'expression';
      readonly source: string;
      readonly expression: jsonata.Expression;
      readonly field: string;
      /** The `$names` the source mentions: only these are bound when it is evaluated. */
      readonly references: readonly string[];
    }
  | { readonly kind: 'object'; readonly entries: ReadonlyArray<readonly [string, Template]> }
  | { readonly kind: 'array'; readonly items: readonly Template[] };

/** The `$states` variable and the workflow variables one evaluation sees. */
export interface EvaluationEnvironment {
  readonly stateName: string;
  readonly states: {
    readonly input: unknown;
    readonly result?: unknown;
    readonly errorOutput?: unknown;
    readonly context: StatesContextObject;
  };
  readonly variables: Readonly<Record<string, unknown>>;
  readonly functions: StepFunctionsJsonataFunctions;
}

const compiled = new Map<string, jsonata.Expression>();

/** True when `value` is a string that is exactly one `{% ... %}` expression. */
export function isJsonataExpression(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('{%') && value.endsWith('%}') && value.length >= 4;
}

/** Compiles (and caches) one JSONata expression; a syntax error names the state and field. */
export function compileExpression(source: string, where: string): jsonata.Expression {
  const cached = compiled.get(source);
  if (cached !== undefined) return cached;
  try {
    const expression = jsonata(source);
    compiled.set(source, expression);
    return expression;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new InvalidDefinitionError(
      `${where}: the JSONata expression "{%${source}%}" does not compile (${message}); fix its syntax`,
      { cause: error },
    );
  }
}

/** Compiles a JSON value in which any string that is exactly `{% expr %}` is an expression. */
export function compileTemplate(value: unknown, where: string): Template {
  if (isJsonataExpression(value)) {
    const source = value.slice(2, -2);
    return { kind: 'expression', source, expression: compileExpression(source, where), field: where, references: listReferences(source) };
  }
  if (Array.isArray(value)) {
    const items = value.map((item, i) => compileTemplate(item, `${where}[${i}]`));
    return items.every((t) => t.kind === 'constant') ? { kind: 'constant', value } : { kind: 'array', items };
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => [k, compileTemplate(v, `${where}.${k}`)] as const);
    return entries.every(([, t]) => t.kind === 'constant') ? { kind: 'constant', value } : { kind: 'object', entries };
  }
  return { kind: 'constant', value };
}

/** Evaluates a compiled template. A failing or undefined expression is States.QueryEvaluationError. */
export async function evaluateTemplate(template: Template, env: EvaluationEnvironment): Promise<unknown> {
  switch (template.kind) {
    case 'constant':
      return copyConstant(template.value);
    case 'expression':
      return evaluateExpression(template, env, true);
    case 'array': {
      const values: unknown[] = [];
      for (const item of template.items) values.push(await evaluateTemplate(item, env));
      return values;
    }
    case 'object': {
      const result: Record<string, unknown> = {};
      for (const [key, value] of template.entries) {
        const evaluated = value.kind === 'expression' ? await evaluateExpression(value, env, false) : await evaluateTemplate(value, env);
        if (evaluated !== undefined) result[key] = evaluated;
      }
      return result;
    }
  }
}

async function evaluateExpression(
  template: Extract<Template, { kind: 'expression' }>,
  env: EvaluationEnvironment,
  undefinedIsError: boolean,
): Promise<unknown> {
  const bindings = bindReferences(template.references, env);
  let value: unknown;
  try {
    value = await template.expression.evaluate(undefined, bindings);
  } catch (error) {
    const message = error instanceof Error ? error.message : describeJsonataError(error);
    throw new StatesError(
      StatesErrorName.QueryEvaluationError,
      `An error occurred while executing the state '${env.stateName}'. The JSONata expression '${template.source.trim()}' specified for the field '${template.field}' threw an error: ${message}`,
    );
  }
  if (value === undefined && undefinedIsError) {
    throw new StatesError(
      StatesErrorName.QueryEvaluationError,
      `An error occurred while executing the state '${env.stateName}'. The JSONata expression '${template.source.trim()}' specified for the field '${template.field}' returned nothing (undefined).`,
    );
  }
  return normalizeJsonataValue(value);
}

/**
 * Every `$name` a source mentions (a superset of the variables it reads: names inside string
 * literals or assigned with := are harmless extras). Binding only these, not every workflow
 * variable, keeps an evaluation's cost independent of how many variables the run has;
 * jsonata binds each binding it is given on every evaluation.
 */
function listReferences(source: string): string[] {
  return [...new Set(Array.from(source.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g), (match) => match[1]!))];
}

/**
 * The bindings of one evaluation: `$states`, then the Step Functions functions, then the
 * workflow variables (the same precedence as binding them all). Variables of a branch or Map
 * iteration inherit their parent's through the prototype chain (see createChildScope).
 */
function bindReferences(references: readonly string[], env: EvaluationEnvironment): Record<string, unknown> {
  const bindings: Record<string, unknown> = {};
  for (const name of references) {
    if (name === 'states') bindings.states = env.states;
    else if (Object.hasOwn(env.functions, name)) bindings[name] = (env.functions as unknown as Record<string, unknown>)[name];
    else if (name in env.variables) bindings[name] = env.variables[name];
  }
  return bindings;
}

/** JSONata sequences carry extra properties; functions are not JSON. Return plain JSON values. */
function normalizeJsonataValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => normalizeJsonataValue(item));
  if (typeof value === 'function') return undefined;
  if (value !== null && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const normalized = normalizeJsonataValue(v);
      // A JSON "__proto__" key is data: assigning it would set the prototype and drop the key.
      if (normalized !== undefined) {
        if (k === '__proto__') Object.defineProperty(result, k, { value: normalized, enumerable: true, writable: true, configurable: true });
        else result[k] = normalized;
      }
    }
    return result;
  }
  return value;
}

function copyConstant(value: unknown): unknown {
  return value !== null && typeof value === 'object' ? structuredClone(value) : value;
}

function describeJsonataError(error: unknown): string {
  if (error !== null && typeof error === 'object') {
    const e = error as { message?: unknown; code?: unknown };
    if (typeof e.message === 'string') return e.message;
    if (typeof e.code === 'string') return e.code;
  }
  return String(error);
}
