import { describe, expect, it } from 'vitest';
import { copyAsJson } from '../../lib/runner/states/json-copy.js';

/** What the handler got before: the value parsed from its JSON. */
const roundTrip = (value: unknown): unknown => JSON.parse(JSON.stringify(value) ?? 'null') as unknown;
const copy = (value: unknown): unknown => copyAsJson(value, JSON.stringify(value) ?? 'null');

describe('copyAsJson: a Task handler gets its arguments as parsed from their JSON', () => {
  const nullPrototype = Object.assign(Object.create(null) as Record<string, unknown>, { b: 1, a: [2] });
  const cases: [string, unknown][] = [
    ['plain data', { FunctionName: 'f', Payload: { n: 1, s: 'x', t: true, z: null, list: [1, 'a', [null]], nested: { k: {} } } }],
    ['integer-like keys first, as JSON writes them', { b: 1, 2: 'two', a: 3, 1: 'one' }],
    ['-0, NaN and Infinity', { zero: -0, nan: Number.NaN, inf: Number.POSITIVE_INFINITY, list: [-0, Number.NaN, Number.NEGATIVE_INFINITY] }],
    ['undefined, functions and symbols: left out of objects, null in arrays', { u: undefined, f: () => 1, s: Symbol('s'), list: [undefined, () => 1, Symbol('t')] }],
    ['holes in arrays', [1, , 3]], // eslint-disable-line no-sparse-arrays
    ['a null-prototype object', nullPrototype],
    ['a Date (toJSON)', { at: new Date(Date.UTC(2026, 0, 1)) }],
    ['an object with its own toJSON', { inner: { toJSON: () => ({ replaced: true }) } }],
    [
      'a class instance',
      {
        inner: new (class Point {
          x = 1;
          y = 2;
        })(),
      },
    ],
    ['a Map', { inner: new Map([[1, 2]]) }],
    ['a __proto__ key', JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as unknown],
    ['an array with extra properties (a JSONata sequence)', Object.assign([1, 2], { sequence: true })],
    ['a string, a number, null', 'text'],
    ['lone surrogates', { s: '\ud800x\udfff' }],
  ];
  for (const [name, value] of cases) {
    it(name, () => {
      const copied = copy(value);
      expect(JSON.stringify(copied)).toBe(JSON.stringify(roundTrip(value)));
      expect(copied).toStrictEqual(roundTrip(value));
      if (typeof copied === 'object' && copied !== null) {
        expect(copied).not.toBe(value);
        expect(Object.keys(copied)).toEqual(Object.keys(roundTrip(value) as object));
      }
    });
  }

  it('copies every object and array: changing the copy leaves the value alone', () => {
    const shared = { k: 1 };
    const value = { a: shared, b: shared, list: [shared] };
    const copied = copy(value) as { a: { k: number }; b: { k: number }; list: { k: number }[] };
    copied.a.k = 2;
    expect(copied.b.k).toBe(1);
    expect(copied.list[0]).not.toBe(shared);
    expect(shared.k).toBe(1);
  });
});
