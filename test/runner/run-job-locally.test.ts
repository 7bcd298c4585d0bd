import { describe, expect, it } from 'vitest';
import { Backoff, Failure, Jitter, RetryPolicy, RetryRequested, job, op, type JobFailureCause, type LogRecord, type OpContext } from '../../lib/index.js';
import { runJobLocally } from '../../lib/runner/local/run-job-locally.js';
import { summarizeExecution } from '../../lib/cli/render/summarize-execution.js';
import { defaultAndOverrideJob } from '../../handlers/default-and-override.js';
import { retryJob } from '../../handlers/retry-job.js';
import { reportPipeline } from '../../handlers/report-pipeline.js';

/** A service error with its own name, as op code throws. */
class FlakyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlakyError';
  }
}

/**
 * An op that records the retry numbers it sees and fails while `fail(retryNumber)` returns
 * an error (thrown), then returns `{ op, attempt }`.
 */
function recordingOp(name: string, fail: (retryNumber: number) => unknown, retryPolicy?: RetryPolicy) {
  const seen: number[] = [];
  const definition = op({ name, ...(retryPolicy === undefined ? {} : { retryPolicy }) }, async (context: OpContext) => {
    seen.push(context.retryNumber);
    const error = fail(context.retryNumber);
    if (error !== undefined) throw error;
    return { op: context.opName, attempt: context.retryNumber + 1 };
  });
  return { definition, seen };
}

const failTimes = (times: number) => (retryNumber: number) => (retryNumber < times ? new FlakyError(`down (retry ${retryNumber})`) : undefined);
const quiet = { writeLog: (_record: LogRecord) => {} };

function waitsOf(history: Parameters<typeof summarizeExecution>[0], opName: string): readonly number[] {
  return summarizeExecution(history).ops.find((summary) => summary.name === opName)!.waitsSeconds;
}

