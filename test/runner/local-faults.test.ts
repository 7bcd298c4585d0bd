import { afterEach, describe, expect, it, vi } from 'vitest';
import { RetryPolicy, job, op, type LogRecord } from '../../lib/index.js';
import { summarizeTaskAttempts } from '../../lib/runner/history/history-summary.js';
import { LocalAttempt } from '../../lib/runner/local/local-attempt.js';
import { runJobLocally } from '../../lib/runner/local/run-job-locally.js';
import { VirtualClock } from '../../lib/runner/clock/clock.js';
import { eventTypes } from './helpers.js';

const quiet = { writeLog: (_record: LogRecord) => {} };

/** Each attempt of each op: its outcome, error name, errorMessage from the cause, and its length on the run's clock. */
function attemptsOf(history: Parameters<typeof summarizeTaskAttempts>[0], name: string) {
  const visit = summarizeTaskAttempts(history).find((summary) => summary.stateName === name);
  return (visit?.attempts ?? []).map((attempt) => ({
    outcome: attempt.outcome,
    error: attempt.error,
    errorMessage: attempt.cause === undefined ? undefined : (JSON.parse(attempt.cause) as { errorMessage?: string }).errorMessage,
    seconds: attempt.endedAt === undefined ? undefined : (attempt.endedAt.getTime() - attempt.scheduledAt.getTime()) / 1000,
  }));
}

/** Two independent ops: `faulty` (the fault under test) and `healthy`, which must still run to the end. */
function twoOps(faulty: () => Promise<unknown>, retryPolicy?: RetryPolicy) {
  let healthyRuns = 0;
  const faultyOp = op({ name: 'faulty', ...(retryPolicy === undefined ? {} : { retryPolicy }) }, faulty);
  const healthyOp = op({ name: 'healthy' }, async () => {
    healthyRuns += 1;
    return 'fine';
  });
  const definition = job({ name: 'faults' }, () => {
    faultyOp();
    healthyOp();
  });
  return { definition, healthyRuns: () => healthyRuns };
}

