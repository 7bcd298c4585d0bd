import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { compileJob, type OpGraph } from '../../lib/asl/index.js';
import { isSeriesParallel } from '../../lib/asl/decompose-graph.js';
import { runJobLocally } from '../../lib/runner/index.js';
import { RetryPolicy, RetryRequested, job, op, type JobDefinition, type JobFailureCause, type OutputHandle } from '../../lib/index.js';
import { dagsterCase, nShaped } from '../cli/fixtures/held-back.js';
import { createSeededRandom } from '../../lib/policy/seeded-random.js';
import { generateRandomGraph } from '../support/random-graph.js';
import { Reachability } from '../../lib/asl/graph-reachability.js';
import { expectValidDefinition } from '../compile/validate.js';

const quietly = { writeLog: () => {} };

/** Seconds since the run started at which each op's first attempt started (its Task's first TaskScheduled), by state name. */
function firstAttemptStarts(history: readonly HistoryEvent[]): Map<string, number> {
  const byId = new Map(history.map((event) => [event.id!, event]));
  const entered = new Map<number, string>();
  const starts = new Map<string, number>();
  const t0 = history[0]!.timestamp!.getTime();
  for (const event of history) {
    if (event.type === 'TaskStateEntered') entered.set(event.id!, event.stateEnteredEventDetails!.name!);
    if (event.type === 'TaskScheduled') {
      let id = event.previousEventId!;
      while (!entered.has(id)) id = byId.get(id)!.previousEventId!;
      const name = entered.get(id)!;
      if (!starts.has(name)) starts.set(name, (event.timestamp!.getTime() - t0) / 1000);
    }
  }
  return starts;
}

/**
 * A job on `graph` where op k takes seconds[k] per attempt (simulatedOpSeconds), and the ops in
 * `flaky` fail their first attempt and retry after `retryDelay[k]` seconds (a RetryPolicy);
 * the ops in `requested` ask for that retry with a RetryRequested (no policy: the wait loop);
 * the ops in `failing` fail for good. Each op returns its name and its inputs' names.
 */
function buildTimedJob(
  name: string,
  graph: OpGraph,
  options: { flaky: ReadonlySet<number>; retryDelay: readonly number[]; failing?: ReadonlySet<number>; requested?: ReadonlySet<number> },
): JobDefinition {
  const definitions = graph.names.map((opName, k) => {
    const compute = (context: { retryNumber: number }, ...inputs: unknown[]): unknown => {
      if (options.failing?.has(k) === true) throw new Error(`${opName} fails`);
      if (options.requested?.has(k) === true && context.retryNumber === 0) throw new RetryRequested({ maxRetries: 1, secondsToWait: options.retryDelay[k]! });
      if (options.flaky.has(k) && context.retryNumber === 0) throw new Error(`${opName} flakes`);
      return { op: opName, inputs: inputs.map((input) => (input as { op: string }).op) };
    };
    Object.defineProperty(compute, 'length', { value: graph.predecessors[k]!.length + 1 });
    const retryPolicy = options.flaky.has(k) && options.requested?.has(k) !== true ? new RetryPolicy({ maxRetries: 1, delay: options.retryDelay[k]! }) : undefined;
    return op({ name: opName, ...(retryPolicy === undefined ? {} : { retryPolicy }) }, compute as never);
  });
  return job({ name }, () => {
    const handles: OutputHandle[] = [];
    definitions.forEach((definition, k) => {
      const invoke = definition as unknown as (...inputs: OutputHandle[]) => OutputHandle;
      handles[k] = invoke(...graph.predecessors[k]!.map((p) => handles[p]!));
    });
  });
}

