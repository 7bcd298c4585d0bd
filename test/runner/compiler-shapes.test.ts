import { describe, expect, it } from 'vitest';
import { Backoff, Jitter, RetryPolicy, compileJob, job, op, type OutputHandle } from '../../lib/index.js';
import { readExpressionShape } from '../../lib/runner/evaluate/expression-shape.js';
import { readFastExpression } from '../../lib/runner/evaluate/fast-expression.js';
import { readFastPath } from '../../lib/runner/evaluate/fast-path.js';
import { STEP_FUNCTIONS_FUNCTION_NAMES } from '../../lib/runner/evaluate/jsonata-functions.js';
import { generateRandomGraph } from '../support/random-graph.js';

/**
 * The runner evaluates the compiler's most frequent expression shapes without the jsonata
 * engine (lib/runner/evaluate/fast-*.ts, each held to jsonata by its own property test). These
 * tests pin that the shapes the compiler emits today are the ones the runner reads: a change in
 * the compiler's output that the runner no longer recognises would keep every result right and
 * silently make local runs several times slower.
 */
const POLICIES = [
  undefined,
  new RetryPolicy({ maxRetries: 2, delay: 5 }),
  new RetryPolicy({ maxRetries: 3, delay: 2, backoff: Backoff.EXPONENTIAL }),
  new RetryPolicy({ maxRetries: 3, delay: 5, jitter: Jitter.PLUS_MINUS }),
];

/** A random job (k = 2) of `size` ops cycling through the policies above, compiled as `stepops run` compiles it. */
function compileShapesJob(size = 40): readonly object[] {
  const graph = generateRandomGraph(size, 2, 3);
  const ops = graph.names.map((name, k) => {
    const policy = POLICIES[k % POLICIES.length];
    const compute = (): unknown => ({ op: name });
    // The op's arity is its inputs plus the context: one input per predecessor.
    Object.defineProperty(compute, 'length', { value: graph.predecessors[k]!.length + 1 });
    return op({ name, ...(policy === undefined ? {} : { retryPolicy: policy }) }, compute);
  });
  const compiled = compileJob(
    job({ name: 'shapes' }, () => {
      const handles: OutputHandle[] = [];
      ops.forEach((definition, k) => {
        const invoke = definition as unknown as (...inputs: OutputHandle[]) => OutputHandle;
        handles[k] = invoke(...graph.predecessors[k]!.map((p) => handles[p]!));
      });
    }),
  );
  return [compiled.definition, ...compiled.childDefinitions.map((child) => child.definition)];
}

/** Every `{% %}` source under a key named `key` (any key when undefined), anywhere in the definitions. */
function listExpressionsAt(definitions: readonly object[], key?: string): string[] {
  const found: string[] = [];
  const walk = (value: unknown, at: string): void => {
    if (typeof value === 'string') {
      if ((key === undefined || at === key) && value.startsWith('{%') && value.endsWith('%}')) found.push(value.slice(2, -2));
    } else if (Array.isArray(value)) value.forEach((item) => walk(item, at));
    else if (value !== null && typeof value === 'object') for (const [k, item] of Object.entries(value)) walk(item, k);
  };
  definitions.forEach((definition) => walk(definition, ''));
  return found;
}

describe('the compiler’s expression shapes are the ones the runner evaluates without jsonata', () => {
  const definitions = compileShapesJob();

  it('every Task payload', () => {
    const payloads = listExpressionsAt(definitions, 'Payload');
    expect(payloads.length).toBeGreaterThanOrEqual(40);
    expect(payloads.filter((source) => readFastExpression(source) === undefined)).toStrictEqual([]);
  });

  it('the engine parses a few dozen shapes, not one expression per op', () => {
    const parsedShapes = (size: number): ReadonlySet<string> => {
      const parsed = new Set<string>();
      for (const source of listExpressionsAt(compileShapesJob(size))) {
        if (readFastPath(source) !== undefined || readFastExpression(source) !== undefined) continue;
        parsed.add(readExpressionShape(source, STEP_FUNCTIONS_FUNCTION_NAMES)?.source ?? source);
      }
      return parsed;
    };
    const [small, large] = [parsedShapes(40), parsedShapes(160)];
    // The marker filters of Parallel branches differ in length; nothing else grows with the job (16 and 23 today).
    expect(small.size).toBeLessThan(40 / 2);
    expect(large.size).toBeLessThan(160 / 4);
  });
});
