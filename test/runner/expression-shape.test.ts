import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { bindShapeSlots, JSONATA_FUNCTION_NAMES, readExpressionShape, SLOT_PREFIX } from '../../lib/runner/evaluate/expression-shape.js';
import { STEP_FUNCTIONS_FUNCTION_NAMES } from '../../lib/runner/evaluate/jsonata-functions.js';
import { runStateMachine } from '../../lib/runner/index.js';

const MARKER = "$states.errorOutput.{'o':'failed','op':'op37','error':Error,'cause':$substring(Cause,0,$mc)}";

describe('expression shapes: what varies from op to op becomes a variable', () => {
  it.each([
    {
      source: ` ${MARKER} `,
      shape: `$states.errorOutput.{'o':$${SLOT_PREFIX}0,'op':$${SLOT_PREFIX}1,'error':Error,'cause':$substring(Cause,0,$mc)}`,
      slots: [
        { kind: 'literal', value: 'failed' },
        { kind: 'literal', value: 'op37' },
      ],
    },
    {
      source: "($e:=$v148[0];'v' in $keys($e)?$e.v:$e)",
      shape: `($e:=$${SLOT_PREFIX}0[0];'v' in $keys($e)?$e.v:$e)`,
      slots: [{ kind: 'variable', name: 'v148' }],
    },
    {
      source: '$append([],[$v652_3,$states.result[1].f,$v652_3,$f11][o])',
      shape: `$append([],[$${SLOT_PREFIX}0,$states.result[1].f,$${SLOT_PREFIX}0,$${SLOT_PREFIX}1][o])`,
      slots: [
        { kind: 'variable', name: 'v652_3' },
        { kind: 'variable', name: 'f11' },
      ],
    },
    {
      source: "($e:=($r8.v930)[0];'v' in $keys($e)?$e.v:$e)",
      shape: `($e:=($${SLOT_PREFIX}0)[0];'v' in $keys($e)?$e.v:$e)`,
      slots: [{ kind: 'path', name: 'r8', fields: ['v930'] }],
    },
    {
      source: '[$r8.v930 ,$r8.v930,$r8.a.b,$r8]',
      shape: `[$${SLOT_PREFIX}0 ,$${SLOT_PREFIX}0,$${SLOT_PREFIX}1,$${SLOT_PREFIX}2]`,
      slots: [
        { kind: 'path', name: 'r8', fields: ['v930'] },
        { kind: 'path', name: 'r8', fields: ['a', 'b'] },
        { kind: 'variable', name: 'r8' },
      ],
    },
  ])('reads $source', ({ source, shape, slots }) => {
    expect(readExpressionShape(source, STEP_FUNCTIONS_FUNCTION_NAMES)).toStrictEqual({ source: shape, slots });
  });

  it.each([
    ['nothing varies', "$states.input.{'a':b}"],
    ['double quotes', `{"a":'x'}`],
    ['an escape', "{'a':'it\\'s'}"],
    ['a backtick name', "$ops.`op1`.{'a':'x'}"],
    ['a division or regex', "{'a':$v1/2}"],
    ['a comment', "/* c */{'a':'x'}"],
    ['a lambda', "function($v1){{'a':$v1}}"],
    ['a chain', '$v1~>$string()'],
    ['a positional binding', '$a#$v1.{$v1:1}'],
    ['a focus binding', '$a@$v1.{$v1:1}'],
    ['the slot prefix', `{'a':$${SLOT_PREFIX}0}`],
    ['an unterminated literal', "{'a':'x}"],
  ])('leaves a source with %s as it is', (_, source) => {
    expect(readExpressionShape(source, STEP_FUNCTIONS_FUNCTION_NAMES)).toBeUndefined();
  });

  it.each([
    ['assigned', '($v1:=1;[$v1,$v2])', `($v1:=1;[$v1,$${SLOT_PREFIX}0])`],
    ['called', '[$v1(),$v2]', `[$v1(),$${SLOT_PREFIX}0]`],
    ['a jsonata function', '[$base64encode,$v2]', `[$base64encode,$${SLOT_PREFIX}0]`],
    ['without a digit', '[$mc,$v2]', `[$mc,$${SLOT_PREFIX}0]`],
    ['running on into a longer name', '[$v1é,$v2]', `[$v1é,$${SLOT_PREFIX}0]`],
    ['called or assigned across whitespace', '[$v1 (),($v2 := 1),$v3]', `[$v1 (),($v2 := 1),$${SLOT_PREFIX}0]`],
    ['not in value position', "{'a': 'x' ,'b':'y'.c,'d':'e'}", `{'a': $${SLOT_PREFIX}0 ,'b':'y'.c,'d':$${SLOT_PREFIX}1}`],
    ['a key or an argument', "$lookup({'a':'x'},'a')", `$lookup({'a':$${SLOT_PREFIX}0},'a')`],
    ['a step of a longer path', '$x.$r8.v1', `$x.$${SLOT_PREFIX}0.v1`],
    ['a path with a predicate', '$r8.v1[0]', `$${SLOT_PREFIX}0.v1[0]`],
    ['a path with a predicate after whitespace', '($r8.v1 [0])', `($${SLOT_PREFIX}0.v1 [0])`],
    ['a path with a keyword step', '($r8.v1.and)', `($${SLOT_PREFIX}0.v1.and)`],
    ['a path running on into a longer name', '($r8.v1é)', `($${SLOT_PREFIX}0.v1é)`],
    ['a path called', '($r8.v1(1))', `($${SLOT_PREFIX}0.v1(1))`],
    ['a path followed by an operator', '($r8.v1=1)', `($${SLOT_PREFIX}0.v1=1)`],
    ['a path with whitespace before its dot', '($r8 .v1)', `($${SLOT_PREFIX}0 .v1)`],
  ])('keeps a name or literal that is %s', (_, source, shape) => {
    expect(readExpressionShape(source, STEP_FUNCTIONS_FUNCTION_NAMES)?.source).toBe(shape);
  });

  it('knows every function the installed jsonata binds', () => {
    const main = createRequire(import.meta.url).resolve('jsonata');
    const bound = [...readFileSync(main, 'utf8').matchAll(/\b(?:staticFrame|environment)\.bind\('([A-Za-z0-9]+)'/g)].map((match) => match[1]!);
    expect(bound.length).toBeGreaterThan(60);
    expect(bound.filter((name) => !JSONATA_FUNCTION_NAMES.has(name))).toStrictEqual([]);
  });
});

/** Sources built from the compiler's pieces: literals in value position, variables with and without digits, paths, calls, conditions, blocks. */
const VARIABLES = ['v1', 'v2_3', 'f1', 'mc', 'e', 'keys', 'sum', 'x9'];
const literal = fc.constantFrom("'failed'", "'op37'", "''", "'v'", "'a b'");
const variable = fc.constantFrom(...VARIABLES).map((name) => `$${name}`);
const source = fc
  .letrec((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      literal,
      variable,
      fc.constantFrom('Error', 'Cause', '$states.errorOutput', '$states.result[0].f', '$states.input.n', '0', '1', 'true', 'null'),
      tie('object'),
      tie('array'),
      tie('call'),
      tie('condition'),
      tie('block'),
      tie('path'),
    ),
    object: fc
      .uniqueArray(fc.tuple(fc.constantFrom('o', 'op', 'error', 'cause'), fc.oneof(literal, tie('node'))), { maxLength: 3, selector: ([key]) => key })
      .map((pairs) => `{${pairs.map(([key, value]) => `'${key}':${String(value)}`).join(',')}}`),
    array: fc.array(tie('node'), { maxLength: 3 }).map((items) => `[${items.join(',')}]`),
    call: fc.oneof(
      tie('node').map((value) => `$substring(${String(value)},0,$mc)`),
      fc.tuple(tie('array'), fc.constantFrom('[o]', '[0]', '')).map(([items, predicate]) => `$append([],${String(items)}${predicate})`),
      tie('node').map((value) => `$exists(${String(value)})`),
      tie('node').map((value) => `$keys(${String(value)})`),
    ),
    condition: fc.tuple(tie('node'), tie('node'), fc.oneof(literal, tie('node'))).map(([test, yes, no]) => `${String(test)}?${String(yes)}:${String(no)}`),
    block: fc.tuple(variable, tie('node')).map(([name, value]) => `($e:=${name}[0];'v' in $keys($e)?$e.v:${String(value)})`),
    path: fc.tuple(fc.oneof(variable, fc.constant('$states.errorOutput')), tie('object')).map(([base, object]) => `${base}.${String(object)}`),
  }))
  .node.map(String);

