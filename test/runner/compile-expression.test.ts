import fc from 'fast-check';
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { compileJsonataAst, evaluateCompiled } from '../../lib/runner/evaluate/compile-expression.js';
import { FALL_BACK_SIGNAL } from '../../lib/runner/evaluate/jsonata-rules.js';
import { findDifference } from '../support/jsonata-values.js';

/**
 * Compiled expressions (lib/runner/evaluate/compile-expression.ts) against the jsonata engine:
 * on random expressions of the compiled subset and random bindings, a compiled expression gives
 * exactly the engine's value (deep: undefined, prototypes, key order, and the flags jsonata keeps
 * on arrays) or falls back; where the engine throws, it always falls back (so the engine
 * reports its own error code and message).
 */

const KEYS = ['a', 'b', 'o'];
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, true, false, 0, 1, 2, -1, 1.5, -2.25, 'x', '', 'failed', 'a'),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 3 }),
  ),
})).value;

const variable = fc.constantFrom('$x', '$y', '$z', '$');
const literal = fc.constantFrom("'a'", "''", "'failed'", '0', '1', '2', '-1', '1.5', 'true', 'false', 'null');
const FUNCTIONS_1 = ['exists', 'count', 'sum', 'keys', 'merge', 'not', 'boolean', 'type'];
const OPERATORS = ['and', 'or', '=', '!=', '<', '<=', '>', '>=', '+', '-', '*', '/', '%', '&', 'in'];

const expression: fc.Arbitrary<string> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    literal,
    variable,
    tie('path'),
    tie('array'),
    tie('object'),
    tie('call'),
    tie('binary'),
    tie('condition'),
    tie('block'),
    tie('filtered'),
  ),
  step: fc.oneof(
    fc.constantFrom(...KEYS, '*', '`a`'),
    tie('object'),
    fc.tuple(fc.constantFrom(...KEYS), tie('predicate')).map(([name, predicate]) => `${name}${String(predicate)}`),
  ),
  path: fc
    .tuple(fc.oneof(variable, fc.constantFrom(...KEYS), tie('array')), fc.array(tie('step'), { minLength: 1, maxLength: 3 }))
    .map(([first, steps]) => [first, ...steps].join('.')),
  predicate: fc.oneof(
    fc.constantFrom('[0]', '[1]', '[-1]', '[0.5]', '[a]', '[o]'),
    tie('node').map((inner) => `[${String(inner)}]`),
  ),
  filtered: fc.tuple(fc.oneof(variable, tie('array')), tie('predicate')).map(([base, predicate]) => `${String(base)}${String(predicate)}`),
  array: fc.array(tie('node'), { maxLength: 3 }).map((items) => `[${items.join(',')}]`),
  object: fc
    .array(fc.tuple(fc.oneof(fc.constantFrom("'k'", "'a'", "'o'"), fc.constantFrom(...KEYS)), tie('node')), { maxLength: 3 })
    .map((pairs) => `{${pairs.map(([key, value]) => `${key}:${String(value)}`).join(',')}}`),
  call: fc.oneof(
    fc.tuple(fc.constantFrom(...FUNCTIONS_1), tie('node')).map(([name, argument]) => `$${name}(${String(argument)})`),
    fc.tuple(tie('node'), tie('node')).map(([a, b]) => `$append(${String(a)},${String(b)})`),
    fc.tuple(tie('node'), fc.constantFrom("'a'", "'o'", '1')).map(([a, key]) => `$lookup(${String(a)},${key})`),
    fc
      .tuple(tie('node'), fc.constantFrom('$v', '$v,$k', '$v,$k,$o'), tie('node'))
      .map(([a, parameters, body]) => `$sift(${String(a)},function(${parameters}){${String(body).replaceAll('$z', '$v').replaceAll('$y', '$k')}})`),
    fc
      .tuple(tie('node'), fc.constantFrom('0', '1', '-2', '1.5'), fc.option(fc.constantFrom('0', '2', '-1'), { nil: undefined }))
      .map(([text, start, length]) => `$substring(${String(text)},${start}${length === undefined ? '' : `,${length}`})`),
  ),
  binary: fc.tuple(tie('node'), fc.constantFrom(...OPERATORS), tie('node')).map(([a, operator, b]) => `(${String(a)} ${operator} ${String(b)})`),
  condition: fc
    .tuple(tie('node'), tie('node'), fc.option(tie('node'), { nil: undefined }))
    .map(([test, then, otherwise]) => `(${String(test)} ? ${String(then)}${otherwise === undefined ? '' : ` : ${otherwise as string}`})`),
  block: fc.tuple(tie('node'), tie('node')).map(([value, body]) => `($v := ${String(value)}; ${String(body).replaceAll('$z', '$v')})`),
})).node as fc.Arbitrary<string>;

const bindings = fc.record({ x: json, y: json, z: json }, { requiredKeys: [] });

