import { describe, expect, it, vi } from 'vitest';
import { compileJob, type AslState } from '../../lib/asl/index.js';
import { jobHandler } from '../../lib/handler/index.js';
import { RETRY_AFTER_ERROR, RETRY_ERROR, createSeededRandom, retryAttemptErrorName, type JobDefinition } from '../../lib/index.js';
import { OUTCOME_MARKER_KEY } from '../../lib/job/index.js';
import * as defaultAndOverride from '../../handlers/default-and-override.js';
import * as reportPipelineModule from '../../handlers/report-pipeline.js';
import * as retryJobModule from '../../handlers/retry-job.js';
import { assignStartVariables, collectStates, runCompiledTask, type TaskRun } from './compiled-task.js';

const { defaultAndOverrideJob } = defaultAndOverride;
const { reportPipeline } = reportPipelineModule;
const { retryJob } = retryJobModule;

/** Runs every op of `job` in invocation order through its compiled Task, outputs feeding inputs. */
async function runCompiledJob(job: JobDefinition, executionInput: unknown, seed = 7): Promise<Map<string, TaskRun>> {
  const { definition } = compileJob(job);
  const states: Map<string, AslState> = collectStates(definition);
  const variables = await assignStartVariables(definition, 'exec-1', executionInput);
  const handler = jobHandler(job, { writeLog: () => {}, random: createSeededRandom(seed) });
  const runs = new Map<string, TaskRun>();
  for (const invocation of job.invocations) {
    const inputs = invocation.inputs.map((producer) => runs.get(producer)?.result);
    runs.set(invocation.name, await runCompiledTask(states, invocation.name, { handler, executionName: 'exec-1', executionInput, inputs, variables }));
  }
  return runs;
}

const allSucceed = (job: JobDefinition): unknown => ({
  ops: Object.fromEntries(job.invocations.map((invocation) => [invocation.name, { config: { failuresBeforeSuccess: 0 } }])),
});

const errorsOf = (run: TaskRun | undefined): (string | undefined)[] => run?.attempts.map((attempt) => attempt.error) ?? [];
const retryNumbersOf = (run: TaskRun | undefined): unknown[] => run?.attempts.map((attempt) => attempt.payload.retryNumber) ?? [];
const waitsOf = (run: TaskRun | undefined): (number | undefined)[] => run?.attempts.map((attempt) => attempt.waitSeconds) ?? [];

