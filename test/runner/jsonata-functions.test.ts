import { describe, expect, it } from 'vitest';
import { runStateMachine } from '../../lib/runner/index.js';
import { machine } from './helpers.js';

const evaluate = async (expression: string, seed = 0): Promise<unknown> => {
  const result = await runStateMachine(machine('A', { A: { Type: 'Pass', Output: { v: `{% ${expression} %}` }, End: true } }), { seed });
  if (result.status !== 'SUCCEEDED') throw new Error(`${result.error.error}: ${result.error.cause}`);
  return (result.output as { v: unknown }).v;
};

describe('Step Functions JSONata functions', () => {
  it.each([
    { expression: '$partition([1,2,3,4,5], 2)', value: [[1, 2], [3, 4], [5]] },
    { expression: '$range(0, 10, 2)', value: [0, 2, 4, 6, 8, 10] },
    { expression: '$range(1, 3)', value: [1, 2, 3] },
    { expression: '$range(5, 1, -2)', value: [5, 3, 1] },
    { expression: '$hash("input data", "MD5")', value: '812f45842bc6d66ee14572ce20db8e86' },
    { expression: '$hash("abc", "SHA-1")', value: 'a9993e364706816aba3e25717850c26c9cd0d89d' },
    { expression: '$hash("abc", "SHA-256")', value: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' },
    { expression: '$length($hash("abc", "SHA-384"))', value: 96 },
    { expression: '$length($hash("abc", "SHA-512"))', value: 128 },
    { expression: '$parse(\'{"a":[1,true]}\')', value: { a: [1, true] } },
  ])('$expression', async ({ expression, value }) => {
    expect(await evaluate(expression)).toStrictEqual(value);
  });

  it('$random is seeded by the run seed, and by its own seed argument', async () => {
    const a = await evaluate('[$random(), $random()]', 1);
    expect(await evaluate('[$random(), $random()]', 1)).toStrictEqual(a);
    expect(await evaluate('[$random(), $random()]', 2)).not.toStrictEqual(a);
    for (const v of a as number[]) expect(v >= 0 && v < 1).toBe(true);
    expect(await evaluate('$random(42)', 1)).toBe(await evaluate('$random(42)', 2));
  });

  it('$uuid gives seeded v4 UUIDs', async () => {
    const [u1, u2] = (await evaluate('[$uuid(), $uuid()]', 5)) as string[];
    expect(u1).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(u2).not.toBe(u1);
    expect(await evaluate('[$uuid(), $uuid()]', 5)).toStrictEqual([u1, u2]);
  });

  it.each(['$hash("x", "SHA-3")', '$partition([1], 0)', '$parse("{")', '$range(1, 5000)'])('%s fails with States.QueryEvaluationError', async (expression) => {
    await expect(evaluate(expression)).rejects.toThrow(/States.QueryEvaluationError/);
  });
});
