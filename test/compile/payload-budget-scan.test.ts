import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countSlots, measureField, OP_VARIABLE } from '../../lib/asl/payload-budget.js';

/** What planPayloadBudget did before measureField: scan the field's JSON text for op variables. */
function collectOpsFromJson(template: unknown, opNames: readonly string[]): string[] {
  const into = new Set<string>();
  if (template !== undefined) for (const match of JSON.stringify(template).matchAll(OP_VARIABLE)) into.add(opNames[Number(match[1])] ?? `v${match[1]}`);
  return [...into];
}

const OP_NAMES = ['extract', 'transform', 'load', 'op3'];

/** Strings made of the pieces compiled expressions hold, and of the characters JSON escapes. */
const text = fc
  .array(fc.constantFrom('$v', '.v', 'v', '$r1', '$states.result', '1', '2', '12', '_', '_3', '"', '\\', '\n', '\u0001', 'a', ' ', '.', '[', ']', '][o])', ',', 'é'), {
    maxLength: 12,
  })
  .map((pieces) => pieces.join(''));

const template: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.constant(null), fc.constant(undefined), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(text, tie('value'), { maxKeys: 4 }),
})).value;

describe('payload budget: measureField', () => {
  it('names the ops JSON.stringify(field) names, in the same order, and counts countSlots(field) slots (seeded random templates)', () => {
    fc.assert(
      fc.property(template, (field) => {
        const into = new Set<string>();
        expect(measureField(field, OP_NAMES, into)).toBe(countSlots(field));
        expect([...into]).toStrictEqual(collectOpsFromJson(field, OP_NAMES));
      }),
      { seed: 14, numRuns: 3000 },
    );
  });

  it('reads keys as well as values, and a marker-only expression holds no slot but names its ops', () => {
    const into = new Set<string>();
    expect(measureField({ 'x.v1': '$v0', f: '$append([],[$v2,$v3][o])' }, OP_NAMES, into)).toBe(1);
    expect([...into]).toStrictEqual(['transform', 'extract', 'load', 'op3']);
  });
});
