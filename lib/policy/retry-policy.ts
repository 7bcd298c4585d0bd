import { DefinitionError, describeValue } from '../errors.js';
import { Backoff, BACKOFF_VALUES } from './backoff.js';
import { Jitter, JITTER_VALUES } from './jitter.js';

export interface RetryPolicyOptions {
  /** Retries after the first attempt; at most maxRetries + 1 attempts in all. @default 1 */
  readonly maxRetries?: number;
  /** Base delay in seconds before a retry (may be fractional). @default - retry at once */
  readonly delay?: number;
  /** How the delay grows with the retry number; needs `delay`. @default - the same delay every time */
  readonly backoff?: Backoff;
  /** Random modifier applied after backoff; needs `delay`. @default - no jitter */
  readonly jitter?: Jitter;
  /**
   * stepops extension (not in Dagster): cap in seconds applied after backoff and jitter.
   * @default - no cap
   */
  readonly maxDelay?: number;
  /**
   * stepops extension (not in Dagster): retry only errors with one of these names
   * (`error.name`, as Lambda reports it). RetryRequested is never filtered.
   * @default - every error is retried
   */
  readonly retryOn?: readonly string[];
  /**
   * stepops extension (not in Dagster): never retry errors with one of these names; wins
   * over `retryOn`.
   * @default - no error is excluded
   */
  readonly neverRetryOn?: readonly string[];
}

/** The bounds of the delay before one retry, in seconds: [min, max], max exclusive when jittered. */
export interface DelayRange {
  readonly min: number;
  readonly max: number;
}

/**
 * Dagster's RetryPolicy: how many times an op is retried after an error and how long to wait
 * before each retry. An immutable value, validated at construction.
 */
export class RetryPolicy {
  readonly maxRetries: number;
  readonly delay: number | undefined;
  readonly backoff: Backoff | undefined;
  readonly jitter: Jitter | undefined;
  readonly maxDelay: number | undefined;
  readonly retryOn: readonly string[] | undefined;
  readonly neverRetryOn: readonly string[] | undefined;

