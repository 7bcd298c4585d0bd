import { expect, it } from 'vitest';
import type { CoordinationStore, TaskTokenSender } from '../../lib/handler/coordination-store.js';
import { jobHandler } from '../../lib/handler/index.js';
import { computeJobFingerprint } from '../../lib/job/job-fingerprint.js';
import { job, op, type JobDefinition } from '../../lib/index.js';

const producer = op({ name: 'producer' }, async () => 1);
const consumer = op({ name: 'consumer' }, async (_context, value: number) => value + 1);
export const coordinatedJob: JobDefinition = job({ name: 'coordinated' }, () => {
  consumer(producer());
});
const planHash = computeJobFingerprint(coordinatedJob);

/** A SendTaskSuccess that records deliveries and, like Step Functions, answers TaskTimedOut to a token that already got one or was closed. */
export class RecordingSender implements TaskTokenSender {
  readonly delivered: { token: string; output: unknown }[] = [];
  readonly closed = new Set<string>();
  async sendTaskSuccess(input: { taskToken: string; output: string }): Promise<void> {
    await Promise.resolve();
    if (this.closed.has(input.taskToken)) throw Object.assign(new Error('Task Timed Out'), { name: 'TaskTimedOut' });
    this.closed.add(input.taskToken);
    this.delivered.push({ token: input.taskToken, output: JSON.parse(input.output) as unknown });
  }
}

function request(runId: string, fields: Record<string, unknown>): Record<string, unknown> {
  return { protocol: 2, job: 'coordinated', runId, planHash, op: 'producer', ...fields };
}

export function awaitRequest(runId: string, token: string): Record<string, unknown> {
  return request(runId, { coordinate: 'await', consumer: 'consumer', token });
}

export function releaseRequest(runId: string, envelope: unknown): Record<string, unknown> {
  return request(runId, { coordinate: 'release', envelope });
}

/**
 * The race cases of the coordination protocol, for any store: each test gets a fresh run id.
 * `newStore` may return the same store every time (the cases use distinct run ids).
 */
export function defineCoordinationCases(newStore: () => CoordinationStore): void {
  let runs = 0;
  const setup = () => {
    runs += 1;
    const sender = new RecordingSender();
    const handler = jobHandler(coordinatedJob, { coordination: { store: newStore(), sender }, writeLog: () => {} });
    return { runId: `run-${process.pid}-${runs}-${Date.now()}`, sender, handler };
  };

  it('producer finishes before the consumer registers: the await answers at once with the envelope', async () => {
    const { runId, sender, handler } = setup();
    await expect(handler(releaseRequest(runId, { v: 41 }))).resolves.toStrictEqual({ sent: 0 });
    await expect(handler(awaitRequest(runId, 'token-1'))).resolves.toStrictEqual({ registered: false, sent: 1 });
    expect(sender.delivered).toStrictEqual([{ token: 'token-1', output: { v: 41 } }]);
  });

  it('consumer registers before the producer finishes: the release sends the envelope to the token', async () => {
    const { runId, sender, handler } = setup();
    await expect(handler(awaitRequest(runId, 'token-1'))).resolves.toStrictEqual({ registered: true, sent: 0 });
    expect(sender.delivered).toStrictEqual([]);
    await expect(handler(releaseRequest(runId, { o: 'failed', op: 'producer', error: 'E', cause: 'c' }))).resolves.toStrictEqual({ sent: 1 });
    expect(sender.delivered).toStrictEqual([{ token: 'token-1', output: { o: 'failed', op: 'producer', error: 'E', cause: 'c' } }]);
  });

  it('registration and release at the same time (both in flight): the token gets the envelope exactly once', async () => {
    for (let round = 0; round < 20; round += 1) {
      const { runId, sender, handler } = setup();
      const calls = [handler(awaitRequest(runId, 'token-a')), handler(releaseRequest(runId, { v: round })), handler(awaitRequest(runId, 'token-b'))];
      if (round % 2 === 1) void calls.reverse();
      await Promise.all(calls);
      expect(sender.delivered.map((d) => d.token).sort()).toStrictEqual(['token-a', 'token-b']);
      expect(sender.delivered.map((d) => d.output)).toStrictEqual([{ v: round }, { v: round }]);
    }
  });

  it('a duplicate release keeps the first envelope and sends again only where a token still waits', async () => {
    const { runId, sender, handler } = setup();
    await handler(awaitRequest(runId, 'token-1'));
    await expect(handler(releaseRequest(runId, { v: 1 }))).resolves.toStrictEqual({ sent: 1 });
    await expect(handler(releaseRequest(runId, { v: 2 }))).resolves.toStrictEqual({ sent: 0 });
    await expect(handler(awaitRequest(runId, 'token-2'))).resolves.toStrictEqual({ registered: false, sent: 1 });
    expect(sender.delivered).toStrictEqual([
      { token: 'token-1', output: { v: 1 } },
      { token: 'token-2', output: { v: 1 } },
    ]);
  });

  it('a retried wait invocation (a new token after the first attempt ended) gets the envelope; the old token is passed over', async () => {
    const { runId, sender, handler } = setup();
    await handler(awaitRequest(runId, 'attempt-1'));
    // The first wait attempt ended (a platform error, then Step Functions retried it with a new token).
    sender.closed.add('attempt-1');
    await handler(awaitRequest(runId, 'attempt-2'));
    await expect(handler(releaseRequest(runId, { v: 7 }))).resolves.toStrictEqual({ sent: 1 });
    expect(sender.delivered).toStrictEqual([{ token: 'attempt-2', output: { v: 7 } }]);
  });

  it('the same await delivered twice registers its token once and it gets the envelope once', async () => {
    const { runId, sender, handler } = setup();
    await handler(awaitRequest(runId, 'token-1'));
    await handler(awaitRequest(runId, 'token-1'));
    await handler(releaseRequest(runId, { v: 3 }));
    expect(sender.delivered).toStrictEqual([{ token: 'token-1', output: { v: 3 } }]);
  });

  it('keeps runs apart: a release of another run does not answer this run', async () => {
    const first = setup();
    const second = setup();
    // Two runs on one store when newStore returns the same store; else each its own.
    await first.handler(awaitRequest(first.runId, 'token-1'));
    await second.handler(releaseRequest(second.runId, { v: 9 }));
    expect(first.sender.delivered).toStrictEqual([]);
  });
}
