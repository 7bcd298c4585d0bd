/**
 * A task handler's result reaches later states as its JSON (task-result-copy.test.ts), so a
 * function in it is dropped as JSON.stringify drops it, and the fast shapes that read it give
 * what JSONata gives on the copied value. A function made by an expression still fails the
 * state (aws-conformance.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { runStateMachine } from '../../lib/runner/index.js';
import { machine } from './helpers.js';

const RESOURCE = 'arn:aws:states:::lambda:invoke';

function run(output: unknown) {
  return runStateMachine(
    machine('Work', {
      Work: { Type: 'Task', Resource: RESOURCE, Assign: { kept: '{% $states.result.plain %}' }, Output: output, End: true },
    }),
    { taskHandlers: { Work: () => ({ plain: { a: 1 }, held: { f: () => 1 } }) } },
  );
}

describe('functions in task results', () => {
  it.each([
    ['a fast path', '{% $states.result.held %}', {}],
    ['a payload shape', "{% $merge([{'x':1},{'y':$states.result.held}]) %}", { x: 1, y: {} }],
    ['a payload shape merging the result', '{% $merge([$states.result]) %}', { plain: { a: 1 }, held: {} }],
    ['a payload shape whose later key replaces the object', "{% $merge([$states.result.held,{'f':2}]) %}", { f: 2 }],
  ])('%s reads the result without the function, as its JSON holds it', async (_name, output, expected) => {
    const result = await run(output);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.status === 'SUCCEEDED' && result.output).toStrictEqual(expected);
  });

  it('values without functions pass through the fast shapes', async () => {
    const result = await run("{% $merge([$states.result.plain,{'b':$states.result.plain.a}]) %}");
    expect(result.status === 'SUCCEEDED' && result.output).toStrictEqual({ a: 1, b: 1 });
  });
});

describe('jsonata function names as values', () => {
  const unsupported = (source: string) =>
    `An error occurred while executing the state 'Read' (entered at the event id #2). The JSONata expression '${source}' specified for the field 'Output' returned an unsupported result type.`;
  const nothing = (source: string) =>
    `An error occurred while executing the state 'Read' (entered at the event id #2). The JSONata expression '${source}' specified for the field 'Output' returned nothing (undefined).`;

  it.each([
    ['$string', unsupported('$string')],
    ['$now', unsupported('$now')],
    ['$sum[0]', unsupported('$sum[0]')],
    ['[$sum]', unsupported('[$sum]')],
    ["{'a': $string}", unsupported("{'a': $string}")],
    ['$partition', unsupported('$partition')],
    ['$sum.x', nothing('$sum.x')],
  ])('{%% %s %%} is the function (a field step on it is nothing): the state fails', async (source, cause) => {
    const result = await runStateMachine(machine('Read', { Read: { Type: 'Pass', Output: `{% ${source} %}`, End: true } }));
    expect(result.status).toBe('FAILED');
    expect(result.error).toStrictEqual({ error: 'States.QueryEvaluationError', cause });
  });

  it('a workflow variable of the same name is the variable', async () => {
    const result = await runStateMachine(
      machine('Set', {
        Set: { Type: 'Pass', Assign: { string: 5 }, Next: 'Read' },
        Read: { Type: 'Pass', Output: '{% $string %}', End: true },
      }),
    );
    expect(result.status === 'SUCCEEDED' && result.output).toBe(5);
  });
});
