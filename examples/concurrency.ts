import { RetryRequested, compileJob, job, op, runJobLocally } from 'stepops';
import { summarizeTaskAttempts } from 'stepops/runner';

// Dagster's case: slow asks for a retry in 100 s; after_quick needs only quick, so it must not wait.
const quick = op({ name: 'quick' }, async () => 'q');
const afterQuick = op({ name: 'after_quick' }, async (_ctx, value: string) => `${value}!`);
const slow = op({ name: 'slow' }, async (ctx) => {
  if (ctx.retryNumber === 0) throw new RetryRequested({ maxRetries: 1, secondsToWait: 100 });
  return 's';
});
const join = op({ name: 'join' }, async (_ctx, left: string, right: string) => left + right);
// Order only (Dagster's In(Nothing)): notify waits for join without taking its output.
const notify = op({ name: 'notify' }, async () => 'sent');

const pipeline = job({ name: 'pipeline' }, () => {
  const joined = join(afterQuick(quick()), slow());
  notify.after(joined)();
});

// Each attempt of these ops takes that many virtual seconds; history shows when each started.
const ran = await runJobLocally(pipeline, { simulatedOpSeconds: { quick: 5, slow: 30, join: 2 }, writeLog: () => {} });
const startMs = ran.history[0]?.timestamp?.getTime() ?? 0;
const attempts = summarizeTaskAttempts(ran.history).flatMap((visit) =>
  visit.attempts.map((attempt) => ({
    state: visit.stateName,
    atSeconds: (attempt.scheduledAt.getTime() - startMs) / 1000,
  })),
);
for (const { state, atSeconds } of attempts.sort((x, y) => x.atSeconds - y.atSeconds)) {
  console.log(`${state} attempt started at t=${atSeconds}`);
}
console.log(ran.status, ran.output, `${ran.elapsedSeconds} s`);

// A graph that is not series-parallel (a -> c <- b -> d): the compiler names what may wait.
const a = op({ name: 'a' }, async () => 1);
const b = op({ name: 'b' }, async () => 2);
const c = op({ name: 'c' }, async (_ctx, x: number, y: number) => x + y);
const d = op({ name: 'd' }, async (_ctx, y: number) => y * 2);
const nShaped = job({ name: 'n_shaped' }, () => {
  const y = b();
  c(a(), y);
  d(y);
});
console.log(compileJob(pipeline).diagnostics.heldBackOps);
console.log(compileJob(nShaped).diagnostics.heldBackOps);
