import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { measureJsonLength } from '../../lib/asl/json-length.js';

/** Strings of the pieces definitions hold and of what JSON escapes (quotes, backslashes, control characters, DEL, non-ASCII, lone surrogates). */
const text = fc
  .array(fc.constantFrom('$v1', '{% ', ' %}', "'o'", 'a', ' ', '"', '\\', '\n', '\u0000', '\u001f', '\u007f', 'é', '€', '\ud83d\ude00', '\ud800', '\udfff'), { maxLength: 8 })
  .map((pieces) => pieces.join(''));

const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    text,
    fc.double(),
    fc.integer(),
    fc.constantFrom(0, -0, 1e21, 1e-7, Number.MAX_VALUE, NaN, Infinity, -Infinity),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.constant(() => 1),
    fc.constant(new Date(0)),
    tie('array'),
    tie('object'),
  ),
  array: fc.array(tie('value'), { maxLength: 5 }),
  object: fc.dictionary(text, tie('value'), { maxKeys: 5 }),
})).value;

describe('measureJsonLength', () => {
  it('is JSON.stringify(value).length on seeded random values, shared objects and remembered lengths included', () => {
    fc.assert(
      fc.property(value, (random) => {
        const top = { a: random, b: [random, random], c: { random } };
        const lengths = new WeakMap<object, number>();
        expect(measureJsonLength(top, lengths)).toBe(JSON.stringify(top).length);
        // Measured again from the remembered lengths of its parts.
        expect(measureJsonLength({ again: top }, lengths)).toBe(JSON.stringify({ again: top }).length);
      }),
      { seed: 14, numRuns: 3000 },
    );
  });

  it('measures holes, boxed primitives, toJSON and a null-prototype object as JSON.stringify writes them', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { x: 'y', n: 2 });
    // A hole is written null.
    const holes: unknown[] = [1];
    holes[2] = 3;
    const cases: unknown[] = [holes, new String('ab"c'), new Number(12), { toJSON: () => 'long text' }, bare, [undefined, () => 1, Symbol('s')], { s: Symbol('s'), u: undefined }];
    for (const item of cases) expect(measureJsonLength(item)).toBe(JSON.stringify(item).length);
  });
});
