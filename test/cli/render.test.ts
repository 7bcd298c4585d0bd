import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { describeFailure, readJobFailureCause } from '../../lib/cli/render/describe-failure.js';
import { createProgressTracker } from '../../lib/cli/render/describe-progress.js';
import { formatNumberRuns, formatSeconds, formatWaits, renderTable, shortenTerms } from '../../lib/cli/render/format-text.js';
import { createProgressReporter } from '../../lib/cli/render/progress-reporter.js';
import { renderTimeline } from '../../lib/cli/render/render-timeline.js';
import { createStyle, shouldUseColor } from '../../lib/cli/render/style.js';
import { summarizeExecution } from '../../lib/cli/render/summarize-execution.js';
import { linesOf, runCli } from './helpers.js';

const plain = createStyle(false);

describe('formatSeconds and formatWaits', () => {
  it.each([
    [0, '0s'],
    [1.5, '1.5s'],
    [0.123, '0.12s'],
    [12, '12s'],
    [90, '1m 30s'],
    [3600, '1h'],
    [3630, '1h 0m 30s'],
    [7500, '2h 5m'],
    [90_000, '1d 1h'],
  ])('formats %s seconds as %s', (seconds, text) => {
    expect(formatSeconds(seconds)).toBe(text);
  });

  it.each([
    [[], '-'],
    [[2], '2s'],
    [[2, 4, 6], '2s + 4s + 6s = 12s'],
    [[3600, 7200], '1h + 2h = 3h'],
    // Real-time waits: the sum adds the waits as shown.
    [[1.004, 1.004], '1s + 1s = 2s'],
    [[0.1, 0.2], '0.1s + 0.2s = 0.3s'],
    [[1.006, 2.006], '1.01s + 2.01s = 3.02s'],
    [[59.4, 59.4], '59.4s + 59.4s = 1m 59s'],
    // Up to 8 waits each is shown; past that equal waits in a row are one term, and a long list shows its first and last terms.
    [[5, 5, 5], '5s + 5s + 5s = 15s'],
    [[1, 2, 2, 4, 4, 4, 4, 4, 4], '1s + 2s × 2 + 4s × 6 = 29s'],
    [[2, 4, 8, 16, 32, 64, 128, 256], '2s + 4s + 8s + 16s + 32s + 1m 4s + 2m 8s + 4m 16s = 8m 30s'],
    [[2, 4, 8, 16, 32, 64, 128, 256, 512], '2s + 4s + 8s + 16s + 32s + … + 4m 16s + 8m 32s = 17m 2s (9 waits)'],
    [[...Array.from({ length: 10 }, (_, i) => i + 1), 60, 60, 60], '1s + 2s + 3s + 4s + 5s + … + 10s + 1m × 3 = 3m 55s (13 waits)'],
  ])('formats waits %j as %s', (waits, text) => {
    expect(formatWaits(waits)).toBe(text);
  });

  it.each([
    [[1, 2, 3], '1, 2, 3'],
    [[...Array.from({ length: 9000 }, (_, i) => i + 1)], '1–9000'],
    [[1, 2, 3, 5, ...Array.from({ length: 20 }, (_, i) => i + 7)], '1–3, 5, 7–26'],
  ])('formats retry numbers %# as %s (runs once there are more than 12)', (numbers, text) => {
    expect(formatNumberRuns(numbers)).toBe(text);
  });

  it('shortens a long list of terms: all of them up to the bound, then equal ones in a row grouped, then cut', () => {
    expect(shortenTerms(['1s', '1s', '2s'], 3)).toStrictEqual({ terms: ['1s', '1s', '2s'], cut: false });
    expect(shortenTerms(['1s', '1s', '1s', '2s'], 3)).toStrictEqual({ terms: ['1s × 3', '2s'], cut: false });
    expect(shortenTerms(['a', 'b', 'c', 'd', 'e', 'f'], 5)).toStrictEqual({ terms: ['a', 'b', '…', 'e', 'f'], cut: true });
  });

  it('formats the waits of an op that retried 8,328 times, 1 s apart, in one short cell', () => {
    expect(formatWaits(Array.from({ length: 8328 }, () => 1))).toBe('1s × 8328 = 2h 18m 48s');
  });

  it('renders a table whose columns fit their widest cell, colour codes not counted', () => {
    const green = createStyle(true).green;
    expect(
      renderTable(
        ['op', 'outcome'],
        [
          ['a', green('ok')],
          ['longer', 'failed'],
        ],
      ),
    ).toStrictEqual(['op      outcome', `a       ${green('ok')}`, 'longer  failed']);
  });
});

describe('shouldUseColor', () => {
  it.each([
    [true, {}, true],
    [false, {}, false],
    [true, { NO_COLOR: '1' }, false],
    [true, { NO_COLOR: '' }, true],
  ])('isTTY %s with env %j -> %s', (isTTY, env, expected) => {
    expect(shouldUseColor({ write: () => {}, isTTY }, env)).toBe(expected);
  });
});

