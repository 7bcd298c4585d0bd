import { describe, expect, it } from 'vitest';
import { runStateMachine, summarizeTaskAttempts, type TaskHandler } from '../../lib/runner/index.js';
import { eventTypes, machine, namedError, secondsSinceStart } from './helpers.js';

const task = (name: string, extra: Record<string, unknown> = {}) => ({
  StartAt: name,
  States: { [name]: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true, ...extra } },
});

/** A handler that sleeps `seconds` on the run's clock, then returns `value`. */
const sleeping =
  (seconds: number, value: unknown): TaskHandler =>
  async (_args, ctx) => {
    await ctx.clock.sleep(seconds);
    return value;
  };

describe('Parallel', () => {
  it('returns branch outputs in branch order; makespan is the longest branch', async () => {
    const def = machine('P', { P: { Type: 'Parallel', End: true, Branches: [task('Slow'), task('Fast'), task('Mid')] } });
    const result = await runStateMachine(def, {
      taskHandlers: { Slow: sleeping(30, 'slow'), Fast: sleeping(5, 'fast'), Mid: sleeping(10, 'mid') },
    });
    expect(result.output).toStrictEqual(['slow', 'fast', 'mid']);
    expect(result.elapsedSeconds).toBe(30);
    // Branches interleave in virtual-time order.
    const succeeded = result.history.filter((e) => e.type === 'TaskSucceeded').map((e) => [e.taskSucceededEventDetails!.output, secondsSinceStart(result.history, e)]);
    expect(succeeded).toStrictEqual([
      ['"fast"', 5],
      ['"mid"', 10],
      ['"slow"', 30],
    ]);
  });

  it('passes the state input (or Arguments) to every branch', async () => {
    const def = machine('P', {
      P: {
        Type: 'Parallel',
        Arguments: { v: '{% $states.input.v + 1 %}' },
        End: true,
        Branches: [
          { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } },
          { StartAt: 'B', States: { B: { Type: 'Pass', Output: '{% $states.input.v * 10 %}', End: true } } },
        ],
      },
    });
    expect((await runStateMachine(def, { input: { v: 1 } })).output).toStrictEqual([{ v: 2 }, 20]);
  });

  it('one failing branch fails the state with its own error and stops the others', async () => {
    let lateFinished = false;
    const def = machine('P', {
      P: { Type: 'Parallel', End: true, Branches: [task('Long'), { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 50, End: true } } }, task('Bad')] },
    });
    const result = await runStateMachine(def, {
      taskHandlers: {
        Long: async (_a, ctx) => {
          await ctx.clock.sleep(100);
          lateFinished = true;
          return 'late';
        },
        Bad: async (_a, ctx) => {
          await ctx.clock.sleep(3);
          throw namedError('BranchBroke', 'bad branch');
        },
      },
    });
    expect(result.status).toBe('FAILED');
    expect(result.error?.error).toBe('BranchBroke');
    expect(result.elapsedSeconds).toBe(3);
    expect(lateFinished).toBe(false);
    const types = eventTypes(result.history);
    expect(types).toContain('TaskStateAborted');
    expect(types).toContain('WaitStateAborted');
    expect(types.slice(-2)).toStrictEqual(['ParallelStateFailed', 'ExecutionFailed']);
  });

  it('a Catch on the Parallel takes the branch error', async () => {
    const def = machine('P', {
      P: { Type: 'Parallel', Next: 'Done', Branches: [task('Bad')], Catch: [{ ErrorEquals: ['BranchBroke'], Next: 'Handled' }] },
      Done: { Type: 'Succeed' },
      Handled: { Type: 'Pass', Output: '{% $states.input.Error %}', End: true },
    });
    const result = await runStateMachine(def, {
      taskHandlers: {
        Bad: () => {
          throw namedError('BranchBroke');
        },
      },
    });
    expect(result.output).toBe('BranchBroke');
  });
});

