/**
 * Cross-check against aws-local-stepfunctions (JSONPath only, real-time waits): the same
 * machines written in JSONPath must give the same attempts, error names and outcome as
 * their JSONata versions in our runner. Retry waits are overridden to 0 ms there.
 */
import { describe, expect, it } from 'vitest';
import { runStateMachine } from '../../lib/runner/index.js';
import { namedError } from './helpers.js';
import { StateMachine } from '../support/aws-local-stepfunctions.js';

interface Outcome {
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly error: string | undefined;
  /** Error names thrown by the Task handlers, per state, in order. */
  readonly attempts: Record<string, string[]>;
  readonly output: unknown;
}

/** A handler per state that throws the listed names in turn (null: succeed with the state name). */
type Script = Record<string, readonly (string | null)[]>;

function createHandlers(script: Script, attempts: Record<string, string[]>): Record<string, () => Promise<unknown>> {
  return Object.fromEntries(
    Object.entries(script).map(([state, errors]) => {
      let call = 0;
      attempts[state] = [];
      return [
        state,
        async () => {
          const name = errors[call++];
          if (name === undefined || name === null) {
            attempts[state]!.push('ok');
            return `${state}-ok`;
          }
          attempts[state]!.push(name);
          throw namedError(name, `${state} failed with ${name}`);
        },
      ];
    }),
  );
}

async function runOurs(definition: object, script: Script): Promise<Outcome> {
  const attempts: Record<string, string[]> = {};
  const result = await runStateMachine(definition, { taskHandlers: createHandlers(script, attempts) });
  return { status: result.status, error: result.error?.error, attempts, output: result.output };
}

async function runTheirs(definition: object, script: Script): Promise<Outcome> {
  const attempts: Record<string, string[]> = {};
  const machine = new StateMachine(definition as never, { validationOptions: { checkArn: false } });
  const retryIntervalOverrides = Object.fromEntries(Object.keys(script).map((state) => [state, 0]));
  const execution = machine.run({}, { overrides: { taskResourceLocalHandlers: createHandlers(script, attempts) as never, retryIntervalOverrides } });
  try {
    const output = (await execution.result) as unknown;
    return { status: 'SUCCEEDED', error: undefined, attempts, output };
  } catch (error) {
    const cause = (error as { cause?: { name?: string } }).cause;
    return { status: 'FAILED', error: cause?.name ?? (error as Error).name, attempts, output: undefined };
  }
}

const lambda = 'arn:aws:lambda:us-east-1:123456789012:function:op';

/** Builds the JSONPath and JSONata versions of one machine (they differ only in QueryLanguage and the catcher output). */
function bothLanguages(states: Record<string, unknown>, startAt: string): { jsonPath: object; jsonata: object } {
  // Fresh copies: aws-local-stepfunctions annotates the definition it is given.
  const jsonPath = { StartAt: startAt, States: structuredClone(states) };
  const jsonata = { QueryLanguage: 'JSONata', StartAt: startAt, States: structuredClone(states) };
  return { jsonPath, jsonata };
}

const cases: { name: string; states: Record<string, unknown>; startAt: string; script: Script }[] = [
  {
    name: 'developer guide example: A, B, C, B then Catch',
    startAt: 'X',
    states: {
      X: {
        Type: 'Task',
        Resource: lambda,
        Next: 'Y',
        Retry: [
          { ErrorEquals: ['ErrorA', 'ErrorB'], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 2 },
          { ErrorEquals: ['ErrorC'], IntervalSeconds: 5 },
        ],
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Z' }],
      },
      Y: { Type: 'Succeed' },
      Z: { Type: 'Pass', End: true },
    },
    script: { X: ['ErrorA', 'ErrorB', 'ErrorC', 'ErrorB'] },
  },
  {
    name: 'no fall-through to a later retrier',
    startAt: 'X',
    states: {
      X: {
        Type: 'Task',
        Resource: lambda,
        End: true,
        Retry: [
          { ErrorEquals: ['Flaky'], MaxAttempts: 1 },
          { ErrorEquals: ['States.ALL'], MaxAttempts: 5 },
        ],
      },
    },
    script: { X: ['Flaky', 'Flaky', 'Flaky'] },
  },
  {
    name: 'States.TaskFailed retries custom errors; MaxAttempts 0 does not retry',
    startAt: 'X',
    states: {
      X: {
        Type: 'Task',
        Resource: lambda,
        Next: 'W',
        Retry: [
          { ErrorEquals: ['Fatal'], MaxAttempts: 0 },
          { ErrorEquals: ['States.TaskFailed'], MaxAttempts: 2 },
        ],
      },
      W: {
        Type: 'Task',
        Resource: lambda,
        End: true,
        Retry: [
          { ErrorEquals: ['Fatal'], MaxAttempts: 0 },
          { ErrorEquals: ['States.TaskFailed'], MaxAttempts: 2 },
        ],
      },
    },
    script: { X: ['Boom', 'Boom', null], W: ['Fatal'] },
  },
  {
    name: 'retries then success',
    startAt: 'X',
    states: { X: { Type: 'Task', Resource: lambda, End: true, Retry: [{ ErrorEquals: ['E'], MaxAttempts: 3 }] } },
    script: { X: ['E', 'E', null] },
  },
  {
    name: 'a failing Parallel branch fails the Parallel with its own error',
    startAt: 'P',
    states: {
      P: {
        Type: 'Parallel',
        End: true,
        Retry: [{ ErrorEquals: ['Other'] }],
        Branches: [
          { StartAt: 'A', States: { A: { Type: 'Task', Resource: lambda, End: true } } },
          { StartAt: 'B', States: { B: { Type: 'Task', Resource: lambda, End: true, Retry: [{ ErrorEquals: ['E'], MaxAttempts: 1 }] } } },
        ],
      },
    },
    script: { A: [null], B: ['E', 'BranchBroke'] },
  },
];

describe('cross-check with aws-local-stepfunctions (JSONPath)', () => {
  it.each(cases)('$name', async ({ states, startAt, script }) => {
    const { jsonPath, jsonata } = bothLanguages(states, startAt);
    const theirs = await runTheirs(jsonPath, script);
    const ours = await runOurs(jsonata, script);
    expect(Object.values(theirs.attempts).flat().length).toBeGreaterThan(0);
    expect(ours.status).toBe(theirs.status);
    expect(ours.error).toBe(theirs.error);
    expect(ours.attempts).toStrictEqual(theirs.attempts);
  });
});
