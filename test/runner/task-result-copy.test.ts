/**
 * A task's result reaches later states as the JSON its TaskSucceeded event records, as a
 * service's response is JSON on AWS: a handler that changes the object it returned after
 * returning it, or returns values JSON cannot hold (a Date, undefined, NaN, -0), changes
 * nothing a later state sees.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { runStateMachine } from '../../lib/runner/index.js';
import { machine } from './helpers.js';

const RESOURCE = 'arn:aws:states:::lambda:invoke';

function succeededOutput(history: readonly HistoryEvent[]): unknown {
  const event = history.find((e) => e.type === 'TaskSucceeded');
  return JSON.parse(event!.taskSucceededEventDetails!.output!) as unknown;
}

describe('task results as JSON', () => {
  it('a handler changing its result after returning it does not change what later states read', async () => {
    const held = { count: 1, items: [1] };
    const result = await runStateMachine(
      machine('Work', {
        Work: { Type: 'Task', Resource: RESOURCE, Assign: { kept: '{% $states.result %}' }, Next: 'Later' },
        Later: { Type: 'Task', Resource: RESOURCE, Arguments: {}, Output: '{% $kept %}', End: true },
      }),
      {
        taskHandlers: {
          Work: () => held,
          Later: () => {
            held.count = 2;
            held.items.push(2);
            return {};
          },
        },
      },
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(result.status === 'SUCCEEDED' && result.output).toStrictEqual({ count: 1, items: [1] });
  });

  it('the result a state outputs is not the handler’s object', async () => {
    const held = { a: { b: 1 } };
    const result = await runStateMachine(machine('Work', { Work: { Type: 'Task', Resource: RESOURCE, End: true } }), { taskHandlers: { Work: () => held } });
    expect(result.status === 'SUCCEEDED' && result.output).toStrictEqual({ a: { b: 1 } });
    expect(result.status === 'SUCCEEDED' && result.output).not.toBe(held);
    held.a.b = 2;
    expect(result.status === 'SUCCEEDED' && result.output).toStrictEqual({ a: { b: 1 } });
  });

  it.each([
    ['a Date', { at: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)) }, { at: '2026-01-02T03:04:05.000Z' }],
    ['undefined in an object', { a: undefined, b: 1 }, { b: 1 }],
    ['undefined in an array', [1, undefined, 2], [1, null, 2]],
    ['NaN, Infinity and -0', { n: Number.NaN, i: Number.POSITIVE_INFINITY, z: -0 }, { n: null, i: null, z: 0 }],
    ['undefined', undefined, null],
    [
      'a class instance',
      new (class Point {
        x = 1;
        y = 2;
      })(),
      { x: 1, y: 2 },
    ],
  ])('%s reaches the next state as its JSON gives it, as the event records it', async (_name, value, expected) => {
    const result = await runStateMachine(
      machine('Work', {
        Work: { Type: 'Task', Resource: RESOURCE, Output: '{% {"seen": $states.result} %}', End: true },
      }),
      { taskHandlers: { Work: () => value } },
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(result.status === 'SUCCEEDED' && result.output).toStrictEqual({ seen: expected });
    expect(succeededOutput(result.history)).toStrictEqual(expected);
  });

  it('expressions read the copy: a Date field is a string, NaN is null', async () => {
    const result = await runStateMachine(
      machine('Work', {
        Work: { Type: 'Task', Resource: RESOURCE, Output: '{% {"at": $type($states.result.at), "n": $type($states.result.n)} %}', End: true },
      }),
      { taskHandlers: { Work: () => ({ at: new Date(0), n: Number.NaN }) } },
    );
    expect(result.status === 'SUCCEEDED' && result.output).toStrictEqual({ at: 'string', n: 'null' });
  });

  it('the output a Task without Output records is its result’s JSON, and so is the next state’s input (property, seeded)', async () => {
    // The runner records the result's JSON once (TaskSucceeded) and reuses it for the state's
    // output and the next state's input: each must be the JSON of the value the state outputs.
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.boolean(), async (value, asDate) => {
        const returned = asDate ? { value, at: new Date(0), gone: undefined } : value;
        const result = await runStateMachine(
          machine('Work', {
            Work: { Type: 'Task', Resource: RESOURCE, Next: 'Then' },
            Then: { Type: 'Pass', End: true },
          }),
          { taskHandlers: { Work: () => returned } },
        );
        expect(result.status).toBe('SUCCEEDED');
        const output = result.status === 'SUCCEEDED' ? result.output : undefined;
        const exited = result.history.find((e) => e.type === 'TaskStateExited')!.stateExitedEventDetails!.output;
        const entered = result.history.find((e) => e.type === 'PassStateEntered')!.stateEnteredEventDetails!.input;
        expect(exited).toBe(JSON.stringify(output) ?? 'null');
        expect(entered).toBe(exited);
        // The Pass outputs its input: the same JSON again.
        expect(result.history.find((e) => e.type === 'PassStateExited')!.stateExitedEventDetails!.output).toBe(exited);
        expect(output).toStrictEqual(JSON.parse(JSON.stringify(returned) ?? 'null'));
      }),
      { seed: 14, numRuns: 200 },
    );
  });

  it('a Task without Arguments is called with its input: the parameters recorded are the input’s JSON, the handler gets its own copy (property, seeded)', async () => {
    // The parameters reuse the JSON TaskStateEntered recorded for the input; each attempt (the
    // first fails) must still send that input, whatever a handler did to its own copy before.
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        const received: unknown[] = [];
        const result = await runStateMachine(
          machine('Make', {
            Make: { Type: 'Pass', Output: { value }, Next: 'Work' },
            Work: { Type: 'Task', Resource: RESOURCE, Retry: [{ ErrorEquals: ['Again'], IntervalSeconds: 1 }], End: true },
          }),
          {
            taskHandlers: {
              Work: (args) => {
                received.push(structuredClone(args));
                (args as { value: unknown; changed?: boolean }).changed = true;
                if (received.length === 1) throw Object.assign(new Error('once more'), { name: 'Again' });
                return {};
              },
            },
          },
        );
        expect(result.status).toBe('SUCCEEDED');
        const expected = JSON.parse(JSON.stringify({ value })) as unknown;
        expect(received).toStrictEqual([expected, expected]);
        const entered = result.history.find((e) => e.type === 'TaskStateEntered')!.stateEnteredEventDetails!.input;
        const scheduled = result.history.filter((e) => e.type === 'TaskScheduled').map((e) => e.taskScheduledEventDetails!.parameters);
        expect(scheduled).toStrictEqual([entered, entered]);
        expect(entered).toBe(JSON.stringify(expected));
      }),
      { seed: 16, numRuns: 100 },
    );
  });
});
