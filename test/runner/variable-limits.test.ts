/**
 * Step Functions' quota on all the workflow variables of an execution (10 MiB), on hand-written
 * definitions: the state whose Assign brings the execution's variables over it fails with
 * States.DataLimitExceeded (which States.ALL does not catch); a variable assigned again counts
 * once; a Parallel branch's variables count until the Parallel ends and are given back then. One
 * variable and one Assign (256 KiB each) are in payload-limits.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { runStateMachine } from '../../lib/runner/index.js';
import { MAX_PAYLOAD_BYTES } from '../../lib/runner/evaluate/payload-limit.js';
import { MAX_EXECUTION_VARIABLES_BYTES } from '../../lib/runner/evaluate/variable-limit.js';
import { machine } from './helpers.js';

/** A JSONata string whose JSON is exactly `bytes` bytes (the quotes count). */
const stringOf = (bytes: number): string => `{% $pad('', ${bytes - 2}, 'v') %}`;
/** Variables of the largest size one may have: 40 of them fill the execution's quota exactly. */
const FULL = MAX_EXECUTION_VARIABLES_BYTES / MAX_PAYLOAD_BYTES;

/** Pass states P0, P1, ... each assigning `assign(k)`, then Done (a Succeed). */
function chainOfAssigns(count: number, assign: (k: number) => Record<string, unknown>): Record<string, unknown> {
  const states: Record<string, unknown> = {};
  for (let k = 0; k < count; k += 1) states[`P${k}`] = { Type: 'Pass', Assign: assign(k), Next: k + 1 < count ? `P${k + 1}` : 'Done' };
  states.Done = { Type: 'Succeed' };
  return machine('P0', states);
}

/** A machine's StartAt and States, as a Parallel branch. */
function toBranch(definition: Record<string, unknown>): { StartAt: unknown; States: unknown } {
  return { StartAt: definition.StartAt, States: definition.States };
}

describe("the local runner enforces the 10 MiB quota on an execution's variables", () => {
  it('is 10,485,760 bytes: 40 variables of 262,144 bytes each', () => {
    expect(MAX_EXECUTION_VARIABLES_BYTES).toBe(10_485_760);
    expect(FULL).toBe(40);
  });

  it.each([
    ['exactly fills it: succeeds', 0, 'SUCCEEDED'],
    ['passes it by one byte: the state that assigns it fails', 1, 'FAILED'],
  ])('40 variables of 262,144 bytes and one more of %s', async (_what, extraBytes, status) => {
    // P40 assigns nothing, or the number 0 (1 byte of JSON).
    const definition = chainOfAssigns(FULL + 1, (k) => (k < FULL ? { [`v${k}`]: stringOf(MAX_PAYLOAD_BYTES) } : extraBytes === 0 ? {} : { last: 0 }));
    const result = await runStateMachine(definition);
    expect(result.status).toBe(status);
    if (status === 'FAILED') {
      expect(result.error).toStrictEqual({
        error: 'States.DataLimitExceeded',
        cause: `The state 'P40' assigned variables that bring the execution's variables to 10485761 bytes, exceeding the maximum number of bytes service limit (10485760 bytes) for all the variables of an execution.`,
      });
      expect(result.history.at(-1)?.type).toBe('ExecutionFailed');
      expect(result.history.some((event) => event.type === 'PassStateExited' && event.stateExitedEventDetails?.name === 'P40')).toBe(false);
    }
  });

  it('a variable assigned again counts its new value only: 60 assignments of 262,144 bytes to one variable succeed', async () => {
    const result = await runStateMachine(chainOfAssigns(60, () => ({ same: stringOf(MAX_PAYLOAD_BYTES) })));
    expect(result.status).toBe('SUCCEEDED');
  });

  it('States.ALL does not catch it; a Catch naming States.DataLimitExceeded does', async () => {
    const fill = Object.fromEntries(Array.from({ length: FULL }, (_, k) => [`v${k}`, stringOf(MAX_PAYLOAD_BYTES)]));
    const over = (errors: string[]) =>
      machine('Fill', {
        // One Assign is held to 256 KiB: fill the quota over 40 Pass states inside a Parallel branch...
        Fill: {
          Type: 'Parallel',
          Branches: [toBranch(chainOfAssigns(FULL, (k) => ({ [`v${k}`]: fill[`v${k}`] })))],
          Output: {},
          Catch: [{ ErrorEquals: errors, Next: 'Caught' }],
          Next: 'Finished',
        },
        Finished: { Type: 'Succeed' },
        Caught: { Type: 'Pass', Output: '{% $states.input.Error %}', End: true },
      });
    // ...whose 41st variable (from the top level's `base`, assigned first) goes over.
    const withBase = (errors: string[]) => {
      const definition = over(errors) as { StartAt: string; States: Record<string, unknown> };
      return { ...definition, StartAt: 'Base', States: { Base: { Type: 'Pass', Assign: { base: 0 }, Next: 'Fill' }, ...definition.States } };
    };
    const uncaught = await runStateMachine(withBase(['States.ALL']));
    expect(uncaught.status).toBe('FAILED');
    expect(uncaught.error?.error).toBe('States.DataLimitExceeded');
    expect(uncaught.error?.cause).toMatch(/^The state 'P39' assigned variables that bring the execution's variables to 10485761 bytes/);
    const caught = await runStateMachine(withBase(['States.DataLimitExceeded']));
    expect(caught.status).toBe('SUCCEEDED');
    expect(caught.output).toBe('States.DataLimitExceeded');
  });

  it("a Parallel branch's variables count until the Parallel ends, and are given back then", async () => {
    // Two branches of one Parallel, 20 + 21 variables of 262,144 bytes: over the quota together.
    const branch = (name: string, count: number) => {
      const { StartAt, States } = chainOfAssigns(count, (k) => ({ [`${name}${k}`]: stringOf(MAX_PAYLOAD_BYTES) })) as { StartAt: string; States: Record<string, unknown> };
      // The branches' states need distinct names: P0... -> <name>P0...
      const renamed = Object.fromEntries(
        Object.entries(States).map(([state, value]) => {
          const next = (value as { Next?: string }).Next;
          return [`${name}${state}`, next === undefined ? value : { ...(value as object), Next: `${name}${next}` }];
        }),
      );
      return { StartAt: `${name}${StartAt}`, States: renamed };
    };
    const parallel = (tag: string, counts: readonly [number, number]) => ({ Type: 'Parallel', Branches: [branch(`${tag}a`, counts[0]), branch(`${tag}b`, counts[1])], Output: {} });
    const together = await runStateMachine(machine('Both', { Both: { ...parallel('x', [20, 21]), End: true } }));
    expect(together.status).toBe('FAILED');
    expect(together.error?.error).toBe('States.DataLimitExceeded');
    // One after the other, 40 variables each: the first Parallel's are given back before the second runs.
    const apart = await runStateMachine(machine('First', { First: { ...parallel('x', [20, 20]), Next: 'Second' }, Second: { ...parallel('y', [20, 20]), End: true } }));
    expect(apart.status).toBe('SUCCEEDED');
  });
});
