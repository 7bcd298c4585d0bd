import { describe, expect, it } from 'vitest';
import { renumberParallels } from '../../lib/asl/child-cache.js';

describe('renumberParallels moves every Parallel number of a child and nothing else', () => {
  const cases: readonly (readonly [string, string, number, string])[] = [
    [
      'a Parallel state as a key, StartAt and Next',
      '{"parallel-3":{"Type":"Parallel"},"a":{"Next":"parallel-3"},"StartAt":"parallel-12"}',
      2,
      '{"parallel-5":{"Type":"Parallel"},"a":{"Next":"parallel-5"},"StartAt":"parallel-14"}',
    ],
    ['moved down', '{"Default":"parallel-10"}', -7, '{"Default":"parallel-3"}'],
    [
      'its failure list as assigned and as read',
      '{"Assign":{"v1_1":["{% $x %}"],"f4":"{% $append([],[$states.result[0].f]) %}"},"Output":"{% [$v2,$f4][o] %}"}',
      1,
      '{"Assign":{"v1_1":["{% $x %}"],"f5":"{% $append([],[$states.result[0].f]) %}"},"Output":"{% [$v2,$f5][o] %}"}',
    ],
    ['a failure list read last in an expression', '"{% $append([],[$f7]) %}"', 3, '"{% $append([],[$f10]) %}"'],
    ['an op Task named f4 keeps its name', '{"f4":{"Type":"Task","Next":"f4-w"},"f4-w":{"Next":"f4"}}', 5, '{"f4":{"Type":"Task","Next":"f4-w"},"f4-w":{"Next":"f4"}}'],
    ['other variables starting with f: $fn, $floor, $f4x', '"{% $fn & $floor(1) & $f4x & $states.result.f %}"', 5, '"{% $fn & $floor(1) & $f4x & $states.result.f %}"'],
    ['an op helper state of a long name ending in -w-<index> is no Parallel', '{"parallelx-w-12":{"Next":"parallelx-w-12"}}', 5, '{"parallelx-w-12":{"Next":"parallelx-w-12"}}'],
    ['an op name in an expression string is no state name', "\"{% 'parallel' & 'f4' %}\"", 5, "\"{% 'parallel' & 'f4' %}\""],
    ['delta 0 leaves the text as it is', '{"parallel-3":{}}', 0, '{"parallel-3":{}}'],
  ];
  for (const [name, text, delta, expected] of cases) {
    it(name, () => {
      expect(renumberParallels(text, delta)).toBe(expected);
    });
  }
});