describe('Map', () => {
  it('returns iteration outputs in item order, whatever order they finish in', async () => {
    const def = machine('M', {
      M: {
        Type: 'Map',
        Items: '{% $states.input.items %}',
        End: true,
        ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, ...task('Work', { Arguments: { n: '{% $states.input %}' } }) },
      },
    });
    const result = await runStateMachine(def, {
      input: { items: [3, 1, 2] },
      taskHandlers: {
        Work: async (args, ctx) => {
          const n = (args as { n: number }).n;
          await ctx.clock.sleep(n);
          return n * 10;
        },
      },
    });
    expect(result.output).toStrictEqual([30, 10, 20]);
    expect(result.elapsedSeconds).toBe(3);
    expect(result.history.find((e) => e.type === 'MapStateStarted')!.mapStateStartedEventDetails).toStrictEqual({ length: 3 });
  });

  it.each([
    { maxConcurrency: 0, peak: 6, elapsed: 10 },
    { maxConcurrency: 1, peak: 1, elapsed: 60 },
    { maxConcurrency: 2, peak: 2, elapsed: 30 },
    { maxConcurrency: 4, peak: 4, elapsed: 20 },
  ])('MaxConcurrency $maxConcurrency: at most $peak at once, $elapsed s', async ({ maxConcurrency, peak, elapsed }) => {
    let running = 0;
    let observedPeak = 0;
    const def = machine('M', { M: { Type: 'Map', MaxConcurrency: maxConcurrency, End: true, ItemProcessor: task('Work') } });
    const result = await runStateMachine(def, {
      input: [1, 2, 3, 4, 5, 6],
      taskHandlers: {
        Work: async (_a, ctx) => {
          running += 1;
          observedPeak = Math.max(observedPeak, running);
          await ctx.clock.sleep(10);
          running -= 1;
          return null;
        },
      },
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(observedPeak).toBe(peak);
    expect(result.elapsedSeconds).toBe(elapsed);
  });

  it('ItemSelector sees $states.context.Map.Item.Index and Value', async () => {
    const def = machine('M', {
      M: {
        Type: 'Map',
        Items: ['a', 'b'],
        ItemSelector: { index: '{% $states.context.Map.Item.Index %}', value: '{% $states.context.Map.Item.Value %}', all: '{% $states.input.tag %}' },
        End: true,
        ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
      },
    });
    const result = await runStateMachine(def, { input: { tag: 't' } });
    expect(result.output).toStrictEqual([
      { index: 0, value: 'a', all: 't' },
      { index: 1, value: 'b', all: 't' },
    ]);
  });

  it('one failing iteration fails the Map with its error', async () => {
    const def = machine('M', { M: { Type: 'Map', End: true, ItemProcessor: task('Work') } });
    const result = await runStateMachine(def, {
      input: [1, 2, 3],
      taskHandlers: {
        Work: (args) => {
          if (args === 2) throw namedError('BadItem');
          return args;
        },
      },
    });
    expect(result.error?.error).toBe('BadItem');
    const types = eventTypes(result.history);
    expect(types).toContain('MapIterationFailed');
    expect(types.slice(-2)).toStrictEqual(['MapStateFailed', 'ExecutionFailed']);
  });

  it('Items that are not an array fail with States.QueryEvaluationError', async () => {
    const def = machine('M', { M: { Type: 'Map', End: true, ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } } } });
    expect((await runStateMachine(def, { input: { not: 'an array' } })).error?.error).toBe('States.QueryEvaluationError');
  });

  it('retries inside iterations are summarized per visit', async () => {
    const calls = new Map<unknown, number>();
    const def = machine('M', {
      M: { Type: 'Map', End: true, ItemProcessor: task('Work', { Retry: [{ ErrorEquals: ['E'], IntervalSeconds: 2 }] }) },
    });
    const result = await runStateMachine(def, {
      input: [1, 2],
      taskHandlers: {
        Work: (args) => {
          const n = (calls.get(args) ?? 0) + 1;
          calls.set(args, n);
          if (args === 2 && n < 3) throw namedError('E');
          return args;
        },
      },
    });
    expect(result.output).toStrictEqual([1, 2]);
    const visits = summarizeTaskAttempts(result.history);
    expect(visits.map((v) => v.attempts.length).sort()).toStrictEqual([1, 3]);
    expect(visits.find((v) => v.attempts.length === 3)!.waitsSeconds).toStrictEqual([2, 4]);
  });
});
