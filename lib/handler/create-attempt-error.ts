import { constructWithoutStack } from './construct-without-stack.js';
import { cutErrorName } from './error-names.js';
import { fitCause } from './fit-cause.js';
import { OpAttemptError, type HandlerErrorDetails } from './op-attempt-error.js';

/**
 * The error the wrapper throws: `name` cut to 256 characters, `message` and `details` cut to
 * fit the Cause, `stack` the details as one JSON line. `cause` is kept for in-process callers.
 */
export function createAttemptError(name: string, message: string, details: HandlerErrorDetails, cause?: unknown): OpAttemptError {
  const errorName = cutErrorName(name);
  const fitted = fitCause(errorName, message, details);
  // Its stack is the details' JSON: no frames captured only to be replaced.
  return constructWithoutStack(() => new OpAttemptError(errorName, fitted.message, fitted.details, fitted.stack, cause));
}
