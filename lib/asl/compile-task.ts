import { RETRY_AFTER_ERROR } from '../errors.js';
import { PROTOCOL_VERSION, type RetryMode } from '../job/wire-protocol.js';
import { LAMBDA_INVOKE_RESOURCE } from './asl-constants.js';
import type { AslCatcher, AslRetrier, AslState, AslTaskState, JsonObject, JsonValue } from './asl-types.js';
import {
  buildConfig,
  buildFailedMarker,
  buildRetryEnvelope,
  buildRetryNumber,
  buildWaitSeconds,
  expression,
  variable,
} from './jsonata-expressions.js';
import { buildFailedStateName, buildWaitStateName, RETRY_ENVELOPE_KEY, RUN_VARIABLES } from './state-names.js';

export interface TaskSpec {
  readonly jobName: string;
  readonly planHash: string;
  readonly opName: string;
  readonly opIndex: number;
  readonly retryMode: RetryMode;
  readonly retriers: readonly AslRetrier[];
  /** Variable names of the op's inputs, in parameter order. */
  readonly inputVariables: readonly string[];
  /** The variable this scope keeps the op's output (or failure marker) in. */
  readonly outputVariable: string;
  /**
   * Where the Task goes next; `undefined` when it ends a Parallel branch, whose Output is then
   * `carry` (built by `buildCarry(own)` from the op's own value expression).
   */
  readonly next: string | undefined;
  readonly buildCarry?: (ownValue: string) => string;
}

/**
 * The failure catcher (States.ALL, last) assigns the op's 'failed' OpOutcomeMarker to the op's
 * output variable and continues to the Task's normal Next, so downstream ops receive the
 * marker as an input. It sets no Output: data flows through variables, and the marker in the
 * state output would only repeat ~170 characters per op in the definition. The last Task of
 * a Parallel branch instead puts the marker in the branch Output (the carry) and continues
 * to an empty Pass that ends the branch (a catcher needs a Next).
 *
 * An op's states: the Task (Lambda invoke with the OpPayload), its Wait state for the
 * RetryRequested / PLUS_MINUS loop, and, for a Task that ends a branch, the Pass its failure
 * catcher continues to. Returned in definition order.
 */
export function compileTaskStates(spec: TaskSpec): [string, AslState][] {
  const waitName = buildWaitStateName(spec.opName, spec.opIndex);
  const failedName = buildFailedStateName(spec.opName, spec.opIndex);
  const marker = expression(buildFailedMarker(spec.opName));
  const ends = spec.next === undefined;
  const carry = spec.buildCarry;
  const catchers: AslCatcher[] = [
    { ErrorEquals: [RETRY_AFTER_ERROR], Output: { [RETRY_ENVELOPE_KEY]: expression(buildRetryEnvelope()) }, Next: waitName },
    ends && carry !== undefined
      ? { ErrorEquals: ['States.ALL'], Output: expression(`($m:=${buildFailedMarker(spec.opName)};${carry('$m')})`), Next: failedName }
      : { ErrorEquals: ['States.ALL'], Assign: { [spec.outputVariable]: expression(buildFailedMarker(spec.opName)) }, Next: spec.next ?? failedName },
  ];
  const success: { Output: JsonValue; Assign?: JsonObject } =
    ends && carry !== undefined
      ? { Output: expression(carry('$states.result.Payload')) }
      : { Output: expression('$states.result.Payload'), Assign: { [spec.outputVariable]: expression('$states.result.Payload') } };
  const task: AslTaskState = {
    Type: 'Task',
    Resource: LAMBDA_INVOKE_RESOURCE,
    Arguments: {
      FunctionName: expression(variable(RUN_VARIABLES.functionArn)),
      Payload: {
        protocol: PROTOCOL_VERSION,
        job: spec.jobName,
        op: spec.opName,
        runId: expression(variable(RUN_VARIABLES.runId)),
        retryNumber: expression(buildRetryNumber()),
        retryMode: spec.retryMode,
        inputs: spec.inputVariables.map((name) => expression(variable(name))),
        config: expression(buildConfig(spec.opName)),
        planHash: spec.planHash,
      },
    },
    ...success,
    Retry: spec.retriers,
    Catch: catchers,
    ...(ends ? { End: true as const } : { Next: spec.next }),
  };
  const states: [string, AslState][] = [
    [spec.opName, task],
    [waitName, { Type: 'Wait', Seconds: expression(buildWaitSeconds()), Next: spec.opName }],
  ];
  // The failure catcher of a branch's last Task already built the branch Output.
  if (ends) states.push([failedName, { Type: 'Pass', End: true }]);
  return states;
}