describe('runJobLocally functionTimeoutSeconds: an attempt that runs past it fails as Lambda reports it', () => {
  it("an op that never resolves fails with the wrapper's stepops.OpTimeout just before the timeout (its deadline from getRemainingTimeInMillis) and the run goes on", async () => {
    const { definition, healthyRuns } = twoOps(() => new Promise<never>(() => {}));
    const result = await runJobLocally(definition, { ...quiet, functionTimeoutSeconds: 1 });
    expect(result.status).toBe('FAILED');
    expect(result.error?.error).toBe('stepops.OpTimeout');
    // Real time, not the virtual clock's: the attempt takes 0 virtual seconds.
    expect(attemptsOf(result.history, 'faulty')).toStrictEqual([
      {
        outcome: 'failed',
        error: 'stepops.OpTimeout',
        errorMessage: `op "faulty" was still running close to the Lambda function's timeout (the wrapper stops waiting 1000 ms, or a tenth of the function's time, before it); raise the function timeout or make the op faster`,
        seconds: 0,
      },
    ]);
    expect(healthyRuns()).toBe(1);
    expect(attemptsOf(result.history, 'healthy').map((attempt) => attempt.outcome)).toStrictEqual(['succeeded']);
  });

  it("an attempt that hangs once is retried under the op's policy (the wrapper's deadline: a retry name, not Sandbox.Timedout) and the next attempt succeeds", async () => {
    let calls = 0;
    const { definition } = twoOps(
      async () => {
        calls += 1;
        if (calls === 1) await new Promise<never>(() => {});
        return 'second time';
      },
      new RetryPolicy({ maxRetries: 1 }),
    );
    const result = await runJobLocally(definition, { ...quiet, functionTimeoutSeconds: 1 });
    expect(result.status).toBe('SUCCEEDED');
    expect(attemptsOf(result.history, 'faulty').map(({ outcome, error }) => ({ outcome, error }))).toStrictEqual([
      { outcome: 'failed', error: 'stepops.Retry' },
      { outcome: 'succeeded', error: undefined },
    ]);
  });

  it('a Sandbox.Timedout under a policy is decided by one more invocation (no op code) under the policy: retried once, then the op fails with Sandbox.Timedout', async () => {
    let calls = 0;
    const { definition } = twoOps(
      async () => {
        calls += 1;
        return 'slow';
      },
      new RetryPolicy({ maxRetries: 1, delay: 5 }),
    );
    const result = await runJobLocally(definition, { ...quiet, simulatedOpSeconds: { faulty: 90 } });
    expect(result.status).toBe('FAILED');
    expect(result.error?.error).toBe('Sandbox.Timedout');
    const visits = summarizeTaskAttempts(result.history).filter((summary) => summary.stateName === 'faulty');
    const attempts = visits.flatMap((visit) => visit.attempts.map((attempt) => attempt.error));
    expect(attempts).toStrictEqual(['Sandbox.Timedout', 'stepops.Retry', 'Sandbox.Timedout']);
    expect(calls).toBe(2);
  });

  it('simulated seconds count against the timeout: a 90 s attempt under the default 60 s timeout times out at 60 s on the virtual clock', async () => {
    const { definition } = twoOps(async () => 'slow');
    const result = await runJobLocally(definition, { ...quiet, simulatedOpSeconds: { faulty: 90, healthy: 59 } });
    expect(attemptsOf(result.history, 'faulty')).toStrictEqual([
      { outcome: 'failed', error: 'Sandbox.Timedout', errorMessage: 'RequestId: local-00000001 Error: Task timed out after 60.00 seconds', seconds: 60 },
    ]);
    expect(attemptsOf(result.history, 'healthy')).toStrictEqual([{ outcome: 'succeeded', error: undefined, errorMessage: undefined, seconds: 59 }]);
  });

  it.each([0, 1.5, 901, Number.NaN, '60'])('fails on functionTimeoutSeconds %s, naming the field, the value and the fix', async (value) => {
    const { definition } = twoOps(async () => 'x');
    await expect(runJobLocally(definition, { ...quiet, functionTimeoutSeconds: value as number })).rejects.toThrow(
      /^runJobLocally options\.functionTimeoutSeconds must be a whole number of seconds from 1 to 900 \(a Lambda function's timeout\), got .+; use e\.g\. 60$/,
    );
  });
});

describe('LocalAttempt.getRemainingTimeInMillis: the timeout minus the real time the code ran and the seconds it slept on the run clock', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('counts down real time and virtual sleeps alike', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 0 });
    const attempt = new LocalAttempt({ requestId: 'r', timeoutSeconds: 60, clock: new VirtualClock(), virtualClock: true, onLateCrash: () => {} });
    const seen = await attempt.run(async () => {
      const atStart = attempt.getRemainingTimeInMillis();
      vi.setSystemTime(5_000);
      const afterRealWork = attempt.getRemainingTimeInMillis();
      await attempt.clock.sleep(10);
      const afterSleep = attempt.getRemainingTimeInMillis();
      return [atStart, afterRealWork, afterSleep];
    });
    expect(seen).toStrictEqual([60_000, 55_000, 45_000]);
  });
});

describe('runJobLocally signal: an AbortSignal stops the run', () => {
  it('aborted before the start: no op runs; FAILED with States.Aborted and the history ExecutionStarted, ExecutionAborted', async () => {
    const { definition, healthyRuns } = twoOps(async () => 'x');
    const controller = new AbortController();
    controller.abort(new Error('changed my mind'));
    const result = await runJobLocally(definition, { ...quiet, signal: controller.signal });
    expect(healthyRuns()).toBe(0);
    expect(eventTypes(result.history)).toStrictEqual(['ExecutionStarted', 'ExecutionAborted']);
    expect(result.status).toBe('FAILED');
    expect(result.error).toStrictEqual({ error: 'States.Aborted', cause: 'The run was aborted by its AbortSignal (Error: changed my mind).' });
  });

  it('aborted while an op hangs: the run ends at once with the history so far; the downstream op never starts', async () => {
    const controller = new AbortController();
    const hang = op({ name: 'hang' }, () => {
      setTimeout(() => controller.abort(), 10);
      return new Promise<never>(() => {});
    });
    let downstreamRuns = 0;
    const after = op({ name: 'after' }, async (_ctx, value: unknown) => {
      downstreamRuns += 1;
      return value;
    });
    const definition = job({ name: 'aborted' }, () => {
      after(hang());
    });
    const result = await runJobLocally(definition, { ...quiet, signal: controller.signal });
    expect(downstreamRuns).toBe(0);
    expect(result.status).toBe('FAILED');
    expect(result.error?.error).toBe('States.Aborted');
    const types = eventTypes(result.history);
    expect(types.slice(-2)).toStrictEqual(['TaskStateAborted', 'ExecutionAborted']);
    expect(types).toContain('TaskStarted');
    expect(summarizeTaskAttempts(result.history).map((visit) => visit.stateName)).toStrictEqual(['hang']);
  });

  it('aborted during an hour-long real-clock retry wait: the wait is cancelled and the run ends', async () => {
    const controller = new AbortController();
    const flaky = op({ name: 'flaky', retryPolicy: new RetryPolicy({ maxRetries: 1, delay: 3600 }) }, async () => {
      throw new Error('down');
    });
    const definition = job({ name: 'waiting' }, () => {
      flaky();
    });
    const result = await runJobLocally(definition, {
      ...quiet,
      clock: 'real',
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'TaskFailed') setTimeout(() => controller.abort(), 10);
      },
    });
    expect(result.error?.error).toBe('States.Aborted');
    expect(attemptsOf(result.history, 'flaky').map((attempt) => attempt.outcome)).toStrictEqual(['failed']);
    expect(eventTypes(result.history).at(-1)).toBe('ExecutionAborted');
  });
});