describe('describeFailure', () => {
  it('reads the op error from a stepops wrapper Cause (trace[0] holds the details)', () => {
    const details = { stepops: 1, op: 'load', retryNumber: 0, decision: 'retry', reason: 'policy', nextRetryNumber: 1, error: { name: 'WarehouseDownError', message: 'down' } };
    const cause = JSON.stringify({ errorType: 'stepops.Retry', errorMessage: 'op "load" failed; retry 1', trace: [JSON.stringify(details)] });
    expect(describeFailure('stepops.Retry', cause)).toStrictEqual({ name: 'WarehouseDownError', message: 'down', details });
  });

  it('reads a plain Lambda runtime Cause', () => {
    const cause = JSON.stringify({ errorType: 'TypeError', errorMessage: 'x is undefined', trace: ['TypeError: x is undefined', '    at f (a.js:1:1)'] });
    expect(describeFailure('TypeError', cause)).toStrictEqual({ name: 'TypeError', message: 'x is undefined' });
  });

  it('keeps a Cause that is not JSON as the message', () => {
    expect(describeFailure('States.Timeout', 'The task did not complete')).toStrictEqual({ name: 'States.Timeout', message: 'The task did not complete' });
  });

  it('names the error behind a RetryRequested, and cause chains', () => {
    const error = { name: 'RetryRequested', message: 'Retry requested (maxRetries 1, secondsToWait 1)', cause: { name: 'ReportUnavailableError', message: 'down' } };
    const cause = JSON.stringify({
      errorType: 'stepops.RetryAfter',
      errorMessage: '',
      trace: [JSON.stringify({ stepops: 1, op: 'm', retryNumber: 0, decision: 'retry', reason: 'retry-requested', error })],
    });
    expect(describeFailure('stepops.RetryAfter', cause).message).toBe('from ReportUnavailableError: down');
    const chained = { name: 'LoadError', message: 'load failed', cause: { name: 'SocketError', message: 'reset' } };
    const chainedCause = JSON.stringify({
      errorType: 'LoadError',
      errorMessage: '',
      trace: [JSON.stringify({ stepops: 1, op: 'l', retryNumber: 0, decision: 'fail', reason: 'no-policy', error: chained })],
    });
    expect(describeFailure('LoadError', chainedCause).message).toBe('load failed (caused by SocketError: reset)');
  });

  it('reads a job failure Cause, and nothing else as one', () => {
    expect(readJobFailureCause('{"job":"j","failedOps":[],"skippedOps":[]}')).toStrictEqual({ job: 'j', failedOps: [], skippedOps: [] });
    expect(readJobFailureCause('{"errorType":"Error"}')).toBeUndefined();
    expect(readJobFailureCause('not json')).toBeUndefined();
  });
});

/** A small AWS-shaped history: Task `A` fails once, waits 2 s, then is still running. */
function runningHistory(): HistoryEvent[] {
  const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1) + seconds * 1000);
  return [
    { id: 1, previousEventId: 0, type: 'ExecutionStarted', timestamp: at(0) },
    { id: 2, previousEventId: 1, type: 'TaskStateEntered', timestamp: at(0), stateEnteredEventDetails: { name: 'A' } },
    { id: 3, previousEventId: 2, type: 'TaskScheduled', timestamp: at(0) },
    { id: 4, previousEventId: 3, type: 'TaskStarted', timestamp: at(0) },
    { id: 5, previousEventId: 4, type: 'TaskFailed', timestamp: at(1), taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke', error: 'Boom', cause: 'it broke' } },
    { id: 6, previousEventId: 5, type: 'TaskScheduled', timestamp: at(3) },
  ];
}

describe('summarizeExecution and renderTimeline', () => {
  it('shows a running execution, and ops that never started as not run', () => {
    const summary = summarizeExecution(runningHistory(), { opNames: ['A', 'B'] });
    expect(summary.status).toBe('RUNNING');
    expect(summary.ops).toStrictEqual([
      { name: 'A', attempts: 2, waitsSeconds: [2], failures: [{ name: 'Boom', message: 'it broke' }], outcome: 'running' },
      { name: 'B', attempts: 0, waitsSeconds: [], failures: [], outcome: 'not-run' },
    ]);
    expect(renderTimeline(summary, { style: plain })).toStrictEqual([
      'Timeline',
      'op  attempts  waits  outcome',
      'A   2         2s     running',
      'B   0         -      not run',
      '',
      'RUNNING for 3s so far',
    ]);
  });

  it('shows a timed-out execution with its error', () => {
    const history: HistoryEvent[] = [
      ...runningHistory(),
      {
        id: 7,
        previousEventId: 6,
        type: 'TaskTimedOut',
        timestamp: at(8),
        taskTimedOutEventDetails: { resourceType: 'lambda', resource: 'invoke', error: 'States.Timeout', cause: 'took too long' },
      },
      { id: 8, previousEventId: 7, type: 'ExecutionTimedOut', timestamp: at(8), executionTimedOutEventDetails: { error: 'States.Timeout', cause: 'execution timed out' } },
    ];
    const lines = renderTimeline(summarizeExecution(history), { style: plain });
    expect(lines).toContain('A   2         2s     failed: States.Timeout: took too long');
    expect(lines.slice(-2)).toStrictEqual(['TIMED_OUT in 8s: States.Timeout', '  States.Timeout: execution timed out']);

    function at(seconds: number): Date {
      return new Date(Date.UTC(2026, 0, 1) + seconds * 1000);
    }
  });
});

