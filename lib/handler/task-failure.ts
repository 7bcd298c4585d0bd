import { MAX_CAUSE_LENGTH, MAX_ERROR_NAME_LENGTH } from './limits.js';

/** The error report the Lambda Node.js runtime sends for a thrown value (its key order). */
export interface RuntimeErrorReport {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace: readonly string[];
}

/** A Task failure as Step Functions records it: `Error` and `Cause` ($states.errorOutput). */
export interface StepFunctionsError {
  readonly Error: string;
  readonly Cause: string;
}

/**
 * What the Lambda Node.js runtime reports for a thrown value, as
 * aws-lambda-nodejs-runtime-interface-client's `formatError` (src/utils/error.ts): for an
 * Error `errorType` = name, `errorMessage` = message, `trace` = stack lines, each with DEL
 * (\x7F) written `%7F`; for anything else its typeof, `String(value)` and no trace. Objects with
 * string name, message and stack count as Errors, as the older runtime's check did.
 */
export function formatRuntimeError(thrown: unknown): RuntimeErrorReport {
  try {
    if (thrown instanceof Error || hasErrorShape(thrown)) {
      const { name, message, stack } = thrown as { name?: unknown; message?: unknown; stack?: unknown };
      return {
        errorType: escapeDel(String(name)),
        errorMessage: escapeDel(String(message)),
        trace: typeof stack === 'string' ? escapeDel(stack).split('\n') : [],
      };
    }
    return { errorType: typeof thrown, errorMessage: String(thrown), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage: 'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
      trace: [],
    };
  }
}

/**
 * The `errorType` formatRuntimeError reports for a thrown value, without its trace: reading an
 * error's `stack` makes V8 format it (source-mapped where source maps are on), which a caller
 * that has its Cause already (a handler's `stepFunctionsCause`) does not need.
 */
export function readRuntimeErrorType(thrown: unknown): string {
  if (!(thrown instanceof Error)) return formatRuntimeError(thrown).errorType;
  try {
    // `name` may have been set to anything: String() of it, as formatRuntimeError does.
    const name: unknown = thrown.name;
    return escapeDel(String(name));
  } catch {
    return 'handled';
  }
}

/**
 * The Step Functions {Error, Cause} a thrown value becomes when the Lambda runtime reports it
 * and a Task state records it: Error = errorType, Cause = the runtime's JSON report. The local
 * runner and the tests use this so they agree with Lambda. Errors the wrapper throws always fit
 * the limits; for other values Error is cut to 256 and Cause to 32,768 characters (what Step
 * Functions does beyond the limits is not documented; the wrapper never relies on it).
 */
export function toStepFunctionsError(thrown: unknown): StepFunctionsError {
  const report = formatRuntimeError(thrown);
  return {
    Error: report.errorType.slice(0, MAX_ERROR_NAME_LENGTH),
    Cause: JSON.stringify(report).slice(0, MAX_CAUSE_LENGTH),
  };
}

/** The length of the Cause the runtime builds from an error with this name, message and stack. */
export function measureCause(name: string, message: string, stack: string): number {
  return JSON.stringify({ errorType: escapeDel(name), errorMessage: escapeDel(message), trace: escapeDel(stack).split('\n') }).length;
}

function hasErrorShape(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const { name, message, stack } = value as Record<string, unknown>;
  return typeof name === 'string' && typeof message === 'string' && typeof stack === 'string';
}

function escapeDel(text: string): string {
  return text.includes('\x7F') ? text.replaceAll('\x7F', '%7F') : text;
}
