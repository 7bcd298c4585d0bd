import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { compileJob } from '../../lib/asl/index.js';
import { runJobLocally } from '../../lib/runner/index.js';
import { DefinitionError, RetryPolicy, job, op, type JobDefinition } from '../../lib/index.js';
import { secondsSinceStart } from './helpers.js';

/** Seconds since the start at which each op Task was first entered. */
function entered(history: readonly HistoryEvent[]): Record<string, number> {
  const times: Record<string, number> = {};
  for (const event of history) {
    if (event.type === 'TaskStateEntered') times[event.stateEnteredEventDetails!.name!] ??= secondsSinceStart(history, event);
  }
  return times;
}

const quietly = { writeLog: () => {} };
const calls: string[] = [];
const extract = op({ name: 'extract' }, async () => ({ rows: 3 }));
const load = op({ name: 'load' }, async (_context, data: { rows: number }) => {
  calls.push('load');
  if (data.rows < 0) throw new Error('bad rows');
  return data.rows;
});
const notify = op({ name: 'notify' }, async (...args: unknown[]) => {
  calls.push('notify');
  return `notified (${args.length - 1} inputs)`;
});
const report = op({ name: 'report' }, async (_context, rows: number) => `report of ${rows}`);

describe(".after: order-only dependencies (Dagster's In(Nothing))", () => {
  const pipeline = job({ name: 'after_pipeline' }, () => {
    const loaded = load(extract());
    notify.after(loaded)();
  });

  it('notify waits for load without taking its output', async () => {
    calls.length = 0;
    const result = await runJobLocally(pipeline, { ...quietly, simulatedOpSeconds: { extract: 2, load: 30 } });
    expect(result.status).toBe('SUCCEEDED');
    expect(calls).toStrictEqual(['load', 'notify']);
    expect(entered(result.history)).toStrictEqual({ extract: 0, load: 2, notify: 32 });
    expect(result.output).toStrictEqual({ notify: 'notified (0 inputs)' });
  });

  it('records the dependency on the invocation and in the graph; the payload carries no output of load', () => {
    expect(pipeline.invocations.map((invocation) => [invocation.name, invocation.inputs, invocation.after])).toStrictEqual([
      ['extract', [], []],
      ['load', ['extract'], []],
      ['notify', [], ['load']],
    ]);
    const definition = JSON.stringify(compileJob(pipeline).definition);
    expect(definition).toContain("'inputs':[($e:=$v1[0];$e.o?$e:{'v':null})]");
  });

  it('a failed load skips notify, as a failed input would; independent ops still run', async () => {
    const failing = job({ name: 'after_failing' }, () => {
      const bad = load(op({ name: 'negative' }, async () => ({ rows: -1 }))());
      notify.after(bad)();
      report(load.alias('load_ok')(extract()));
    });
    calls.length = 0;
    const result = await runJobLocally(failing, quietly);
    expect(result.status).toBe('FAILED');
    expect(calls).toStrictEqual(['load', 'load']);
    expect(JSON.parse(result.error!.cause!)).toMatchObject({ failedOps: [{ op: 'load' }], skippedOps: ['notify'] });
  });

  it('chains with alias and withRetryPolicy in any order, repeated .after adds up, and data inputs mix in', () => {
    const policy = new RetryPolicy({ maxRetries: 2 });
    const chained = job({ name: 'after_chained' }, () => {
      const first = extract();
      const second = extract.alias('extract_b')();
      const loaded = load(first);
      notify.alias('n1').after(loaded).withRetryPolicy(policy)();
      notify.after(loaded).alias('n2').after(second, loaded)();
      notify.withRetryPolicy(policy).after(second).alias('n3')();
      report.after(first)(loaded);
    });
    const byName = new Map(chained.invocations.map((invocation) => [invocation.name, invocation]));
    expect(byName.get('n1')).toMatchObject({ after: ['load'], retryPolicy: policy });
    expect(byName.get('n2')).toMatchObject({ after: ['load', 'extract_b'], retryPolicy: undefined });
    expect(byName.get('n3')).toMatchObject({ after: ['extract_b'], retryPolicy: policy });
    expect(byName.get('report')).toMatchObject({ inputs: ['load'], after: ['extract'] });
  });

  it('runs a chained job end to end: every notify after its dependencies', async () => {
    const chained = job({ name: 'after_run' }, () => {
      const loaded = load(extract());
      const late = report.after(loaded).alias('late_report')(loaded);
      notify.alias('last').after(late)();
    });
    const result = await runJobLocally(chained, { ...quietly, simulatedOpSeconds: { load: 10, late_report: 5 } });
    expect(result.status).toBe('SUCCEEDED');
    expect(entered(result.history)).toStrictEqual({ extract: 0, load: 0, late_report: 10, last: 15 });
  });

  it('fails with the fix when .after gets no handle or something else than an output handle of this job', () => {
    expect(() => notify.after()).toThrow(DefinitionError);
    expect(() => notify.after()).toThrow('after on op "notify" needs at least one output handle, got none; pass the ops to wait for, e.g. notify.after(load())()');
    expect(() => job({ name: 'bad_after' }, () => notify.after('load' as never)())).toThrow(
      'job "bad_after": after argument 1 of op "notify" must be the output of another op invocation in this job, got "load"; pass constants through op config instead',
    );
    let foreign: unknown;
    job({ name: 'other' }, () => {
      foreign = extract();
    });
    expect(() => job({ name: 'cross' }, () => notify.after(foreign as never)())).toThrow(/after argument 1 of op "notify" is an output handle from another job \("extract"\)/);
  });

  it('.after is part of the plan hash: a wrapper built without it refuses the payloads (jobs without .after keep theirs: see the goldens)', () => {
    const plain: JobDefinition = job({ name: 'plain_hash' }, () => {
      load(extract());
    });
    const withAfter = job({ name: 'plain_hash' }, () => {
      const loaded = load(extract());
      notify.after(loaded)();
    });
    expect(compileJob(plain).definition.Comment).not.toBe(compileJob(withAfter).definition.Comment);
  });
});
