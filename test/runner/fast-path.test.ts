import fc from 'fast-check';
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { evaluateFastPath, FALL_BACK, readFastPath } from '../../lib/runner/evaluate/fast-path.js';

const FIELDS = ['a', 'b', 'v1', 'Payload'];
const value = fc.letrec((tie) => ({
  json: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, true, false, 0, 1.5, 'x', ''),
    fc.array(tie('json'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...FIELDS), tie('json'), { maxKeys: 3 }),
  ),
})).json;
const step = fc.oneof(
  fc.constantFrom(...FIELDS).map((f) => `.${f}`),
  fc.constantFrom('.`a`', '.`v1`'),
  fc.integer({ min: 0, max: 2 }).map((i) => `[${i}]`),
);

describe('fast paths give what jsonata gives', () => {
  it.each([
    { source: '$v', shape: { variable: 'v', steps: [] } },
    { source: ' $states.result[0].v12 ', shape: { variable: 'states', steps: [{ field: 'result' }, { index: 0 }, { field: 'v12' }] } },
    { source: '$ops.`op 0`.config', shape: { variable: 'ops', steps: [{ field: 'op 0' }, { field: 'config' }] } },
  ])('reads $source', ({ source, shape }) => {
    expect(readFastPath(source)).toStrictEqual(shape);
  });

  it.each(['$merge([$p])', '$v.{"a": 1}', '$v[-1]', '$v[$i]', '$v.a.b + 1', '$states.input.*', 'states.input', '$v[0][0]x', '\u00a0$v', '$v\u2028'])(
    '%s is not a fast path',
    (source) => {
      expect(readFastPath(source)).toBeUndefined();
    },
  );

  it('every result a fast path gives equals the engine’s (fixed seed)', async () => {
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(value, fc.array(step, { maxLength: 4 }), async (bound, steps) => {
        const source = `$x${steps.join('')}`;
        const path = readFastPath(source)!;
        expect(path).toBeDefined();
        const fast = evaluateFastPath(path, true, bound);
        if (fast === FALL_BACK) return;
        answered += 1;
        const engine = (await jsonata(source).evaluate(undefined, { x: bound })) as unknown;
        expect(JSON.stringify(fast)).toBe(JSON.stringify(engine));
        expect(fast === undefined).toBe(engine === undefined);
        // An array result is the very array jsonata gives (the bound value's own), never a copy or a sequence.
        if (Array.isArray(engine)) expect(fast).toBe(engine);
      }),
      { seed: 14, numRuns: 2000 },
    );
    expect(answered).toBeGreaterThan(300);
  });

  it('an unbound variable gives nothing, as in jsonata', async () => {
    expect(evaluateFastPath(readFastPath('$nope')!, false, undefined)).toBeUndefined();
    expect(await jsonata('$nope').evaluate(undefined, {})).toBeUndefined();
  });
});
