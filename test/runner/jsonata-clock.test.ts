/**
 * `$now()`, `$millis()` and `$toMillis(text, picture)` read the run's clock, as they read the service's time on AWS: on the
 * virtual clock a one-hour Wait or a retry wait moves them by exactly that, and every call in
 * one evaluation gives the same time (jsonata's rule: the time is taken as the evaluation starts).
 */
import { describe, expect, it } from 'vitest';
import { runStateMachine, VIRTUAL_EPOCH_MS } from '../../lib/runner/index.js';
import { machine, namedError } from './helpers.js';

const RESOURCE = 'arn:aws:states:::lambda:invoke';
const HOUR_MS = 3_600_000;

/** The output of a Pass state's Output after a Wait of `seconds`, on the virtual clock. */
async function outputAfterWait(seconds: number, output: unknown): Promise<unknown> {
  const result = await runStateMachine(
    machine('Wait', {
      Wait: { Type: 'Wait', Seconds: seconds, Next: 'Read' },
      Read: { Type: 'Pass', Output: output, End: true },
    }),
  );
  if (result.status !== 'SUCCEEDED') throw new Error(`the run ended ${result.status}: ${JSON.stringify(result.error)}`);
  return result.output;
}

describe('$now(), $millis() and $toMillis() on the run clock', () => {
  it.each([
    { expression: '{% $now() %}', seconds: 3600, expected: '2026-01-01T01:00:00.000Z' },
    { expression: '{% $millis() %}', seconds: 3600, expected: VIRTUAL_EPOCH_MS + HOUR_MS },
    { expression: '{% $millis() %}', seconds: 0, expected: VIRTUAL_EPOCH_MS },
    { expression: '{% $now() = $states.context.State.EnteredTime %}', seconds: 86_400, expected: true },
    { expression: '{% $now("[Y0001]-[M01]-[D01] [H01]:[m01]", "+0100") %}', seconds: 3600, expected: '2026-01-01 02:00' },
    { expression: '{% $now("[H01]:[m01]:[s01]") %}', seconds: 90, expected: '00:01:30' },
    { expression: '{% [$millis(), $millis()][0] = [$millis(), $millis()][1] %}', seconds: 5, expected: true },
    { expression: '{% $now() = $fromMillis($millis()) %}', seconds: 5, expected: true },
    { expression: '{% $toMillis($now()) - $millis() %}', seconds: 5, expected: 0 },
    { expression: '{% $toMillis("10:30", "[H01]:[m01]") %}', seconds: 86_400, expected: VIRTUAL_EPOCH_MS + 86_400_000 + 10.5 * HOUR_MS },
    { expression: '{% $toMillis("2017-05-15T15:12:59.152Z") %}', seconds: 86_400, expected: Date.UTC(2017, 4, 15, 15, 12, 59, 152) },
  ])('$expression after a Wait of $seconds s gives $expected', async ({ expression, seconds, expected }) => {
    expect(await outputAfterWait(seconds, expression)).toStrictEqual(expected);
  });

  it('a bad argument fails the state with jsonata own signature error', async () => {
    const result = await runStateMachine(machine('Read', { Read: { Type: 'Pass', Output: '{% $now(1) %}', End: true } }));
    expect(result.status).toBe('FAILED');
    expect(result.error).toStrictEqual({
      error: 'States.QueryEvaluationError',
      cause:
        "An error occurred while executing the state 'Read' (entered at the event id #2). The JSONata expression '$now(1)' specified for the field 'Output' threw an error during evaluation. T0410: Argument 1 of function \"now\" does not match function signature",
    });
  });

  it("each attempt's arguments carry the time of that attempt, retry waits included", async () => {
    const received: unknown[] = [];
    const result = await runStateMachine(
      machine('Work', {
        Work: {
          Type: 'Task',
          Resource: RESOURCE,
          Arguments: { at: '{% $millis() %}', iso: '{% $now() %}' },
          Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 10, BackoffRate: 3, MaxAttempts: 2 }],
          End: true,
        },
      }),
      {
        taskHandlers: {
          Work: (args: unknown) => {
            received.push(args);
            if (received.length < 3) throw namedError('Flaky');
            return 'done';
          },
        },
      },
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(received).toStrictEqual([
      { at: VIRTUAL_EPOCH_MS, iso: '2026-01-01T00:00:00.000Z' },
      { at: VIRTUAL_EPOCH_MS + 10_000, iso: '2026-01-01T00:00:10.000Z' },
      { at: VIRTUAL_EPOCH_MS + 40_000, iso: '2026-01-01T00:00:40.000Z' },
    ]);
  });

  it('on the real clock they give the real time', async () => {
    const before = Date.now();
    const result = await runStateMachine(machine('Read', { Read: { Type: 'Pass', Output: '{% $millis() %}', End: true } }), { clock: 'real' });
    const after = Date.now();
    expect(result.status).toBe('SUCCEEDED');
    const at = result.status === 'SUCCEEDED' ? (result.output as number) : NaN;
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(after);
  });
});
