import { describe, expect, it } from 'vitest';
import { job, op, RetryPolicy, type LogRecord } from '../../lib/index.js';
import { compileJob } from '../../lib/asl/compile-job.js';
import { isJsonataLoaded } from '../../lib/runner/evaluate/evaluate.js';
import { runJobLocally } from '../../lib/runner/local/run-job-locally.js';
import { buildRunnerJob } from '../../bench/runner-job.js';

/**
 * The jsonata engine is loaded only when an expression needs it: a compiled job's run in which
 * no op fails for good (retries included) reads, compiles and evaluates every expression
 * without it; the final Fail state's Error and Cause (a $sort with a function) need it. The
 * order of the two tests matters: this file's module state starts without the engine.
 */
const quiet = { writeLog: (_record: LogRecord) => {}, seed: 5 };

describe('jsonata is loaded only when an expression needs it', () => {
  it('a compiled job that succeeds after retries, split into child machines, runs without loading it', async () => {
    const definition = buildRunnerJob(150);
    const compiled = compileJob(definition, { maxDefinitionCharacters: 120_000 });
    expect(compiled.childDefinitions.length).toBeGreaterThan(0);
    const result = await runJobLocally(definition, { ...quiet, compiled });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.history.filter((event) => event.type === 'TaskFailed').length).toBeGreaterThan(10);
    expect(isJsonataLoaded()).toBe(false);
  });

  it('a job whose op fails for good loads it for the Fail state, with the same result as before', async () => {
    const broken = op({ name: 'broken', retryPolicy: new RetryPolicy({ maxRetries: 1 }) }, () => {
      throw new Error('always');
    });
    const result = await runJobLocally(
      job({ name: 'fails' }, () => void broken()),
      quiet,
    );
    expect(result.status).toBe('FAILED');
    expect(result.history.at(-1)).toMatchObject({ type: 'ExecutionFailed', executionFailedEventDetails: { error: 'Error' } });
    expect(isJsonataLoaded()).toBe(true);
  });
});
