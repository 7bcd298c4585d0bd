import fc from 'fast-check';
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { compileJob } from '../../lib/asl/compile-job.js';
import { compileJsonataAst, evaluateCompiled } from '../../lib/runner/evaluate/compile-expression.js';
import { readExpressionShape } from '../../lib/runner/evaluate/expression-shape.js';
import { listFastReferences, readFastExpression } from '../../lib/runner/evaluate/fast-expression.js';
import { STEP_FUNCTIONS_FUNCTION_NAMES } from '../../lib/runner/evaluate/jsonata-functions.js';
import { FALL_BACK_SIGNAL } from '../../lib/runner/evaluate/jsonata-rules.js';
import { parseJsonata } from '../../lib/runner/evaluate/parse-jsonata.js';
import { buildRunnerJob } from '../../bench/runner-job.js';
import { findDifference } from '../support/jsonata-values.js';

/**
 * The runner's own JSONata parser (lib/runner/evaluate/parse-jsonata.ts) against jsonata's: on
 * random sources (well-formed expressions of every construct the compiler writes and more, and
 * random token sequences, most of them syntax errors), it gives jsonata's very tree (every node,
 * every property, positions included) and the variables that tree names, or nothing, and nothing wherever jsonata reports an error;
 * evaluated, its trees give the engine's values; and it reads every expression of a compiled job.
 */

/** The first difference between two trees: own properties with a defined value, primitives by Object.is. */
function findTreeDifference(actual: unknown, expected: unknown, at = '$'): string | undefined {
  if (Object.is(actual, expected)) return undefined;
  if (actual === null || expected === null || typeof actual !== 'object' || typeof expected !== 'object') return `${at}: ${String(actual)} vs ${String(expected)}`;
  if (Array.isArray(actual) !== Array.isArray(expected)) return `${at}: array vs not`;
  const keysOf = (value: object): string[] =>
    Object.keys(value)
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .sort();
  const [keys, expectedKeys] = [keysOf(actual), keysOf(expected)];
  if (keys.join(',') !== expectedKeys.join(',')) return `${at}: keys ${keys.join(',')} vs ${expectedKeys.join(',')}`;
  for (const key of keys) {
    const difference = findTreeDifference((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key], `${at}.${key}`);
    if (difference !== undefined) return difference;
  }
  return undefined;
}

/** jsonata's tree of a source, or undefined when jsonata reports an error. */
function parseWithJsonata(source: string): unknown {
  try {
    return jsonata(source).ast();
  } catch {
    return undefined;
  }
}

const KEYS = ['a', 'b', 'o', 'Error', 'and', 'in'];
const variable = fc.constantFrom('$x', '$y', '$z', '$', '$__stepops0', '$v12');
const literal = fc.constantFrom("'a'", "''", "'fa\\\"iled'", '"q\\u0041\\n"', '0', '1', '2', '-1', '1.5', '2e3', 'true', 'false', 'null');
const space = fc.constantFrom('', '', '', ' ', '\n', ' \t');
const FUNCTIONS = ['exists', 'count', 'sum', 'keys', 'merge', 'not', 'type', 'string', 'append', 'lookup', 'substring', 'sort', 'parse', 'random', 'floor'];
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
    tie('lambda'),
    tie('binary'),
    tie('condition'),
    tie('block'),
    tie('filtered'),
    tie('spaced'),
  ),
  spaced: fc.tuple(space, tie('node'), space).map(([before, node, after]) => `${before}${String(node)}${after}`),
  step: fc.oneof(
    fc.constantFrom(...KEYS, '*', '`a b`', "'s'"),
    tie('object'),
    tie('array'),
    fc.tuple(fc.constantFrom(...KEYS), tie('predicate')).map(([name, predicate]) => `${name}${String(predicate)}`),
    fc.constantFrom('a#$i', 'a[0]#$i', 'b[]'),
  ),
  path: fc
    .tuple(fc.oneof(variable, fc.constantFrom(...KEYS), tie('array'), tie('filtered')), fc.array(tie('step'), { minLength: 1, maxLength: 3 }))
    .map(([first, steps]) => [first, ...steps].join('.')),
  predicate: fc.oneof(
    fc.constantFrom('[0]', '[1]', '[-1]', '[o]', '[]', "[o='failed']"),
    tie('node').map((inner) => `[${String(inner)}]`),
  ),
  filtered: fc.tuple(fc.oneof(variable, tie('array'), tie('block')), tie('predicate')).map(([base, predicate]) => `${String(base)}${String(predicate)}`),
  array: fc
    .array(
      fc.oneof(
        tie('node'),
        fc.tuple(tie('node'), tie('node')).map(([from, to]) => `${String(from)}..${String(to)}`),
      ),
      { maxLength: 3 },
    )
    .map((items) => `[${items.join(',')}]`),
  object: fc
    .array(fc.tuple(fc.oneof(fc.constantFrom("'k'", "'a'", '"o"'), fc.constantFrom(...KEYS), variable), tie('node')), { maxLength: 3 })
    .map((pairs) => `{${pairs.map(([key, value]) => `${key}:${String(value)}`).join(',')}}`),
  call: fc.tuple(fc.constantFrom(...FUNCTIONS), fc.array(tie('node'), { maxLength: 3 })).map(([name, args]) => `$${name}(${args.join(',')})`),
  lambda: fc.tuple(fc.constantFrom('', '$v', '$v,$k'), tie('node')).map(([parameters, body]) => `function(${parameters}){${String(body)}}`),
  binary: fc.tuple(tie('node'), fc.constantFrom(...OPERATORS), tie('node')).map(([a, operator, b]) => `${String(a)} ${operator} ${String(b)}`),
  condition: fc
    .tuple(tie('node'), tie('node'), fc.option(tie('node'), { nil: undefined }))
    .map(([test, then, otherwise]) => `${String(test)} ? ${String(then)}${otherwise === undefined ? '' : ` : ${otherwise as string}`}`),
  block: fc
    .array(
      fc.oneof(
        tie('node'),
        fc.tuple(variable, tie('node')).map(([name, value]) => `${name} := ${String(value)}`),
      ),
      { minLength: 0, maxLength: 3 },
    )
    .map((items) => `(${items.join(';')})`),
})).node as fc.Arbitrary<string>;

