/**
 * A function in a value the runner did not build (a task handler's result) fails the
 * expression that gives it, with the fast shapes too: the fast path and the payload shape look
 * for functions in what they read from `$states`, not in what they read from variables (which
 * never hold one, see lib/runner/evaluate/function-values.ts).
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
    ['a fast path', '{% $states.result.held %}'],
    ['a payload shape', "{% $merge([{'x':1},{'y':$states.result.held}]) %}"],
    ['a payload shape merging the result', '{% $merge([$states.result]) %}'],
  ])('%s giving one fails as an unsupported result type', async (_name, output) => {
    const result = await run(output);
    expect(result.status).toBe('FAILED');
    expect(result.status === 'FAILED' && result.error.error).toBe('States.QueryEvaluationError');
    expect(result.status === 'FAILED' && result.error.cause).toContain('returned an unsupported result type.');
  });

  it('a payload shape that reads one but gives none (a later key replaces it) succeeds', async () => {
    const result = await run("{% $merge([$states.result.held,{'f':2}]) %}");
    expect(result.status).toBe('SUCCEEDED');
    expect(result.status === 'SUCCEEDED' && result.output).toStrictEqual({ f: 2 });
  });

  it('values without functions pass through the fast shapes', async () => {
    const result = await run("{% $merge([$states.result.plain,{'b':$states.result.plain.a}]) %}");
    expect(result.status === 'SUCCEEDED' && result.output).toStrictEqual({ a: 1, b: 1 });
  });
});
