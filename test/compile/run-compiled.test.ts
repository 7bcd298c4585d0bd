import { describe, expect, it } from 'vitest';
import { compileJob } from '../../lib/asl/index.js';
import { runStateMachine } from '../../lib/runner/index.js';
import { runJobLocally } from '../../lib/runner/local/run-job-locally.js';
import { RetryPolicy, RetryRequested, job, op, type JobFailureCause } from '../../lib/index.js';
import { readPayloadRetryNumber, type OpPayload } from '../../lib/job/wire-protocol.js';
import { buildJobFromGraph } from './graph-jobs.js';
import { generateRandomGraph } from '../support/random-graph.js';
import { expectValidDefinition } from './validate.js';
import { emulateWrapper } from './emulate-wrapper.js';

describe('compiled jobs run on the local runner', () => {
  it('data flow: every op of a random 120-op graph receives its producers outputs, in order, across nested Parallels', async () => {
    const graph = generateRandomGraph(120, 3, 5);
    const { definition } = compileJob(buildJobFromGraph('flow', graph));
    expectValidDefinition(definition);
    const calls = new Map<string, OpPayload>();
    const result = await runStateMachine(definition, { taskHandlers: emulateWrapper(graph.names, new Set(), calls), executionName: 'run-1' });
    expect(result.status).toBe('SUCCEEDED');
    expect(calls.size).toBe(120);
    graph.names.forEach((name, k) => {
      const payload = calls.get(name)!;
      expect(payload.inputs.map((input) => (input as { op: string }).op)).toStrictEqual(graph.predecessors[k]!.map((p) => graph.names[p]));
      expect(payload.runId).toBe('run-1');
      expect(readPayloadRetryNumber(payload)).toBe(0);
    });
    const sinks = graph.names.filter((_, k) => graph.successors[k]!.length === 0);
    expect(Object.keys(result.output as object)).toStrictEqual(sinks);
  });

  it('failure propagation: only the downstream of a failed op is skipped; the run fails with the first failed op and names them all', async () => {
    const graph = generateRandomGraph(60, 2, 11);
    const failing = new Set(['op7', 'op31', 'op40']);
    const { definition } = compileJob(buildJobFromGraph('failing', graph));
    expectValidDefinition(definition);
    const calls = new Map<string, OpPayload>();
    const result = await runStateMachine(definition, { taskHandlers: emulateWrapper(graph.names, failing, calls) });
    expect(result.status).toBe('FAILED');
    expect(result.error!.error).toBe('BoomError');
    const cause = JSON.parse(result.error!.cause!) as JobFailureCause;
    // Expected: every op downstream of a failing op is skipped (a failing op among them too).
    const downstream = new Set<number>();
    graph.names.forEach((_, k) => {
      if (graph.predecessors[k]!.some((p) => (failing.has(graph.names[p]!) && !downstream.has(p)) || downstream.has(p))) downstream.add(k);
    });
    const failed = graph.names.filter((name, k) => failing.has(name) && !downstream.has(k));
    expect(failed.length).toBeGreaterThan(0);
    expect(cause.failedOps.map((f) => [f.op, f.error])).toStrictEqual(failed.map((name) => [name, 'BoomError']));
    expect(cause.skippedOps).toStrictEqual([...downstream].sort((a, b) => a - b).map((k) => graph.names[k]));
    expect(calls.size).toBe(60);
  });

  it('config and retry numbers through the real wrapper (runJobLocally): RetryRequested loop and policy retriers share one counter', async () => {
    const seen: number[] = [];
    const flaky = op({ name: 'flaky', retryPolicy: new RetryPolicy({ maxRetries: 4, delay: 2 }) }, async (context) => {
      seen.push(context.retryNumber);
      if (context.retryNumber === 0) throw new RetryRequested({ maxRetries: 3, secondsToWait: 5 });
      if (context.retryNumber < 3) throw new Error('flaky');
      return { config: context.config, retry: context.retryNumber };
    });
    const result = await runJobLocally(
      job({ name: 'loop_job' }, () => void flaky()),
      {
        input: { ops: { flaky: { config: { region: 'eu' } } } },
        writeLog: () => {},
      },
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(seen).toStrictEqual([0, 1, 2, 3]);
    expect(result.output).toStrictEqual({ flaky: { config: { region: 'eu' }, retry: 3 } });
    expect(result.elapsedSeconds).toBe(5 + 2 + 2);
  });
});
