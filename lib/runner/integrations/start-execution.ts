import { InternalError } from '../../errors.js';
import { START_EXECUTION_RESOURCE, START_EXECUTION_SYNC_RESOURCE, START_EXECUTION_SYNC2_RESOURCE } from '../../asl/index.js';
import type { CancelScope } from '../clock/cancel-scope.js';
import type { Scope, StartedChildExecution } from '../run-context.js';
import { StatesError, StatesErrorName } from '../states/states-error.js';
import { limitFailure } from './task-failure.js';
import type { ChildExecutionStatus, RunResult } from '../types.js';

type Pattern = 'request-response' | 'sync' | 'sync:2';

/** The integration pattern of a startExecution Resource, or undefined for any other Resource. */
export function readStartExecutionPattern(resource: string): Pattern | undefined {
  switch (resource) {
    case START_EXECUTION_RESOURCE:
      return 'request-response';
    case START_EXECUTION_SYNC_RESOURCE:
      return 'sync';
    case START_EXECUTION_SYNC2_RESOURCE:
      return 'sync:2';
    default:
      return undefined;
  }
}

/**
 * Runs a startExecution Task attempt in process: the child named by Arguments.StateMachineArn
 * runs on the same clock with Input = Arguments.Input.
 *
 * - `startExecution` (request-response) resolves at once with { ExecutionArn, StartDate, SdkHttpMetadata, SdkResponseMetadata };
 *   the child runs on (its abort is not tied to this Task).
 * - `.sync` / `.sync:2` wait for the child and resolve with the DescribeExecution fields in
 *   PascalCase (Input/Output as JSON strings for .sync, parsed for .sync:2). A child that did
 *   not succeed fails the Task with States.TaskFailed and a Cause that is that same object as
 *   JSON (Status FAILED|TIMED_OUT|ABORTED, Error, Cause), as Step Functions reports it.
 *
 * Throws UnknownStateMachineError (a RunnerError: not catchable by the definition) for an
 * ARN missing from `stateMachines`.
 */
export async function callStartExecution(
  scope: Scope,
  request: { readonly stateName: string; readonly resource: string; readonly args: unknown },
  cancel: CancelScope,
): Promise<unknown> {
  const pattern = readStartExecutionPattern(request.resource);
  if (pattern === undefined) throw new InternalError(`not a startExecution resource: ${request.resource}`);
  const { stateMachineArn, input, name } = readArguments(request.args, request.stateName);
  const child = scope.run.children.start({ stateName: request.stateName, stateMachineArn, input, name, cancel });
  if (pattern === 'request-response') return startResult(child, scope.run.clock.now());
  const result = await child.done;
  const described = describeExecution(child, stateMachineArn, input, result, pattern);
  if (result.status === 'SUCCEEDED') return described;
  const failure = limitFailure(StatesErrorName.TaskFailed, JSON.stringify(described));
  throw new StatesError(failure.error, failure.cause);
}

function readArguments(args: unknown, stateName: string): { stateMachineArn: string; input: unknown; name: string | undefined } {
  const where = `An error occurred while executing the state '${stateName}'.`;
  if (args === null || typeof args !== 'object' || Array.isArray(args)) {
    throw new StatesError(StatesErrorName.Runtime, `${where} The Arguments of a startExecution Task must be an object with StateMachineArn.`);
  }
  const { StateMachineArn, Input, Name } = args as Record<string, unknown>;
  if (typeof StateMachineArn !== 'string') {
    throw new StatesError(StatesErrorName.Runtime, `${where} The Arguments of a startExecution Task need a StateMachineArn string.`);
  }
  if (Name !== undefined && (typeof Name !== 'string' || !/^[\w-]{1,80}$/.test(Name))) {
    throw new StatesError(StatesErrorName.Runtime, `${where} Name must be 1 to 80 letters, digits, '-' or '_' (got ${JSON.stringify(Name)}).`);
  }
  let input: unknown = Input ?? {};
  if (typeof Input === 'string') {
    // StartExecution takes Input as a JSON string; the optimized integration also accepts JSON.
    try {
      input = JSON.parse(Input) as unknown;
    } catch {
      throw new StatesError(StatesErrorName.Runtime, `${where} Input is a string but not JSON text.`);
    }
  }
  return { stateMachineArn: StateMachineArn, input, name: Name };
}

function startResult(child: StartedChildExecution, nowMs: number): unknown {
  const requestId = `local-start-${child.name}`;
  const body = JSON.stringify({ executionArn: child.executionArn, startDate: child.startMs / 1000 });
  const headers: Record<string, string> = {
    'Content-Length': String(Buffer.byteLength(body, 'utf8')),
    'Content-Type': 'application/x-amz-json-1.0',
    Date: new Date(nowMs).toUTCString(),
    connection: 'keep-alive',
    'x-amzn-RequestId': requestId,
  };
  return {
    ExecutionArn: child.executionArn,
    SdkHttpMetadata: {
      AllHttpHeaders: Object.fromEntries(Object.entries(headers).map(([key, value]) => [key, [value]])),
      HttpHeaders: headers,
      HttpStatusCode: 200,
    },
    SdkResponseMetadata: { RequestId: requestId },
    StartDate: child.startMs,
  };
}

/** DescribeExecution of the ended child, PascalCase, dates as epoch milliseconds. */
function describeExecution(child: StartedChildExecution, stateMachineArn: string, input: unknown, result: RunResult, pattern: 'sync' | 'sync:2'): Record<string, unknown> {
  const json = (value: unknown): unknown => (pattern === 'sync' ? (JSON.stringify(value) ?? 'null') : value);
  const stopMs = child.startMs + result.elapsedSeconds * 1000;
  const status = readExecutionStatus(result);
  return {
    ...(result.error === undefined ? {} : { Cause: result.error.cause, Error: result.error.error }),
    ExecutionArn: child.executionArn,
    Input: json(input),
    InputDetails: { Included: true },
    Name: child.name,
    ...(result.status === 'SUCCEEDED' ? { Output: json(result.output ?? null), OutputDetails: { Included: true } } : {}),
    StartDate: child.startMs,
    StateMachineArn: stateMachineArn,
    Status: status,
    StopDate: stopMs,
  };
}

/** The DescribeExecution status of an ended run, read from its closing event. */
export function readExecutionStatus(result: RunResult): ChildExecutionStatus {
  if (result.status === 'SUCCEEDED') return 'SUCCEEDED';
  const closing = [...result.history].reverse().find((event) => event.type?.startsWith('Execution') && event.type !== 'ExecutionStarted');
  if (closing?.type === 'ExecutionTimedOut') return 'TIMED_OUT';
  if (closing?.type === 'ExecutionAborted') return 'ABORTED';
  return 'FAILED';
}