/** Random token sequences: mostly syntax errors, some constructs outside the subset, some well-formed expressions. */
const TOKENS = [
  '$x',
  '$',
  'a',
  'and',
  'in',
  'or',
  '1',
  '-',
  '+',
  '.',
  '..',
  ',',
  ';',
  ':',
  ':=',
  '?',
  '?:',
  '??',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '#',
  '@',
  '%',
  '*',
  '**',
  '/',
  '/*c*/',
  '~>',
  '^',
  '|',
  '!',
  '!=',
  '~',
  '=',
  '<',
  '>',
  "'s'",
  '"t"',
  '"\\q"',
  "'open",
  '`b`',
  '`open',
  'function',
  'λ',
  'true',
  'null',
  ' ',
  '1e999',
  '0x1',
];
const tokenSoup = fc.array(fc.constantFrom(...TOKENS), { minLength: 1, maxLength: 9 }).map((tokens) => tokens.join(''));

/** The variables a tree names: its variable nodes (a lambda's parameters among them) and its `#$name` index bindings, `$` aside. */
function listTreeVariables(tree: unknown, names = new Set<string>()): Set<string> {
  if (tree === null || typeof tree !== 'object') return names;
  const node = tree as { type?: unknown; value?: unknown; index?: unknown };
  if (node.type === 'variable' && typeof node.value === 'string' && node.value !== '') names.add(node.value);
  if ((node.type === 'index' && typeof node.value === 'string') || typeof node.index === 'string') names.add((node.type === 'index' ? node.value : node.index) as string);
  for (const value of Object.values(tree)) listTreeVariables(value, names);
  return names;
}

function checkSource(source: string): 'same' | 'left' | 'error' {
  const theirs = parseWithJsonata(source);
  const mine = parseJsonata(source);
  if (theirs === undefined) {
    expect(mine, `${JSON.stringify(source)}: jsonata reports an error, so the port reads nothing`).toBeUndefined();
    return 'error';
  }
  if (mine === undefined) return 'left';
  expect(findTreeDifference(mine.tree, theirs), JSON.stringify(source)).toBeUndefined();
  expect([...mine.variables].sort(), JSON.stringify(source)).toStrictEqual([...listTreeVariables(theirs)].sort());
  expect(new Set(mine.variables).size).toBe(mine.variables.length);
  return 'same';
}

