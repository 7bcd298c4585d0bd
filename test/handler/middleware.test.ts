import { describe, expect, it, vi } from 'vitest';
import { RETRY_ERROR, RetryPolicy } from '../../lib/index.js';
import { jobMiddleware, type MiddyMiddlewareLike } from '../../lib/handler/index.js';
import { buildPayload, buildSingleOpJob, captureLogs, catchThrown, createFakeContext, recordFailure } from './helpers.js';

/** The request flow of middy's core (runRequest): before middlewares may respond early; errors go through onError. */
async function runMiddyLike(
  middlewares: readonly { before?: MiddyMiddlewareLike['before']; onError?: (request: { error: unknown }) => Promise<void> }[],
  baseHandler: (event: unknown) => Promise<unknown>,
  event: unknown,
  context: unknown,
): Promise<unknown> {
  const request: { event: unknown; context: unknown; response: unknown; error: unknown } = { event, context, response: undefined, error: undefined };
  try {
    for (const middleware of middlewares) {
      const early = await middleware.before?.(request);
      if (early !== undefined) return early;
    }
    return await baseHandler(event);
  } catch (error) {
    request.error = error;
    for (const middleware of middlewares) await middleware.onError?.(request);
    throw request.error;
  }
}

describe('jobMiddleware: the same core as a middy middleware', () => {
  it('responds early with the op output, even an undefined one (as null)', async () => {
    const baseHandler = vi.fn(async () => 'base');
    for (const [output, expected] of [
      [{ rows: 1 }, { v: { rows: 1 } }],
      [undefined, { v: null }],
    ] as const) {
      const testJob = buildSingleOpJob(() => output);
      const response = await runMiddyLike([{}, jobMiddleware(testJob, { writeLog: () => {} })], baseHandler, buildPayload(testJob, 'work'), createFakeContext());
      expect(response).toStrictEqual(expected);
    }
    expect(baseHandler).not.toHaveBeenCalled();
  });

  it('throws the named error through onError middlewares, logging the request id from the context', async () => {
    const seen: unknown[] = [];
    const logs = captureLogs();
    const testJob = buildSingleOpJob(() => {
      throw new Error('flaky');
    }, new RetryPolicy());
    const thrown = await catchThrown(
      runMiddyLike(
        [{ onError: async (request) => void seen.push(request.error) }, jobMiddleware(testJob, { writeLog: logs.writeLog })],
        async () => 'base',
        buildPayload(testJob, 'work'),
        createFakeContext('req-mw'),
      ),
    );
    expect(recordFailure(thrown).Error).toBe(RETRY_ERROR);
    expect(seen).toStrictEqual([thrown]);
    expect(logs.records.at(-1)).toMatchObject({ requestId: 'req-mw', decision: 'retry' });
  });
});