describe('runJobLocally: DESIGN section 3, row by row', () => {
  it('RetryPolicy defaults: one retry at once (a retrier waits its 1 s minimum)', async () => {
    const { definition, seen } = recordingOp('flaky', failTimes(1), new RetryPolicy());
    const result = await runJobLocally(
      job({ name: 'defaults' }, () => void definition()),
      quiet,
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(seen).toStrictEqual([0, 1]);
    expect(waitsOf(result.history, 'flaky')).toStrictEqual([1]);
    expect(result.elapsedSeconds).toBe(1);
  });

  it.each([
    ['constant delay 2', new RetryPolicy({ maxRetries: 3, delay: 2 }), [2, 2, 2], 6],
    ['LINEAR delay 2', new RetryPolicy({ maxRetries: 3, delay: 2, backoff: Backoff.LINEAR }), [2, 4, 6], 12],
    ['EXPONENTIAL delay 1', new RetryPolicy({ maxRetries: 3, delay: 1, backoff: Backoff.EXPONENTIAL }), [1, 3, 7], 11],
    ['LINEAR delay 0.5, rounded up', new RetryPolicy({ maxRetries: 3, delay: 0.5, backoff: Backoff.LINEAR }), [1, 1, 2], 4],
  ])('delay before retry n, %s: three failures then success', async (_label, policy, waits, total) => {
    const { definition, seen } = recordingOp('flaky', failTimes(3), policy);
    const result = await runJobLocally(
      job({ name: 'delays' }, () => void definition()),
      quiet,
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(seen).toStrictEqual([0, 1, 2, 3]);
    expect(waitsOf(result.history, 'flaky')).toStrictEqual(waits);
    expect(result.elapsedSeconds).toBe(total);
    expect(result.output).toStrictEqual({ flaky: { op: 'flaky', attempt: 4 } });
  });

  it('FULL jitter: each wait within [0, calc], the same for the same seed', async () => {
    const run = async (seed: number) => {
      const { definition } = recordingOp('jittery', failTimes(3), new RetryPolicy({ maxRetries: 3, delay: 10, jitter: Jitter.FULL }));
      return runJobLocally(
        job({ name: 'full_jitter' }, () => void definition()),
        { ...quiet, seed },
      );
    };
    const first = await run(7);
    const again = await run(7);
    const waits = waitsOf(first.history, 'jittery');
    expect(waits).toHaveLength(3);
    for (const wait of waits) {
      expect(wait).toBeGreaterThanOrEqual(0);
      expect(wait).toBeLessThanOrEqual(10);
    }
    expect(waitsOf(again.history, 'jittery')).toStrictEqual(waits);
    expect(again.elapsedSeconds).toBe(first.elapsedSeconds);
  });

  it('PLUS_MINUS jitter: each wait within calc ± delay, whole seconds, reproducible', async () => {
    const run = async (seed: number) => {
      const { definition, seen } = recordingOp('wobbly', failTimes(3), new RetryPolicy({ maxRetries: 3, delay: 4, backoff: Backoff.LINEAR, jitter: Jitter.PLUS_MINUS }));
      return {
        result: await runJobLocally(
          job({ name: 'plus_minus' }, () => void definition()),
          { ...quiet, seed },
        ),
        seen,
      };
    };
    const { result, seen } = await run(3);
    expect(seen).toStrictEqual([0, 1, 2, 3]);
    const waits = waitsOf(result.history, 'wobbly');
    waits.forEach((wait, index) => {
      const calc = 4 * (index + 1);
      expect(Number.isInteger(wait)).toBe(true);
      expect(wait).toBeGreaterThanOrEqual(calc - 4);
      expect(wait).toBeLessThanOrEqual(calc + 4);
    });
    expect(waitsOf((await run(3)).result.history, 'wobbly')).toStrictEqual(waits);
  });

  it('invalid policy: a clear error at definition time, naming the field', () => {
    expect(() => new RetryPolicy({ backoff: Backoff.LINEAR })).toThrow(/RetryPolicy\.backoff needs RetryPolicy\.delay/);
  });

  it('precedence: invocation policy, else op definition policy, else job opRetryPolicy', async () => {
    const { definition, seen } = recordingOp('always_down', () => new FlakyError('down'), new RetryPolicy({ maxRetries: 2 }));
    const plain = recordingOp('plain_down', () => new FlakyError('down'));
    const precedence = job({ name: 'precedence', opRetryPolicy: new RetryPolicy({ maxRetries: 1 }) }, () => {
      definition.alias('with_invocation_policy').withRetryPolicy(new RetryPolicy({ maxRetries: 3 }))();
      definition();
      plain.definition();
    });
    const result = await runJobLocally(precedence, quiet);
    const attempts = Object.fromEntries(summarizeExecution(result.history).ops.map((summary) => [summary.name, summary.attempts]));
    expect(attempts).toStrictEqual({ with_invocation_policy: 4, always_down: 3, plain_down: 2 });
    expect(seen.filter((n) => n === 0)).toHaveLength(2);
    expect(plain.seen).toStrictEqual([0, 1]);
  });

  it('plain error, no policy: the op fails at once, under its own error name', async () => {
    const { definition, seen } = recordingOp('fragile', () => new FlakyError('no luck'));
    const result = await runJobLocally(
      job({ name: 'no_policy' }, () => void definition()),
      quiet,
    );
    expect(result.status).toBe('FAILED');
    expect(seen).toStrictEqual([0]);
    expect(result.error?.error).toBe('FlakyError');
    expect(result.elapsedSeconds).toBe(0);
  });

  it('plain error, policy: retried while retryNumber < maxRetries, then fails', async () => {
    const { definition, seen } = recordingOp('stubborn', () => new FlakyError('still down'), new RetryPolicy({ maxRetries: 2, delay: 3 }));
    const result = await runJobLocally(
      job({ name: 'exhausts' }, () => void definition()),
      quiet,
    );
    expect(result.status).toBe('FAILED');
    expect(seen).toStrictEqual([0, 1, 2]);
    expect(result.elapsedSeconds).toBe(6);
    expect(result.error?.error).toBe('FlakyError');
  });

  it('RetryRequested bypasses the policy: its own maxRetries, secondsToWait 1.5 -> 2 s', async () => {
    const { definition, seen } = recordingOp('manual', (n) => (n < 2 ? new RetryRequested({ maxRetries: 2, secondsToWait: 1.5 }) : undefined));
    const result = await runJobLocally(
      job({ name: 'manual_retries' }, () => void definition()),
      quiet,
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(seen).toStrictEqual([0, 1, 2]);
    expect(waitsOf(result.history, 'manual')).toStrictEqual([2, 2]);
    expect(result.elapsedSeconds).toBe(4);
  });

  it('RetryRequested with a larger policy: its maxRetries still decides', async () => {
    const { definition, seen } = recordingOp('manual', () => new RetryRequested({ maxRetries: 1, secondsToWait: 1 }), new RetryPolicy({ maxRetries: 5 }));
    const result = await runJobLocally(
      job({ name: 'manual_limit' }, () => void definition()),
      quiet,
    );
    expect(result.status).toBe('FAILED');
    expect(seen).toStrictEqual([0, 1]);
    expect(result.error?.error).toBe('RetryRequested');
  });

  it('Failure with allowRetries false: never retried, whatever the policy', async () => {
    const { definition, seen } = recordingOp('final', () => new Failure({ description: 'bad data', allowRetries: false }), new RetryPolicy({ maxRetries: 3 }));
    const result = await runJobLocally(
      job({ name: 'not_retriable' }, () => void definition()),
      quiet,
    );
    expect(result.status).toBe('FAILED');
    expect(seen).toStrictEqual([0]);
    expect(result.error?.error).toBe('Failure');
  });

  it('attempt counter: one per op, shared by policy retries and RetryRequested', async () => {
    const outcomes = [new FlakyError('policy retry'), new RetryRequested({ maxRetries: 3, secondsToWait: 2 }), new FlakyError('policy retry again')];
    const { definition, seen } = recordingOp('mixed', (n) => outcomes[n], new RetryPolicy({ maxRetries: 3, delay: 1 }));
    const result = await runJobLocally(
      job({ name: 'shared_counter' }, () => void definition()),
      quiet,
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(seen).toStrictEqual([0, 1, 2, 3]);
    expect(waitsOf(result.history, 'mixed')).toStrictEqual([1, 2, 1]);
    expect(result.elapsedSeconds).toBe(4);
  });

  it('exhausted: only the downstream of a failed op is skipped, independent ops finish, the error names every failed op', async () => {
    const source = recordingOp('source', () => undefined);
    const breaks = op({ name: 'breaks', retryPolicy: new RetryPolicy({ maxRetries: 1, delay: 5 }) }, async (_context, _input: unknown) => {
      throw new FlakyError('breaks always');
    });
    const also = op({ name: 'also_breaks' }, async () => {
      throw new TypeError('also broken');
    });
    const downstreamRuns: string[] = [];
    const downstream = op({ name: 'downstream' }, async (_context, _input: unknown) => {
      downstreamRuns.push('downstream');
      return 1;
    });
    const sibling = recordingOp('sibling', failTimes(2), new RetryPolicy({ maxRetries: 2, delay: 10 }));
    const independent = recordingOp('independent', () => undefined);
    const graph = job({ name: 'partial_failure' }, () => {
      const root = source.definition();
      downstream(breaks(root));
      sibling.definition();
      independent.definition();
      also();
    });
    const result = await runJobLocally(graph, quiet);
    expect(result.status).toBe('FAILED');
    expect(result.error?.error).toBe('FlakyError');
    const cause = JSON.parse(result.error!.cause!) as JobFailureCause;
    expect(cause.failedOps.map((failed) => [failed.op, failed.error])).toStrictEqual([
      ['breaks', 'FlakyError'],
      ['also_breaks', 'TypeError'],
    ]);
    expect(cause.skippedOps).toStrictEqual(['downstream']);
    expect(downstreamRuns).toStrictEqual([]);
    expect(sibling.seen).toStrictEqual([0, 1, 2]);
    expect(independent.seen).toStrictEqual([0]);
    const outcomes = Object.fromEntries(summarizeExecution(result.history).ops.map((summary) => [summary.name, summary.outcome]));
    expect(outcomes).toStrictEqual({
      source: 'succeeded',
      breaks: 'failed',
      downstream: 'skipped',
      sibling: 'succeeded',
      independent: 'succeeded',
      also_breaks: 'failed',
    });
    // The sibling's 10 + 10 s of waits run alongside breaks' 5 s: the run takes the longest branch.
    expect(result.elapsedSeconds).toBe(20);
  });
});

describe('runJobLocally: the seed jobs', () => {
  it('default_and_override_job: the invocation policy (10 retries) wins; 3 failures then success', async () => {
    const result = await runJobLocally(defaultAndOverrideJob, quiet);
    expect(result.status).toBe('SUCCEEDED');
    const [problematic] = summarizeExecution(result.history).ops;
    expect(problematic).toMatchObject({ name: 'problematic', attempts: 4, waitsSeconds: [1, 1, 1], outcome: 'succeeded' });
    expect(result.output).toStrictEqual({ problematic: { op: 'problematic', rows: 42, attempt: 4 } });
  });

  it('retry_job: problematic (no policy) fails, the three others retry and recover, the run names problematic', async () => {
    const result = await runJobLocally(retryJob, quiet);
    expect(result.status).toBe('FAILED');
    expect(result.error?.error).toBe('ReportUnavailableError');
    const cause = JSON.parse(result.error!.cause!) as JobFailureCause;
    expect(cause.failedOps.map((failed) => failed.op)).toStrictEqual(['problematic']);
    const rows = Object.fromEntries(summarizeExecution(result.history).ops.map((summary) => [summary.name, [summary.attempts, summary.outcome]]));
    expect(rows).toStrictEqual({
      problematic: [1, 'failed'],
      better: [2, 'succeeded'],
      even_better: [3, 'succeeded'],
      manual: [2, 'succeeded'],
    });
  });

  it('retry_job with run config: problematic configured to succeed at once, the run succeeds', async () => {
    const result = await runJobLocally(retryJob, { ...quiet, input: { ops: { problematic: { config: { failuresBeforeSuccess: 0 } } } } });
    expect(result.status).toBe('SUCCEEDED');
  });

  it('report_pipeline: hour-long LINEAR backoffs cost no wall time and are exact', async () => {
    const started = Date.now();
    const result = await runJobLocally(reportPipeline, { ...quiet, seed: 1 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.status).toBe('SUCCEEDED');
    const summary = summarizeExecution(result.history);
    expect(summary.ops.find((row) => row.name === 'extract')!.waitsSeconds).toStrictEqual([3600, 7200]);
    expect(summary.ops.find((row) => row.name === 'load')!.waitsSeconds).toStrictEqual([30]);
    const summarizeWait = summary.ops.find((row) => row.name === 'summarize')!.waitsSeconds[0]!;
    expect(summarizeWait).toBeGreaterThanOrEqual(0);
    expect(summarizeWait).toBeLessThanOrEqual(60);
    expect(result.elapsedSeconds).toBeCloseTo(3600 + 7200 + summarizeWait + 30, 2);
    expect((await runJobLocally(reportPipeline, { ...quiet, seed: 1 })).elapsedSeconds).toBe(result.elapsedSeconds);
  });
});

describe('runJobLocally: Lambda fidelity', () => {
  it('tasks return the Lambda integration result shape and the op log lines reach writeLog', async () => {
    const logged = op({ name: 'logged' }, async (context) => {
      context.log.info('hello from the op', { rows: 3 });
      return { rows: 3 };
    });
    const records: LogRecord[] = [];
    const result = await runJobLocally(
      job({ name: 'logs' }, () => void logged()),
      { writeLog: (record) => records.push(record) },
    );
    const succeeded = result.history.find((event) => event.type === 'TaskSucceeded')!;
    const taskResult = JSON.parse(succeeded.taskSucceededEventDetails!.output!) as Record<string, unknown>;
    expect(taskResult).toMatchObject({ ExecutedVersion: '$LATEST', Payload: { v: { rows: 3 } }, StatusCode: 200 });
    expect(records.find((record) => record.message === 'hello from the op')).toMatchObject({ level: 'INFO', op: 'logged', rows: 3, retryNumber: 0 });
    expect(records[0]!.timestamp).toBe('2026-01-01T00:00:00.000Z');
  });

  it('a failed attempt carries the Lambda runtime Cause: errorType, errorMessage and a trace', async () => {
    const { definition } = recordingOp('fragile', () => new FlakyError('no luck'));
    const result = await runJobLocally(
      job({ name: 'cause_shape' }, () => void definition()),
      quiet,
    );
    const failed = result.history.find((event) => event.type === 'TaskFailed')!.taskFailedEventDetails!;
    expect(failed.error).toBe('FlakyError');
    const cause = JSON.parse(failed.cause!) as { errorType: string; errorMessage: string; trace: string[] };
    expect(cause.errorType).toBe('FlakyError');
    expect(cause.errorMessage).toBe('no luck');
    expect(JSON.parse(cause.trace[0]!)).toMatchObject({ op: 'fragile', decision: 'fail', error: { name: 'FlakyError', message: 'no luck' } });
  });
});
