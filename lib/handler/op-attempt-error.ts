import { StepopsError, brandError, hasErrorBrand } from '../errors.js';
import type { ErrorDetails, SerializedError } from '../job/wire-protocol.js';

/** An op error as JSON (wire-protocol SerializedError) plus a Failure's metadata. */
export interface SerializedOpError extends SerializedError {
  readonly cause?: SerializedOpError;
  /** A Failure's metadata, as JSON. */
  readonly metadata?: unknown;
}

/** The ErrorDetails the wrapper writes, with a few fields beyond the wire protocol's. */
export interface HandlerErrorDetails extends ErrorDetails {
  readonly error?: SerializedOpError;
  /** For a retry or 'retries-exhausted': the limit that applied (the policy's or the RetryRequested's). */
  readonly maxRetries?: number;
  /** For 'output-too-large': the output's JSON size in UTF-8 bytes. */
  readonly outputBytes?: number;
  /** What was cut so that the Cause fits 32,768 characters, in the order it was cut. */
  readonly truncated?: readonly string[];
}

/**
 * What the wrapper throws for every outcome but success: `name` is the Step Functions Error,
 * `message` a readable sentence (the op's own message on final failure) and `stack` one line
 * of JSON (the details), which the Lambda runtime puts in the Cause's `trace[0]`.
 * `cause` is the value the op threw, for in-process callers (the local runner); the Lambda
 * runtime does not report it.
 */
export class OpAttemptError extends StepopsError {
  /** The details also written, as JSON, in `stack`. */
  declare readonly details: HandlerErrorDetails;

  constructor(name: string, message: string, details: HandlerErrorDetails, stack: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = name;
    this.stack = stack;
    // Not enumerable: the Lambda runtime logs an error's enumerable fields, and `stack` holds them already.
    Object.defineProperty(this, 'details', { value: details, enumerable: false });
    brandError(this, 'OpAttemptError');
  }
}

/** True for an error thrown by the wrapper (from any loaded copy of stepops). */
export function isOpAttemptError(value: unknown): value is OpAttemptError {
  return hasErrorBrand(value, 'OpAttemptError');
}
