import { describe, expect, it } from 'vitest';
import { Backoff, Jitter, RetryPolicy } from '../../lib/index.js';
import { compileJob, compileRetryPolicy, type CompileRetryPolicyOptions } from '../../lib/asl/index.js';
import { defaultAndOverrideJob } from '../../handlers/default-and-override.js';
import { retryJob } from '../../handlers/retry-job.js';
import { reportPipeline } from '../../handlers/report-pipeline.js';
import { readGolden } from './golden.js';
import { expectValidDefinition } from './validate.js';

describe('golden: the seed jobs', () => {
  for (const [name, job] of [
    ['default_and_override_job', defaultAndOverrideJob],
    ['retry_job', retryJob],
    ['report_pipeline', reportPipeline],
  ] as const) {
    it(`${name}: definition and retry plans`, () => {
      const compiled = compileJob(job);
      expectValidDefinition(compiled.definition);
      const actual = { definition: compiled.definition, retryPlans: compiled.retryPlans };
      expect(actual).toStrictEqual(readGolden(`job-${name}`, actual));
    });
  }

  it('is pure: compiling twice gives the same JSON, key order included', () => {
    expect(JSON.stringify(compileJob(reportPipeline))).toBe(JSON.stringify(compileJob(reportPipeline)));
  });
});

describe('golden: one fixture per retry mechanism (compileRetryPolicy)', () => {
  const cases: readonly (readonly [string, RetryPolicy | undefined, CompileRetryPolicyOptions?])[] = [
    ['no-policy', undefined],
    ['plain', new RetryPolicy({ maxRetries: 3, delay: 2 })],
    ['plain-default-policy', new RetryPolicy()],
    ['plain-full-jitter', new RetryPolicy({ maxRetries: 4, delay: 1.5, jitter: Jitter.FULL })],
    ['plain-capped-linear', new RetryPolicy({ maxRetries: 5, delay: 10, backoff: Backoff.LINEAR, maxDelay: 10 })],
    ['indexed-linear', new RetryPolicy({ maxRetries: 4, delay: 2, backoff: Backoff.LINEAR })],
    ['indexed-exponential-max-delay', new RetryPolicy({ maxRetries: 8, delay: 1, backoff: Backoff.EXPONENTIAL, maxDelay: 20 })],
    ['loop-plus-minus', new RetryPolicy({ maxRetries: 3, delay: 0.2, backoff: Backoff.EXPONENTIAL, jitter: Jitter.PLUS_MINUS })],
    ['native-exponential', new RetryPolicy({ maxRetries: 4, delay: 2, backoff: Backoff.EXPONENTIAL }), { fidelity: 'native' }],
    ['native-plus-minus', new RetryPolicy({ maxRetries: 3, delay: 5, jitter: Jitter.PLUS_MINUS }), { fidelity: 'native' }],
  ];
  for (const [name, policy, options] of cases) {
    it(name, () => {
      const compiled = compileRetryPolicy(policy, options);
      expect(compiled).toStrictEqual(readGolden(`retry-${name}`, compiled));
    });
  }
});
