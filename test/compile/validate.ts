import { expect } from 'vitest';
import aslValidator from 'asl-validator';
import { checkDefinition, type AslDefinition } from '../../lib/asl/index.js';

/** Runs the Step Functions rule checker and asl-validator (on a clone: it mutates its input). */
export function expectValidDefinition(definition: AslDefinition): void {
  expect(checkDefinition(definition)).toStrictEqual([]);
  const result = aslValidator(structuredClone(definition), { checkPaths: true, checkArn: true });
  expect(result.isValid, result.errorsText('\n')).toBe(true);
}