  constructor(options: RetryPolicyOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new DefinitionError(`RetryPolicy options must be an object, got ${describeValue(options)}; pass e.g. { maxRetries: 3, delay: 1 }`);
    }
    const { maxRetries = 1, delay, backoff, jitter, maxDelay, retryOn, neverRetryOn } = options;
    if (typeof maxRetries !== 'number' || !Number.isInteger(maxRetries) || maxRetries < 0) {
      throw new DefinitionError(`RetryPolicy.maxRetries must be a non-negative integer, got ${describeValue(maxRetries)}; use a whole number such as 3`);
    }
    checkSeconds('delay', delay);
    checkSeconds('maxDelay', maxDelay);
    if (backoff !== undefined && !BACKOFF_VALUES.includes(backoff)) {
      throw new DefinitionError(`RetryPolicy.backoff must be Backoff.LINEAR or Backoff.EXPONENTIAL, got ${describeValue(backoff)}; import Backoff from 'stepops'`);
    }
    if (jitter !== undefined && !JITTER_VALUES.includes(jitter)) {
      throw new DefinitionError(`RetryPolicy.jitter must be Jitter.FULL or Jitter.PLUS_MINUS, got ${describeValue(jitter)}; import Jitter from 'stepops'`);
    }
    if (backoff !== undefined && delay === undefined) {
      throw new DefinitionError(`RetryPolicy.backoff needs RetryPolicy.delay, got backoff ${backoff} with no delay; set delay (seconds) or remove backoff`);
    }
    if (jitter !== undefined && delay === undefined) {
      throw new DefinitionError(`RetryPolicy.jitter needs RetryPolicy.delay, got jitter ${jitter} with no delay; set delay (seconds) or remove jitter`);
    }
    this.maxRetries = maxRetries;
    this.delay = delay;
    this.backoff = backoff;
    this.jitter = jitter;
    this.maxDelay = maxDelay;
    this.retryOn = checkErrorNames('retryOn', retryOn);
    this.neverRetryOn = checkErrorNames('neverRetryOn', neverRetryOn);
    Object.freeze(this);
  }

  /**
   * Seconds to wait before retry `attemptNum` (1 for the first retry), exactly Dagster's
   * `RetryPolicy.calculate_delay`, then capped by `maxDelay`. `random` returns values in [0, 1).
   */
  calculateDelay(attemptNum: number, random: () => number = Math.random): number {
    checkAttemptNum(attemptNum);
    const base = this.delay ?? 0;
    let calc = this.backoffDelay(attemptNum);
    if (this.jitter === Jitter.FULL) {
      calc = random() * calc;
    } else if (this.jitter === Jitter.PLUS_MINUS) {
      calc = calc + (2 * random() * base - base);
    }
    return this.maxDelay === undefined ? calc : Math.min(calc, this.maxDelay);
  }

  /** The delay before retry `attemptNum` after backoff, before jitter and cap. */
  backoffDelay(attemptNum: number): number {
    checkAttemptNum(attemptNum);
    const base = this.delay ?? 0;
    if (this.backoff === Backoff.LINEAR) return base * attemptNum;
    if (this.backoff === Backoff.EXPONENTIAL) return (2 ** attemptNum - 1) * base;
    return base;
  }

  /** The range calculateDelay(attemptNum) can return over every random value. */
  delayRange(attemptNum: number): DelayRange {
    const calc = this.backoffDelay(attemptNum);
    const base = this.delay ?? 0;
    let min = calc;
    let max = calc;
    if (this.jitter === Jitter.FULL) min = 0;
    if (this.jitter === Jitter.PLUS_MINUS) {
      min = calc - base;
      max = calc + base;
    }
    const cap = this.maxDelay ?? Infinity;
    return { min: Math.min(min, cap), max: Math.min(max, cap) };
  }

  /** A plain description of the policy, fields in a fixed order, undefined fields left out. */
  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = { maxRetries: this.maxRetries };
    if (this.delay !== undefined) json.delay = this.delay;
    if (this.backoff !== undefined) json.backoff = this.backoff;
    if (this.jitter !== undefined) json.jitter = this.jitter;
    if (this.maxDelay !== undefined) json.maxDelay = this.maxDelay;
    if (this.retryOn !== undefined) json.retryOn = [...this.retryOn];
    if (this.neverRetryOn !== undefined) json.neverRetryOn = [...this.neverRetryOn];
    return json;
  }

  /** Dagster-like text: `RetryPolicy(maxRetries=3, delay=0.2, backoff=EXPONENTIAL, jitter=PLUS_MINUS)`. */
  toString(): string {
    const fields = Object.entries(this.toJSON()).map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(',')}]` : String(v)}`);
    return `RetryPolicy(${fields.join(', ')})`;
  }

  /** True when errors with this name may be retried by the policy's filters. */
  allowsErrorName(errorName: string): boolean {
    if (this.neverRetryOn?.includes(errorName)) return false;
    if (this.retryOn !== undefined) return this.retryOn.includes(errorName);
    return true;
  }
}

/** True for a RetryPolicy from any loaded copy of stepops (duck-typed, not instanceof). */
export function isRetryPolicy(value: unknown): value is RetryPolicy {
  if (value instanceof RetryPolicy) return true;
  return typeof value === 'object' && value !== null && typeof (value as RetryPolicy).calculateDelay === 'function' && typeof (value as RetryPolicy).maxRetries === 'number';
}

function checkSeconds(field: 'delay' | 'maxDelay', value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new DefinitionError(`RetryPolicy.${field} must be a finite number of seconds >= 0, got ${describeValue(value)}; use e.g. 0.2 for 200 ms`);
  }
}

function checkErrorNames(field: 'retryOn' | 'neverRetryOn', value: unknown): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((name) => typeof name !== 'string' || name.length === 0)) {
    throw new DefinitionError(`RetryPolicy.${field} must be an array of error names (non-empty strings), got ${describeValue(value)}; use e.g. ['TimeoutError']`);
  }
  return Object.freeze([...(value as string[])]);
}

function checkAttemptNum(attemptNum: number): void {
  if (!Number.isInteger(attemptNum) || attemptNum < 1) {
    throw new DefinitionError(`calculateDelay attemptNum must be an integer >= 1 (1 is the first retry), got ${describeValue(attemptNum)}`);
  }
}
