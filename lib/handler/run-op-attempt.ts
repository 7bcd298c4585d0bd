import { createIoManagerFromEnvironment } from '../io/io-from-environment.js';
import { createLogger, formatIsoTime, writeJsonLine, type LogRecord, type OpLogger } from '../job/logger.js';
import { buildOpContext } from '../job/op-context.js';
import { RUN_CONFIG_ERROR } from '../errors.js';
import { formatRunConfigIssue, validateOpConfig } from '../job/run-config.js';
import { REUSED_CONFIG_KEY, readReusedOutput } from '../job/reexecution.js';
import { INLINE_THRESHOLD_BYTES, PROTOCOL_VERSION, VALUE_KEY, isOpOutcomeMarker, type OpStoredEnvelope, type OpValueEnvelope } from '../job/wire-protocol.js';
import { checkOutput } from './check-output.js';
import { createAttemptError } from './create-attempt-error.js';
import { decideThrown } from './read-thrown.js';
import { runWithinDeadline } from './op-deadline.js';
import { decideFault } from './decide-fault.js';
import { extendFields } from './extend-fields.js';
import type { HandlerOptions, LambdaContextLike } from './handler-types.js';
import type { OpAttempt } from './op-attempt.js';
import { isOpAttemptError } from './op-attempt-error.js';
import { buildOutputEnvelope, OpValueError, readInlineInputValues, readInputValues, reuseRecordedOutput } from './op-values.js';
import { buildSkippedMarker } from './skipped-marker.js';

/**
 * THE core of the wrapper, shared by jobHandler, opHandler, jobMiddleware and the local
 * runner: runs one attempt of one op and turns its outcome into a result or a named error.
 * - Envelope inputs (jobHandler) holding failure/skip markers: the op does not run; returns a
 *   'skipped' marker. Otherwise the op gets the values inside the envelopes.
 * - Stored inputs (`{ s, b }`) are read back through `options.ioManager` (op-values.ts).
 * - Success: the output after the Lambda runtime's JSON round trip (`undefined` becomes `null`,
 *   a Date its ISO string; see checkOutput), as `{ v: output }` for envelope attempts up to the
 *   attempt's inline threshold, stored through the IO manager and returned as `{ s, b }` above
 *   it; for opHandler the output itself, unless its JSON is over 262,144 bytes
 *   (OUTPUT_TOO_LARGE_ERROR). Not JSON at all: the serializer's error.
 * - Error: throws the OpAttemptError decideOpError builds (a retry name or the op's own name).
 * Logs one JSON line per decision (Powertools Logger's shape).
 */
