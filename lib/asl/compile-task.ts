import { RECORD_KEYS } from './compile-faults.js';
import type { RetryMode } from '../job/wire-protocol.js';
import { LAMBDA_INVOKE_RESOURCE } from './asl-constants.js';
import type { AslCatcher, AslRetrier, AslState, AslTaskState, JsonValue } from './asl-types.js';
import { box, buildFailedMarker, buildPayload, buildWaitSeconds, expression, unbox, variable } from './jsonata-expressions.js';
import { buildFailedStateName, buildFaultStateName, buildWaitStateName, RUN_VARIABLES } from './state-names.js';

export interface TaskSpec {
  readonly opName: string;
  readonly opIndex: number;
  readonly retryMode: RetryMode;
  readonly retriers: readonly AslRetrier[];
  /** The Output of the States.ALL catcher: the fault record (compile-faults.ts), without `{% %}`. */
  readonly faultRecord: string;
  /** Variable names of the op's inputs, in parameter order. */
  readonly inputVariables: readonly string[];
  /** JSONata expressions for the ops it runs `.after`, appended to the payload's inputs. @default none */
  readonly orderOnlyInputs?: readonly string[];
  /** The variable this scope keeps the op's output (or failure marker) in. */
  readonly outputVariable: string;
  /**
   * Where the Task goes next; `undefined` when it ends a Parallel branch, whose Output is then
   * the carry `buildCarry(ownValue)` builds from an expression giving the op's own value.
   */
  readonly next: string | undefined;
  readonly buildCarry?: (ownValue: string) => JsonValue;
}

/**
 * An op's states: the Task (Lambda invoke with the OpPayload), its Wait state for the
 * RetryRequested / PLUS_MINUS loop and for fault retries, its fault Choice (compile-faults.ts)
 * and, for a Task that ends a Parallel branch, the Succeed state its failure paths end the
 * branch with (a catcher needs a Next). Returned in definition order.
 *
 * Data flows through variables: a Task that does not end a branch assigns its envelope (or, in
 * its failure catcher or fault Choice, its 'failed' marker) to its output variable and sets no
 * Output, so its state output is the Lambda integration result or the error output `{Error,
 * Cause}`. Only the last Task of a branch has an Output: the branch's carry. The RetryAfter
 * catcher outputs the error's ErrorDetails and the fault catchers a record of their own, which
 * the Wait state passes on to the Task. Hence a Task's input is never an op's output (see
 * buildLoopBase): an `n` (or anything else) an op returns cannot reach the next
 * Task's retry number.
 */
export function compileTaskStates(spec: TaskSpec): [string, AslState][] {
  const waitName = buildWaitStateName(spec.opName, spec.opIndex);
  const failedName = buildFailedStateName(spec.opName, spec.opIndex);
  const faultName = buildFaultStateName(spec.opName, spec.opIndex);
  const carry = spec.next === undefined ? spec.buildCarry : undefined;
  const catchers: AslCatcher[] = [
    // The op's 'failed' marker is assigned here, before the fault Choice knows whether the op
    // fails: a retry that succeeds assigns the op's envelope over it.
    { ErrorEquals: ['States.ALL'], Assign: { [spec.outputVariable]: box(buildFailedMarker(spec.opName)) }, Output: expression(spec.faultRecord), Next: faultName },
  ];
  // Field by field, in this key order (a property after a spread in an object literal is the slow path).
  const task: { -readonly [K in keyof AslTaskState]: AslTaskState[K] } = {
    Type: 'Task',
    Resource: LAMBDA_INVOKE_RESOURCE,
    Arguments: {
      FunctionName: expression(variable(RUN_VARIABLES.functionArn)),
      Payload: expression(buildPayload(spec.opName, spec.retryMode, [...spec.inputVariables.map(variable), ...(spec.orderOnlyInputs ?? [])])),
    },
  };
  if (carry === undefined) task.Assign = { [spec.outputVariable]: box(RESULT) };
  else task.Output = carry(RESULT);
  if (spec.retriers.length > 0) task.Retry = spec.retriers;
  task.Catch = catchers;
  if (spec.next === undefined) task.End = true;
  else task.Next = spec.next;
  // A record without waitSeconds fails the op. It is `{}` (compile-faults.ts), so as the next
  // state's input it carries no retry number; a branch's last op ends the branch with its carry.
  const retry = { Condition: expression(`$exists($states.input.${RECORD_KEYS.waitSeconds})`), Next: waitName };
  const fault: AslState = { Type: 'Choice', Choices: [retry], Default: spec.next ?? failedName };
  const states: [string, AslState][] = [
    [spec.opName, task],
    [waitName, { Type: 'Wait', Seconds: expression(buildWaitSeconds()), Next: spec.opName }],
    [faultName, fault],
  ];
  // A branch's last op, failed: the Succeed state ends the branch with the carry of its failure marker.
  if (spec.next === undefined) states.push([failedName, carry === undefined ? { Type: 'Succeed' } : { Type: 'Succeed', Output: carry(unbox(variable(spec.outputVariable))) }]);
  return states;
}

/** The op's output in the Task's result. */
const RESULT = '$states.result.Payload';
