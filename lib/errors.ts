/**
 * The library's error classes, the user-facing RetryRequested and Failure, and the reserved
 * error names that travel between the Lambda wrapper and the compiled state machine.
 *
 * Every class sets an explicit, stable `name` (minifiers rename classes, and the Lambda
 * runtime reports `error.name` as the Step Functions Error). Each carries a brand under a
 * global symbol so that it is recognised even when two copies of stepops are loaded, where
 * `instanceof` fails.
 */

/**
 * The largest number of seconds Step Functions takes in any seconds field: a Wait state's
 * Seconds, a retrier's IntervalSeconds, TimeoutSeconds and HeartbeatSeconds. Defined here, the
 * lowest layer, so errors, the compiler and the runner share it.
 */
export const MAX_STATES_SECONDS = 99_999_999;

const BRAND = Symbol.for('stepops.errorKinds');

/**
 * The one brand mechanism: marks `error` as of `kind` (a class's name, such as 'DefinitionError'),
 * keeping the kinds its base classes marked, so that `hasErrorBrand` recognises it even when it
 * comes from another loaded copy of stepops, where `instanceof` fails.
 */
export function brandError(error: Error, kind: string): void {
  Object.defineProperty(error, BRAND, { value: [...readBrands(error), kind], enumerable: false, configurable: true, writable: false });
}

/** True when a copy of stepops branded `value` as `kind` (brandError). Never throws, whatever `value` is. */
export function hasErrorBrand(value: unknown, kind: string): boolean {
  return readBrands(value).includes(kind);
}

function readBrands(value: unknown): readonly unknown[] {
  if (typeof value !== 'object' || value === null) return [];
  try {
    const kinds = (value as { [BRAND]?: unknown })[BRAND];
    return Array.isArray(kinds) ? kinds : [];
  } catch {
    // A thrown Proxy whose traps throw is not ours.
    return [];
  }
}

/** Base class of every error stepops itself raises. */
export class StepopsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'stepops.StepopsError';
    brandError(this, 'StepopsError');
  }
}

/**
 * A user mistake in a definition (policy, op, job, construct props), raised where the input
 * enters. The message names the field, the value received and the fix.
 */
export class DefinitionError extends StepopsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'stepops.DefinitionError';
    brandError(this, 'DefinitionError');
  }
}

/**
 * A broken invariant inside stepops: a bug, never a user mistake. The message says what did not
 * hold; the CLI shows it as an unexpected error.
 */
export class InternalError extends StepopsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(`stepops internal error: ${message}`, options);
    this.name = 'stepops.InternalError';
    brandError(this, 'InternalError');
  }
}

export interface RetryRequestedOptions {
  /** How many retries this request allows in all, counted like Dagster's retry number. @default 1 */
  readonly maxRetries?: number;
  /** Seconds to wait before the retry. @default - retry at once */
  readonly secondsToWait?: number;
  /** The error behind the request (Dagster's `raise RetryRequested(...) from e`). */
  readonly cause?: unknown;
}

/**
 * Raised from op code to ask for a retry, bypassing any retry policy: its own maxRetries and
 * secondsToWait decide (Dagster's RetryRequested).
 */
export class RetryRequested extends Error {
  readonly maxRetries: number;
  readonly secondsToWait: number | undefined;

  constructor(options: RetryRequestedOptions = {}) {
    const maxRetries = options.maxRetries ?? 1;
    const secondsToWait = options.secondsToWait;
    if (!Number.isInteger(maxRetries) || maxRetries < 0) {
      throw new DefinitionError(`RetryRequested.maxRetries must be a non-negative integer, got ${describeValue(maxRetries)}; pass a whole number such as 1`);
    }
    if (secondsToWait !== undefined && (typeof secondsToWait !== 'number' || !Number.isFinite(secondsToWait) || secondsToWait < 0)) {
      throw new DefinitionError(`RetryRequested.secondsToWait must be a finite number of seconds >= 0, got ${describeValue(secondsToWait)}; omit it to retry at once`);
    }
    if (secondsToWait !== undefined && secondsToWait > MAX_STATES_SECONDS) {
      throw new DefinitionError(
        `RetryRequested.secondsToWait must be at most ${MAX_STATES_SECONDS} (the longest Step Functions Wait), got ${secondsToWait}; wait less, or schedule a new run instead`,
      );
    }
    super(`Retry requested (maxRetries ${maxRetries}, secondsToWait ${secondsToWait ?? 0})`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RetryRequested';
    this.maxRetries = maxRetries;
    this.secondsToWait = secondsToWait;
    brandError(this, 'RetryRequested');
  }
}

export interface FailureOptions {
  /** What went wrong; becomes the error message. @default 'Failure' */
  readonly description?: string;
  /** Structured details, kept in the error cause. @default {} */
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** When false, the op fails at once whatever its retry policy says. @default true */
  readonly allowRetries?: boolean;
  /** The error behind this failure. */
  readonly cause?: unknown;
}

/** Dagster's Failure: an op failure with a description and metadata, optionally never retried. */
export class Failure extends Error {
  readonly description: string | undefined;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly allowRetries: boolean;

