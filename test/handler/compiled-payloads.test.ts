import { describe, expect, it, vi } from 'vitest';
import { compileJob } from '../../lib/asl/index.js';
import { jobHandler } from '../../lib/handler/index.js';
import { RETRY_AFTER_ERROR, RETRY_ERROR, createSeededRandom, retryAttemptErrorName, type JobDefinition, type JobFailureCause } from '../../lib/index.js';
import { OUTCOME_MARKER_KEY, type OpPayload } from '../../lib/job/index.js';
import { readPayloadRetryNumber } from '../../lib/job/wire-protocol.js';
import { runStateMachine, summarizeTaskAttempts, type RunResult, type TaskHandler } from '../../lib/runner/index.js';
import type { LambdaHandler } from '../../lib/handler/index.js';
import * as defaultAndOverride from '../../handlers/default-and-override.js';
import * as reportPipelineModule from '../../handlers/report-pipeline.js';
import * as retryJobModule from '../../handlers/retry-job.js';

const { defaultAndOverrideJob } = defaultAndOverride;
const { reportPipeline } = reportPipelineModule;
const { retryJob } = retryJobModule;

/** One attempt of an op, as the compiled state machine ran it. */
interface OpAttemptRecord {
  /** The payload the Task sent (evaluated from its Arguments.Payload by the runner). */
  readonly payload: OpPayload;
  /** The Step Functions Error of a failed attempt. */
  readonly error: string | undefined;
  /** How the next attempt came: a Retry block of the same Task visit, or the Catch -> Wait loop. */
  readonly retriedBy: 'retrier' | 'loop' | undefined;
  /** Seconds before the next attempt. */
  readonly waitSeconds: number | undefined;
}

interface CompiledRun {
  readonly result: RunResult;
  readonly attempts: ReadonlyMap<string, readonly OpAttemptRecord[]>;
  /** What the wrapper returned for each op's last attempt that returned (its envelope or a skipped marker). */
  readonly outputs: ReadonlyMap<string, unknown>;
  /** The run's failure cause (OPS_FAILED_ERROR or an op's own error), when it failed. */
  readonly failure: JobFailureCause | undefined;
}

/**
 * Runs `job`'s compiled definition in the local runner (the real interpreter: Retry, Catch,
 * Wait, JSONata) with `handler` behind every op's Task, as Lambda would run it.
 */
async function runCompiledJob(job: JobDefinition, executionInput: unknown, options: { seed?: number; handler?: LambdaHandler; executionName?: string } = {}): Promise<CompiledRun> {
  const { definition } = compileJob(job);
  const handler = options.handler ?? jobHandler(job, { writeLog: () => {}, random: createSeededRandom(options.seed ?? 7) });
  const payloads = new Map<string, OpPayload[]>();
  const outputs = new Map<string, unknown>();
  const invoke: TaskHandler = async (args) => {
    const payload = (args as { Payload: OpPayload }).Payload;
    payloads.set(payload.state.Name, [...(payloads.get(payload.state.Name) ?? []), payload]);
    const output = await handler(payload);
    outputs.set(payload.state.Name, output);
    return { Payload: output };
  };
  const result = await runStateMachine(definition, {
    input: executionInput,
    executionName: options.executionName ?? 'exec-1',
    taskHandlers: Object.fromEntries(job.invocations.map((invocation) => [invocation.name, invoke])),
  });
  const attempts = new Map<string, OpAttemptRecord[]>();
  const visits = summarizeTaskAttempts(result.history);
  for (const invocation of job.invocations) {
    const own = visits.filter((visit) => visit.stateName === invocation.name);
    const records: OpAttemptRecord[] = [];
    own.forEach((visit, visitIndex) => {
      visit.attempts.forEach((attempt, attemptIndex) => {
        const next = visit.attempts[attemptIndex + 1] ?? own[visitIndex + 1]?.attempts[0];
        const retriedBy = next === undefined ? undefined : attemptIndex + 1 < visit.attempts.length ? 'retrier' : 'loop';
        const waitSeconds = next === undefined || attempt.endedAt === undefined ? undefined : (next.scheduledAt.getTime() - attempt.endedAt.getTime()) / 1000;
        records.push({ payload: payloads.get(invocation.name)![records.length]!, error: attempt.error, retriedBy, waitSeconds });
      });
    });
    attempts.set(invocation.name, records);
  }
  const cause = result.error?.cause;
  const failure = result.status === 'FAILED' && cause !== undefined ? (JSON.parse(cause) as JobFailureCause) : undefined;
  return { result, attempts, outputs, failure };
}

