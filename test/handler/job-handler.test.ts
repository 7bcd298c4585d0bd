import { describe, expect, it, vi } from 'vitest';
import { OUTPUT_TOO_LARGE_ERROR, RetryPolicy, job, op, type OpContext } from '../../lib/index.js';
import { jobHandler, runOpAttempt } from '../../lib/handler/index.js';
import { MAX_OUTPUT_BYTES } from '../../lib/handler/limits.js';
import { INLINE_THRESHOLD_BYTES, OUTCOME_MARKER_KEY, type OpOutcomeMarker } from '../../lib/job/wire-protocol.js';
import { InMemoryIoManager } from '../../lib/io/memory-io-manager.js';
import { buildPayload, buildSingleOpJob, captureLogs, catchThrown, createFakeClock, createFakeContext, recordFailure } from './helpers.js';

describe('jobHandler: success', () => {
  it('returns the op output unchanged and gives the op its context', async () => {
    const seen: OpContext[] = [];
    const testJob = buildSingleOpJob((context) => {
      seen.push(context);
      return { rows: [1, 2, 3], nested: { ok: true } };
    });
    const handler = jobHandler(testJob, { writeLog: () => {} });
    const output = await handler(buildPayload(testJob, 'work', { retryNumber: 2, runId: 'exec-42', config: { table: 'orders' } }), createFakeContext());
    expect(output).toStrictEqual({ v: { rows: [1, 2, 3], nested: { ok: true } } });
    expect(seen[0]).toMatchObject({ retryNumber: 2, opName: 'work', jobName: 'test_job', runId: 'exec-42', config: { table: 'orders' } });
  });

  it('passes inputs in parameter order and runs the invocation named by its alias', async () => {
    const extract = op({ name: 'extract' }, async () => 1);
    const join = op({ name: 'join' }, async (_context, left: number, right: number) => `${left}-${right}`);
    const testJob = job({ name: 'wired' }, () => {
      const a = extract.alias('left')();
      const b = extract.alias('right')();
      join.alias('joined')(a, b);
    });
    const handler = jobHandler(testJob, { writeLog: () => {} });
    expect(await handler(buildPayload(testJob, 'joined', { inputs: [{ v: 'L' }, { v: 'R' }] }))).toStrictEqual({ v: 'L-R' });
  });

  it('returns null for an undefined output, as the Lambda runtime sends it', async () => {
    const testJob = buildSingleOpJob(() => undefined);
    expect(await jobHandler(testJob, { writeLog: () => {} })(buildPayload(testJob, 'work'))).toStrictEqual({ v: null });
  });

  it('defaults a missing config to {}', async () => {
    const testJob = buildSingleOpJob((context) => context.config);
    const { config: _config, ...payload } = buildPayload(testJob, 'work');
    expect(await jobHandler(testJob, { writeLog: () => {} })(payload)).toStrictEqual({ v: {} });
  });

  it('logs one success line and the op own lines with op, job, run and retry number, on the injected clock', async () => {
    const logs = captureLogs();
    const testJob = buildSingleOpJob((context) => {
      context.log.info('fetching', { table: 'orders' });
      return 'done';
    });
    const handler = jobHandler(testJob, { writeLog: logs.writeLog, now: createFakeClock() });
    await handler(buildPayload(testJob, 'work', { retryNumber: 1 }), createFakeContext('req-77'));
    expect(logs.records).toHaveLength(2);
    expect(logs.records[0]).toMatchObject({ level: 'INFO', message: 'fetching', service: 'stepops', job: 'test_job', op: 'work', runId: 'run-1', retryNumber: 1, table: 'orders' });
    expect(logs.records[1]).toStrictEqual({
      level: 'INFO',
      message: 'op succeeded',
      timestamp: expect.stringMatching(/^2026-01-01T00:00:00\.\d{3}Z$/),
      service: 'stepops',
      job: 'test_job',
      op: 'work',
      runId: 'run-1',
      retryNumber: 1,
      requestId: 'req-77',
      decision: 'success',
      outputBytes: 12,
      durationMs: expect.any(Number),
    });
    expect(logs.records[0]?.timestamp).toMatch(/^2026-01-01T00:00:00\.\d{3}Z$/);
  });

  it('writes JSON lines to stdout by default', async () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const testJob = buildSingleOpJob(() => 1);
      await jobHandler(testJob)(buildPayload(testJob, 'work'));
      const line = String(write.mock.calls.at(-1)?.[0]);
      expect(JSON.parse(line)).toMatchObject({ level: 'INFO', message: 'op succeeded', op: 'work' });
    } finally {
      write.mockRestore();
    }
  });

  it('fails at module load when given something other than a job', () => {
    expect(() => jobHandler({ name: 'fake' } as never)).toThrow(/jobHandler needs a job made by job/);
  });
});