export async function runOpAttempt(attempt: OpAttempt, options: HandlerOptions = {}): Promise<unknown> {
  const now = options.now ?? Date.now;
  const write = options.writeLog ?? writeJsonLine;
  const log = createAttemptLogger(attempt, write, now);
  const envelopes = attempt.envelopes === true;

  // A re-execution reuses this op's output from its parent run: returned verbatim, the op's code does not run.
  const reused = readReusedOutput(attempt.config);
  if (reused !== undefined) return returnReusedOutput(attempt, reused, log);

  // A timeout or crash of this attempt, caught by the state machine: decided here, the op does not run.
  if (attempt.fault !== undefined) {
    const outcome = decideFault(attempt, attempt.fault, options.random);
    const fields = extendFields(outcome.logFields, 'fault', attempt.fault.name);
    if (outcome.logLevel === 'WARN') log.warn('op timed out or crashed; retrying', fields);
    else log.error('op timed out or crashed', fields);
    throw outcome.error;
  }

  if (envelopes) {
    const skipped = buildSkippedMarker(attempt.opName, attempt.inputs);
    if (skipped !== undefined) {
      log.info('op skipped: an upstream op failed', { decision: 'skip', failedUpstream: skipped.failedUpstream });
      return skipped;
    }
  }
  const io = options.ioManager;
  // Envelopes past the op's own inputs stand for its `.after` ops: checked for markers above, never read or passed.
  let inputs: readonly unknown[] = attempt.inputs;
  if (envelopes) {
    const own = attempt.inputs.slice(0, attempt.op.inputCount);
    // Inline values need no IO: taken at once, without a promise per input.
    const inline = readInlineInputValues(own);
    if (inline !== undefined) inputs = inline;
    else {
      try {
        inputs = await readInputValues({ ...attempt, inputs: own }, io);
      } catch (thrown) {
        throw reportValueError(attempt, thrown, log, options, 'op input could not be read');
      }
    }
  }

  // The run config, checked before the op's code runs (lib/job/run-config.ts): never retried.
  // Without a configSchema the config passes as it is (validateOpConfig's rule), without a promise.
  const config = attempt.config ?? {};
  const prepared = attempt.op.configSchema === undefined ? ({ kind: 'run', config } as const) : await validateOpConfig(attempt.op, attempt.opName, config);
  if (prepared.kind === 'invalid') {
    const error = createAttemptError(RUN_CONFIG_ERROR, prepared.issues.map(formatRunConfigIssue).join('; and '), {
      stepops: PROTOCOL_VERSION,
      op: attempt.opName,
      retryNumber: attempt.retryNumber,
      decision: 'fail',
      reason: 'config-invalid',
    });
    log.error('op config rejected', { decision: 'fail', reason: 'config-invalid', thrownAs: error.name, errorMessage: error.message.slice(0, 1000) });
    throw error;
  }

  const context = buildOpContext({
    retryNumber: attempt.retryNumber,
    config: prepared.config,
    opName: attempt.opName,
    jobName: attempt.jobName,
    runId: attempt.runId,
    writeLog: options.now === undefined ? write : (record) => write({ ...record, timestamp: formatIsoTime(now()) }),
  });
  const started = now();
  let output: unknown;
  try {
    output = await runWithinDeadline(attempt.opName, attempt.getRemainingTimeInMillis, (): unknown => attempt.op.compute(context, ...inputs), attempt.armDeadlineTimer);
  } catch (thrown) {
    const outcome = decideThrown(attempt, thrown, options.random);
    // The outcome's own fields, durationMs last (as extendFields would give them, without the copy).
    const fields = outcome.logFields;
    fields.durationMs = now() - started;
    if (outcome.logLevel === 'WARN') log.warn(outcome.logMessage, fields);
    else log.error(outcome.logMessage, fields);
    throw outcome.error;
  }
  const durationMs = now() - started;
  const inlineBytes = attempt.inlineBytes ?? INLINE_THRESHOLD_BYTES;
  // Envelope attempts: the inline threshold decides (op-values.ts), not the payload limit.
  const limits = envelopes ? { maxBytes: Infinity, parseUpToBytes: inlineBytes } : {};
  const checked = checkOutput(attempt.opName, attempt.retryNumber, output === undefined ? null : output, envelopes ? ENVELOPE_BYTES : 0, limits);
  if (checked.error !== undefined) {
    log.error('op output rejected', {
      decision: 'fail',
      reason: checked.error.details.reason,
      thrownAs: checked.error.name,
      outputBytes: checked.bytes,
      durationMs,
    });
    throw checked.error;
  }
  if (!envelopes) {
    log.info('op succeeded', { decision: 'success', outputBytes: checked.bytes, durationMs });
    return checked.value;
  }
  let envelope: OpValueEnvelope | OpStoredEnvelope;
  try {
    // An inline envelope comes at once: no promise to wait for.
    const built = buildOutputEnvelope(attempt, io, checked, inlineBytes);
    envelope = await built;
  } catch (thrown) {
    throw reportValueError(attempt, thrown, log, options, 'op output could not be stored');
  }
  log.info('op succeeded', { decision: 'success', outputBytes: checked.bytes, durationMs, ...(VALUE_KEY in envelope ? {} : { stored: true }) });
  return envelope;
}

/**
 * The error to throw for an input that could not be read or an output that could not be
 * stored, logged: OpValueError's own (a missing object, no IO manager: the op fails), or, for
 * any other IO error (throttling, the network), decideOpError's under the op's policy.
 */
