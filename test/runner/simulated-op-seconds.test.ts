import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { runJobLocally } from '../../lib/runner/index.js';
import { RetryPolicy, job, op } from '../../lib/index.js';
import { dagsterCase, nShaped } from '../cli/fixtures/held-back.js';
import { secondsSinceStart } from './helpers.js';

/** Seconds since the run started at which each attempt of each op Task started (TaskStateEntered and retries: TaskScheduled). */
function attemptStarts(history: readonly HistoryEvent[]): Record<string, number[]> {
  const starts: Record<string, number[]> = {};
  const entered = new Map<number, string>();
  for (const event of history) {
    if (event.type === 'TaskStateEntered') entered.set(event.id!, event.stateEnteredEventDetails!.name!);
    if (event.type === 'TaskScheduled') {
      // The state a TaskScheduled belongs to: the latest TaskStateEntered before it in its chain.
      let id = event.previousEventId!;
      while (!entered.has(id)) id = history.find((other) => other.id === id)!.previousEventId!;
      (starts[entered.get(id)!] ??= []).push(secondsSinceStart(history, event));
    }
  }
  return starts;
}

const quietly = { writeLog: () => {} };

describe('runJobLocally simulatedOpSeconds: each attempt of an op takes that many virtual seconds', () => {
  it("Dagster's case: slow asks for a 100 s retry; after_quick still starts at t=0, join after slow's retry", async () => {
    const result = await runJobLocally(dagsterCase, quietly);
    expect(result.status).toBe('SUCCEEDED');
    expect(attemptStarts(result.history)).toStrictEqual({ quick: [0], slow: [0, 100], after_quick: [0], join: [100] });
  });

  it('with durations: quick 5 s, after_quick 1 s, slow 30 s per attempt (+100 s wait), join 2 s', async () => {
    const result = await runJobLocally(dagsterCase, { ...quietly, simulatedOpSeconds: { quick: 5, after_quick: 1, slow: 30, join: 2 } });
    expect(attemptStarts(result.history)).toStrictEqual({ quick: [0], slow: [0, 130], after_quick: [5], join: [160] });
    expect(secondsSinceStart(result.history, result.history.at(-1)!)).toBe(162);
  });

  it('a failing op takes its seconds on every attempt, and an op skipped after a failure takes none', async () => {
    let calls = 0;
    const flaky = op({ name: 'flaky', retryPolicy: new RetryPolicy({ maxRetries: 1, delay: 10 }) }, async () => {
      calls += 1;
      throw new Error('always');
    });
    const after = op({ name: 'after' }, async (_context, value: unknown) => value);
    const failing = job({ name: 'failing' }, () => {
      after.alias('downstream')(flaky());
    });
    const result = await runJobLocally(failing, { ...quietly, simulatedOpSeconds: { flaky: 7, downstream: 50 } });
    expect(result.status).toBe('FAILED');
    expect(calls).toBe(2);
    // Attempt 1 at 0 (7 s), 10 s wait, attempt 2 at 17 (7 s); downstream is skipped at 24 and takes no time.
    expect(attemptStarts(result.history)).toStrictEqual({ flaky: [0, 17], downstream: [24] });
    expect(secondsSinceStart(result.history, result.history.at(-1)!)).toBe(24);
  });

  it('the N-shaped job (a -> c <- b -> d): d waits for a, as its plan says it may (d may wait for a)', async () => {
    const result = await runJobLocally(nShaped, { ...quietly, simulatedOpSeconds: { a: 10, b: 1, c: 1, d: 1 } });
    expect(attemptStarts(result.history)).toStrictEqual({ b: [0], a: [0], c: [10], d: [10] });
  });

  it('fails when simulatedOpSeconds names an unknown op or gives a bad number', async () => {
    await expect(runJobLocally(dagsterCase, { simulatedOpSeconds: { nope: 1 } })).rejects.toThrow(
      'runJobLocally options.simulatedOpSeconds names "nope", which is not an op invocation of job "dagster_case"; use an invocation name (the alias where there is one): quick, slow, after_quick, join',
    );
    await expect(runJobLocally(dagsterCase, { simulatedOpSeconds: { quick: -1 } })).rejects.toThrow(
      'runJobLocally options.simulatedOpSeconds.quick must be a finite number of seconds >= 0, got -1; use e.g. 30',
    );
  });
});
