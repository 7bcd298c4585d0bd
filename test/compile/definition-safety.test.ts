import { describe, expect, it } from 'vitest';
import { compileJob } from '../../lib/asl/index.js';
import { MAX_JOB_CAUSE_CHARACTERS, SHORT_CAUSE_CHARACTERS, SHORT_CAUSE_FAILED_OPS, SHORT_CAUSE_SKIPPED_OPS } from '../../lib/asl/jsonata-expressions.js';
import { runStateMachine } from '../../lib/runner/index.js';
import { runJobLocally } from '../../lib/runner/local/run-job-locally.js';
import { Backoff, Jitter, RetryPolicy, job, op, type JobFailureCause } from '../../lib/index.js';
import { OUTCOME_MARKER_KEY, isOpOutcomeMarker, type OpPayload } from '../../lib/job/index.js';
import { buildOpGraphFromEdges } from '../../lib/asl/job-graph.js';
import { listFailedUpstream } from '../../lib/job/wire-protocol.js';
import { buildJobFromGraph } from './graph-jobs.js';
import { generateRandomGraph } from '../support/random-graph.js';
import { expectValidDefinition } from './validate.js';

/** An output that looks like every piece of state the compiled machine moves around. */
const LOOKALIKE = {
  __stepopsRetry: { nextRetryNumber: 7, waitSeconds: 99 },
  nextRetryNumber: 5,
  waitSeconds: 3,
  [OUTCOME_MARKER_KEY]: 'failed',
  op: 'ghost',
  v: { o: 'skipped', op: 'ghost', failedUpstream: ['ghost'] },
  __stepops: 'failed',
  f: [{ [OUTCOME_MARKER_KEY]: 'failed', op: 'ghost', failedUpstream: ['ghost'] }],
  Payload: 'inner',
  // The keys of a fault record (lib/asl/compile-faults.ts).
  n: 9,
  w: 99,
  k: 5,
  r: 0,
};

