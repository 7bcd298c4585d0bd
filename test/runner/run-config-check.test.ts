/**
 * The run config check in the compiled definition (issue 16): on AWS each op's Lambda sees only
 * its own config, so the state machine itself refuses, before any op runs, a run input that is
 * not an object, an `ops` that is not an object, an op name the job does not invoke and an entry
 * that is not `{ config }`, with RunConfigError's name and its message word for word (what
 * runJobLocally throws for the same input). Run on the compiled definition by the local runner.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileJob } from '../../lib/asl/index.js';
import { RUN_CONFIG_ERROR } from '../../lib/errors.js';
import { job, op, RunConfigError } from '../../lib/index.js';
import { checkRunConfigShape } from '../../lib/job/run-config.js';
import { runStateMachine } from '../../lib/runner/run-state-machine.js';
import type { TaskHandler } from '../../lib/runner/types.js';

const fetchOrders = op({ name: 'fetch_orders' }, async () => [1, 2]);
const load = op({ name: 'load' }, async (_context, orders: number[]) => orders.length);
const pipeline = job({ name: 'pipeline' }, () => {
  load(fetchOrders());
});
const compiled = compileJob(pipeline);

/** Runs the compiled definition with `input`; every op Task returns `{ v: 1 }` and is recorded. */
async function runWithInput(input: unknown) {
  const called: string[] = [];
  const handler: TaskHandler = async (_args, context) => {
    called.push(context.stateName);
    return { Payload: { v: 1 } };
  };
  const result = await runStateMachine(compiled.definition, { input, taskHandlers: { fetch_orders: handler, load: handler } });
  return { result, called };
}

/** What runJobLocally throws for `input`: RunConfigError's message, or undefined when the shape fits. */
function localMessage(input: unknown): string | undefined {
  const issues = checkRunConfigShape(pipeline, input);
  return issues.length === 0 ? undefined : new RunConfigError(pipeline.name, issues).message;
}

describe('the compiled definition checks the run config before any op runs', () => {
  it.each([
    ['a typo in an op name', { ops: { fetch_order: { config: { limit: 10 } } } }],
    ['an array', [1, 2]],
    ['a string', 'hello'],
    ['a number', 42],
    ['ops not an object', { ops: ['fetch_orders'] }],
    ['ops null', { ops: null }],
    ['an entry that is not an object', { ops: { load: 'fast' } }],
    ['a key beside config', { ops: { load: { config: {}, retries: 3 } } }],
    ['several problems, in input order', { ops: { loader: { config: 1 }, load: { cfg: true, config: {} }, fetch_orders: 7 } }],
  ])('fails for %s: stepops.RunConfigError with the local message, no op run', async (_title, input) => {
    const { result, called } = await runWithInput(input);
    expect(called).toStrictEqual([]);
    expect(result.status).toBe('FAILED');
    expect(result.error).toStrictEqual({ error: RUN_CONFIG_ERROR, cause: localMessage(input) });
  });

  it('names the path, the value and the fix, and lists the job ops', async () => {
    const { result } = await runWithInput({ ops: { fetch_order: { config: { limit: 10 } } } });
    expect(result.error?.cause).toBe(
      'run config of job "pipeline" is invalid: ops.fetch_order: "fetch_order" is not an op of job "pipeline" (its ops: fetch_orders, load) (got {"config":{"limit":10}}); use one of those names under ops',
    );
  });

  it.each([
    ['no ops', {}],
    ['configs for its ops', { ops: { fetch_orders: { config: { limit: 10 } }, load: {} } }],
    ['other top-level keys', { ops: {}, note: 'kept' }],
  ])('runs every op for %s', async (_title, input) => {
    const { result, called } = await runWithInput(input);
    expect(result.status).toBe('SUCCEEDED');
    expect(called).toStrictEqual(['fetch_orders', 'load']);
  });

  it('a Cause never passes 32,768 characters (a long unknown entry)', async () => {
    const { result } = await runWithInput({ ops: { nope: { config: 'x'.repeat(40_000) } } });
    expect(result.error?.error).toBe(RUN_CONFIG_ERROR);
    expect(result.error?.cause).toBe(localMessage({ ops: { nope: { config: 'x'.repeat(40_000) } } })!.slice(0, 32_768));
  });

  it('agrees with the local check on seeded random inputs (integers: JSONata writes fractions with 15 digits)', async () => {
    const value = fc.letrec((tie) => ({
      leaf: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.string({ maxLength: 6 })),
      node: fc.oneof(
        { depthSize: 'small' },
        tie('leaf'),
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom('config', 'c', 'load'), tie('node'), { maxKeys: 3 }),
      ),
    })).node;
    const opsEntry = fc.oneof(value, fc.record({ config: value }), fc.record({ config: value, extra: value }));
    const input = fc.oneof(value, fc.record({ ops: fc.oneof(value, fc.dictionary(fc.constantFrom('fetch_orders', 'load', 'loader', 'x'), opsEntry, { maxKeys: 3 })) }));
    await fc.assert(
      fc.asyncProperty(input, async (given) => {
        const { result, called } = await runWithInput(given);
        const expected = localMessage(given);
        if (expected === undefined) {
          expect(called[0]).toBe('fetch_orders');
        } else {
          expect(called).toStrictEqual([]);
          expect(result.error).toStrictEqual({ error: RUN_CONFIG_ERROR, cause: expected });
        }
      }),
      { seed: 16, numRuns: 150 },
    );
  });

  it('costs one Choice transition per run (diagnostics count it)', () => {
    expect(compiled.definition.States['init-run']).toMatchObject({ Next: 'check-run-config' });
    expect(compiled.definition.States['check-run-config']).toMatchObject({ Type: 'Choice', Default: 'fetch_orders' });
    expect(compiled.diagnostics.happyPathTransitions).toBe(2 + 4);
  });
});