describe('progress', () => {
  it('describes each event of a history stream once, with its offset', () => {
    const tracker = createProgressTracker({ style: plain, opNames: ['A'] });
    const lines = runningHistory().flatMap((event) => tracker.describeEvent(event).lines);
    expect(lines).toStrictEqual(['+0s         A  started', '+1s         A  attempt 1 failed: Boom: it broke', '+3s         A  retry 1 started (attempt 2 after 2s)']);
  });

  it('shows a countdown line during real-time waits on a terminal, and clears it', async () => {
    let written = '';
    const tracker = createProgressTracker({ style: plain, lookupRetryWait: () => ({ text: '5s', seconds: 5 }) });
    let now = 0;
    const reporter = createProgressReporter({ write: (text) => void (written += text), isTTY: true }, tracker, { style: plain, countdown: true, now: () => now });
    const details = { stepops: 1, op: 'A', retryNumber: 0, decision: 'retry', reason: 'policy', nextRetryNumber: 1, error: { name: 'Boom', message: 'x' } };
    const cause = JSON.stringify({ errorType: 'stepops.Retry', errorMessage: '', trace: [JSON.stringify(details)] });
    const events = runningHistory();
    events[4] = { ...events[4]!, taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke', error: 'stepops.Retry', cause } };
    for (const event of events.slice(0, 5)) reporter.onEvent(event);
    expect(written).toContain('A  attempt 1 failed: Boom: x; retry 1 in 5s\n');
    expect(written.endsWith('waiting: A retry 1 in 5s')).toBe(true);
    now = 3000;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(written.endsWith('waiting: A retry 1 in 2s')).toBe(true);
    reporter.onEvent(events[5]!);
    expect(written.endsWith('waiting: A retry 1 in 2s\r\u001b[2K+3s         A  retry 1 started (attempt 2 after 2s)\n')).toBe(true);
    reporter.finish();
  });

  it('keeps the countdown line on one row of a narrow terminal, so that it clears and redraws in place', () => {
    let written = '';
    const tracker = createProgressTracker({ style: plain, lookupRetryWait: () => ({ text: '5s', seconds: 5 }) });
    const reporter = createProgressReporter({ write: (text) => void (written += text), isTTY: true, columns: 40 }, tracker, { style: plain, countdown: true, now: () => 0 });
    const details = { stepops: 1, op: 'a_rather_long_op_name', retryNumber: 0, decision: 'retry', reason: 'policy', nextRetryNumber: 1, error: { name: 'Boom', message: 'x' } };
    const cause = JSON.stringify({ errorType: 'stepops.Retry', errorMessage: '', trace: [JSON.stringify(details)] });
    const events = runningHistory().slice(0, 5);
    events[1] = { ...events[1]!, stateEnteredEventDetails: { name: 'a_rather_long_op_name' } };
    events[4] = { ...events[4]!, taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke', error: 'stepops.Retry', cause } };
    for (const event of events) reporter.onEvent(event);
    const status = written.slice(written.lastIndexOf('\n') + 1);
    expect(status).toBe('            waiting: a_rather_long_op_…');
    expect(status.length).toBe(39);
    reporter.finish();
    expect(written.endsWith('\r\u001b[2K')).toBe(true);
  });

  it('stepops run --real-time waits for real (1 s) and reports it', async () => {
    const run = await runCli(['run', 'test/cli/fixtures/one-second-retry.ts', '--real-time']);
    expect(run.exitCode).toBe(0);
    expect(linesOf(run.stdout)[0]).toBe('stepops run one_second_retry (1 op from test/cli/fixtures/one-second-retry.ts; real clock, seed 0)');
    expect(run.stdout).toMatch(/flaky {2}attempt 1 failed: Error: first attempt fails; retry 1 in 1s\n/);
    expect(run.stdout).toMatch(/^SUCCEEDED in 1(\.\d+)?s \(real time\)$/m);
  });
});
