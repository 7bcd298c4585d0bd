/**
 * A Step Functions error (Error name + Cause) raised while a state runs. Internal to the runner.
 * A Fail state without Error or Cause raises one without them (undefined), and the events
 * that carry it then have no such field, as on AWS.
 */
export class StatesError extends Error {
  readonly error: string | undefined;
  override readonly cause: string | undefined;

  constructor(error: string | undefined, cause: string | undefined) {
    // Never thrown out of the runner and its stack never read: built without capturing frames (microseconds each on Node 20).
    const limit = Error.stackTraceLimit;
    const capturing = setStackTraceLimit(0);
    try {
      super(`${error ?? '(no error)'}: ${cause ?? '(no cause)'}`);
    } finally {
      if (capturing) setStackTraceLimit(limit);
    }
    this.name = 'StatesError';
    this.error = error;
    this.cause = cause;
  }

  /** `{ error, cause }` for event details, without the fields that are absent. */
  toDetails(): { error?: string; cause?: string } {
    return { ...(this.error === undefined ? {} : { error: this.error }), ...(this.cause === undefined ? {} : { cause: this.cause }) };
  }

  /** `$states.errorOutput`: `{ Error, Cause }`, without the fields that are absent. */
  toErrorOutput(): { Error?: string; Cause?: string } {
    return { ...(this.error === undefined ? {} : { Error: this.error }), ...(this.cause === undefined ? {} : { Cause: this.cause }) };
  }
}

/** Sets Error.stackTraceLimit; false when it cannot be set (a frozen Error). */
function setStackTraceLimit(limit: number): boolean {
  try {
    Error.stackTraceLimit = limit;
    return true;
  } catch {
    return false;
  }
}

/** Thrown inside a branch, iteration or execution that was stopped from outside. Internal. */
export class AbortedError extends Error {
  constructor() {
    super('aborted');
    this.name = 'AbortedError';
  }
}

/** Names of the errors Step Functions raises itself. */
export const StatesErrorName = {
  ALL: 'States.ALL',
  TaskFailed: 'States.TaskFailed',
  Timeout: 'States.Timeout',
  HeartbeatTimeout: 'States.HeartbeatTimeout',
  ExceedToleratedFailureThreshold: 'States.ExceedToleratedFailureThreshold',
  Runtime: 'States.Runtime',
  DataLimitExceeded: 'States.DataLimitExceeded',
  NoChoiceMatched: 'States.NoChoiceMatched',
  QueryEvaluationError: 'States.QueryEvaluationError',
} as const;
export type StatesErrorName = (typeof StatesErrorName)[keyof typeof StatesErrorName];
