import { Backoff, Jitter, RetryPolicy, compileJob, job, op } from 'stepops';

const fetch = op({ name: 'fetch', retryPolicy: new RetryPolicy({ maxRetries: 3, delay: 10 }) }, async () => 1);
const parse = op(
  { name: 'parse', retryPolicy: new RetryPolicy({ maxRetries: 3, delay: 1.5, backoff: Backoff.EXPONENTIAL }) },
  async (_ctx, value: number) => value,
);
const notify = op(
  { name: 'notify', retryPolicy: new RetryPolicy({ maxRetries: 2, delay: 30, jitter: Jitter.PLUS_MINUS }) },
  async (_ctx, value: number) => value,
);

const { definition, retryPlans } = compileJob(job({ name: 'compiled' }, () => notify(parse(fetch()))));

// One Task state per op, each with the Retry blocks its policy compiles to.
console.log(Object.keys(definition.States));
for (const plan of retryPlans) {
  const waits = plan.waits.map(({ compiledSeconds: { min, max } }) => (min === max ? `${min}` : `${min}-${max}`));
  console.log(
    `${plan.op}: ${plan.mechanism}, waits ${waits.join(', ')} s, worst case ${plan.worstCaseTotalWaitSeconds} s`,
  );
  console.log(`  deviations: ${plan.deviations.map((deviation) => deviation.kind).join(', ') || 'none'}`);
}
// Faults: Lambda platform errors retried without counting as op retries; timeouts and crashes under the policy.
const { platformRetries, crashRetries } = retryPlans[0]!;
console.log(
  `platform errors: up to ${platformRetries.maxRetries} retries, waits ${platformRetries.waits.map((w) => `${w.min}-${w.max}`).join(', ')} s`,
);
console.log(`timeouts and crashes: ${crashRetries.join(', ')}`);
