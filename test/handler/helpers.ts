import { expect } from 'vitest';
import { job, op, type JobDefinition, type LogRecord, type OpContext, type RetryPolicy } from '../../lib/index.js';
import { computeJobFingerprint } from '../../lib/job/index.js';
import type { HandlerErrorDetails, OpAttemptError } from '../../lib/handler/index.js';
import { toStepFunctionsError } from '../../lib/handler/task-failure.js';
import type { OpPayload, RetryMode } from '../../lib/job/wire-protocol.js';

/** A Lambda context double with the fields the Node.js runtime passes. */
export function createFakeContext(awsRequestId = 'req-0001'): {
  readonly awsRequestId: string;
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
} {
  return {
    awsRequestId,
    functionName: 'stepops-test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:stepops-test',
    memoryLimitInMB: '512',
    logGroupName: '/aws/lambda/stepops-test',
    logStreamName: '2026/01/01/[$LATEST]0123456789abcdef',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 30_000,
  };
}

/** Collects log records instead of writing them to stdout. */
export function captureLogs(): { readonly records: LogRecord[]; readonly writeLog: (record: LogRecord) => void } {
  const records: LogRecord[] = [];
  return { records, writeLog: (record) => records.push(record) };
}

/** A clock that advances 5 ms per reading, from 2026-01-01T00:00:00Z. */
export function createFakeClock(): () => number {
  let time = Date.UTC(2026, 0, 1);
  return () => {
    const reading = time;
    time += 5;
    return reading;
  };
}

/** A job with one op "work" (no inputs) whose code is `compute`, under `policy`. */
export function buildSingleOpJob(compute: (context: OpContext) => unknown, policy?: RetryPolicy, jobPolicy?: RetryPolicy): JobDefinition {
  const work = op({ name: 'work', ...(policy === undefined ? {} : { retryPolicy: policy }) }, async (context) => compute(context));
  return job({ name: 'test_job', ...(jobPolicy === undefined ? {} : { opRetryPolicy: jobPolicy }) }, () => {
    work();
  });
}

/**
 * A valid payload for `opName` of `testJob`, with overrides. `retryNumber` (not a payload field)
 * asks for that attempt as a native retrier makes it: the Task's State.RetryCount, no loop base.
 */
export function buildPayload(
  testJob: JobDefinition,
  opName: string,
  { retryNumber = 0, ...overrides }: Partial<Record<keyof OpPayload | 'retryNumber', unknown>> = {},
): Record<string, unknown> {
  const invocation = testJob.getInvocation(opName);
  return {
    protocol: 2,
    job: testJob.name,
    runId: 'run-1',
    state: { EnteredTime: '2026-01-01T00:00:00.000Z', Name: opName, RetryCount: retryNumber },
    retryMode: 'plain' satisfies RetryMode,
    inputs: invocation?.inputs.map((_, index) => ({ v: { input: index } })) ?? [],
    config: {},
    planHash: computeJobFingerprint(testJob),
    ...overrides,
  };
}

/** What a rejected promise threw; fails the test when it resolves. */
export async function catchThrown(promise: Promise<unknown>): Promise<OpAttemptError> {
  try {
    const value = await promise;
    expect.unreachable(`expected a rejection, got ${JSON.stringify(value)}`);
  } catch (thrown) {
    return thrown as OpAttemptError;
  }
  throw new Error('unreachable');
}

/** The failure as Step Functions records it, and the details read back the state machine's way. */
export interface RecordedFailure {
  readonly Error: string;
  readonly Cause: string;
  readonly errorMessage: string;
  readonly trace: readonly string[];
  /** `$parse($parse($states.errorOutput.Cause).trace[0])` */
  readonly details: HandlerErrorDetails;
}

export function recordFailure(thrown: unknown): RecordedFailure {
  const { Error: error, Cause } = toStepFunctionsError(thrown);
  const report = JSON.parse(Cause) as { errorType: string; errorMessage: string; trace: string[] };
  expect(report.errorType).toBe(error);
  return { Error: error, Cause, errorMessage: report.errorMessage, trace: report.trace, details: JSON.parse(report.trace[0] ?? 'null') as HandlerErrorDetails };
}
