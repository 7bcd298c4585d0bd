/**
 * `$shuffle` draws from the run's seeded random source (jsonata's own draws from Math.random):
 * the same seed gives the same order, run after run, and the result is a permutation with
 * jsonata's own argument rules.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runStateMachine } from '../../lib/runner/index.js';
import { machine } from './helpers.js';

/** The output of one Pass state whose Output is `output`, run with `seed`. */
async function passOutput(output: unknown, seed: number, input: unknown = {}): Promise<unknown> {
  const result = await runStateMachine(machine('Shuffle', { Shuffle: { Type: 'Pass', Output: output, End: true } }), { seed, input });
  if (result.status !== 'SUCCEEDED') throw new Error(`the run ended ${result.status}: ${JSON.stringify(result.error)}`);
  return result.output;
}

const TEN = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

describe('$shuffle with a seed', () => {
  it('the same seed gives the same order in every run, even with Math.random replaced', async () => {
    const first = await passOutput('{% $shuffle($states.input.items) %}', 7, { items: TEN });
    const random = Math.random;
    Math.random = () => 0.999;
    try {
      expect(await passOutput('{% $shuffle($states.input.items) %}', 7, { items: TEN })).toStrictEqual(first);
    } finally {
      Math.random = random;
    }
    expect([...(first as number[])].sort((a, b) => a - b)).toStrictEqual(TEN);
    // Math.random giving 0.999 would keep every item in place.
    expect(first).not.toStrictEqual(TEN);
  });

  it('seeds give different orders (of 10 items, 20 seeds give at least 15 orders)', async () => {
    const orders = new Set<string>();
    for (let seed = 0; seed < 20; seed += 1) orders.add(JSON.stringify(await passOutput('{% $shuffle($states.input.items) %}', seed, { items: TEN })));
    expect(orders.size).toBeGreaterThanOrEqual(15);
  });

  it.each([
    { output: '{% $shuffle([]) %}', expected: [] },
    { output: '{% $shuffle([5]) %}', expected: [5] },
    // jsonata's signature <a:a>: a single value is an array of one.
    { output: '{% [$shuffle(5)] %}', expected: [5] },
    { output: '{% $count($shuffle([1, 2, 3])) %}', expected: 3 },
    { output: '{% $sort($shuffle(["b", "a", "c"])) %}', expected: ['a', 'b', 'c'] },
    { output: '{% $shuffle({"a": 1}) %}', expected: [{ a: 1 }] },
  ])('$output gives $expected, as jsonata does', async ({ output, expected }) => {
    expect(await passOutput(output, 1)).toStrictEqual(expected);
  });

  it('a second argument fails the state with jsonata T0410, as the engine reports it', async () => {
    const result = await runStateMachine(machine('Shuffle', { Shuffle: { Type: 'Pass', Output: '{% $shuffle([1], 2) %}', End: true } }), { seed: 1 });
    expect(result.status).toBe('FAILED');
    expect(result.error?.error).toBe('States.QueryEvaluationError');
    expect(result.error?.cause).toContain('T0410');
  });

  it('is a permutation of its input for any array and seed (property, seeded)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer(), { maxLength: 30 }), fc.integer(), async (items, seed) => {
        const shuffled = (await passOutput('{% [$shuffle($states.input.items)] %}', seed, { items })) as number[];
        expect([...shuffled].sort((a, b) => a - b)).toStrictEqual([...items].sort((a, b) => a - b));
      }),
      { seed: 14, numRuns: 60 },
    );
  });
});