describe('jobHandler: outputs over the inline threshold', () => {
  const sized = (bytes: number): string => 'x'.repeat(bytes - 2 - 6); // JSON adds two quotes, the envelope {"v":} six characters

  it('returns an output whose envelope is exactly the inline threshold inline, without an IO manager', async () => {
    const testJob = buildSingleOpJob(() => sized(INLINE_THRESHOLD_BYTES));
    const output = (await jobHandler(testJob, { writeLog: () => {} })(buildPayload(testJob, 'work'))) as { v: string };
    expect(JSON.stringify(output)).toHaveLength(INLINE_THRESHOLD_BYTES);
  });

  it.each([
    { label: 'one byte over the threshold', output: () => sized(INLINE_THRESHOLD_BYTES + 1), bytes: INLINE_THRESHOLD_BYTES + 1 },
    { label: 'over the payload limit', output: () => sized(MAX_OUTPUT_BYTES + 1), bytes: MAX_OUTPUT_BYTES + 1 },
    { label: 'multi-byte characters counted in UTF-8', output: () => 'é'.repeat(8_192), bytes: 16_392 },
  ])('fails with OUTPUT_TOO_LARGE without an IO manager, never a truncated value ($label)', async ({ output, bytes }) => {
    const logs = captureLogs();
    const testJob = buildSingleOpJob(output, new RetryPolicy({ maxRetries: 3 }));
    const failure = recordFailure(await catchThrown(jobHandler(testJob, { writeLog: logs.writeLog })(buildPayload(testJob, 'work'))));
    expect(failure.Error).toBe(OUTPUT_TOO_LARGE_ERROR);
    expect(failure.errorMessage).toBe(
      `op "work" returned ${bytes.toLocaleString('en-US')} bytes of JSON, over the job's inline threshold of 16,384 bytes, and this wrapper has no IO manager to store it; deploy with JobStateMachine (it creates the IO bucket and sets STEPOPS_IO_BUCKET) or pass ioManager to jobHandler`,
    );
    expect(failure.details).toMatchObject({ decision: 'fail', reason: 'output-too-large', outputBytes: bytes });
    expect(logs.records.at(-1)).toMatchObject({ level: 'ERROR', decision: 'fail', reason: 'output-too-large', thrownAs: OUTPUT_TOO_LARGE_ERROR });
  });

  it('stores an output over the threshold, of any size, through the IO manager and returns { s, b }; the payload may lower the threshold', async () => {
    const io = new InMemoryIoManager();
    const testJob = buildSingleOpJob(() => sized(MAX_OUTPUT_BYTES + 1));
    const handler = jobHandler(testJob, { writeLog: () => {}, ioManager: io });
    expect(await handler(buildPayload(testJob, 'work', { runId: 'r1', retryNumber: 2 }))).toStrictEqual({ s: 2, b: MAX_OUTPUT_BYTES + 1 });
    expect(io.objects.get('r1/work/2.json')).toBe(JSON.stringify(sized(MAX_OUTPUT_BYTES + 1)));
    const small = buildSingleOpJob(() => 'abc');
    expect(await jobHandler(small, { writeLog: () => {}, ioManager: io })({ ...buildPayload(small, 'work'), runId: 'r2', inlineBytes: 0 })).toStrictEqual({ s: 0, b: 11 });
  });

  it('fails an output that is not JSON with the serializer error, not retried', async () => {
    const testJob = buildSingleOpJob(() => ({ big: 10n }), new RetryPolicy({ maxRetries: 3 }));
    const failure = recordFailure(await catchThrown(jobHandler(testJob, { writeLog: () => {} })(buildPayload(testJob, 'work'))));
    expect(failure.Error).toBe('TypeError');
    expect(failure.details).toMatchObject({ decision: 'fail', reason: 'output-not-serializable' });
    expect(failure.errorMessage).toMatch(/^op "work" returned a value that is not JSON/);
  });
});