/** The engine's value or error code, and the compiled value or FALL_BACK_SIGNAL, on copies of the same bindings. */
async function evaluateBoth(source: string, bound: Record<string, unknown>): Promise<{ engine: { value?: unknown; code?: string }; compiled: unknown } | undefined> {
  let parsed: jsonata.Expression;
  try {
    parsed = jsonata(source);
  } catch {
    return undefined; // not an expression (the generator may build one jsonata does not parse)
  }
  const compiledExpression = compileJsonataAst(parsed.ast());
  expect(compiledExpression, source).toBeDefined();
  let compiled: unknown;
  try {
    compiled = evaluateCompiled(compiledExpression!, structuredClone(bound));
  } catch (error) {
    expect(error, `${source}: only the fall-back signal is thrown`).toBe(FALL_BACK_SIGNAL);
    compiled = FALL_BACK_SIGNAL;
  }
  try {
    return { engine: { value: (await parsed.evaluate(undefined, structuredClone(bound))) as unknown }, compiled };
  } catch (error) {
    return { engine: { code: String((error as { code?: unknown }).code) }, compiled };
  }
}

describe('compiled JSONata expressions give what the engine gives', () => {
  it('on random expressions of the subset and random bindings, the same value or a fall-back; never a value where the engine fails (fixed seed)', async () => {
    let answered = 0;
    let engineErrors = 0;
    await fc.assert(
      fc.asyncProperty(expression, bindings, async (source, bound) => {
        const both = await evaluateBoth(source, bound);
        if (both === undefined) return;
        if (both.engine.code !== undefined) {
          engineErrors += 1;
          expect(both.compiled, `${source} fails in the engine with ${both.engine.code}`).toBe(FALL_BACK_SIGNAL);
          return;
        }
        if (both.compiled === FALL_BACK_SIGNAL) return;
        answered += 1;
        expect(findDifference(both.compiled, both.engine.value), `${source} with ${JSON.stringify(bound)}`).toBeUndefined();
      }),
      { seed: 14, numRuns: 4000 },
    );
    expect(answered).toBeGreaterThan(2000);
    expect(engineErrors).toBeGreaterThan(50);
  });

  it.each([
    ['$append([],[$x,$y][o])', { x: [{ o: 'failed' }], y: { o: 'ok' } }],
    ["($e:=($x.a)[0];'v' in $keys($e)?$e.v:$e)", { x: { a: [{ v: { n: 1 } }] } }],
    ["$x.{'o':'failed','error':a,'cause':$substring(b,0,3)}", { x: { a: 'E', b: 'a long cause' } }],
    ['$exists([$x,$y].*[o])', { x: { o: 1 }, y: {} }],
    ['$x.a[1].b', { x: { a: [{ b: 1 }, { b: [2, 3] }] } }],
    ["{'v':[$x.a[0]]}", { x: { a: [[1, 2]] } }],
    ['$x.a', { x: [{ a: 1 }, { a: [2, 3] }] }],
    [
      "($q:=$x;$n:={'a':1};$merge([$sift($q,function($v,$k){$exists($lookup($n,$k))}),{'f':$append([],$sift($q,function($v,$k){$not($exists($lookup($n,$k)))}).*[o])}]))",
      { x: { a: [1], b: [{ o: 'failed' }], c: [{ o: 'ok' }] } },
    ],
  ] as const)('the compiler’s shapes: %s', async (source, bound) => {
    const both = await evaluateBoth(source, bound);
    expect(both?.compiled).not.toBe(FALL_BACK_SIGNAL);
    expect(findDifference(both?.compiled, both?.engine.value)).toBeUndefined();
  });

  it.each([
    ["{'__proto__':$x,'toString':1,'1':2,'constructor':'c'}", { x: { a: 1 } }],
    ["$merge([$x,{'hasOwnProperty':1}])", { x: JSON.parse('{"__proto__":{"a":1},"toString":"t","b":2}') as unknown }],
    ["$sift($x,function($v,$k){$k!='b'})", { x: JSON.parse('{"__proto__":1,"valueOf":2,"b":3}') as unknown }],
  ] as const)('keys Object.prototype has are own data entries of a prototype-less object, as the engine makes them: %s', async (source, bound) => {
    const both = await evaluateBoth(source, bound);
    expect(both?.compiled).not.toBe(FALL_BACK_SIGNAL);
    expect(Object.getPrototypeOf(both?.compiled)).toBeNull();
    expect(findDifference(both?.compiled, both?.engine.value)).toBeUndefined();
  });

  it.each([
    'function($a){$a}',
    '$sift($x, $f)',
    '$sift($x, function($v)<x:b>{true})',
    '$x ~> $string',
    '$x^(a)',
    '$x#$i',
    '$x@$y',
    '$x[]',
    '$sort($x)',
    '$x.**.a',
    '[1..3]',
    '/a/',
    '$random()',
    '$x{a: b}',
    '$v := 1',
  ])('%s is not compiled (left to the engine)', (source) => {
    expect(compileJsonataAst(jsonata(source).ast())).toBeUndefined();
  });

  it('falls back where a name the expression calls is bound (a variable or a Step Functions function of that name)', () => {
    const compiledExpression = compileJsonataAst(jsonata('$count($x)').ast())!;
    expect(evaluateCompiled(compiledExpression, { x: [1, 2] })).toBe(2);
    let thrown: unknown;
    try {
      evaluateCompiled(compiledExpression, { x: [1, 2], count: () => 7 });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBe(FALL_BACK_SIGNAL);
  });
});