const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, true, false, 0, 2, 'x', '', 'failed'),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('o', 'v', 'op', 'f', 'Error', 'Cause'), tie('value'), { maxKeys: 3 }),
  ),
})).value;

const bindings = fc.record(
  {
    ...Object.fromEntries(VARIABLES.map((name) => [name, json])),
    mc: fc.oneof(fc.nat(5), json),
    states: fc.record({
      errorOutput: fc.oneof(fc.record({ Error: fc.constantFrom('E', 'stepops.Failed'), Cause: fc.string({ maxLength: 8 }) }), json),
      result: json,
      input: json,
    }),
  },
  { requiredKeys: ['states'] },
);

/** The value of an evaluation, or its error as the runner reports it (code and message). */
async function settle(expression: jsonata.Expression, bound: Record<string, unknown>): Promise<{ value?: unknown; error?: string }> {
  try {
    return { value: await expression.evaluate(undefined, bound) };
  } catch (error) {
    const e = error as { code?: string; message?: string };
    return { error: `${e.code}: ${e.message}` };
  }
}

describe('a shape evaluates as its source does', () => {
  it('the same values and the same errors, on random sources and bindings (fixed seed)', async () => {
    let shaped = 0;
    await fc.assert(
      fc.asyncProperty(source, bindings, async (text, bound) => {
        const shape = readExpressionShape(text, STEP_FUNCTIONS_FUNCTION_NAMES);
        if (shape === undefined) return;
        shaped += 1;
        let original: jsonata.Expression;
        try {
          original = jsonata(text);
        } catch {
          expect(() => jsonata(shape.source)).toThrow();
          return;
        }
        // As the runner binds a shape: the names it still mentions, then its slots.
        const shapeBindings: Record<string, unknown> = {};
        for (const [name, value] of Object.entries(bound)) if (shape.source.includes(`$${name}`)) shapeBindings[name] = value;
        bindShapeSlots(shape.slots, bound, shapeBindings);
        const [expected, actual] = [await settle(original, bound), await settle(jsonata(shape.source), shapeBindings)];
        expect(actual).toStrictEqual(expected);
        expect(JSON.stringify(actual.value)).toBe(JSON.stringify(expected.value));
      }),
      { seed: 14, numRuns: 2500 },
    );
    expect(shaped).toBeGreaterThan(800);
  });
});