describe('jobHandler: outputs travel in an envelope', () => {
  it.each([
    { label: 'a marker-shaped object', output: { o: 'failed', op: 'work', error: 'X' }, sent: { o: 'failed', op: 'work', error: 'X' } },
    { label: 'the old marker key', output: { __stepops: 'skipped', op: 'work' }, sent: { __stepops: 'skipped', op: 'work' } },
    { label: 'a Date', output: new Date(Date.UTC(2026, 0, 2)), sent: '2026-01-02T00:00:00.000Z' },
    { label: 'a Map', output: new Map([['a', 1]]), sent: {} },
    { label: 'NaN and Infinity', output: [Number.NaN, Infinity, -0], sent: [null, null, 0] },
    { label: 'undefined', output: undefined, sent: null },
  ])('returns { v } with the JSON round trip the Lambda runtime applies ($label)', async ({ output, sent }) => {
    const testJob = buildSingleOpJob(() => output);
    expect(await jobHandler(testJob, { writeLog: () => {} })(buildPayload(testJob, 'work'))).toStrictEqual({ v: sent });
  });
});

describe('jobHandler: failure markers among the inputs', () => {
  const failed = (name: string): OpOutcomeMarker => ({ [OUTCOME_MARKER_KEY]: 'failed', op: name, error: 'TypeError', cause: '{}' });
  const skipped = (name: string, upstream: string[]): OpOutcomeMarker => ({ [OUTCOME_MARKER_KEY]: 'skipped', op: name, failedUpstream: upstream });

  it.each([
    { label: 'one failed input', inputs: [failed('a'), { v: 'ok' }, { v: 'ok' }], failedUpstream: ['a'] },
    { label: 'a skipped input', inputs: [{ v: 'ok' }, skipped('b', ['x', 'y']), { v: 'ok' }], failedUpstream: ['x', 'y'] },
    { label: 'several, as a union in input order', inputs: [skipped('b', ['y', 'a']), failed('a'), failed('c')], failedUpstream: ['y', 'a', 'c'] },
  ])('does not run the op and returns a skipped marker ($label)', async ({ inputs, failedUpstream }) => {
    const compute = vi.fn(async (_context: OpContext, ..._inputs: unknown[]) => 'ran');
    const three = op({ name: 'three' }, async (context, a: unknown, b: unknown, c: unknown) => compute(context, a, b, c));
    const source = op({ name: 'source' }, async () => 1);
    const testJob = job({ name: 'marker_job' }, () => {
      three(source.alias('s1')(), source.alias('s2')(), source.alias('s3')());
    });
    const logs = captureLogs();
    const output = await jobHandler(testJob, { writeLog: logs.writeLog })(buildPayload(testJob, 'three', { inputs }));
    expect(output).toStrictEqual({ [OUTCOME_MARKER_KEY]: 'skipped', op: 'three', failedUpstream });
    expect(compute).not.toHaveBeenCalled();
    expect(logs.records).toStrictEqual([expect.objectContaining({ level: 'INFO', decision: 'skip', failedUpstream, op: 'three' })]);
  });
});

describe('runOpAttempt: the core, called in process', () => {
  it('runs an attempt without a payload and throws real Errors', async () => {
    const work = op({ name: 'work' }, async (context) => {
      if (context.retryNumber === 0) throw new RangeError('first try fails');
      return context.retryNumber;
    });
    const attempt = { op: work, opName: 'work', jobName: 'j', runId: 'r', retryNumber: 0, retryMode: 'plain' as const, policy: new RetryPolicy(), inputs: [] };
    const thrown = await catchThrown(runOpAttempt(attempt, { writeLog: () => {} }));
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown.name).toBe('stepops.Retry');
    expect(await runOpAttempt({ ...attempt, retryNumber: 1 }, { writeLog: () => {} })).toBe(1);
  });
});
