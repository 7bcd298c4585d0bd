import { describe, expect, it } from 'vitest';
import { compileJob } from '../../lib/asl/index.js';
import { createExecutionEventMerger } from '../../lib/cli/aws/merge-execution-events.js';
import { readJobFailureCause } from '../../lib/cli/render/describe-failure.js';
import { summarizeExecution } from '../../lib/cli/render/summarize-execution.js';
import { job, op, RetryPolicy, type JobDefinition, type LogRecord, type OpContext, type OutputHandle } from '../../lib/index.js';
import { runJobLocally } from '../../lib/runner/local/run-job-locally.js';
import { createSeededRandom } from '../../lib/policy/index.js';

class FlakyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlakyError';
  }
}

const quiet = { writeLog: (_record: LogRecord) => {} };
const SPLIT = { maxDefinitionCharacters: 20_000 };

/** A chain of `size` ops, op k taking op k-1's output; `fails(name, retryNumber)` decides each attempt. */
function chainJob(
  size: number,
  fails: (name: string, retryNumber: number) => Error | undefined,
  policies: Record<string, RetryPolicy> = {},
): { job: JobDefinition; calls: Map<string, number[]> } {
  const calls = new Map<string, number[]>();
  const body = (name: string) => (context: OpContext, previous?: unknown) => {
    calls.set(name, [...(calls.get(name) ?? []), context.retryNumber]);
    const error = fails(name, context.retryNumber);
    if (error !== undefined) throw error;
    return { op: name, after: (previous as { op?: string } | undefined)?.op ?? null };
  };
  const ops = Array.from({ length: size }, (_, k) => {
    const name = `op${k}`;
    const config = { name, ...(policies[name] === undefined ? {} : { retryPolicy: policies[name] }) };
    const compute = body(name);
    return k === 0 ? op(config, (context: OpContext) => compute(context)) : op(config, (context: OpContext, previous: unknown) => compute(context, previous));
  });
  const definition = job({ name: `chain_${size}` }, () => {
    let previous: OutputHandle | undefined;
    for (const definitionOfOp of ops) {
      const invoke = definitionOfOp as unknown as (...inputs: OutputHandle[]) => OutputHandle;
      previous = previous === undefined ? invoke() : invoke(previous);
    }
  });
  return { job: definition, calls };
}

describe('runJobLocally on a job split into a parent and child state machines', () => {
  it('the 30-op chain compiles into children (forced with maxDefinitionCharacters)', () => {
    const compiled = compileJob(chainJob(30, () => undefined).job, SPLIT);
    expect(compiled.childDefinitions.length).toBeGreaterThanOrEqual(2);
  });

  it('runs every op across the children, with retries on the shared virtual clock', async () => {
    const { job: chain, calls } = chainJob(30, (name, retry) => (name === 'op5' && retry < 2 ? new FlakyError(`down ${retry}`) : undefined), {
      op5: new RetryPolicy({ maxRetries: 3, delay: 2 }),
    });
    const merger = createExecutionEventMerger();
    const result = await runJobLocally(chain, { ...quiet, compile: SPLIT, onEvent: (event, source) => void merger.add(event, source) });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.childExecutions!.length).toBe(compileJob(chain, SPLIT).childDefinitions.length);
    expect(result.childExecutions!.every((child) => child.status === 'SUCCEEDED')).toBe(true);
    expect(result.childExecutions!.map((child) => child.stateMachineArn)).toStrictEqual(compileJob(chain, SPLIT).childDefinitions.map((child) => `\${${child.placeholder}}`));
    expect(calls.get('op5')).toStrictEqual([0, 1, 2]);
    expect([...calls.keys()]).toHaveLength(30);
    expect([...calls.values()].filter((retries) => retries.length > 1)).toHaveLength(1);
    expect(result.elapsedSeconds).toBe(4);
    const summary = summarizeExecution(merger.history(), { opNames: Array.from({ length: 30 }, (_, k) => `op${k}`) });
    expect(summary.ops.map((o) => o.name)).toStrictEqual(Array.from({ length: 30 }, (_, k) => `op${k}`));
    expect(summary.ops.find((o) => o.name === 'op5')).toMatchObject({ attempts: 3, waitsSeconds: [2, 2], outcome: 'succeeded' });
    expect(summary.ops.every((o) => o.outcome === 'succeeded')).toBe(true);
    expect(summary.status).toBe('SUCCEEDED');
  });

  it('an op failing in part1 skips its downstream ops in the later parts; the job fails naming it', async () => {
    const { job: chain, calls } = chainJob(30, (name) => (name === 'op10' ? new FlakyError('broken for good') : undefined));
    const merger = createExecutionEventMerger();
    const result = await runJobLocally(chain, { ...quiet, compile: SPLIT, onEvent: (event, source) => void merger.add(event, source) });
    expect(result.status).toBe('FAILED');
    // Every child ran to its end: a failed op is a marker, not a failed execution.
    expect(result.childExecutions!.every((child) => child.status === 'SUCCEEDED')).toBe(true);
    expect(calls.get('op10')).toStrictEqual([0]);
    const cause = readJobFailureCause(result.error!.cause)!;
    expect(cause.failedOps.map((failed) => failed.op)).toStrictEqual(['op10']);
    expect([...cause.skippedOps].sort()).toStrictEqual(Array.from({ length: 19 }, (_, k) => `op${k + 11}`).sort());
    const summary = summarizeExecution(merger.history(), { opNames: Array.from({ length: 30 }, (_, k) => `op${k}`) });
    const outcome = (name: string) => summary.ops.find((o) => o.name === name)!.outcome;
    expect(outcome('op9')).toBe('succeeded');
    expect(outcome('op10')).toBe('failed');
    expect(outcome('op11')).toBe('skipped');
    expect(outcome('op29')).toBe('skipped');
  });

  it('is deterministic for a seed', async () => {
    const run = () => runJobLocally(chainJob(30, () => undefined).job, { ...quiet, compile: SPLIT, seed: 3, executionName: 'same' });
    const [a, b] = await Promise.all([run(), run()]);
    expect(a.output).toStrictEqual(b.output);
    expect(a.childExecutions!.map((c) => [c.name, c.result.history])).toStrictEqual(b.childExecutions!.map((c) => [c.name, c.result.history]));
  });
});