describe('op outputs never reach the state machine machinery', () => {
  it('outputs with __stepopsRetry, nextRetryNumber, marker (o, v, __stepops) and f keys leave the next ops retry numbers and skip logic alone; array outputs arrive whole', async () => {
    const seen: Record<string, { retryNumber: number; inputs: unknown[] }> = {};
    const record = (name: string, retryNumber: number, inputs: unknown[]): void => {
      seen[name] = { retryNumber, inputs };
    };
    const policy = new RetryPolicy({ maxRetries: 3, delay: 2, backoff: Backoff.EXPONENTIAL });
    const source = op({ name: 'source', retryPolicy: policy }, async (context) => {
      record('source', context.retryNumber, []);
      return LOOKALIKE;
    });
    const listy = op({ name: 'listy' }, async (context) => {
      record('listy', context.retryNumber, []);
      return [[1], [], LOOKALIKE];
    });
    let failuresLeft = 1;
    const next = op({ name: 'next', retryPolicy: policy }, async (context, value: unknown, list: unknown) => {
      record('next', context.retryNumber, [value, list]);
      if (failuresLeft-- > 0) throw new Error('once');
      return LOOKALIKE;
    });
    const left = op({ name: 'left' }, async (context, value: unknown) => {
      record('left', context.retryNumber, [value]);
      return [LOOKALIKE];
    });
    const right = op({ name: 'right', retryPolicy: new RetryPolicy({ maxRetries: 2, delay: 1 }) }, async (context, value: unknown) => {
      record('right', context.retryNumber, [value]);
      return LOOKALIKE;
    });
    const last = op({ name: 'last' }, async (context, a: unknown, b: unknown) => {
      record('last', context.retryNumber, [a, b]);
      return { done: true };
    });
    const lookalikes = job({ name: 'lookalikes' }, () => {
      const value = next(source(), listy());
      last(left(value), right(value));
    });
    const { definition } = compileJob(lookalikes);
    expectValidDefinition(definition);
    // The execution input carries lookalike keys too: the first Task's input is init-run's {}.
    const result = await runJobLocally(lookalikes, { input: { ...LOOKALIKE, ops: {} }, writeLog: () => {} });
    expect(result.status).toBe('SUCCEEDED');
    expect(Object.fromEntries(Object.entries(seen).map(([name, s]) => [name, s.retryNumber]))).toStrictEqual({
      source: 0,
      listy: 0,
      next: 1,
      left: 0,
      right: 0,
      last: 0,
    });
    expect(seen.next!.inputs).toStrictEqual([LOOKALIKE, [[1], [], LOOKALIKE]]);
    expect(seen.left!.inputs).toStrictEqual([LOOKALIKE]);
    expect(seen.last!.inputs).toStrictEqual([[LOOKALIKE], LOOKALIKE]);
    expect(result.output).toStrictEqual({ last: { done: true } });
  });

  it('a sink returning an array or a lookalike is the execution output as it is', async () => {
    const a = op({ name: 'a' }, async () => [1, [2]]);
    const b = op({ name: 'b' }, async () => LOOKALIKE);
    const c = op({ name: 'c' }, async () => []);
    const result = await runJobLocally(
      job({ name: 'sinks' }, () => {
        a();
        b();
        c();
      }),
      { writeLog: () => {} },
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toStrictEqual({ a: [1, [2]], b: LOOKALIKE, c: [] });
  });
});

/** An error whose Step Functions Cause is `cause` verbatim (the runner's `stepFunctionsCause`). */
class NoisyError extends Error {
  readonly stepFunctionsCause: string;
  constructor(name: string, cause: string) {
    super('noisy');
    this.name = name;
    this.stepFunctionsCause = cause;
  }
}

/** n independent ops that fail (long names), each with `downstream` skipped ops after it. */
async function runManyFailures(failing: number, downstream: number, cause: string, errorName: (k: number) => string) {
  const names: string[] = [];
  const predecessors: number[][] = [];
  for (let k = 0; k < failing; k += 1) {
    names.push(`failing_op_${String(k).padStart(4, '0')}_${'x'.repeat(62)}`);
    predecessors.push([]);
  }
  for (let k = 0; k < failing * downstream; k += 1) {
    names.push(`skipped_op_${String(k).padStart(4, '0')}_${'y'.repeat(62)}`);
    predecessors.push([k % failing]);
  }
  const graph = buildOpGraphFromEdges(names, predecessors);
  const { definition, childDefinitions } = compileJob(buildJobFromGraph('many_failures', graph));
  // Hundreds of ops with 80-character names may not fit one definition: the children run in process.
  const stateMachines = Object.fromEntries(childDefinitions.map((child) => ['${' + child.placeholder + '}', child.definition]));
  expectValidDefinition(definition);
  const taskHandlers = Object.fromEntries(
    names.map((name, k) => [
      name,
      (args: unknown) => {
        const payload = (args as { Payload: OpPayload }).Payload;
        const failed = payload.inputs.filter(isOpOutcomeMarker).flatMap((marker) => listFailedUpstream(marker));
        if (failed.length > 0) return { Payload: { [OUTCOME_MARKER_KEY]: 'skipped', op: payload.state.Name, failedUpstream: failed } };
        throw new NoisyError(errorName(k), cause);
      },
    ]),
  );
  const result = await runStateMachine(definition, { taskHandlers, stateMachines });
  expect(result.status).toBe('FAILED');
  const markerCauseCharacters = (definition.States['init-run'] as unknown as { Assign: { mc: number } }).Assign.mc;
  return { cause: result.error!.cause!, names, markerCauseCharacters };
}

describe('the job failure Cause stays within 32,768 characters', () => {
  // Causes whose every character escapes to 6 bytes (a control character) in the job's Cause JSON.
  const controls = '\u0001'.repeat(40_000);

  it('few failures: every failed op with a share of the causes, every skipped op', async () => {
    const { cause, names } = await runManyFailures(3, 2, 'plain message', () => 'NoisyError');
    expect(cause.length).toBeLessThanOrEqual(MAX_JOB_CAUSE_CHARACTERS);
    const parsed = JSON.parse(cause) as JobFailureCause & Record<string, unknown>;
    expect(parsed.failedOps.map((f) => f.op)).toStrictEqual(names.slice(0, 3));
    expect(parsed.failedOps.every((f) => f.error === 'NoisyError' && f.cause?.includes('plain message') === true)).toBe(true);
    expect(parsed.skippedOps).toStrictEqual(names.slice(3));
    expect(parsed).not.toHaveProperty('omittedFailedOps');
  });

  it('many failures with escape-heavy causes: the first 10 failed ops with cut causes, then counts of what was left out', async () => {
    // Each marker keeps 707 characters of its cause (40 ops: payload-budget.ts), which escape to 4 bytes on average here:
    // 20 of them are over 32,768 characters of JSON, 10 are not.
    const { cause, names, markerCauseCharacters } = await runManyFailures(20, 1, '"\u0001'.repeat(20_000), () => 'NoisyError');
    expect(markerCauseCharacters).toBe(707);
    expect(cause.length).toBeLessThanOrEqual(MAX_JOB_CAUSE_CHARACTERS);
    const parsed = JSON.parse(cause) as JobFailureCause & { omittedFailedOps?: number; omittedSkippedOps?: number };
    expect(parsed.failedOps.map((f) => f.op)).toStrictEqual(names.slice(0, SHORT_CAUSE_FAILED_OPS));
    expect(parsed.failedOps.every((f) => f.error === 'NoisyError' && f.cause?.length === Math.min(markerCauseCharacters, SHORT_CAUSE_CHARACTERS))).toBe(true);
    expect(parsed.omittedFailedOps).toBe(20 - SHORT_CAUSE_FAILED_OPS);
    expect(parsed.skippedOps).toStrictEqual(names.slice(20));
    expect(parsed).not.toHaveProperty('omittedSkippedOps');
  });

  it('hundreds of failures, 256-character error names full of quotes, escape-heavy causes, long names: op names and errors only, with counts', async () => {
    // 450 ops: a marker has no room for any of its cause (payload-budget.ts), so none reaches the job's Cause.
    const { cause, names, markerCauseCharacters } = await runManyFailures(150, 2, controls, (k) => `E${k}"`.padEnd(256, '"'));
    expect(markerCauseCharacters).toBe(0);
    expect(cause.length).toBeLessThanOrEqual(MAX_JOB_CAUSE_CHARACTERS);
    const parsed = JSON.parse(cause) as JobFailureCause & { omittedFailedOps?: number; omittedSkippedOps?: number };
    expect(parsed.failedOps.map((f) => f.op)).toStrictEqual(names.slice(0, SHORT_CAUSE_FAILED_OPS));
    expect(parsed.failedOps[0]!.error).toBe('E0"'.padEnd(256, '"'));
    expect(parsed.failedOps.every((f) => f.cause === undefined || f.cause === '')).toBe(true);
    expect(parsed.omittedFailedOps).toBe(150 - SHORT_CAUSE_FAILED_OPS);
    expect(parsed.skippedOps).toHaveLength(SHORT_CAUSE_SKIPPED_OPS);
    expect(parsed.omittedSkippedOps).toBe(300 - SHORT_CAUSE_SKIPPED_OPS);
  });
});

describe('definition size per op (issue 10 asks for at most 1,000)', () => {
  // bench/compile-scale.ts's POLICY_MIX: op k gets mix[k % 5].
  const mix = [
    undefined,
    new RetryPolicy({ maxRetries: 3, delay: 5 }),
    new RetryPolicy({ maxRetries: 3, delay: 2, backoff: Backoff.EXPONENTIAL }),
    new RetryPolicy({ maxRetries: 4, delay: 1, backoff: Backoff.LINEAR, jitter: Jitter.FULL }),
    new RetryPolicy({ maxRetries: 3, delay: 5, jitter: Jitter.PLUS_MINUS }),
  ];
  const charactersPerOp = (size: number, seed: number): number => {
    const compiled = compileJob(buildJobFromGraph(`size_${size}`, generateRandomGraph(size, 2, seed), (k) => mix[k % mix.length]));
    const definitions = [compiled.definition, ...compiled.childDefinitions.map((child) => child.definition)];
    return definitions.reduce((sum, definition) => sum + JSON.stringify(definition).length, 0) / size;
  };

  // Every op Task catches platform errors, timeouts and crashes (a fault record and a Choice,
  // lib/asl/compile-faults.ts). Measured with the run config check: 1,506.2 (seed 1) and 1,509.7
  // (seed 2) at 100 ops, 1,631.7 at 1,000 (seed 1, split in 2); the bounds below catch growth.
  // The target of 1,000 is not met (see docs/figures.md).
  it.each([
    [100, 1, 1_520],
    [100, 2, 1_520],
    [1000, 1, 1_645],
  ])('a random %i-op job (k = 2, seed %i, the benchmark policy mix) takes under %i characters per op', (size, seed, bound) => {
    expect(charactersPerOp(size, seed)).toBeLessThan(bound);
  });
});

describe('state names that are Object property names', () => {
  it('an op named __proto__ gets its own states, in order, in the definition (not the States object prototype)', () => {
    const first = op({ name: '__proto__' }, () => 1);
    const second = op({ name: 'after_proto' }, (_context, value: number) => value);
    const compiled = compileJob(job({ name: 'proto_names' }, () => second(first())));
    const states = compiled.definition.States;
    expect(Object.getPrototypeOf(states)).toBe(Object.prototype);
    expect(Object.keys(states).slice(3, 7)).toStrictEqual(['__proto__', '__proto__-w', '__proto__-f', 'after_proto']);
    expect(JSON.parse(JSON.stringify(compiled.definition)).States.__proto__.Type).toBe('Task');
  });
});