/** Sources in which a variable with field steps stands alone: the compiler's `($e:=($r8.v930)[0];...)` and its neighbours. */
const pathSource = fc
  .tuple(
    fc.constantFrom('v1', 'v2_3', 'x9'),
    fc.array(fc.constantFrom('v', 'f', 'o', 'toString', 'length', 'v930'), { minLength: 1, maxLength: 3 }),
    fc.constantFrom("($e:=(P)[0];'v' in $keys($e)?$e.v:$e)", '(P)[0]', '[P]', '[P,$v1]', "{'a':P}", '$exists(P)', '$count(P)', '($e:=P;$e)', "$states.input.{'k':P}", 'P'),
  )
  .map(([name, fields, context]) => context.replace('P', `$${name}.${fields.join('.')}`));

/** Values where jsonata's paths differ from plain field reads: arrays mapped, nested, empty, a JSONata sequence. */
const pathValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, true, 0, 'x', '', undefined),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.array(tie('value'), { maxLength: 3 }).map((items) => Object.assign(items, { sequence: true })),
    fc.dictionary(fc.constantFrom('v', 'f', 'o', 'length', 'v930'), tie('value'), { maxKeys: 3 }),
  ),
})).value;

describe('a path slot evaluates as the path does', () => {
  it('the same values and errors, or the source is evaluated as it is (fixed seed)', async () => {
    let bound = 0;
    await fc.assert(
      fc.asyncProperty(
        pathSource,
        fc.record({ v1: pathValue, v2_3: pathValue, x9: pathValue, states: fc.record({ input: pathValue }) }, { requiredKeys: [] }),
        async (text, values) => {
          const shape = readExpressionShape(text, STEP_FUNCTIONS_FUNCTION_NAMES);
          expect(shape?.slots.some((slot) => slot.kind === 'path')).toBe(true);
          const shapeBindings: Record<string, unknown> = {};
          for (const [name, value] of Object.entries(values)) if (shape!.source.includes(`$${name}`)) shapeBindings[name] = value;
          if (!bindShapeSlots(shape!.slots, values, shapeBindings)) return;
          bound += 1;
          const [expected, actual] = [await settle(jsonata(text), values), await settle(jsonata(shape!.source), shapeBindings)];
          expect(actual).toStrictEqual(expected);
          expect(JSON.stringify(actual.value)).toBe(JSON.stringify(expected.value));
        },
      ),
      { seed: 14, numRuns: 2000 },
    );
    expect(bound).toBeGreaterThan(500);
  });

  it.each([
    ['an array being mapped', [{ v: 1 }, { v: 2 }]],
    ['a JSONata sequence', Object.assign([{ v: 1 }], { sequence: true })],
    ['an inherited property', Object.create({ v: 1 }) as unknown],
    ['a string', 'x'],
    ['null', null],
  ])('leaves the source to be evaluated as it is for %s', (_, value) => {
    const shape = readExpressionShape('($v1.v)', STEP_FUNCTIONS_FUNCTION_NAMES)!;
    expect(bindShapeSlots(shape.slots, { v1: value }, {})).toBe(false);
  });

  it('leaves the slot unbound where the path gives nothing', () => {
    const shape = readExpressionShape('[$v1.v.f,$v2.v]', STEP_FUNCTIONS_FUNCTION_NAMES)!;
    const bindings: Record<string, unknown> = {};
    expect(bindShapeSlots(shape.slots, { v1: { v: {} } }, bindings)).toBe(true);
    expect(bindings).toStrictEqual({});
  });
});

describe('the runner with a path slot', () => {
  const outputOf = async (r8: unknown, expression: string): Promise<unknown> => {
    const result = await runStateMachine({
      QueryLanguage: 'JSONata',
      StartAt: 'Set',
      States: { Set: { Type: 'Pass', Assign: { r8 }, Next: 'Read' }, Read: { Type: 'Pass', Output: { value: `{% ${expression} %}` }, End: true } },
    });
    expect(result.status).toBe('SUCCEEDED');
    return result.output;
  };
  const BLOCK = "($e:=($r8.v930)[0];'v' in $keys($e)?$e.v:$e)";

  it.each([
    ['an object', { v930: [{ v: 4 }] }],
    ['an array it maps over (the source as it is)', [{ v930: [{ v: 1 }] }, { v930: [{ v: 2 }] }]],
    ['an object whose field holds a number', { v930: [5] }],
    ['an array of arrays (the source as it is)', [[{ v930: [{ v: 3 }] }]]],
  ])("gives jsonata's value when the variable is %s", async (_, r8) => {
    const expected: unknown = await jsonata(BLOCK).evaluate(undefined, { r8 });
    expect(expected).toBeDefined();
    expect(await outputOf(r8, BLOCK)).toStrictEqual({ value: expected });
  });
});
