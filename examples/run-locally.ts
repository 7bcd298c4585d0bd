import { Backoff, RetryPolicy, RetryRequested, job, op, runJobLocally } from 'stepops';

const seen: string[] = [];

// Fails twice, then succeeds: delay 2 s LINEAR waits 2 s, then 4 s.
const flaky = op(
  { name: 'flaky', retryPolicy: new RetryPolicy({ maxRetries: 3, delay: 2, backoff: Backoff.LINEAR }) },
  async (ctx) => {
    seen.push(`flaky retryNumber=${ctx.retryNumber}`);
    if (ctx.retryNumber < 2) throw new Error('upstream busy');
    return 'ok';
  },
);

// Asks for a retry in one hour, once: the virtual clock makes that instant.
const patient = op({ name: 'patient' }, async (ctx, previous: string) => {
  seen.push(`patient retryNumber=${ctx.retryNumber}`);
  if (ctx.retryNumber === 0) throw new RetryRequested({ maxRetries: 1, secondsToWait: 3600 });
  return `${previous}, then patient`;
});

const demo = job({ name: 'demo' }, () => {
  patient(flaky());
});

const result = await runJobLocally(demo, { seed: 1, writeLog: () => {} });
console.log(result.status, result.output, `${result.elapsedSeconds} s of virtual time`);
console.log(seen.join('\n'));
