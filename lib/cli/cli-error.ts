import { StepopsError, brandError, hasErrorBrand } from '../errors.js';

/** Exit code of a user mistake on the command line (bad arguments, module, job or input). */
export const USAGE_EXIT_CODE = 2;
/** Exit code of a failed execution or a failed AWS call. */
export const FAILURE_EXIT_CODE = 1;
/** Exit code of a run stopped with Ctrl-C (SIGINT): 128 + 2, as a shell reports a process SIGINT ended. */
export const INTERRUPTED_EXIT_CODE = 130;

/**
 * A mistake the user can fix: printed as one line, `stepops: <what>; <fix>`, never with a
 * stack trace, and ends the command with `exitCode`.
 */
export class CliError extends StepopsError {
  readonly exitCode: number;

  constructor(what: string, fix: string, exitCode: number = USAGE_EXIT_CODE) {
    super(`${what}; ${fix}`);
    this.name = 'stepops.CliError';
    this.exitCode = exitCode;
    brandError(this, 'CliError');
  }
}

/** True for a CliError from any loaded copy of stepops. */
export function isCliError(value: unknown): value is CliError {
  return hasErrorBrand(value, 'CliError');
}
