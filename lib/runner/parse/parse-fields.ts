/** Readers of single definition fields for the parser: each validates, then compiles JSONata templates. */
import { describeValue } from '../../errors.js';
import { InvalidDefinitionError } from '../errors.js';
import { compileTemplate, isJsonataExpression, type Template } from '../evaluate/evaluate.js';

export type Json = Record<string, unknown>;

export const VARIABLE_NAME = /^[\p{L}_][\p{L}\p{N}_]*$/u;

export function readArguments(value: unknown, where: string, path = 'Arguments'): Template | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value) && !Array.isArray(value) && !isJsonataExpression(value)) {
    throw new InvalidDefinitionError(`${where}: must be an object, an array or a {% %} expression (got ${describe(value)})`);
  }
  return compileTemplate(value, where, path);
}

export function readAssign(value: unknown, where: string): Template | undefined {
  if (value === undefined) return undefined;
  if (isJsonataExpression(value)) return compileTemplate(value, where, 'Assign');
  if (!isObject(value)) throw new InvalidDefinitionError(`${where}: must be an object of variable names to values, or a {% %} expression giving one (got ${describe(value)})`);
  for (const key of Object.keys(value)) {
    if (!isVariableName(key) || key === 'states') {
      throw new InvalidDefinitionError(
        `${where}: "${key}" is not a valid variable name; use letters, digits and _ (not starting with a digit), and not the reserved name "states"`,
      );
    }
  }
  return compileTemplate(value, where, 'Assign');
}

/** VARIABLE_NAME's test, an ASCII name (`[A-Za-z_][A-Za-z0-9_]*`, every compiled job's) read by char codes without the Unicode regular expression. */
function isVariableName(key: string): boolean {
  for (let i = 0; i < key.length; i += 1) {
    const code = key.charCodeAt(i);
    if ((code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95 || (i > 0 && code >= 48 && code <= 57)) continue;
    return VARIABLE_NAME.test(key);
  }
  return key.length > 0;
}

export function readStringOrExpression(value: unknown, where: string, path: string): Template | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new InvalidDefinitionError(`${where}: must be a string or a {% %} expression (got ${describe(value)})`);
  return compileTemplate(value, where, path);
}

export function readCountOrExpression(value: unknown, where: string, path: string, min: number, max: number): Template | undefined {
  if (value === undefined) return undefined;
  if (isJsonataExpression(value)) return compileTemplate(value, where, path);
  return compileTemplate(readInteger(value, where, min, max), where, path);
}

/** `path`: the field as Step Functions names it in errors ('Output', 'Items'). */
export function optionalTemplate(value: unknown, where: string, path: string): Template | undefined {
  return value === undefined ? undefined : compileTemplate(value, where, path);
}

export function readInteger(value: unknown, where: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidDefinitionError(`${where} must be an integer from ${min} to ${max} (got ${describe(value)})`);
  }
  return value;
}

export function checkKnownFields(raw: Json, allowed: ReadonlySet<string>, where: string): void {
  for (const key of Object.keys(raw)) {
    if (!allowed.has(key)) throw new InvalidDefinitionError(`${where}: ${key} is not a field here; allowed fields are ${[...allowed].join(', ')}`);
  }
}

export function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function describe(value: unknown): string {
  return value === undefined ? 'nothing' : describeValue(value);
}
