import { formatRuntimeError } from '../../handler/task-failure.js';

/**
 * A dead invocation as the Lambda Node.js runtime reports it, for the local runner: thrown by
 * runJobLocally's Task handler, it becomes the Task failure Step Functions records (Error = its
 * name, Cause = `stepFunctionsCause`, the runtime's JSON report; see toTaskFailure).
 */
export class LambdaRuntimeError extends Error {
  readonly stepFunctionsCause: string;

  constructor(errorType: string, report: object) {
    super(errorType);
    this.name = errorType;
    this.stepFunctionsCause = JSON.stringify(report);
  }
}

/** The error names of dead invocations that runJobLocally reproduces. */
export const LambdaRuntimeErrorName = {
  /** The function ran past its timeout (Lambda's newer runtimes; older ones report Lambda.Unknown). */
  Timedout: 'Sandbox.Timedout',
  /** The process exited during the invocation (`process.exit`). */
  ExitError: 'Runtime.ExitError',
  /** A promise rejected with no handler during the invocation. */
  UnhandledPromiseRejection: 'Runtime.UnhandledPromiseRejection',
} as const;

/**
 * `Task timed out after N.NN seconds`, as Lambda reports a function that ran past its timeout
 * (errorType Sandbox.Timedout, the message prefixed with the request id, no trace).
 */
export function createTimeoutError(requestId: string, timeoutSeconds: number): LambdaRuntimeError {
  return new LambdaRuntimeError(LambdaRuntimeErrorName.Timedout, {
    errorType: LambdaRuntimeErrorName.Timedout,
    errorMessage: `RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`,
  });
}

/**
 * `Runtime exited with error: exit status N`, as Lambda reports a process that exited during
 * an invocation; `process.exit(0)` (or no code) is "Runtime exited without providing a reason".
 */
export function createExitError(requestId: string, code: number): LambdaRuntimeError {
  const reason = code === 0 ? 'Runtime exited without providing a reason' : `Runtime exited with error: exit status ${code}`;
  return new LambdaRuntimeError(LambdaRuntimeErrorName.ExitError, { errorType: LambdaRuntimeErrorName.ExitError, errorMessage: `RequestId: ${requestId} Error: ${reason}` });
}

/**
 * The runtime interface client's report of an unhandled rejection: errorType
 * Runtime.UnhandledPromiseRejection, errorMessage the reason (`Error: message` for an Error, as
 * its stack's first line reads), trace the reason's stack lines.
 */
export function createUnhandledRejectionError(reason: unknown): LambdaRuntimeError {
  const report = formatRuntimeError(reason);
  const isError = report.trace.length > 0;
  const message = isError ? `${report.errorType}: ${report.errorMessage}` : report.errorMessage;
  return new LambdaRuntimeError(LambdaRuntimeErrorName.UnhandledPromiseRejection, {
    errorType: LambdaRuntimeErrorName.UnhandledPromiseRejection,
    errorMessage: message,
    trace: [`${LambdaRuntimeErrorName.UnhandledPromiseRejection}: ${message}`, ...report.trace.slice(1)],
  });
}

/**
 * An uncaught exception thrown by the invocation's code outside its promise (in a timer or an
 * event handler): the runtime reports the thrown value as it reports a thrown error, under its
 * own name, and the process ends.
 */
export function createUncaughtExceptionError(thrown: unknown): LambdaRuntimeError {
  const report = formatRuntimeError(thrown);
  return new LambdaRuntimeError(report.errorType, report);
}
