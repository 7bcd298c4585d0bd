import { describe, expect, it } from 'vitest';
import { ReexecutionError, RetryPolicy, job, op, runJobLocally, type LogRecord } from '../../lib/index.js';
import { readRecordedRunResult } from '../../lib/runner/index.js';

const quiet = { writeLog: (_record: LogRecord) => {} };

/**
 * Five ops: extract -> transform -> load -> notify, and audit on its own. load fails for good
 * (no policy... then a policy of 1 retry, exhausted) while `warehouseUp` is false.
 */
function buildFiveOpJob() {
  const calls: string[] = [];
  const received: Record<string, unknown[]> = {};
  const state = { warehouseUp: false };
  const record = (name: string, inputs: unknown[]) => {
    calls.push(name);
    received[name] = inputs;
  };
  const extract = op({ name: 'extract' }, async () => {
    record('extract', []);
    return { rows: [1, 2, 3] };
  });
  const transform = op({ name: 'transform' }, async (_ctx, report: { rows: number[] }) => {
    record('transform', [report]);
    return report.rows.map((row) => row * 10);
  });
  const load = op({ name: 'load', retryPolicy: new RetryPolicy({ maxRetries: 1, delay: 5 }) }, async (ctx, rows: number[]) => {
    record('load', [rows]);
    if (!state.warehouseUp) throw new Error(`warehouse down (retry ${ctx.retryNumber})`);
    return { loaded: rows.length };
  });
  const notify = op({ name: 'notify' }, async (_ctx, loaded: { loaded: number }) => {
    record('notify', [loaded]);
    return `loaded ${loaded.loaded}`;
  });
  const audit = op({ name: 'audit' }, async () => {
    record('audit', []);
    return 'audited';
  });
  const pipeline = job({ name: 'five_ops' }, () => {
    notify(load(transform(extract())));
    audit();
  });
  return { pipeline, calls, received, state };
}

describe('re-execution, locally (Dagster FROM_FAILURE and ALL_STEPS)', () => {
  it('from-failure runs exactly the failed op and its downstream, feeding them the recorded upstream outputs', async () => {
    const { pipeline, calls, received, state } = buildFiveOpJob();
    const parent = await runJobLocally(pipeline, { ...quiet, input: { ops: { audit: { config: { scope: 'all' } } } } });
    expect(parent.status).toBe('FAILED');
    expect(calls).toStrictEqual(['extract', 'audit', 'transform', 'load', 'load']);

    calls.length = 0;
    state.warehouseUp = true;
    const child = await runJobLocally(pipeline, { ...quiet, reexecute: { parent, strategy: 'from-failure' } });
    expect(child.status).toBe('SUCCEEDED');
    expect(calls).toStrictEqual(['load', 'notify']);
    expect(received.load).toStrictEqual([[10, 20, 30]]);
    expect(child.output).toStrictEqual({ notify: 'loaded 3', audit: 'audited' });

    // The new run records its parent, the strategy and what it reused, in its input.
    const input = JSON.parse(child.history[0]!.executionStartedEventDetails!.input!) as Record<string, unknown>;
    const parentRunId = readRecordedRunResult(parent).runId;
    expect(input.stepops).toStrictEqual({ parent: parentRunId, strategy: 'from-failure', reusedOps: ['extract', 'audit', 'transform'] });
    // The reused op keeps its own config, so that running it again later uses it.
    expect(input.ops).toMatchObject({ audit: { config: { stepopsReused: { parent: parentRunId, recorded: { v: 'audited' }, config: { scope: 'all' } } } } });
  });

  it('a re-execution of a re-execution reuses what its parent reused; all-steps runs everything with the original config', async () => {
    const { pipeline, calls, state } = buildFiveOpJob();
    const first = await runJobLocally(pipeline, { ...quiet, input: { ops: { audit: { config: { scope: 'all' } } } } });
    const second = await runJobLocally(pipeline, { ...quiet, reexecute: { parent: first, strategy: 'from-failure' } });
    expect(second.status).toBe('FAILED');
    calls.length = 0;
    state.warehouseUp = true;
    const third = await runJobLocally(pipeline, { ...quiet, reexecute: { parent: second, strategy: 'from-failure' } });
    expect(third.status).toBe('SUCCEEDED');
    expect(calls).toStrictEqual(['load', 'notify']);

    calls.length = 0;
    const again = await runJobLocally(pipeline, { ...quiet, reexecute: { parent: third, strategy: 'all-steps' } });
    expect(again.status).toBe('SUCCEEDED');
    expect([...calls].sort()).toStrictEqual(['audit', 'extract', 'load', 'notify', 'transform']);
    const input = JSON.parse(again.history[0]!.executionStartedEventDetails!.input!) as Record<string, unknown>;
    expect(input.ops).toStrictEqual({ audit: { config: { scope: 'all' } } });
    expect(input.stepops).toMatchObject({ strategy: 'all-steps', reusedOps: [] });
  });

  it('fails from-failure on a run that succeeded, naming the other strategy', async () => {
    const { pipeline, state } = buildFiveOpJob();
    state.warehouseUp = true;
    const parent = await runJobLocally(pipeline, quiet);
    const rejection = runJobLocally(pipeline, { ...quiet, reexecute: { parent, strategy: 'from-failure' } });
    await expect(rejection).rejects.toBeInstanceOf(ReexecutionError);
    await expect(rejection).rejects.toThrow(/^run [0-9a-f-]+ succeeded: nothing failed to re-execute from; use the all-steps strategy to run every op again$/);
  });
});
