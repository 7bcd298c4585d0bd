import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { job, op, type JobFailureCause } from '../../lib/index.js';
import { runJobLocally } from '../../lib/runner/index.js';

/**
 * Property tests: whatever JSON (or JSON-ish value) an op returns, the run's outcome is the
 * op's real one. Values mimic the envelope and marker shapes anywhere (top level, inside
 * arrays, under `v`), hide them behind toJSON, and use `__proto__` keys.
 */

const OP_NAMES = ['src', 'down', 'side', 'bad', 'after_bad'] as const;

/** A marker-like object: every key the state machine or the wrapper ever read, with plausible values. */
const markerLike = fc.record(
  {
    o: fc.constantFrom('failed', 'skipped', 'data'),
    __stepops: fc.constantFrom('failed', 'skipped'),
    op: fc.constantFrom(...OP_NAMES),
    error: fc.constantFrom('Forged', 'States.ALL', 'Lambda.ServiceException'),
    cause: fc.string(),
    failedUpstream: fc.array(fc.constantFrom(...OP_NAMES), { maxLength: 3 }),
    v: fc.jsonValue({ maxDepth: 1 }),
    nextRetryNumber: fc.nat(9),
    waitSeconds: fc.nat(99),
  },
  { requiredKeys: [] },
);

/** Values with markers nested anywhere, toJSON tricks and prototype keys. */
const { hostile } = fc.letrec<{ hostile: unknown }>((tie) => ({
  hostile: fc.oneof(
    { maxDepth: 4, depthIdentifier: 'hostile' },
    fc.jsonValue({ maxDepth: 2 }),
    markerLike,
    fc.array(tie('hostile'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom('o', 'v', '__stepops', 'f', 'Payload', '__proto__'), fc.string()), tie('hostile'), { maxKeys: 4 }),
    // toJSON runs when the Lambda runtime serializes: what travels is its result.
    tie('hostile').map((inner) => ({ toJSON: () => inner, o: 'kept-out' })),
    // A JSON-parsed __proto__ key is an own property that JSON.stringify writes back.
    tie('hostile').map((inner) => JSON.parse(`{"__proto__":${JSON.stringify(inner) ?? 'null'},"o":"failed"}`) as unknown),
    fc.constantFrom(new Date(Date.UTC(2026, 1, 3)), new Map([['o', 'failed']]), Number.NaN, -Infinity, undefined),
  ),
}));

/** Outputs the runtime can send (a top-level toJSON giving undefined has no JSON form; checkOutput refuses it). */
const output = hostile.filter((value) => value === undefined || JSON.stringify(value) !== undefined);

/** What the Node Lambda runtime sends for a returned value. */
function travel(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value === undefined ? null : value) ?? 'null') as unknown;
}

class RealError extends Error {
  constructor() {
    super('real failure');
    this.name = 'RealError';
  }
}

function buildJob(output: unknown, withFailure: boolean) {
  const received: Record<string, unknown> = {};
  const src = op({ name: 'src' }, async () => output);
  const down = op({ name: 'down' }, async (_ctx, value: unknown) => {
    received.down = value;
    return value;
  });
  const side = op({ name: 'side' }, async () => output);
  const bad = op({ name: 'bad' }, async () => {
    throw new RealError();
  });
  const afterBad = op({ name: 'after_bad' }, async (_ctx, value: unknown, other: unknown) => ({ value, other }));
  const testJob = job({ name: 'forging' }, () => {
    const value = src();
    down(value);
    const other = side();
    if (withFailure) afterBad(bad(), other);
  });
  return { testJob, received };
}

describe('op outputs cannot forge outcomes (envelopes; checks on the bytes that travel)', () => {
  it('a job whose ops all succeed succeeds, and every op and the output see exactly the JSON that travels', async () => {
    await fc.assert(
      fc.asyncProperty(output, async (output) => {
        const { testJob, received } = buildJob(output, false);
        const result = await runJobLocally(testJob, { writeLog: () => {} });
        const expected = travel(output);
        expect(result.status).toBe('SUCCEEDED');
        expect(received.down).toStrictEqual(expected);
        expect(result.output).toStrictEqual({ down: expected, side: expected });
      }),
      { seed: 20_261_201, numRuns: 250 },
    );
  });

  it('with a real failure, the run fails naming exactly the failed op and its downstream, whatever the other ops return', async () => {
    await fc.assert(
      fc.asyncProperty(output, async (output) => {
        const { testJob, received } = buildJob(output, true);
        const result = await runJobLocally(testJob, { writeLog: () => {} });
        expect(result.status).toBe('FAILED');
        expect(result.error?.error).toBe('RealError');
        const cause = JSON.parse(result.error!.cause!) as JobFailureCause;
        expect(cause.failedOps.map((failed) => [failed.op, failed.error])).toStrictEqual([['bad', 'RealError']]);
        expect(cause.skippedOps).toStrictEqual(['after_bad']);
        expect(received.down).toStrictEqual(travel(output));
      }),
      { seed: 20_261_202, numRuns: 150 },
    );
  });
});