describe("the runner's JSONata parser gives jsonata's tree or nothing", () => {
  it('on random expressions: the same tree, property for property, positions included, or nothing (fixed seed)', () => {
    const counts = { same: 0, left: 0, error: 0 };
    fc.assert(
      fc.property(expression, (source) => {
        counts[checkSource(source)] += 1;
      }),
      { seed: 14, numRuns: 2000 },
    );
    // Most generated sources parse; a few are errors (a number or `true` as a path step, S0213).
    expect(counts.same).toBeGreaterThan(1600);
    expect(counts.left).toBe(0);
  });

  it('on random token sequences: nothing wherever jsonata reports an error, its tree or nothing elsewhere (fixed seed)', () => {
    const counts = { same: 0, left: 0, error: 0 };
    fc.assert(
      fc.property(tokenSoup, (source) => {
        counts[checkSource(source)] += 1;
      }),
      { seed: 14, numRuns: 4000 },
    );
    expect(counts.error).toBeGreaterThan(2000);
    expect(counts.same).toBeGreaterThan(200);
    expect(counts.left).toBeGreaterThan(10);
  });

  it.each([
    ['a regular expression', '$match($x, /a+/i)'],
    ['a comment', '$x /* note */ + 1'],
    ['the parent operator', '$x.a.%.b'],
    ['descendants', '$x.**.a'],
    ['a focus binding', '$x@$y.a'],
    ['order-by', '$x^(>a)'],
    ['function application', '$x ~> $string'],
    ['elvis', '$x ?: 1'],
    ['coalescing', '$x ?? 1'],
    ['a transform', '| a | {"b": 1} |'],
    ['partial application', '$substring(?, 0, 2)'],
    ['a signature', 'function($a)<n:n>{$a}'],
  ])('leaves %s to jsonata (which parses it): %s', (_construct, source) => {
    expect(parseWithJsonata(source)).toBeDefined();
    expect(parseJsonata(source)).toBeUndefined();
  });

  it('reads every expression of a compiled job, and the shape of each, as jsonata does', () => {
    const compiled = compileJob(buildRunnerJob(300), { maxDefinitionCharacters: 200_000 });
    const sources = new Set<string>();
    const collect = (value: unknown): void => {
      if (typeof value === 'string') {
        if (value.startsWith('{%') && value.endsWith('%}')) sources.add(value.slice(2, -2));
      } else if (value !== null && typeof value === 'object') for (const item of Object.values(value)) collect(item);
    };
    collect(compiled.definition);
    collect(compiled.childDefinitions);
    expect(compiled.childDefinitions.length).toBeGreaterThan(0);
    const shaped = [...sources].map((source) => readExpressionShape(source, STEP_FUNCTIONS_FUNCTION_NAMES)?.source).filter((source) => source !== undefined);
    expect(sources.size).toBeGreaterThan(1000);
    // A payload shape evaluated without the engine names the same `$names` as the source's text does.
    for (const source of sources) {
      const node = readFastExpression(source);
      if (node !== undefined) expect(listFastReferences(node), source).toStrictEqual([...new Set(Array.from(source.matchAll(/\$([A-Za-z_]\w*)/g), (match) => match[1]))]);
    }
    for (const source of [...sources, ...shaped]) {
      const mine = parseJsonata(source);
      expect(mine, source).toBeDefined();
      expect(findTreeDifference(mine?.tree, jsonata(source).ast()), source).toBeUndefined();
    }
  });
});

const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, true, false, 0, 1, 2, -1, 1.5, 'x', '', 'failed', 'a'),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'o', 'Error', 'in'), tie('value'), { maxKeys: 3 }),
  ),
})).value;

describe("expressions compiled from the runner's trees give the engine's values", () => {
  it('on random expressions and random bindings: the engine’s value, or a fall-back; a fall-back wherever the engine fails (fixed seed)', async () => {
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(expression, fc.record({ x: json, y: json, z: json }, { requiredKeys: [] }), async (source, bound) => {
        const parsed = parseJsonata(source);
        if (parsed === undefined) return;
        const compiled = compileJsonataAst(parsed.tree);
        if (compiled === undefined) return;
        let value: unknown;
        try {
          value = evaluateCompiled(compiled, structuredClone(bound));
        } catch (error) {
          expect(error, source).toBe(FALL_BACK_SIGNAL);
          return;
        }
        let expected: unknown;
        try {
          expected = await jsonata(source).evaluate(undefined, structuredClone(bound));
        } catch (error) {
          expect.fail(`${source} with ${JSON.stringify(bound)}: compiled gave ${JSON.stringify(value)}, the engine failed with ${String((error as { code?: unknown }).code)}`);
        }
        answered += 1;
        expect(findDifference(value, expected), `${source} with ${JSON.stringify(bound)}`).toBeUndefined();
      }),
      { seed: 14, numRuns: 2000 },
    );
    expect(answered).toBeGreaterThan(500);
  });
});
