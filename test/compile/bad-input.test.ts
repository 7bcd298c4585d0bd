import { describe, expect, it } from 'vitest';
import { Backoff, DefinitionError, Jitter, RetryPolicy, job, op } from '../../lib/index.js';
import { checkDefinition, compileJob, compileRetryPolicy, type AslDefinition } from '../../lib/asl/index.js';
import { reportPipeline } from '../../handlers/report-pipeline.js';

const jittery = op({ name: 'jittery', retryPolicy: new RetryPolicy({ maxRetries: 3, delay: 1, backoff: Backoff.LINEAR, jitter: Jitter.PLUS_MINUS }) }, async () => 1);
const plainOp = op({ name: 'plain_op', retryPolicy: new RetryPolicy({ maxRetries: 2, delay: 0.5 }) }, async () => 1);

describe('compileJob: bad input', () => {
  it('fails when given something that is not a job', () => {
    expect(() => compileJob({ name: 'x' } as never)).toThrow(DefinitionError);
    expect(() => compileJob({ name: 'x' } as never)).toThrow(/compileJob needs a job made by job\(\)/);
  });

  it('fails when opDurations names an op the job does not invoke, or is not a positive number', () => {
    expect(() => compileJob(reportPipeline, { opDurations: { nope: 3 } })).toThrow(/opDurations names op "nope", which job "report_pipeline" does not invoke/);
    expect(() => compileJob(reportPipeline, { opDurations: { extract: 0 } })).toThrow(/opDurations.extract must be a finite number of seconds > 0, got 0/);
  });

  it('fails under strict when a schedule is approximated, listing every op concerned', () => {
    const j = job({ name: 'strict_job' }, () => {
      jittery();
      plainOp();
    });
    expect(() => compileJob(j, { strict: true, fidelity: 'native' })).toThrow(
      /strict: job "strict_job" .*op "jittery": \[native-fit\].*op "jittery": \[plus-minus-jitter-dropped\]/,
    );
  });

  it('accepts under strict what is only whole-second rounding; platform errors, timeouts and crashes deviate in no plan', () => {
    const j = job({ name: 'strict_ok' }, () => {
      jittery();
      plainOp();
    });
    expect(compileJob(j, { strict: true }).retryPlans.map((plan) => plan.deviations.map((d) => d.kind))).toStrictEqual([[], ['rounded-up']]);
  });
});

describe('compileRetryPolicy: bad input', () => {
  it('fails when a wait is over the 99,999,999 s retrier limit, naming the retry and the fix', () => {
    const policy = new RetryPolicy({ maxRetries: 30, delay: 1, backoff: Backoff.EXPONENTIAL });
    expect(() => compileRetryPolicy(policy, { subject: 'op "huge"' })).toThrow(/op "huge": retry 27 waits 134217727 s, over Step Functions' limit of 99999999 s; set maxDelay/);
  });

  it('fails when maxRetries is over the MaxAttempts limit', () => {
    expect(() => compileRetryPolicy(new RetryPolicy({ maxRetries: 100_000_000 }))).toThrow(/maxRetries 100000000 is over Step Functions' MaxAttempts limit 99999999/);
  });

  it('fails under strict with fidelity native on a non-geometric schedule', () => {
    expect(() => compileRetryPolicy(new RetryPolicy({ maxRetries: 3, delay: 2, backoff: Backoff.LINEAR }), { fidelity: 'native', strict: true })).toThrow(/\[native-fit\]/);
  });
});

describe('checkDefinition', () => {
  it('reports broken rules: States.ALL placement, ranges, jitter, names, targets, reachability', () => {
    const bad = {
      QueryLanguage: 'JSONata',
      StartAt: 'a',
      States: {
        a: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Retry: [
            { ErrorEquals: ['States.ALL', 'X'], IntervalSeconds: 0.5, MaxAttempts: -1, BackoffRate: 0.5, MaxDelaySeconds: 40_000_000, JitterStrategy: 'HALF' },
            { ErrorEquals: ['Y'] },
          ],
          Catch: [
            { ErrorEquals: ['States.ALL'], Next: 'missing' },
            { ErrorEquals: ['Z'], Next: 'b' },
          ],
          Next: 'b',
        },
        b: { Type: 'Succeed' },
        ['x'.repeat(81)]: { Type: 'Pass', End: true },
      },
    } as unknown as AslDefinition;
    const messages = checkDefinition(bad).map((problem) => `${problem.path}: ${problem.message}`);
    expect(messages).toStrictEqual([
      '/States/a/Retry/0/ErrorEquals: States.ALL must appear alone in its ErrorEquals',
      '/States/a/Retry/0/ErrorEquals: States.ALL must be in the last retrier or catcher',
      '/States/a/Retry/0/IntervalSeconds: must be an integer 1..99999999, got 0.5',
      '/States/a/Retry/0/MaxAttempts: must be an integer 0..99999999, got -1',
      '/States/a/Retry/0/MaxDelaySeconds: must be an integer 1..31622400, got 40000000',
      '/States/a/Retry/0/BackoffRate: must be a number >= 1.0, got 0.5',
      '/States/a/Retry/0/JitterStrategy: must be FULL or NONE, got HALF',
      '/States/a/Catch/0/ErrorEquals: States.ALL must be in the last retrier or catcher',
      '/States/a/Catch/0/Next: names "missing", which is not a state of the same States',
      `/States/${'x'.repeat(81)}: state name is 81 characters; Step Functions allows 1 to 80`,
      `/States/${'x'.repeat(81)}: state "${'x'.repeat(81)}" cannot be reached from StartAt`,
    ]);
  });

  it('names of 80 characters get short, unique helper states', () => {
    const long = 'a'.repeat(80);
    const first = op({ name: long }, async () => 1);
    const second = op({ name: `${'a'.repeat(79)}b` }, async (_c, x: number) => x);
    const compiled = compileJob(job({ name: 'long_names' }, () => void second(first())));
    expect(checkDefinition(compiled.definition)).toStrictEqual([]);
    expect(Object.keys(compiled.definition.States)).toContain(`${'a'.repeat(76)}-w-0`);
  });
});