describe('payloads evaluated from compiled definitions (compileJob + jsonata)', () => {
  it.each([
    ['default_and_override_job', defaultAndOverrideJob],
    ['retry_job', retryJob],
    ['report_pipeline', reportPipeline],
  ] as const)('%s: every Task payload is accepted and runs its op once when nothing fails', async (_name, job) => {
    const runs = await runCompiledJob(job, allSucceed(job));
    for (const invocation of job.invocations) {
      const run = runs.get(invocation.name)!;
      expect(run.attempts).toHaveLength(1);
      expect(run.attempts[0]?.payload).toMatchObject({
        protocol: 1,
        job: job.name,
        op: invocation.name,
        runId: 'exec-1',
        retryNumber: 0,
        config: { failuresBeforeSuccess: 0 },
      });
      expect(run.failure).toBeUndefined();
      expect(run.result).toBeDefined();
    }
  });

  it('retry_job with default config: each op as Dagster runs it', async () => {
    const runs = await runCompiledJob(retryJob, {});
    // problematic: no policy, fails at once under its own name; the Catch-all records it.
    expect(errorsOf(runs.get('problematic'))).toStrictEqual(['ReportUnavailableError']);
    expect(runs.get('problematic')?.result).toMatchObject({ [OUTCOME_MARKER_KEY]: 'failed', op: 'problematic', error: 'ReportUnavailableError' });
    // better: RetryPolicy() -> one plain retry (the retrier's 1 s minimum), then success.
    expect(errorsOf(runs.get('better'))).toStrictEqual([RETRY_ERROR, undefined]);
    expect(retryNumbersOf(runs.get('better'))).toStrictEqual([0, 1]);
    expect(waitsOf(runs.get('better'))).toStrictEqual([1, undefined]);
    // even_better: PLUS_MINUS -> the Catch -> Wait loop with the wrapper's drawn waits.
    expect(errorsOf(runs.get('even_better'))).toStrictEqual([RETRY_AFTER_ERROR, RETRY_AFTER_ERROR, undefined]);
    expect(retryNumbersOf(runs.get('even_better'))).toStrictEqual([0, 1, 2]);
    expect(runs.get('even_better')?.attempts.slice(0, 2).map((attempt) => attempt.retriedBy)).toStrictEqual(['loop', 'loop']);
    // manual: RetryRequested(maxRetries 1, secondsToWait 1) -> one loop retry after 1 s.
    expect(errorsOf(runs.get('manual'))).toStrictEqual([RETRY_AFTER_ERROR, undefined]);
    expect(waitsOf(runs.get('manual'))).toStrictEqual([1, undefined]);
    expect(runs.get('manual')?.result).toStrictEqual({ v: { op: 'manual', rows: 42, attempt: 2 } });
  });

  it('even_better: the loop waits are the seeded PLUS_MINUS draws, rounded up', async () => {
    const runs = await runCompiledJob(retryJob, {}, 99);
    const policy = retryJob.getInvocation('even_better')!.op.retryPolicy!;
    const random = createSeededRandom(99);
    // problematic, better and manual draw no random numbers: even_better's are the first two.
    const expected = [1, 2].map((n) => Math.ceil(policy.calculateDelay(n, random)));
    expect(waitsOf(runs.get('even_better')).slice(0, 2)).toStrictEqual(expected);
  });

  it('default_and_override_job: the invocation policy (10 retries) carries problematic to success on its 4th attempt', async () => {
    const runs = await runCompiledJob(defaultAndOverrideJob, {});
    expect(errorsOf(runs.get('problematic'))).toStrictEqual([RETRY_ERROR, RETRY_ERROR, RETRY_ERROR, undefined]);
    expect(retryNumbersOf(runs.get('problematic'))).toStrictEqual([0, 1, 2, 3]);
    expect(runs.get('problematic')?.result).toStrictEqual({ v: { op: 'problematic', rows: 42, attempt: 4 } });
  });

  it('report_pipeline: attempt-indexed retriers wait the LINEAR schedule exactly', async () => {
    const runs = await runCompiledJob(reportPipeline, {});
    expect(errorsOf(runs.get('extract'))).toStrictEqual([retryAttemptErrorName(1), retryAttemptErrorName(2), undefined]);
    expect(waitsOf(runs.get('extract'))).toStrictEqual([3600, 7200, undefined]);
    expect(errorsOf(runs.get('summarize'))).toStrictEqual([retryAttemptErrorName(1), undefined]);
    expect(errorsOf(runs.get('audit'))).toStrictEqual([undefined]);
    expect(errorsOf(runs.get('load'))).toStrictEqual([RETRY_ERROR, undefined]);
    expect(waitsOf(runs.get('load'))).toStrictEqual([30, undefined]);
    expect(runs.get('load')?.result).toStrictEqual({ v: { loaded: 42, audited: 42 } });
  });

  it('report_pipeline: an exhausted op fails under its own name and its downstream ops are skipped', async () => {
    const runs = await runCompiledJob(reportPipeline, { ops: { extract: { config: { failuresBeforeSuccess: 99 } } } });
    const extract = runs.get('extract');
    expect(errorsOf(extract)).toStrictEqual([1, 2, 3, 4].map(retryAttemptErrorName).concat('ReportUnavailableError'));
    expect(retryNumbersOf(extract)).toStrictEqual([0, 1, 2, 3, 4]);
    expect(extract?.failure?.Error).toBe('ReportUnavailableError');
    for (const name of ['summarize', 'audit']) {
      expect(runs.get(name)?.result).toStrictEqual({ [OUTCOME_MARKER_KEY]: 'skipped', op: name, failedUpstream: ['extract'] });
    }
    expect(runs.get('load')?.result).toStrictEqual({ [OUTCOME_MARKER_KEY]: 'skipped', op: 'load', failedUpstream: ['extract'] });
  });

  it('the state machine reads the loop details back from the Cause: retry number carries across the loop', async () => {
    const runs = await runCompiledJob(retryJob, { ops: { manual: { config: { failuresBeforeSuccess: 5 } } } });
    const manual = runs.get('manual');
    // RetryRequested(maxRetries 1): one loop retry (retryNumber 1 from nextRetryNumber), then exhausted.
    expect(errorsOf(manual)).toStrictEqual([RETRY_AFTER_ERROR, 'RetryRequested']);
    expect(retryNumbersOf(manual)).toStrictEqual([0, 1]);
    expect(manual?.result).toMatchObject({ [OUTCOME_MARKER_KEY]: 'failed', op: 'manual', error: 'RetryRequested' });
  });

  it.each([
    ['default_and_override_job', defaultAndOverride],
    ['retry_job', retryJobModule],
    ['report_pipeline', reportPipelineModule],
  ] as const)('handlers/%s exports `handler` serving its job', async (_name, module) => {
    const job = Object.values(module).find((value): value is JobDefinition => typeof value === 'object' && value !== null && (value as JobDefinition).kind === 'job')!;
    const { definition } = compileJob(job);
    const states = collectStates(definition);
    const variables = await assignStartVariables(definition, 'exec-2', allSucceed(job));
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const first = job.invocations.find((invocation) => invocation.inputs.length === 0)!;
      const run = await runCompiledTask(states, first.name, { handler: module.handler, executionName: 'exec-2', executionInput: allSucceed(job), inputs: [], variables });
      expect(run.failure).toBeUndefined();
    } finally {
      write.mockRestore();
    }
  });
});
