import { describe, expect, it } from 'vitest';
import { Backoff, Jitter, PROTOCOL_ERROR, RETRY_AFTER_ERROR, RETRY_ERROR, RetryPolicy, RetryRequested, op, retryAttemptErrorName } from '../../lib/index.js';
import { opHandler } from '../../lib/handler/index.js';
import { chooseRetryMode } from '../../lib/handler/retry-mode.js';
import { compileRetryPolicy } from '../../lib/asl/index.js';
import { captureLogs, catchThrown, createFakeContext, recordFailure } from './helpers.js';

const failing = (policy?: RetryPolicy) =>
  op({ name: 'fetch', ...(policy === undefined ? {} : { retryPolicy: policy }) }, async (context) => {
    throw new RangeError(`attempt ${context.retryNumber}`);
  });

describe('opHandler: one op for hand-written state machines', () => {
  it('runs the op with inputs, config and run id from the event', async () => {
    const add = op({ name: 'add' }, async (context, a: number, b: number) => ({ sum: a + b, config: context.config, runId: context.runId, job: context.jobName }));
    const handler = opHandler(add, { writeLog: () => {} });
    expect(await handler({ retryNumber: 0, inputs: [2, 3], config: { x: 1 }, runId: 'exec-9' })).toStrictEqual({ sum: 5, config: { x: 1 }, runId: 'exec-9', job: 'add' });
  });

  it('defaults runId to the Lambda request id and jobName to options', async () => {
    const who = op({ name: 'who' }, async (context) => [context.runId, context.jobName]);
    expect(await opHandler(who, { writeLog: () => {}, jobName: 'mine' })({ retryNumber: 0 }, createFakeContext('req-5'))).toStrictEqual(['req-5', 'mine']);
  });

  it.each([
    { label: 'no policy', policy: undefined, retryNumber: 0, error: 'RangeError' },
    { label: 'constant delay: plain', policy: new RetryPolicy({ maxRetries: 3, delay: 5 }), retryNumber: 1, error: RETRY_ERROR },
    { label: 'LINEAR backoff: indexed', policy: new RetryPolicy({ maxRetries: 3, delay: 5, backoff: Backoff.LINEAR }), retryNumber: 1, error: retryAttemptErrorName(2) },
    { label: 'PLUS_MINUS: loop', policy: new RetryPolicy({ maxRetries: 3, delay: 5, jitter: Jitter.PLUS_MINUS }), retryNumber: 1, error: RETRY_AFTER_ERROR },
    { label: 'exhausted', policy: new RetryPolicy({ maxRetries: 3, delay: 5 }), retryNumber: 3, error: 'RangeError' },
  ])('throws the name its policy retriers match ($label)', async ({ policy, retryNumber, error }) => {
    const failure = recordFailure(await catchThrown(opHandler(failing(policy), { writeLog: () => {}, random: () => 0.5 })({ retryNumber })));
    expect(failure.Error).toBe(error);
    expect(failure.details.op).toBe('fetch');
  });

  it('chooses the same retry mode as compileRetryPolicy', () => {
    const policies = [
      undefined,
      new RetryPolicy(),
      new RetryPolicy({ maxRetries: 0 }),
      new RetryPolicy({ maxRetries: 3, delay: 0.2 }),
      new RetryPolicy({ maxRetries: 3, delay: 0.2, backoff: Backoff.EXPONENTIAL }),
      new RetryPolicy({ maxRetries: 4, delay: 0.1, backoff: Backoff.EXPONENTIAL }),
      new RetryPolicy({ maxRetries: 3, delay: 2, backoff: Backoff.LINEAR, maxDelay: 1 }),
      new RetryPolicy({ maxRetries: 3, delay: 2, backoff: Backoff.LINEAR, jitter: Jitter.FULL }),
      new RetryPolicy({ maxRetries: 3, delay: 2, jitter: Jitter.PLUS_MINUS }),
      new RetryPolicy({ maxRetries: 30, delay: 0.1, backoff: Backoff.LINEAR }),
    ];
    for (const policy of policies) expect(chooseRetryMode(policy), String(policy)).toBe(compileRetryPolicy(policy).retryMode);
  });

  it('uses the invocation policy and alias of a configured op', async () => {
    const configured = failing()
      .alias('fetch_orders')
      .withRetryPolicy(new RetryPolicy({ maxRetries: 2 }));
    const failure = recordFailure(await catchThrown(opHandler(configured, { writeLog: () => {} })({ retryNumber: 0 })));
    expect(failure.Error).toBe(RETRY_ERROR);
    expect(failure.details.op).toBe('fetch_orders');
  });

  it('lets options and then the event choose the retry mode', async () => {
    const handler = opHandler(failing(new RetryPolicy({ maxRetries: 3, delay: 5 })), { writeLog: () => {}, retryMode: 'indexed' });
    expect(recordFailure(await catchThrown(handler({ retryNumber: 0 }))).Error).toBe(retryAttemptErrorName(1));
    expect(recordFailure(await catchThrown(handler({ retryNumber: 0, retryMode: 'loop' }))).Error).toBe(RETRY_AFTER_ERROR);
  });

  it('throws a RetryRequested as RetryAfter whatever the mode', async () => {
    const manual = op({ name: 'manual' }, async () => {
      throw new RetryRequested({ maxRetries: 2, secondsToWait: 2.5 });
    });
    const failure = recordFailure(await catchThrown(opHandler(manual, { writeLog: () => {} })({ retryNumber: 1 })));
    expect(failure.Error).toBe(RETRY_AFTER_ERROR);
    expect(failure.details).toMatchObject({ waitSeconds: 3, nextRetryNumber: 2 });
  });

  it.each([
    { label: 'not an object', event: 'go', says: 'the event must be an object' },
    { label: 'no retryNumber', event: {}, says: 'event.retryNumber must be an integer >= 0' },
    { label: 'wrong inputs', event: { retryNumber: 0, inputs: [1] }, says: 'event.inputs must be an array of 0 value(s) for op "fetch"' },
    { label: 'an empty runId', event: { retryNumber: 0, runId: '' }, says: 'event.runId must be a non-empty string' },
    { label: 'an unknown retryMode', event: { retryNumber: 0, retryMode: 'fast' }, says: 'event.retryMode must be one of plain, indexed, loop' },
  ])('fails with PROTOCOL_ERROR on $label', async ({ event, says }) => {
    const logs = captureLogs();
    const failure = recordFailure(await catchThrown(opHandler(failing(), { writeLog: logs.writeLog })(event)));
    expect(failure.Error).toBe(PROTOCOL_ERROR);
    expect(failure.errorMessage).toContain(says);
    expect(failure.errorMessage).toContain('$states.context.State.RetryCount');
    expect(logs.records.at(-1)).toMatchObject({ message: 'payload rejected', op: 'fetch' });
  });

  it('fails at module load when given something other than an op', () => {
    expect(() => opHandler((() => 1) as never)).toThrow(/opHandler needs an op made by op/);
  });
});