  constructor(options: FailureOptions = {}) {
    super(options.description ?? 'Failure', options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'Failure';
    this.description = options.description;
    this.metadata = options.metadata ?? {};
    this.allowRetries = options.allowRetries ?? true;
    brandError(this, 'Failure');
  }
}

/** True for a RetryRequested from any loaded copy of stepops. */
export function isRetryRequested(value: unknown): value is RetryRequested {
  return hasErrorBrand(value, 'RetryRequested');
}

/** True for a Failure from any loaded copy of stepops. */
export function isFailure(value: unknown): value is Failure {
  return hasErrorBrand(value, 'Failure');
}

/** True for a DefinitionError from any loaded copy of stepops. */
export function isDefinitionError(value: unknown): value is DefinitionError {
  return hasErrorBrand(value, 'DefinitionError');
}

/** Renders a received value for an error message: strings quoted, others as JSON where possible. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null) return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return `a function`;
  if (typeof value === 'symbol') return value.toString();
  try {
    // undefined only when a toJSON returns it
    return JSON.stringify(value) ?? Object.prototype.toString.call(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * Reserved error names. The wrapper throws them and the compiled Retry and Catch blocks
 * match them; no op's own error can carry them (the wrapper renames such errors).
 */
export const ERROR_NAME_PREFIX = 'stepops.';
/** Thrown for a retry taken by a single geometric retrier. */
export const RETRY_ERROR = 'stepops.Retry';
/** Thrown for a retry whose wait is known only at run time (RetryRequested, PLUS_MINUS jitter): the Catch -> Wait loop. */
export const RETRY_AFTER_ERROR = 'stepops.RetryAfter';
/** Thrown when the payload does not belong to the job the handler was built with. */
export const PROTOCOL_ERROR = 'stepops.ProtocolError';
/** Thrown when an op output is larger than Step Functions' payload limit. */
export const OUTPUT_TOO_LARGE_ERROR = 'stepops.OutputTooLarge';
/** Thrown (and the name of the RunConfigError raised) when the run config does not fit the job or an op's configSchema; never retried. */
export const RUN_CONFIG_ERROR = 'stepops.RunConfigError';
/**
 * The error of an attempt still running when the wrapper's deadline (the Lambda function's
 * remaining time minus a margin) passed: an op failure under its policy, like any other.
 */
export const OP_TIMEOUT_ERROR = 'stepops.OpTimeout';
/** The error an execution fails with when ops failed but did not fail it directly. */
export const OPS_FAILED_ERROR = 'stepops.OpsFailed';

/** The attempt-indexed retry name for retry number `retryNumber` (1 = the first retry). */
export function retryAttemptErrorName(retryNumber: number): string {
  return `${RETRY_ERROR}.${retryNumber}`;
}

/**
 * Error names that Step Functions or Lambda give meaning to, and those stepops reserves.
 * An op error with such a name would be matched by a retrier it was not meant for.
 */
export function isReservedErrorName(name: string): boolean {
  return name.startsWith(ERROR_NAME_PREFIX) || name.startsWith('States.') || name.startsWith('Lambda.') || name.startsWith('Sandbox.') || name.startsWith('Runtime.');
}

/**
 * The error name the Lambda Node.js runtime reports for a thrown value: `error.name` for an
 * Error (a subclass that does not set it reports "Error"), the `typeof` of anything else.
 */
export function reportedErrorName(thrown: unknown): string {
  if (thrown instanceof Error || (typeof thrown === 'object' && thrown !== null && 'name' in thrown && 'message' in thrown)) {
    const name = (thrown as { name?: unknown }).name;
    return typeof name === 'string' && name.length > 0 ? name : 'Error';
  }
  return typeof thrown;
}
