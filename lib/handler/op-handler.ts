import { DefinitionError, describeValue } from '../errors.js';
import { isOpDefinition, type AnyOpDefinition, type ConfiguredOp, type OpDefinition } from '../job/op.js';
import type { RetryMode } from '../job/wire-protocol.js';
import type { RetryPolicy } from '../policy/retry-policy.js';
import type { HandlerOptions, LambdaContextLike, LambdaHandler } from './handler-types.js';
import type { OpAttempt } from './op-attempt.js';
import { createProtocolError, isJsonObject, isRetryNumber, previewValue } from './protocol-error.js';
import { RETRY_MODES, chooseRetryMode, isRetryMode } from './retry-mode.js';
import { serveOpEvent } from './run-op-attempt.js';

/**
 * What a hand-written state machine sends an opHandler, e.g. in JSONata:
 * `"Arguments": { "FunctionName": "...", "Payload": { "retryNumber": "{% $states.context.State.RetryCount %}",
 * "inputs": ["{% $states.input.report %}"], "runId": "{% $states.context.Execution.Name %}" } }`.
 */
export interface OpEvent {
  /**
   * Retries already made (Dagster's retry_number): `$states.context.State.RetryCount` (JSONata)
   * or `$$.State.RetryCount` (JSONPath) when only retriers retry the Task; add the loop count
   * when a Catch -> Wait -> Task loop retries it too (RetryRequested, 'loop' mode).
   */
  readonly retryNumber: number;
  /** The op's inputs, in parameter order. @default [] */
  readonly inputs?: readonly unknown[];
  /** The op's config (ctx.config). @default {} */
  readonly config?: unknown;
  /** The run's id (ctx.runId): `$states.context.Execution.Name`. @default - the Lambda request id, else 'standalone' */
  readonly runId?: string;
  /** Overrides the retry mode of OpHandlerOptions for this event. @default - OpHandlerOptions.retryMode */
  readonly retryMode?: RetryMode;
}

export interface OpHandlerOptions extends HandlerOptions {
  /**
   * How a retry the op's policy grants is thrown: RETRY_ERROR ('plain'),
   * retryAttemptErrorName(n) ('indexed') or RETRY_AFTER_ERROR with the wait ('loop'). It must
   * match the Task's retriers; compileRetryPolicy(policy) builds them.
   * @default - chooseRetryMode(policy)
   */
  readonly retryMode?: RetryMode;
  /** ctx.jobName. @default - the op's name */
  readonly jobName?: string;
}

/**
 * The Lambda handler for one op, for Lambda developers who write their own state machines:
 * `export const handler = opHandler(fetchReport)` (or `opHandler(fetchReport.withRetryPolicy(p))`).
 * It runs the op with its policy (the invocation's, else the definition's) through the same
 * core as jobHandler and throws the same error names; the Task needs the retriers
 * compileRetryPolicy(policy) yields and, for RetryRequested or 'loop' mode, a Catch on
 * RETRY_AFTER_ERROR -> Wait (details.waitSeconds) -> the Task with retryNumber =
 * details.nextRetryNumber. The event is an OpEvent.
 */
export function opHandler<I extends unknown[], O>(op: OpDefinition<I, O> | ConfiguredOp<I, O>, options: OpHandlerOptions = {}): LambdaHandler {
  const target = resolveOpTarget(op);
  const retryMode = options.retryMode ?? chooseRetryMode(target.policy);
  const jobName = options.jobName ?? target.definition.name;
  const resolve = (event: unknown, context: LambdaContextLike | undefined): OpAttempt => resolveOpAttempt(target, jobName, retryMode, event, context);
  return async (event, context) => serveOpEvent(event, context, resolve, options);
}

interface OpTarget {
  readonly definition: AnyOpDefinition;
  readonly opName: string;
  readonly policy: RetryPolicy | undefined;
}

function resolveOpTarget(op: unknown): OpTarget {
  if (isOpDefinition(op)) return { definition: op, opName: op.name, policy: op.retryPolicy };
  const configured = (typeof op === 'function' ? op : {}) as Partial<ConfiguredOp>;
  if (configured.kind === 'configured-op' && configured.definition !== undefined && isOpDefinition(configured.definition)) {
    const definition = configured.definition;
    return { definition, opName: configured.aliasName ?? definition.name, policy: configured.invocationRetryPolicy ?? definition.retryPolicy };
  }
  throw new DefinitionError(`opHandler needs an op made by op({ name }, fn) (or its alias/withRetryPolicy), got ${describeValue(op)}`);
}

function resolveOpAttempt(target: OpTarget, jobName: string, retryMode: RetryMode, event: unknown, context: LambdaContextLike | undefined): OpAttempt {
  const { definition, opName } = target;
  const advice = `opHandler for op "${opName}" expects { retryNumber, inputs?, config?, runId?, retryMode? }; set retryNumber from $states.context.State.RetryCount in the Task's Payload`;
  if (!isJsonObject(event)) throw createProtocolError(`the event must be an object, got ${previewValue(event)}`, advice, { op: opName });
  const facts = { op: opName, retryNumber: event.retryNumber };
  function reject(problem: string): never {
    throw createProtocolError(problem, advice, facts);
  }
  if (!isRetryNumber(event.retryNumber)) {
    reject(`event.retryNumber must be an integer >= 0 (retries already made; 0 on the first attempt), got ${previewValue(event.retryNumber)}`);
  }
  const inputs = event.inputs ?? [];
  if (!Array.isArray(inputs) || inputs.length !== definition.inputCount) {
    reject(`event.inputs must be an array of ${definition.inputCount} value(s) for op "${opName}", got ${previewValue(event.inputs)}`);
  }
  if (event.runId !== undefined && (typeof event.runId !== 'string' || event.runId.length === 0)) {
    reject(`event.runId must be a non-empty string (the execution name), got ${previewValue(event.runId)}`);
  }
  if (event.retryMode !== undefined && !isRetryMode(event.retryMode)) {
    reject(`event.retryMode must be one of ${RETRY_MODES.join(', ')}, got ${previewValue(event.retryMode)}`);
  }
  const requestId = context?.awsRequestId;
  return {
    op: definition,
    opName,
    jobName,
    runId: event.runId ?? requestId ?? 'standalone',
    retryNumber: event.retryNumber,
    retryMode: event.retryMode ?? retryMode,
    policy: target.policy,
    inputs,
    config: event.config,
    ...(requestId === undefined ? {} : { requestId }),
  };
}
