import fc from 'fast-check';
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { evaluateFastExpression, readFastExpression } from '../../lib/runner/evaluate/fast-expression.js';
import { FALL_BACK } from '../../lib/runner/evaluate/fast-path.js';
import { findDifference } from '../support/jsonata-values.js';

const FIELDS = ['a', 'b', 'config', 'toString'];
const VARIABLES = ['x', 'y', 'states', 'merge', 'sum'];
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, true, false, 0, 1, -2.5, 'x', ''),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...FIELDS.filter((f) => f !== 'toString')), tie('value'), { maxKeys: 3 }),
  ),
})).value;

const path = fc
  .tuple(
    fc.constantFrom(...VARIABLES),
    fc.array(
      fc.oneof(
        fc.constantFrom(...FIELDS).map((f) => `.${f}`),
        fc.constant('.`a`'),
      ),
      { maxLength: 3 },
    ),
  )
  .map(([variable, fields]) => `$${variable}${fields.join('')}`);
const literal = fc.constantFrom("'op'", "''", "'a b'");
const source = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, literal, path, tie('array'), tie('object'), tie('call')),
  array: fc.array(tie('node'), { maxLength: 3 }).map((items) => `[${items.join(',')}]`),
  object: fc
    .uniqueArray(fc.tuple(fc.constantFrom('op', 'inputs', 'config', '1'), tie('node')), { maxLength: 3, selector: ([key]) => key })
    .map((pairs) => `{${pairs.map(([key, value]) => `'${key}':${String(value)}`).join(',')}}`),
  call: fc.tuple(fc.constantFrom('merge', 'sum'), tie('array')).map(([name, argument]) => `$${name}(${String(argument)})`),
})).call;

const bindings = fc.record(
  {
    x: fc.oneof(fc.dictionary(fc.constantFrom('a', 'b', 'config'), json, { maxKeys: 3 }), json),
    y: json,
    states: fc.record({ input: json, context: fc.record({ State: fc.record({ RetryCount: fc.nat(3) }) }) }, { requiredKeys: ['context'] }),
    merge: json,
    sum: json,
  },
  { requiredKeys: ['x', 'states'] },
);

describe('the payload shape evaluated without jsonata gives what jsonata gives', () => {
  it('reads the compiler’s payload shape', () => {
    const payload =
      "$merge([$p,{'op':'load','retryNumber':$sum([$states.input.nextRetryNumber,$states.context.State.RetryCount]),'retryMode':'indexed','inputs':[$v3,$v7_1],'config':$ops.`load`.config}])";
    expect(readFastExpression(payload)).toMatchObject({ kind: 'call', name: 'merge' });
  });

  it('reads it between the whitespace jsonata skips, as the compiler writes it (`{% $merge(...) %}`)', () => {
    expect(readFastExpression(" $merge([$p,{'op':'load'}]) ")).toStrictEqual(readFastExpression("$merge([$p,{'op':'load'}])"));
    expect(readFastExpression('\t\n\r\v$sum([$x])\n')).toMatchObject({ kind: 'call', name: 'sum' });
  });

  it.each([
    '$merge([ $p])',
    '\u00a0$merge([$p])',
    '$merge([$p])\u2028',
    "$merge([$p,{'a':1}])",
    '$merge([$x.and])',
    '$merge([$x.true])',
    '$merge([$x[0]])',
    "$merge([{'a':'x','a':'y'}])",
    "$merge([{'a':'it\\'s'}])",
    '$merge([$x + 1])',
    '$count([$x])',
    "{'a':$x}",
    '$x',
  ])('%s is not read (left to jsonata)', (text) => {
    expect(readFastExpression(text)).toBeUndefined();
  });

  it('every result it gives equals the engine’s, on random values, missing ones included (fixed seed)', async () => {
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(source, bindings, async (text, bound) => {
        const tree = readFastExpression(text);
        expect(tree).toBeDefined();
        const { states, ...variables } = bound;
        const fast = evaluateFastExpression(tree!, { states, variables, functions: {} });
        let engine: unknown;
        try {
          engine = await jsonata(text).evaluate(undefined, bound);
        } catch {
          expect(fast).toBe(FALL_BACK); // never a value where jsonata fails
          return;
        }
        if (fast === FALL_BACK) return;
        answered += 1;
        expect(fast).toStrictEqual(engine);
        expect(JSON.stringify(fast)).toBe(JSON.stringify(engine)); // key order included
      }),
      { seed: 14, numRuns: 3000 },
    );
    expect(answered).toBeGreaterThan(100);
  });

  it('the compiler’s payload shape on random variables, inputs and configs (fixed seed)', async () => {
    const payload =
      "$merge([$p,{'op':'load','retryNumber':$sum([$states.input.nextRetryNumber,$states.context.State.RetryCount]),'retryMode':'indexed','inputs':[$v3,$v7_1],'config':$ops.`load`.config}])";
    const tree = readFastExpression(payload)!;
    const compiled = jsonata(payload);
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            p: fc.oneof(fc.constant({ protocol: 1, op: null, retryNumber: 0, inputs: [], config: {} }), json),
            v3: fc.oneof(
              json.map((value) => [value]),
              json,
            ),
            v7_1: fc.oneof(
              json.map((value) => [value]),
              json,
            ),
            ops: fc.oneof(fc.record({ load: fc.record({ config: json }, { requiredKeys: [] }) }), json),
          },
          { requiredKeys: ['p', 'ops'] },
        ),
        fc.oneof(fc.constant({}), fc.record({ nextRetryNumber: fc.oneof(fc.nat(5), json) }), json),
        fc.nat(3),
        async (variables, input, retryCount) => {
          const states = { input, context: { State: { RetryCount: retryCount } } };
          const fast = evaluateFastExpression(tree, { states, variables, functions: {} });
          let engine: unknown;
          try {
            engine = await compiled.evaluate(undefined, { ...variables, states });
          } catch {
            expect(fast).toBe(FALL_BACK);
            return;
          }
          if (fast === FALL_BACK) return;
          answered += 1;
          expect(fast).toStrictEqual(engine);
          expect(JSON.stringify(fast)).toBe(JSON.stringify(engine));
        },
      ),
      { seed: 14, numRuns: 2000 },
    );
    expect(answered).toBeGreaterThan(300);
  });

  it('keys Object.prototype has are own data entries of a prototype-less object, as jsonata makes them', async () => {
    const text = "$merge([$x,{'__proto__':'a','toString':'b','1':'c'},$y,$merge([{'constructor':$x}])])";
    const variables = { x: JSON.parse('{"__proto__":{"a":1},"hasOwnProperty":2,"b":3}') as unknown, y: { valueOf: 4 } };
    const fast = evaluateFastExpression(readFastExpression(text)!, { states: {}, variables, functions: {} });
    const engine = (await jsonata(text).evaluate(undefined, structuredClone(variables))) as unknown;
    expect(Object.getPrototypeOf(fast)).toBeNull();
    expect(findDifference(fast, engine)).toBeUndefined();
    expect(Object.keys(fast as object)).toStrictEqual(['1', '__proto__', 'hasOwnProperty', 'b', 'toString', 'valueOf', 'constructor']);
  });

  it('falls back when a Step Functions function has the name of a variable or of $merge/$sum', () => {
    const tree = readFastExpression('$merge([$partition])')!;
    expect(evaluateFastExpression(tree, { states: {}, variables: {}, functions: { partition: () => 1 } })).toBe(FALL_BACK);
    expect(evaluateFastExpression(readFastExpression('$sum([])')!, { states: {}, variables: {}, functions: { sum: () => 1 } })).toBe(FALL_BACK);
  });
});
