import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { bindShapeSlots, JSONATA_FUNCTION_NAMES, readExpressionShape, SLOT_PREFIX } from '../../lib/runner/evaluate/expression-shape.js';
import { STEP_FUNCTIONS_FUNCTION_NAMES } from '../../lib/runner/evaluate/jsonata-functions.js';

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
