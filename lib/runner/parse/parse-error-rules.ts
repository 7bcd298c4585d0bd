/** Readers of the Retry and Catch fields of Task, Parallel and Map states. */
import { MAX_ATTEMPTS } from '../../asl/asl-constants.js';
import { MAX_STATES_SECONDS } from '../../errors.js';
import type { Catcher, Retrier } from './definition.js';
import { InvalidDefinitionError } from '../errors.js';
import { describe, isObject, optionalTemplate, readAssign, readInteger } from './parse-fields.js';
import { StatesErrorName } from '../states/states-error.js';

const RETRIER_FIELDS: ReadonlySet<string> = new Set(['ErrorEquals', 'IntervalSeconds', 'MaxAttempts', 'BackoffRate', 'MaxDelaySeconds', 'JitterStrategy', 'Comment']);
const CATCHER_FIELDS: ReadonlySet<string> = new Set(['ErrorEquals', 'Next', 'Output', 'Assign', 'Comment']);

export function readRetry(value: unknown, where: string): Retrier[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new InvalidDefinitionError(`${where}: Retry must be an array of retriers`);
  return value.map((raw: unknown, i: number): Retrier => {
    const at = `${where} Retry[${i}]`;
    if (!isObject(raw)) throw new InvalidDefinitionError(`${at}: must be an object with ErrorEquals`);
    for (const key of Object.keys(raw)) {
      if (!RETRIER_FIELDS.has(key)) {
        throw new InvalidDefinitionError(`${at}: ${key} is not a retrier field; use ErrorEquals, IntervalSeconds, MaxAttempts, BackoffRate, MaxDelaySeconds, JitterStrategy`);
      }
    }
    const errorEquals = readErrorEquals(raw.ErrorEquals, at, i === value.length - 1, 'retrier');
    const backoffRate = raw.BackoffRate === undefined ? 2 : raw.BackoffRate;
    if (typeof backoffRate !== 'number' || !Number.isFinite(backoffRate) || backoffRate < 1) {
      throw new InvalidDefinitionError(`${at}: BackoffRate must be a number >= 1.0 (got ${describe(raw.BackoffRate)})`);
    }
    const jitter = raw.JitterStrategy === undefined ? 'NONE' : raw.JitterStrategy;
    if (jitter !== 'FULL' && jitter !== 'NONE') throw new InvalidDefinitionError(`${at}: JitterStrategy must be "FULL" or "NONE" (got ${describe(raw.JitterStrategy)})`);
    return {
      errorEquals,
      intervalSeconds: raw.IntervalSeconds === undefined ? 1 : readInteger(raw.IntervalSeconds, `${at}: IntervalSeconds`, 1, MAX_STATES_SECONDS),
      maxAttempts: raw.MaxAttempts === undefined ? 3 : readInteger(raw.MaxAttempts, `${at}: MaxAttempts`, 0, MAX_ATTEMPTS),
      backoffRate,
      maxDelaySeconds: raw.MaxDelaySeconds === undefined ? undefined : readInteger(raw.MaxDelaySeconds, `${at}: MaxDelaySeconds`, 1, 31_622_400),
      jitterStrategy: jitter,
    };
  });
}

export function readCatch(value: unknown, where: string): Catcher[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new InvalidDefinitionError(`${where}: Catch must be an array of catchers`);
  return value.map((raw: unknown, i: number): Catcher => {
    const at = `${where} Catch[${i}]`;
    if (!isObject(raw)) throw new InvalidDefinitionError(`${at}: must be an object with ErrorEquals and Next`);
    for (const key of Object.keys(raw)) {
      if (key === 'ResultPath') throw new InvalidDefinitionError(`${at}: ResultPath is a JSONPath field; use Output with {% $states.errorOutput %} (and Assign)`);
      if (!CATCHER_FIELDS.has(key)) {
        throw new InvalidDefinitionError(`${at}: ${key} is not a catcher field; use ErrorEquals, Next, Output, Assign`);
      }
    }
    if (typeof raw.Next !== 'string') throw new InvalidDefinitionError(`${at}: Next must be a state name (got ${describe(raw.Next)})`);
    return {
      errorEquals: readErrorEquals(raw.ErrorEquals, at, i === value.length - 1, 'catcher'),
      next: raw.Next,
      output: optionalTemplate(raw.Output, `${at}.Output`, 'Output'),
      assign: readAssign(raw.Assign, `${at}.Assign`),
    };
  });
}

export function readErrorEquals(value: unknown, where: string, isLast: boolean, kind: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((e) => typeof e === 'string' && e.length > 0)) {
    throw new InvalidDefinitionError(`${where}: ErrorEquals must be a non-empty array of error names (got ${describe(value)})`);
  }
  const names = value as string[];
  if (names.includes(StatesErrorName.ALL)) {
    if (names.length > 1) throw new InvalidDefinitionError(`${where}: States.ALL must appear alone in an error list`);
    if (!isLast) throw new InvalidDefinitionError(`${where}: a ${kind} with States.ALL must be the last ${kind}`);
  }
  return names;
}
