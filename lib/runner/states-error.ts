/** A Step Functions error (Error name + Cause) raised while a state runs. Internal to the runner. */
export class StatesError extends Error {
  readonly error: string;
  override readonly cause: string;

  constructor(error: string, cause: string) {
    super(`${error}: ${cause}`);
    this.name = 'StatesError';
    this.error = error;
    this.cause = cause;
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
  Runtime: 'States.Runtime',
  DataLimitExceeded: 'States.DataLimitExceeded',
  NoChoiceMatched: 'States.NoChoiceMatched',
  QueryEvaluationError: 'States.QueryEvaluationError',
} as const;
export type StatesErrorName = (typeof StatesErrorName)[keyof typeof StatesErrorName];
