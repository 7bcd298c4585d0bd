import { describe, expect, it } from 'vitest';
import { runStateMachine, summarizeTaskAttempts, type TaskHandler } from '../../lib/runner/index.js';
import { namedError } from './helpers.js';

describe('scale on the virtual clock', () => {
  it('runs a 1,000-Task chain with retries; waits are exact and cost no wall time', async () => {
    const n = 1000;
    const states: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
      states[`T${i}`] = {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Arguments: { FunctionName: 'op', Payload: { op: i, retry: '{% $states.context.State.RetryCount %}' } },
        Output: '{% $states.result %}',
        Retry: [{ ErrorEquals: ['Retry.Me'], IntervalSeconds: 2, MaxAttempts: 3 }],
        ...(i === n - 1 ? { End: true } : { Next: `T${i + 1}` }),
      };
    }
    const handler: TaskHandler = (args) => {
      const { op, retry } = (args as { Payload: { op: number; retry: number } }).Payload;
      if (op % 10 === 7 && retry === 0) throw namedError('Retry.Me');
      return op;
    };
    const started = performance.now();
    const result = await runStateMachine(
      { QueryLanguage: 'JSONata', StartAt: 'T0', States: states },
      { taskHandlers: Object.fromEntries(Object.keys(states).map((name) => [name, handler])) },
    );
    const wallMs = performance.now() - started;
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toBe(n - 1);
    expect(result.elapsedSeconds).toBe(200);
    const visits = summarizeTaskAttempts(result.history);
    expect(visits).toHaveLength(n);
    expect(visits.filter((v) => v.attempts.length === 2).every((v) => v.waitsSeconds[0] === 2)).toBe(true);
    expect(wallMs).toBeLessThan(10_000);
  });
});