describe('runJobLocally: a crash of the op process fails its attempt as in Lambda, and the runner lives on', () => {
  const exitBefore: unknown = Reflect.get(process, 'exit');

  it('process.exit(3) in an op: Runtime.ExitError "Runtime exited with error: exit status 3"; the other op still runs; process.exit is restored', async () => {
    const { definition, healthyRuns } = twoOps(async () => {
      await Promise.resolve();
      process.exit(3);
    });
    const result = await runJobLocally(definition, quiet);
    expect(attemptsOf(result.history, 'faulty')).toStrictEqual([
      { outcome: 'failed', error: 'Runtime.ExitError', errorMessage: 'RequestId: local-00000001 Error: Runtime exited with error: exit status 3', seconds: 0 },
    ]);
    expect(healthyRuns()).toBe(1);
    expect(Reflect.get(process, 'exit')).toBe(exitBefore);
  });

  it('process.exit() in a timer the op started, with its code caught: still Runtime.ExitError ("without providing a reason")', async () => {
    const { definition } = twoOps(
      () =>
        new Promise((resolve) => {
          setTimeout(() => {
            try {
              process.exit();
            } catch {
              resolve('caught it');
            }
          }, 1);
        }),
    );
    const result = await runJobLocally(definition, quiet);
    expect(attemptsOf(result.history, 'faulty').map(({ error, errorMessage }) => ({ error, errorMessage }))).toStrictEqual([
      { error: 'Runtime.ExitError', errorMessage: 'RequestId: local-00000001 Error: Runtime exited without providing a reason' },
    ]);
  });

  it('an unhandled rejection while the op runs: Runtime.UnhandledPromiseRejection with the reason; the listeners are restored', async () => {
    const listenersBefore = process.listeners('unhandledRejection');
    const { definition, healthyRuns } = twoOps(async () => {
      void Promise.reject(new TypeError('nobody listens'));
      await new Promise((resolve) => setTimeout(resolve, 5));
      return 'done';
    });
    const result = await runJobLocally(definition, quiet);
    const [attempt] = attemptsOf(result.history, 'faulty');
    expect(attempt).toMatchObject({ outcome: 'failed', error: 'Runtime.UnhandledPromiseRejection', errorMessage: 'TypeError: nobody listens' });
    expect(healthyRuns()).toBe(1);
    expect(process.listeners('unhandledRejection')).toStrictEqual(listenersBefore);
  });

  it('an unhandled rejection the op leaves behind as it returns fails that attempt too', async () => {
    const { definition } = twoOps(async () => {
      void (async () => {
        await Promise.resolve();
        await Promise.resolve();
        throw new Error('after return');
      })();
      return 'returned first';
    });
    const result = await runJobLocally(definition, quiet);
    expect(attemptsOf(result.history, 'faulty').map(({ error, errorMessage }) => ({ error, errorMessage }))).toStrictEqual([
      { error: 'Runtime.UnhandledPromiseRejection', errorMessage: 'Error: after return' },
    ]);
  });

  it('a rejection that fires long after the attempt ended fails nothing and is logged as a warning', async () => {
    const logs: LogRecord[] = [];
    const early = op({ name: 'early' }, async () => {
      setTimeout(() => void Promise.reject(new Error('much later')), 20);
      return 1;
    });
    const late = op({ name: 'late' }, async (_ctx, value: number) => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      return value + 1;
    });
    const definition = job({ name: 'late_rejection' }, () => {
      late(early());
    });
    const result = await runJobLocally(definition, { writeLog: (record) => logs.push(record) });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toStrictEqual({ late: 2 });
    const warning = logs.find((record) => record.level === 'WARN');
    expect(warning?.message).toBe(
      'op early: Runtime.UnhandledPromiseRejection after its attempt (request local-00000001) ended; on Lambda it would fail a later invocation of the same sandbox, locally it fails nothing',
    );
  });
});
