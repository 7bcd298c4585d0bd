/**
 * Hung calls on the virtual clock (lib/runner/clock/idle-watch.ts): when the process has nothing
 * left to do (Node's 'beforeExit', the event loop empty) a busy call can never settle. The
 * watchdog due first then fires at once instead of after its real-time limit: a Task with
 * TimeoutSeconds times out at that virtual time, a runJobLocally op waits out the wrapper's
 * deadline on the virtual clock (stepops.OpTimeout when and as on AWS); with no limit at all the run fails with RunStalledError instead
 * of the process ending with the run unsettled. In this file the empty loop is simulated by
 * emitting 'beforeExit' (a vitest worker's loop never empties); the last case is the real
 * command in a child process, whose loop does empty.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RetryPolicy, job, op } from '../../lib/index.js';
import { RunStalledError, runStateMachine, type RunResult } from '../../lib/runner/index.js';
import { armIdleWatchdog, watchForStall } from '../../lib/runner/clock/idle-watch.js';
import { runJobLocally } from '../../lib/runner/local/run-job-locally.js';
import { runScript, runStepops } from '../cli/process-helpers.js';

const HOUR_MS = 3_600_000;

/** What Node does when the event loop is empty. */
function emptyTheLoop(): void {
  process.emit('beforeExit', 0);
}

/** Lets every pending callback and immediate run (the run reaches its hung call). */
async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}

const baseline = process.listenerCount('beforeExit');
afterEach(() => {
  // Nothing is left listening once the watchdogs and runs are done.
  expect(process.listenerCount('beforeExit')).toBe(baseline);
});

describe('idle watchdogs', () => {
  it('an empty loop fires the watchdog due first, one per empty loop; a disarmed one never fires', () => {
    const fired: string[] = [];
    const disarmLate = armIdleWatchdog(2 * HOUR_MS, () => fired.push('late'));
    const disarmEarly = armIdleWatchdog(HOUR_MS, () => fired.push('early'));
    const disarmGone = armIdleWatchdog(0.5 * HOUR_MS, () => fired.push('gone'));
    disarmGone();
    emptyTheLoop();
    expect(fired).toStrictEqual(['early']);
    emptyTheLoop();
    expect(fired).toStrictEqual(['early', 'late']);
    emptyTheLoop();
    expect(fired).toStrictEqual(['early', 'late']);
    disarmEarly();
    disarmLate();
  });

  it('an empty loop calls a watchdog’s onIdle instead of its fire; its real-time timer calls fire', async () => {
    const calls: string[] = [];
    const disarmIdle = armIdleWatchdog(
      HOUR_MS,
      () => calls.push('fire (hour)'),
      () => calls.push('onIdle (hour)'),
    );
    emptyTheLoop();
    expect(calls).toStrictEqual(['onIdle (hour)']);
    const disarmTimer = armIdleWatchdog(
      1,
      () => calls.push('fire (1 ms)'),
      () => calls.push('onIdle (1 ms)'),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls).toStrictEqual(['onIdle (hour)', 'fire (1 ms)']);
    disarmIdle();
    disarmTimer();
  });

  it('a limit beyond what a Node timer waits is still watched for the empty loop', () => {
    const fired: number[] = [];
    armIdleWatchdog(99_999_999_000, () => fired.push(1));
    emptyTheLoop();
    expect(fired).toStrictEqual([1]);
  });

  it('a stall is reported only when no watchdog is armed', () => {
    const events: string[] = [];
    const stop = watchForStall(() => events.push('stall'));
    const disarm = armIdleWatchdog(HOUR_MS, () => events.push('watchdog'));
    emptyTheLoop();
    expect(events).toStrictEqual(['watchdog']);
    emptyTheLoop();
    expect(events).toStrictEqual(['watchdog', 'stall']);
    disarm();
    stop();
    emptyTheLoop();
    expect(events).toStrictEqual(['watchdog', 'stall']);
  });
});

const hungTask = (fields: Record<string, unknown>): object => ({
  QueryLanguage: 'JSONata',
  StartAt: 'Hung',
  States: { Hung: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: {}, End: true, ...fields } },
});

/** Runs `definition` with a handler for Hung that never settles, empties the loop once the call is made; the run's result or rejection. */
async function runHung(definition: object): Promise<RunResult | Error> {
  let called = false;
  const run = runStateMachine(definition, {
    taskHandlers: {
      Hung: () => {
        called = true;
        return new Promise(() => {});
      },
    },
  }).catch((error: unknown) => error as Error);
  await settle();
  expect(called).toBe(true);
  return emptyTheLoopUntilSettled(run);
}