function reportValueError(attempt: OpAttempt, thrown: unknown, log: OpLogger, options: HandlerOptions, message: string): Error {
  if (thrown instanceof OpValueError) {
    const error = thrown.attemptError;
    log.error(message, { decision: 'fail', reason: error.details.reason, thrownAs: error.name, errorMessage: error.message.slice(0, 1000) });
    return error;
  }
  const outcome = decideThrown(attempt, thrown, options.random);
  if (outcome.logLevel === 'WARN') log.warn(message, outcome.logFields);
  else log.error(message, outcome.logFields);
  return outcome.error;
}

/**
 * The recorded payload of a reused op, verbatim (envelope or reference included). An outcome
 * marker there is refused: only the wrapper and the catchers write markers.
 */
function returnReusedOutput(attempt: OpAttempt, reused: NonNullable<ReturnType<typeof readReusedOutput>>, log: OpLogger): unknown {
  if (isOpOutcomeMarker(reused.recorded)) {
    const error = createAttemptError(
      RUN_CONFIG_ERROR,
      `ops.${attempt.opName}.config.${REUSED_CONFIG_KEY}.recorded is an outcome marker, not a recorded output; re-execute with stepops reexecute, which reuses succeeded ops only`,
      { stepops: PROTOCOL_VERSION, op: attempt.opName, retryNumber: attempt.retryNumber, decision: 'fail', reason: 'config-invalid' },
    );
    log.error('reused output rejected', { decision: 'fail', reason: 'config-invalid', thrownAs: error.name });
    throw error;
  }
  log.info('op output reused from the parent run', { decision: 'reuse', parent: reused.parent });
  return reuseRecordedOutput(reused.recorded, reused.parent);
}

/** The characters `{"v":` and `}` add around an output's JSON. */
const ENVELOPE_BYTES = `{"${VALUE_KEY}":}`.length;

/** `options` with the IO manager a deployed wrapper uses when none is given: S3 from STEPOPS_IO_BUCKET / STEPOPS_IO_PREFIX, if set. */
export function withDefaultIoManager(options: HandlerOptions): HandlerOptions {
  if (options.ioManager !== undefined) return options;
  const io = createIoManagerFromEnvironment();
  return io === undefined ? options : { ...options, ioManager: io };
}

/**
 * Resolves the attempt an event asks for and runs it: the entry shared by the handler forms.
 * A payload `resolveAttempt` rejects (it throws a PROTOCOL_ERROR) is logged and rethrown; the
 * op does not run.
 */
export function serveOpEvent(
  event: unknown,
  context: LambdaContextLike | undefined,
  resolveAttempt: (event: unknown, context: LambdaContextLike | undefined) => OpAttempt,
  options: HandlerOptions,
): Promise<unknown> {
  // Not an async function: the attempt's own promise is returned as it is, without one around it.
  let attempt: OpAttempt;
  try {
    attempt = resolveAttempt(event, context);
  } catch (rejection) {
    try {
      reportRejectedPayload(rejection, context, options);
    } catch (logError) {
      return Promise.reject(logError);
    }
    return Promise.reject(rejection);
  }
  return runOpAttempt(attempt, options);
}

/** Logs a payload resolveAttempt rejected (a PROTOCOL_ERROR): the op does not run. */
function reportRejectedPayload(rejection: unknown, context: LambdaContextLike | undefined, options: HandlerOptions): void {
  if (!isOpAttemptError(rejection)) return;
  const write = options.writeLog ?? writeJsonLine;
  const fields = { op: rejection.details.op, retryNumber: rejection.details.retryNumber, ...requestIdField(context?.awsRequestId) };
  createLogger({ fields, write, now: options.now }).error('payload rejected', {
    decision: 'fail',
    reason: rejection.details.reason,
    thrownAs: rejection.name,
    errorMessage: rejection.message.slice(0, 1000),
  });
}

function createAttemptLogger(attempt: OpAttempt, write: (record: LogRecord) => void, now: () => number): OpLogger {
  return createLogger({
    fields: {
      job: attempt.jobName,
      op: attempt.opName,
      runId: attempt.runId,
      retryNumber: attempt.retryNumber,
      ...requestIdField(attempt.requestId),
    },
    write,
    now,
  });
}

function requestIdField(requestId: string | undefined): { requestId?: string } {
  return requestId === undefined ? {} : { requestId };
}