describe("concurrency: 'exact'", () => {
  it('the N-shaped job (a -> c <- b -> d): d starts when b is done, not when a is (structured mode makes it wait for a)', async () => {
    const simulatedOpSeconds = { a: 10, b: 1, c: 1, d: 1 };
    const structured = await runJobLocally(nShaped, { ...quietly, simulatedOpSeconds });
    const exact = await runJobLocally(nShaped, { ...quietly, simulatedOpSeconds, concurrency: 'exact' });
    expect(Object.fromEntries(firstAttemptStarts(structured.history))).toMatchObject({ a: 0, b: 0, c: 10, d: 10 });
    expect(Object.fromEntries(firstAttemptStarts(exact.history))).toMatchObject({ a: 0, b: 0, c: 10, d: 1 });
    expect(exact.status).toBe('SUCCEEDED');
    expect(exact.output).toStrictEqual(structured.output);
    expect(exact.elapsedSeconds).toBe(11);
    const compiled = compileJob(nShaped, { concurrency: 'exact' });
    // Parallel(b ; d, a ; c): c waits for b through the store.
    expect(compiled.diagnostics.coordination?.crossEdges).toStrictEqual([{ producer: 'b', consumer: 'c' }]);
    expect(compiled.diagnostics.heldBackOps).toStrictEqual([]);
    expectValidDefinition(compiled.definition);
    const states = compiled.definition.States as Record<
      string,
      { Type: string; Branches?: { States: Record<string, { Type: string; Resource?: string; TimeoutSeconds?: number }> }[] }
    >;
    const branchStates = states['parallel-0']!.Branches!.flatMap((branch) => Object.entries(branch.States));
    const wait = branchStates.find(([name]) => name === 'c-await-0')![1];
    expect(wait).toMatchObject({ Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken' });
    // b's worst case: one attempt of 900 s plus 126 s of platform retries, and a minute.
    expect(wait.TimeoutSeconds).toBe(900 + 126 + 60);
    expect(branchStates.map(([name]) => name).filter((name) => name.includes('release'))).toStrictEqual(['b-release']);
    // The cost the plan reports, against the run's own history: one more Lambda invocation per wait and per release, 6 + 5 more events.
    expect(compiled.diagnostics.coordination).toMatchObject({ waitTasks: 1, releaseTasks: 1, extraLambdaInvocations: 2, extraStateTransitions: 2, extraHistoryEvents: 11 });
    const invocations = (history: readonly HistoryEvent[]) => history.filter((event) => event.type === 'TaskScheduled').length;
    expect(invocations(exact.history) - invocations(structured.history)).toBe(2);
    // Each Parallel records 4 events; the two structures have different Parallels.
    const parallelEvents = 4 * (compiled.diagnostics.parallels - compileJob(nShaped).diagnostics.parallels);
    expect(exact.history.length - structured.history.length).toBe(11 + parallelEvents);
    expect(compiled.diagnostics.coordination!.worstCaseHistoryEvents).toBeGreaterThan(exact.history.length);
  });

  it('compiles a series-parallel job exactly as structured mode does: no wait, no release', () => {
    const structured = compileJob(dagsterCase);
    const exact = compileJob(dagsterCase, { concurrency: 'exact' });
    expect(exact.definition).toStrictEqual(structured.definition);
    expect(exact.diagnostics.coordination).toMatchObject({
      crossEdges: [],
      releasedOps: [],
      waitTimeoutSeconds: {},
      waitTasks: 0,
      releaseTasks: 0,
      extraLambdaInvocations: 0,
      extraStateTransitions: 0,
      extraHistoryEvents: 0,
    });
    expect(JSON.stringify(exact.definition)).not.toContain('waitForTaskToken');
  });

  it('fails on an unknown concurrency, naming the option', () => {
    expect(() => compileJob(dagsterCase, { concurrency: 'fast' as never })).toThrow(/compileJob options.concurrency must be 'structured' or 'exact', got "fast"/);
  });

  describe('on seeded random graphs that are not series-parallel, with simulated durations and retry waits (RetryPolicy and RetryRequested)', () => {
    const cases = [
      { size: 20, k: 2, seed: 1 },
      { size: 60, k: 3, seed: 2 },
      { size: 120, k: 2, seed: 3 },
      { size: 300, k: 2, seed: 4 },
    ];
    it.each(cases)('$size ops (k = $k, seed $seed): each first attempt starts at max(producers finish); elapsed = critical path', async ({ size, k, seed }) => {
      const graph = generateRandomGraph(size, k, seed);
      expect(isSeriesParallel(graph)).toBe(false);
      const random = createSeededRandom(seed * 7919);
      const seconds = graph.names.map(() => 1 + Math.floor(random() * 20));
      const flaky = new Set(graph.names.flatMap((_, i) => (random() < 0.2 ? [i] : [])));
      const retryDelay = graph.names.map(() => 1 + Math.floor(random() * 60));
      // Half the retrying ops wait through a RetryPolicy, half through a RetryRequested.
      const requested = new Set([...flaky].filter((i) => i % 2 === 1));
      const timed = buildTimedJob(`exact_${size}`, graph, { flaky, retryDelay, requested });
      const simulatedOpSeconds = Object.fromEntries(graph.names.map((name, i) => [name, seconds[i]!]));
      const compiled = compileJob(timed, { concurrency: 'exact' });
      expectValidDefinition(compiled.definition);
      expect(compiled.diagnostics.coordination!.crossEdges.length).toBeGreaterThan(0);
      const result = await runJobLocally(timed, { ...quietly, simulatedOpSeconds, compiled });
      expect(result.status).toBe('SUCCEEDED');

      // The schedule Dagster gives: an op starts when its last producer is done.
      const start: number[] = [];
      const finish: number[] = [];
      graph.names.forEach((_, i) => {
        start[i] = graph.predecessors[i]!.reduce((latest, p) => Math.max(latest, finish[p]!), 0);
        finish[i] = start[i] + seconds[i]! + (flaky.has(i) ? retryDelay[i]! + seconds[i]! : 0);
      });
      const starts = firstAttemptStarts(result.history);
      const wrong = graph.names.filter((name, i) => starts.get(name) !== start[i]);
      expect(wrong).toStrictEqual([]);
      expect(result.elapsedSeconds).toBe(Math.max(...finish));
      // Every op got its producers' outputs, in order.
      const outputs = result.output as Record<string, { op: string; inputs: string[] }>;
      for (const [name, value] of Object.entries(outputs)) {
        const i = graph.names.indexOf(name);
        expect(value).toStrictEqual({ op: name, inputs: graph.predecessors[i]!.map((p) => graph.names[p]) });
      }
    });
  });

  it('a producer that fails for good skips exactly its downstream, across waits too; the run fails naming every failed op', async () => {
    const graph = generateRandomGraph(80, 2, 9);
    const compiled = compileJob(buildTimedJob('probe', graph, { flaky: new Set(), retryDelay: [] }), { concurrency: 'exact' });
    const crossProducers = new Set(compiled.diagnostics.coordination!.crossEdges.map((edge) => graph.names.indexOf(edge.producer)));
    // Fail two producers of cross edges and one other op, none downstream of another (a failed op's downstream is skipped, not run).
    const reachability = new Reachability(graph);
    const independent = (chosen: readonly number[], op: number) => chosen.every((other) => other !== op && !reachability.reaches(other, op) && !reachability.reaches(op, other));
    const chosen: number[] = [];
    for (const producer of [...crossProducers].sort((a, b) => b - a)) if (chosen.length < 2 && independent(chosen, producer)) chosen.push(producer);
    for (let op = 0; op < graph.names.length && chosen.length < 3; op += 1) if (!crossProducers.has(op) && independent(chosen, op)) chosen.push(op);
    expect(chosen).toHaveLength(3);
    const failing = new Set(chosen);
    const downstream = graph.names.filter((_, i) => !failing.has(i) && [...failing].some((f) => reachability.reaches(f, i)));
    const failed = graph.names.filter((_, i) => failing.has(i));
    const result = await runJobLocally(buildTimedJob('failing', graph, { flaky: new Set(), retryDelay: [], failing }), { ...quietly, concurrency: 'exact' });
    expect(result.status).toBe('FAILED');
    const cause = JSON.parse(result.error!.cause!) as JobFailureCause;
    expect(cause.failedOps.map((entry) => entry.op)).toStrictEqual(failed);
    expect([...cause.skippedOps].sort()).toStrictEqual([...downstream].sort());
    // The ops that do not depend on a failed one ran.
    const ran = firstAttemptStarts(result.history);
    for (const name of graph.names) expect(ran.has(name)).toBe(true);
  });

  it.each([
    [1_000, 'SUCCEEDED', []],
    [5_000, 'FAILED', ['c']],
  ] as const)(
    "a RetryRequested wait of %i s on the producer (its wait's TimeoutSeconds is 1086 s: one attempt of 900 s, 126 s of platform retries, 60 s): %s, skipped %j (the bound leaves RetryRequested out, as the plan says)",
    async (secondsToWait, status, skipped) => {
      const a = op({ name: 'a' }, async () => 1);
      const b = op({ name: 'b' }, async (context) => {
        if (context.retryNumber === 0) throw new RetryRequested({ maxRetries: 1, secondsToWait });
        return 2;
      });
      const c = op({ name: 'c' }, async (_context, x: number, y: number) => x + y);
      const d = op({ name: 'd' }, async (_context, y: number) => y * 2);
      const late = job({ name: 'late_producer' }, () => {
        const y = b();
        c(a(), y);
        d(y);
      });
      expect(compileJob(late, { concurrency: 'exact' }).diagnostics.coordination!.waitTimeoutSeconds).toStrictEqual({ b: 1086 });
      const result = await runJobLocally(late, { ...quietly, concurrency: 'exact' });
      expect(result.status).toBe(status);
      expect(result.elapsedSeconds).toBe(secondsToWait);
      if (result.status === 'FAILED') {
        expect(result.error.error).toBe('stepops.OpsFailed');
        const cause = JSON.parse(result.error.cause!) as JobFailureCause;
        expect([cause.failedOps, cause.skippedOps]).toStrictEqual([[], skipped]);
      }
    },
  );
});
