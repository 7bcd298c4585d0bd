/**
 * runStateMachine's executionName is the name StartExecution would get: 1 to 80 characters,
 * none of them whitespace, < > { } [ ], ? *, " # % \ ^ | ~ ` $ & , ; : / or a control character
 * (Step Functions' quotas page; StartExecution refuses other names with InvalidName). A name
 * it would refuse is refused before the execution starts, with the character, where it is, and
 * a name that would do.
 */
import { describe, expect, it } from 'vitest';
import { RunnerError, runStateMachine } from '../../lib/runner/index.js';
import { machine } from './helpers.js';

const named = machine('Name', { Name: { Type: 'Pass', Output: '{% $states.context.Execution.Name %}', End: true } });

describe('runStateMachine options.executionName', () => {
  it.each(['nightly-2026-12-04', 'a', 'x'.repeat(80), 'é-ü_名前', 'run.1+2=3@host'])('accepts %j and names the execution with it', async (name) => {
    const result = await runStateMachine(named, { executionName: name });
    expect(result.status === 'SUCCEEDED' && result.output).toBe(name);
  });

  it.each([
    ['my run', / " " at index 2:/, '"my-run"'],
    ['a/b', / "\/" at index 1:/, '"a-b"'],
    ['2026:12:04', / ":" at index 4:/, '"2026-12-04"'],
    ['tab\there', / "\\t" at index 3:/, '"tab-here"'],
    ['bell\u0007', / "\\u0007" at index 4:/, '"bell-"'],
    ['next\u0085line', / "\u0085" at index 4:/, '"next-line"'],
    ['why?', / "\?" at index 3:/, '"why-"'],
    ['{braces}', / "\{" at index 0:/, '"-braces-"'],
  ])('refuses %j before the execution starts, naming the character, where it is and a name that would do', async (name, where, suggestion) => {
    let ran = false;
    const run = runStateMachine(machine('Work', { Work: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: {}, End: true } }), {
      executionName: name,
      taskHandlers: {
        Work: () => {
          ran = true;
          return {};
        },
      },
    });
    await expect(run).rejects.toThrow(RunnerError);
    await expect(run).rejects.toMatchObject({ name: 'stepops.InvalidExecutionName', message: expect.stringMatching(where) });
    await expect(run).rejects.toThrow(`use e.g. ${suggestion}`);
    expect(ran).toBe(false);
  });

  it.each([
    ['the empty string', ''],
    ['81 characters', 'x'.repeat(81)],
    ['a number', 42],
  ])('refuses %s: names are strings of 1 to 80 characters', async (_what, name) => {
    await expect(runStateMachine(named, { executionName: name as string })).rejects.toThrow(
      /options\.executionName \(runStateMachine, runJobLocally\) must be a string of 1 to 80 characters.*StartExecution would refuse it \(InvalidName\)/,
    );
  });
});