/** A seeded random DAG job of `size` small ops: op i takes the outputs of up to 2 earlier ops. */
function randomDagJob(size: number, seed: number, fails: (name: string, retryNumber: number) => Error | undefined, policies: Record<string, RetryPolicy>) {
  const random = createSeededRandom(seed);
  const predecessors = Array.from({ length: size }, (_, i) => {
    const chosen = new Set<number>();
    while (chosen.size < Math.min(i, 2)) chosen.add(Math.floor(random() * i));
    return [...chosen].sort((a, b) => a - b);
  });
  const calls = new Map<string, number[]>();
  const definitions = predecessors.map((inputs, i) => {
    const name = `op${i}`;
    const compute = (context: OpContext): unknown => {
      calls.set(name, [...(calls.get(name) ?? []), context.retryNumber]);
      const error = fails(name, context.retryNumber);
      if (error !== undefined) throw error;
      return { op: name };
    };
    Object.defineProperty(compute, 'length', { value: inputs.length + 1 });
    return op({ name, ...(policies[name] === undefined ? {} : { retryPolicy: policies[name] }) }, compute);
  });
  const definition = job({ name: `random_${size}` }, () => {
    const handles: OutputHandle[] = [];
    definitions.forEach((d, i) => {
      handles[i] = (d as unknown as (...inputs: OutputHandle[]) => OutputHandle)(...predecessors[i]!.map((p) => handles[p]!));
    });
  });
  const successors = predecessors.map(() => [] as number[]);
  predecessors.forEach((inputs, i) => inputs.forEach((p) => successors[p]!.push(i)));
  return { job: definition, calls, successors };
}

describe('runJobLocally on a 1,000-op job (split at the real Step Functions limit)', () => {
  it('a failure in part1 skips exactly its downstream ops in the other parts; retries and every other op succeed', async () => {
    const size = 1000;
    let failing = '';
    const built = randomDagJob(
      size,
      11,
      (name, retry) => (name === failing ? new FlakyError('down for good') : name === 'op1' && retry < 2 ? new FlakyError(`flaky ${retry}`) : undefined),
      {
        op1: new RetryPolicy({ maxRetries: 3, delay: 5 }),
      },
    );
    const compiled = compileJob(built.job);
    expect(compiled.childDefinitions.length).toBeGreaterThanOrEqual(1);
    const texts = [JSON.stringify(compiled.definition), ...compiled.childDefinitions.map((child) => JSON.stringify(child.definition))];
    const home = (i: number) => texts.findIndex((text) => text.includes(`"op${i}":{"Type":"Task"`));
    const downstream = (i: number): Set<number> => {
      const seen = new Set<number>();
      const stack = [...built.successors[i]!];
      while (stack.length > 0) {
        const next = stack.pop()!;
        if (seen.has(next)) continue;
        seen.add(next);
        stack.push(...built.successors[next]!);
      }
      return seen;
    };
    // The first op of part1 (after op1) with a downstream op in another definition.
    const failingIndex = Array.from({ length: size }, (_, i) => i).find((i) => i > 1 && home(i) === 1 && [...downstream(i)].some((d) => home(d) !== 1))!;
    expect(failingIndex).toBeDefined();
    failing = `op${failingIndex}`;
    const skipped = downstream(failingIndex);
    expect(skipped.has(1)).toBe(false);

    const merger = createExecutionEventMerger();
    const result = await runJobLocally(built.job, { ...quiet, onEvent: (event, source) => void merger.add(event, source) });
    expect(result.status).toBe('FAILED');
    expect(result.childExecutions!.map((child) => child.status)).toStrictEqual(compiled.childDefinitions.map(() => 'SUCCEEDED'));
    expect(built.calls.get('op1')).toStrictEqual([0, 1, 2]);
    expect(built.calls.get(failing)).toStrictEqual([0]);
    const cause = readJobFailureCause(result.error!.cause)!;
    expect(cause.failedOps.map((failed) => failed.op)).toStrictEqual([failing]);
    expect([...cause.skippedOps].sort()).toStrictEqual([...skipped].map((i) => `op${i}`).sort());
    const summary = summarizeExecution(merger.history(), { opNames: Array.from({ length: size }, (_, i) => `op${i}`) });
    expect(summary.ops).toHaveLength(size);
    for (const opSummary of summary.ops) {
      const i = Number(opSummary.name.slice(2));
      const expected = i === failingIndex ? 'failed' : skipped.has(i) ? 'skipped' : 'succeeded';
      expect([opSummary.name, opSummary.outcome]).toStrictEqual([opSummary.name, expected]);
    }
    expect(summary.ops.find((o) => o.name === 'op1')).toMatchObject({ attempts: 3, waitsSeconds: [5, 5] });
  }, 120_000);
});
