import { describe, expect, it } from 'vitest';
import { runStateMachine } from '../../lib/runner/index.js';
import { machine } from './helpers.js';

/** The parts of a field with no {% %} expression are constants, read once from the definition as it was when the run started. */
describe('constant parts of templates', () => {
  it('a constant Output is the definition’s value, not changed by edits to the definition during the run', async () => {
    const output = { list: [1, { deep: 'x' }], nested: { n: 2 } };
    const def = machine('T', {
      T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: { FunctionName: 'f' }, Next: 'P' },
      P: { Type: 'Pass', Output: output, End: true },
    });
    const result = await runStateMachine(def, {
      taskHandlers: {
        T: () => {
          output.list.push(3);
          output.nested.n = 99;
          return {};
        },
      },
    });
    expect(result.output).toStrictEqual({ list: [1, { deep: 'x' }], nested: { n: 2 } });
  });

  it('constants and expressions mixed at any depth keep key order, and a JSON "__proto__" key is data', async () => {
    const def = JSON.stringify(
      machine('P', {
        P: {
          Type: 'Pass',
          Output: { a: [0, [1, '{% $states.input.x %}'], { b: null }], c: { d: '{% $states.input.x + 1 %}', e: [] }, f: true },
          Assign: { kept: { z: 1, y: [{}] } },
          Next: 'Q',
        },
        Q: { Type: 'Pass', Output: '{% $kept %}', End: true },
      }),
    ).replace('"b":null', '"__proto__":{"b":null}');
    const result = await runStateMachine(def, { input: { x: 5 } });
    const exited = result.history.find((event) => event.type === 'PassStateExited');
    expect(exited?.stateExitedEventDetails?.output).toBe('{"a":[0,[1,5],{"__proto__":{"b":null}}],"c":{"d":6,"e":[]},"f":true}');
    expect(result.output).toStrictEqual({ z: 1, y: [{}] });
  });
});