/** Empties the loop, as Node does again and again while nothing else is scheduled, until `run` settles (at most 10 times). */
async function emptyTheLoopUntilSettled<T>(run: Promise<T>): Promise<T> {
  let settled = false;
  const markSettled = (): void => void (settled = true);
  run.then(markSettled, markSettled);
  for (let i = 0; i < 10 && !settled; i++) {
    emptyTheLoop();
    await settle();
  }
  return run;
}

describe('runStateMachine: a handler that never settles', () => {
  it.each([
    { fields: { TimeoutSeconds: 3600 }, error: 'States.Timeout', eventType: 'TaskTimedOut', elapsedSeconds: 3600 },
    { fields: { TimeoutSeconds: 99_999_999 }, error: 'States.Timeout', eventType: 'TaskTimedOut', elapsedSeconds: 99_999_999 },
    { fields: { HeartbeatSeconds: 60 }, error: 'States.HeartbeatTimeout', eventType: 'TaskTimedOut', elapsedSeconds: 60 },
  ])('with $fields: fails with $error at the virtual time it was due, without waiting for it in real time', async ({ fields, error, eventType, elapsedSeconds }) => {
    const result = await runHung(hungTask(fields));
    expect(result).not.toBeInstanceOf(Error);
    const run = result as RunResult;
    expect(run.status).toBe('FAILED');
    expect(run.status === 'FAILED' && run.error.error).toBe(error);
    expect(run.elapsedSeconds).toBe(elapsedSeconds);
    expect(run.history.map((event) => event.type)).toStrictEqual(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', eventType, 'ExecutionFailed']);
  });

  it('with no TimeoutSeconds or HeartbeatSeconds: rejects with RunStalledError naming the state, and how to bound it', async () => {
    const result = await runHung(hungTask({}));
    expect(result).toBeInstanceOf(RunStalledError);
    expect((result as Error).name).toBe('stepops.RunStalled');
    expect((result as Error).message).toMatch(
      /^the run can make no more progress: the process has nothing left to do \(its event loop is empty\) while the handler call of state "Hung" \(execution [0-9a-f-]{36}\) has not settled/,
    );
    expect((result as Error).message).toContain('give the Task TimeoutSeconds and it fails here with States.Timeout');
  });

  it('a callback Task waiting for a token no one sends: RunStalledError says so', async () => {
    const run = runStateMachine(
      {
        QueryLanguage: 'JSONata',
        StartAt: 'Wait',
        States: { Wait: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', Arguments: { token: '{% $states.context.Task.Token %}' }, End: true } },
      },
      { taskHandlers: { Wait: () => ({ accepted: true }) } },
    ).catch((error: unknown) => error as Error);
    await settle();
    const result = await emptyTheLoopUntilSettled(run);
    expect(result).toBeInstanceOf(RunStalledError);
    expect((result as Error).message).toContain('while 1 callback Task (.waitForTaskToken) waits for SendTaskSuccess or SendTaskFailure with its token');
  });

  it('a handler that settles is not touched: no stall, no early timeout', async () => {
    const result = await runStateMachine(hungTask({ TimeoutSeconds: 3600 }), { taskHandlers: { Hung: async () => ({ done: true }) } });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.elapsedSeconds).toBe(0);
  });
});

/** Seconds from the run's start to each event of `types` of the Task state `name` (its TaskStateEntered's id and the ids after it). */
function secondsOfTaskEvents(result: RunResult, name: string, types: readonly string[]): { type: string; seconds: number }[] {
  const start = result.history[0]!.timestamp!.getTime();
  const visits = new Set(result.history.filter((event) => event.type === 'TaskStateEntered' && event.stateEnteredEventDetails?.name === name).map((event) => event.id));
  const seen: { type: string; seconds: number }[] = [];
  for (const event of result.history) {
    if (visits.has(event.previousEventId) && event.type !== 'TaskStateEntered') visits.add(event.id);
    if (visits.has(event.id) && types.includes(event.type!)) seen.push({ type: event.type!, seconds: (event.timestamp!.getTime() - start) / 1000 });
  }
  return seen;
}

describe('runJobLocally: an op that never settles', () => {
  it('meets the wrapper’s deadline at the virtual time it falls on AWS (function timeout less the 1 s margin), with no real wait', async () => {
    let started = false;
    const hang = op({ name: 'hang' }, () => {
      started = true;
      return new Promise(() => {});
    });
    const hungJob = job({ name: 'hung' }, () => {
      hang();
    });
    const run = runJobLocally(hungJob, { writeLog: () => {}, functionTimeoutSeconds: 900 });
    for (let i = 0; i < 50 && !started; i++) await settle(1);
    expect(started).toBe(true);
    await settle();
    emptyTheLoop();
    const result = await run;
    expect(result.status).toBe('FAILED');
    const failures = result.history.filter((event) => event.type === 'TaskFailed').map((event) => event.taskFailedEventDetails?.error);
    expect(failures).toStrictEqual(['stepops.OpTimeout']);
    expect(secondsOfTaskEvents(result, 'hang', ['TaskScheduled', 'TaskFailed'])).toStrictEqual([
      { type: 'TaskScheduled', seconds: 0 },
      { type: 'TaskFailed', seconds: 899 },
    ]);
  });

  it('the ops beside it go on in virtual-time order meanwhile: a retry due at 30 s runs before the hung op’s deadline at 59 s', async () => {
    let started = false;
    let flakyCalls = 0;
    const hang = op({ name: 'hang' }, () => {
      started = true;
      return new Promise(() => {});
    });
    const flaky = op({ name: 'flaky', retryPolicy: new RetryPolicy({ maxRetries: 1, delay: 30 }) }, () => {
      flakyCalls += 1;
      if (flakyCalls === 1) throw new Error('first attempt fails');
      return 'second';
    });
    const after = op({ name: 'after' }, (_context, value: string) => `${value} then after`);
    const besideJob = job({ name: 'beside' }, () => {
      hang();
      after(flaky());
    });
    const run = runJobLocally(besideJob, { writeLog: () => {}, functionTimeoutSeconds: 60 });
    for (let i = 0; i < 50 && !started; i++) await settle(1);
    await settle();
    // Until the loop is empty, the hung op holds virtual time: the retry has not run.
    expect(flakyCalls).toBe(1);
    emptyTheLoop();
    const result = await run;
    expect(result.status).toBe('FAILED');
    expect(secondsOfTaskEvents(result, 'flaky', ['TaskScheduled', 'TaskSucceeded'])).toStrictEqual([
      { type: 'TaskScheduled', seconds: 0 },
      { type: 'TaskScheduled', seconds: 30 },
      { type: 'TaskSucceeded', seconds: 30 },
    ]);
    expect(secondsOfTaskEvents(result, 'after', ['TaskSucceeded'])).toStrictEqual([{ type: 'TaskSucceeded', seconds: 30 }]);
    expect(secondsOfTaskEvents(result, 'hang', ['TaskFailed'])).toStrictEqual([{ type: 'TaskFailed', seconds: 59 }]);
    expect(result.elapsedSeconds).toBe(59);
  });
});

describe('child processes (whose event loop does empty)', () => {
  it('runs with hung calls end as on AWS: one watchdog per empty loop, virtual time moving on past a call with no limit, RunStalledError when nothing else is left', async () => {
    const run = await runScript(join(import.meta.dirname, 'fixtures/hung-runs.ts'));
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout)).toStrictEqual({
      map: { status: 'FAILED', error: 'States.Timeout', elapsedSeconds: 25, calls: 10 },
      limitBesideNone: { status: 'FAILED', error: 'States.Timeout', elapsedSeconds: 10, calls: 2 },
      failBesideNone: { status: 'FAILED', error: 'Late', elapsedSeconds: 30, calls: 1 },
      executionTimeout: { status: 'FAILED', error: 'States.Timeout', elapsedSeconds: 100, calls: 1 },
      waitBesideNone: { rejected: 'stepops.RunStalled', calls: 1 },
    });
  });

  it("an op that never resolves fails with the wrapper's stepops.OpTimeout at 14m 59s of virtual time, without waiting the 900 s function timeout", async () => {
    // Waiting out the timeout in real time would outlast the test's 60 s.
    const run = await runStepops(['run', 'test/cli/fixtures/hangs.ts', '--function-timeout', '900']);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('stepops.OpTimeout');
    expect(run.stdout).toMatch(/^\+14m 59s +stuck +failed on attempt 1: stepops\.OpTimeout/m);
    expect(run.stdout).toMatch(/^first +1 +/m);
    expect(run.stdout).not.toMatch(/^last +[1-9]/m);
  });
});