const allSucceed = (job: JobDefinition): unknown => ({
  ops: Object.fromEntries(job.invocations.map((invocation) => [invocation.name, { config: { failuresBeforeSuccess: 0 } }])),
});

const errorsOf = (run: CompiledRun, op: string): (string | undefined)[] => run.attempts.get(op)?.map((attempt) => attempt.error) ?? [];
const retryNumbersOf = (run: CompiledRun, op: string): unknown[] => run.attempts.get(op)?.map((attempt) => readPayloadRetryNumber(attempt.payload)) ?? [];
const waitsOf = (run: CompiledRun, op: string): (number | undefined)[] => run.attempts.get(op)?.map((attempt) => attempt.waitSeconds) ?? [];
const failedOpsOf = (run: CompiledRun): { op: string; error: string }[] => run.failure?.failedOps.map(({ op, error }) => ({ op, error })) ?? [];

describe('compiled definitions run by the local runner with the real wrapper behind each Task', () => {
  it.each([
    ['default_and_override_job', defaultAndOverrideJob],
    ['retry_job', retryJob],
    ['report_pipeline', reportPipeline],
  ] as const)('%s: every Task payload is accepted and runs its op once when nothing fails', async (_name, job) => {
    const run = await runCompiledJob(job, allSucceed(job));
    expect(run.result.status).toBe('SUCCEEDED');
    for (const invocation of job.invocations) {
      const attempts = run.attempts.get(invocation.name)!;
      expect(attempts).toHaveLength(1);
      expect(attempts[0]?.payload).toMatchObject({
        protocol: 2,
        job: job.name,
        state: { Name: invocation.name, RetryCount: 0 },
        runId: 'exec-1',
        config: { failuresBeforeSuccess: 0 },
      });
      expect(attempts[0]?.error).toBeUndefined();
      expect(run.outputs.get(invocation.name)).toHaveProperty('v');
    }
  });

  it('retry_job with default config: each op as Dagster runs it', async () => {
    const run = await runCompiledJob(retryJob, {});
    // problematic: no policy, fails at once under its own name; the run fails naming it.
    expect(errorsOf(run, 'problematic')).toStrictEqual(['ReportUnavailableError']);
    expect(failedOpsOf(run)).toStrictEqual([{ op: 'problematic', error: 'ReportUnavailableError' }]);
    // better: RetryPolicy() -> one plain retry (the retrier's 1 s minimum), then success.
    expect(errorsOf(run, 'better')).toStrictEqual([RETRY_ERROR, undefined]);
    expect(retryNumbersOf(run, 'better')).toStrictEqual([0, 1]);
    expect(waitsOf(run, 'better')).toStrictEqual([1, undefined]);
    expect(run.attempts.get('better')?.[0]?.retriedBy).toBe('retrier');
    // even_better: PLUS_MINUS -> the Catch -> Wait loop with the wrapper's drawn waits.
    expect(errorsOf(run, 'even_better')).toStrictEqual([RETRY_AFTER_ERROR, RETRY_AFTER_ERROR, undefined]);
    expect(retryNumbersOf(run, 'even_better')).toStrictEqual([0, 1, 2]);
    expect(
      run.attempts
        .get('even_better')
        ?.slice(0, 2)
        .map((attempt) => attempt.retriedBy),
    ).toStrictEqual(['loop', 'loop']);
    // manual: RetryRequested(maxRetries 1, secondsToWait 1) -> one loop retry after 1 s.
    expect(errorsOf(run, 'manual')).toStrictEqual([RETRY_AFTER_ERROR, undefined]);
    expect(waitsOf(run, 'manual')).toStrictEqual([1, undefined]);
    expect(run.outputs.get('manual')).toStrictEqual({ v: { op: 'manual', rows: 42, attempt: 2 } });
  });

  it('even_better: the loop waits are the seeded PLUS_MINUS draws, rounded up', async () => {
    const run = await runCompiledJob(retryJob, {}, { seed: 99 });
    const policy = retryJob.getInvocation('even_better')!.op.retryPolicy!;
    const random = createSeededRandom(99);
    // problematic, better and manual draw no random numbers: even_better's are the first two.
    const expected = [1, 2].map((n) => Math.ceil(policy.calculateDelay(n, random)));
    expect(waitsOf(run, 'even_better').slice(0, 2)).toStrictEqual(expected);
  });

  it('default_and_override_job: the invocation policy (10 retries) carries problematic to success on its 4th attempt', async () => {
    const run = await runCompiledJob(defaultAndOverrideJob, {});
    expect(errorsOf(run, 'problematic')).toStrictEqual([RETRY_ERROR, RETRY_ERROR, RETRY_ERROR, undefined]);
    expect(retryNumbersOf(run, 'problematic')).toStrictEqual([0, 1, 2, 3]);
    expect(run.outputs.get('problematic')).toStrictEqual({ v: { op: 'problematic', rows: 42, attempt: 4 } });
  });

  it('report_pipeline: attempt-indexed retriers wait the LINEAR schedule exactly', async () => {
    const run = await runCompiledJob(reportPipeline, {});
    expect(errorsOf(run, 'extract')).toStrictEqual([retryAttemptErrorName(1), retryAttemptErrorName(2), undefined]);
    expect(waitsOf(run, 'extract')).toStrictEqual([3600, 7200, undefined]);
    expect(errorsOf(run, 'summarize')).toStrictEqual([retryAttemptErrorName(1), undefined]);
    expect(errorsOf(run, 'audit')).toStrictEqual([undefined]);
    expect(errorsOf(run, 'load')).toStrictEqual([RETRY_ERROR, undefined]);
    expect(waitsOf(run, 'load')).toStrictEqual([30, undefined]);
    expect(run.outputs.get('load')).toStrictEqual({ v: { loaded: 42, audited: 42 } });
  });

  it('report_pipeline: an exhausted op fails under its own name and its downstream ops are skipped', async () => {
    const run = await runCompiledJob(reportPipeline, { ops: { extract: { config: { failuresBeforeSuccess: 99 } } } });
    expect(errorsOf(run, 'extract')).toStrictEqual([1, 2, 3, 4].map(retryAttemptErrorName).concat('ReportUnavailableError'));
    expect(retryNumbersOf(run, 'extract')).toStrictEqual([0, 1, 2, 3, 4]);
    expect(failedOpsOf(run)).toStrictEqual([{ op: 'extract', error: 'ReportUnavailableError' }]);
    expect(run.failure?.skippedOps).toStrictEqual(['summarize', 'audit', 'load']);
    // The wrapper saw the failure marker among the inputs and returned a skipped marker without running the op.
    for (const name of ['summarize', 'audit', 'load']) {
      expect(run.outputs.get(name)).toStrictEqual({ [OUTCOME_MARKER_KEY]: 'skipped', op: name, failedUpstream: ['extract'] });
    }
  });

  it('the state machine reads the loop details back from the Cause: retry number carries across the loop', async () => {
    const run = await runCompiledJob(retryJob, { ops: { manual: { config: { failuresBeforeSuccess: 5 } } } });
    // RetryRequested(maxRetries 1): one loop retry (retryNumber 1 from nextRetryNumber), then exhausted.
    expect(errorsOf(run, 'manual')).toStrictEqual([RETRY_AFTER_ERROR, 'RetryRequested']);
    expect(retryNumbersOf(run, 'manual')).toStrictEqual([0, 1]);
    expect(failedOpsOf(run)).toContainEqual({ op: 'manual', error: 'RetryRequested' });
  });

  it.each([
    ['default_and_override_job', defaultAndOverride],
    ['retry_job', retryJobModule],
    ['report_pipeline', reportPipelineModule],
  ] as const)('handlers/%s exports `handler` serving its job', async (_name, module) => {
    const job = Object.values(module).find((value): value is JobDefinition => typeof value === 'object' && value !== null && value.kind === 'job')!;
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const run = await runCompiledJob(job, allSucceed(job), { handler: module.handler, executionName: 'exec-2' });
      expect(run.result.status).toBe('SUCCEEDED');
      expect([...run.attempts.values()].map((attempts) => attempts.length)).toStrictEqual(job.invocations.map(() => 1));
    } finally {
      write.mockRestore();
    }
  });
});
