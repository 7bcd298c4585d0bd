/**
 * Nothing lost on failure: a failed run's Cause (JobFailureCause) names every failed, skipped and
 * succeeded op, with where each succeeded value is when the top-level scope holds it, bounded by
 * construction to Step Functions' 32,768 characters; runJobLocally's result has every succeeded
 * op's value (opOutputs), stored ones read back from the IO manager. Run through the compiled
 * definition in the local runner.
 */
import { describe, expect, it } from 'vitest';
import { job, op, type JobFailureCause, type OutputHandle } from '../../lib/index.js';
import { buildSkippedMarker } from '../../lib/handler/skipped-marker.js';
import { InMemoryIoManager } from '../../lib/io/memory-io-manager.js';
import { MAX_FAILED_UPSTREAM } from '../../lib/job/wire-protocol.js';
import { runJobLocally } from '../../lib/runner/local/run-job-locally.js';
import { MAX_JOB_CAUSE_CHARACTERS } from '../../lib/asl/jsonata-expressions.js';

const silent = { writeLog: () => {} };

class BrokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BrokenError';
  }
}

function readCause(result: { readonly error?: { readonly cause?: string } }): JobFailureCause {
  return JSON.parse(result.error!.cause!) as JobFailureCause;
}

describe('the failure Cause lists the succeeded ops', () => {
  const small = op({ name: 'small' }, async () => ({ rows: 3 }));
  const big = op({ name: 'big' }, async (_context, _input: unknown) => 'x'.repeat(20_000));
  const medium = op({ name: 'medium' }, async (_context, _input: unknown) => 'y'.repeat(300));
  const breaks = op({ name: 'breaks' }, async (_context, _input: unknown): Promise<number> => {
    throw new BrokenError('broken for good');
  });
  const after = op({ name: 'after_breaks' }, async (_context, _input: unknown) => 1);

  it('top-level ops: a small value inline, a stored value by reference, a longer value by name; every value in opOutputs', async () => {
    const chain = job({ name: 'chain' }, () => {
      after(breaks(medium(big(small()))));
    });
    const ioManager = new InMemoryIoManager();
    const result = await runJobLocally(chain, { ...silent, ioManager, executionName: 'run-1' });
    expect(result.status).toBe('FAILED');
    const cause = readCause(result);
    expect(cause.failedOps.map((failed) => failed.op)).toStrictEqual(['breaks']);
    expect(cause.skippedOps).toStrictEqual(['after_breaks']);
    expect(cause.succeededOps).toStrictEqual([
      { op: 'small', v: { rows: 3 } },
      { op: 'big', s: 0, b: Buffer.byteLength(JSON.stringify({ v: 'x'.repeat(20_000) })) },
      { op: 'medium' },
    ]);
    expect(cause.omittedSucceededOps).toBeUndefined();
    // The reference names the IO manager's object: run id, op, retry number.
    expect(JSON.parse(await ioManager.readOutput({ runId: 'run-1', op: 'big', retryNumber: 0 }))).toBe('x'.repeat(20_000));
    expect(result.opOutputs).toStrictEqual({ small: { rows: 3 }, big: 'x'.repeat(20_000), medium: 'y'.repeat(300) });
  });

  it('ops inside Parallel branches are listed by name (their values are in the history and opOutputs)', async () => {
    const inner = op({ name: 'inner' }, async (_context, _input: unknown) => 'inner value');
    const join = op({ name: 'join' }, async (_context, _a: unknown, _b: unknown) => 'joined');
    const wide = job({ name: 'wide' }, () => {
      join(inner(small()), big(small.alias('small_2')()));
      after(breaks(medium(small.alias('small_3')())));
    });
    const result = await runJobLocally(wide, silent);
    const cause = readCause(result);
    expect(cause.succeededOps).toStrictEqual([
      { op: 'small' },
      { op: 'inner' },
      { op: 'small_2' },
      { op: 'big' },
      { op: 'join', v: 'joined' },
      { op: 'small_3' },
      { op: 'medium' },
    ]);
    expect(result.opOutputs).toStrictEqual({
      small: { rows: 3 },
      inner: 'inner value',
      small_2: { rows: 3 },
      big: 'x'.repeat(20_000),
      join: 'joined',
      small_3: { rows: 3 },
      medium: 'y'.repeat(300),
    });
  });

  it('a split job lists the succeeded ops of every part', async () => {
    const first = op({ name: 'step0' }, async () => [0, null]);
    const steps = Array.from({ length: 11 }, (_, k) =>
      op({ name: `step${k + 1}` }, async (_context, input: unknown) => (k + 1 === 9 ? Promise.reject(new BrokenError('step 9')) : [k + 1, input])),
    );
    const long = job({ name: 'long_chain' }, () => {
      let previous: OutputHandle = first();
      for (const step of steps) previous = step(previous);
    });
    const result = await runJobLocally(long, { ...silent, compile: { maxDefinitionCharacters: 12_000 } });
    expect(result.childExecutions?.length ?? 0).toBeGreaterThan(0);
    const cause = readCause(result);
    expect(cause.failedOps.map((failed) => failed.op)).toStrictEqual(['step9']);
    expect(cause.skippedOps).toStrictEqual(['step10', 'step11']);
    expect(cause.succeededOps!.map((entry) => entry.op)).toStrictEqual(['step0', 'step1', 'step2', 'step3', 'step4', 'step5', 'step6', 'step7', 'step8']);
    expect(Object.keys(result.opOutputs)).toStrictEqual(['step0', 'step1', 'step2', 'step3', 'step4', 'step5', 'step6', 'step7', 'step8']);
    expect(result.opOutputs.step1).toStrictEqual([1, [0, null]]);
  });
});

describe('the Cause stays within 32,768 characters', () => {
  /**
   * `count` independent ops named with 80 characters, returning `value(k)`; those `failing` says
   * fail with a 256-character error name; `skipping` ops downstream of the first failing one.
   */
  function buildWideJob(count: number, failing: (k: number) => boolean, skipping: number, value: (k: number) => unknown = (k) => k) {
    const name = (k: number) => `op_${String(k).padStart(4, '0')}_${'n'.repeat(72)}`;
    const errorName = 'E'.repeat(256);
    const ops = Array.from({ length: count }, (_, k) =>
      op({ name: name(k) }, async () => {
        if (!failing(k)) return value(k);
        const error = new Error('c'.repeat(5_000));
        error.name = errorName;
        throw error;
      }),
    );
    const downstream = Array.from({ length: skipping }, (_, k) => op({ name: `down_${String(k).padStart(4, '0')}_${'d'.repeat(70)}` }, async (_context, _input: unknown) => 0));
    const firstFailing = ops.findIndex((_, k) => failing(k));
    return job({ name: 'wide_failures' }, () => {
      const handles = ops.map((definition) => definition());
      for (const consumer of downstream) consumer(handles[firstFailing]!);
    });
  }

  it('many succeeded ops: the first 100 with their values and a count of the rest', async () => {
    const result = await runJobLocally(
      buildWideJob(400, (k) => k === 399, 0),
      silent,
    );
    const cause = readCause(result);
    expect(result.error!.cause!.length).toBeLessThanOrEqual(MAX_JOB_CAUSE_CHARACTERS);
    expect(cause.succeededOps).toHaveLength(100);
    expect(cause.omittedSucceededOps).toBe(299);
    expect(cause.failedOps).toHaveLength(1);
    expect(Object.keys(result.opOutputs)).toHaveLength(399);
  });

  it('every list long and every name at its longest: the first 10 failed, 100 skipped and 100 succeeded ops, with counts', async () => {
    const result = await runJobLocally(
      buildWideJob(200, (k) => k % 2 === 0, 150),
      silent,
    );
    expect(result.error!.cause!.length).toBeLessThanOrEqual(MAX_JOB_CAUSE_CHARACTERS);
    const cause = readCause(result);
    expect(cause.failedOps).toHaveLength(10);
    expect(cause.failedOps[0]!.error).toBe('E'.repeat(256));
    expect(cause.omittedFailedOps).toBe(90);
    expect(cause.skippedOps).toHaveLength(100);
    expect(cause.omittedSkippedOps).toBe(50);
    expect(cause.succeededOps).toHaveLength(100);
    expect(cause.succeededOps![0]).toStrictEqual({ op: `op_0001_${'n'.repeat(72)}`, v: 1 });
    expect(cause.omittedSucceededOps).toBeUndefined();
  });

  it('values too long for the middle form: the shortest form, names and errors only, with counts', async () => {
    const result = await runJobLocally(
      buildWideJob(
        300,
        (k) => k % 3 === 0,
        150,
        () => 'r'.repeat(250),
      ),
      silent,
    );
    expect(result.error!.cause!.length).toBeLessThanOrEqual(MAX_JOB_CAUSE_CHARACTERS);
    const cause = readCause(result);
    expect(cause.failedOps).toHaveLength(10);
    expect(cause.failedOps[0]).toStrictEqual({ op: `op_0000_${'n'.repeat(72)}`, error: 'E'.repeat(256) });
    expect(cause.omittedFailedOps).toBe(90);
    expect(cause.skippedOps).toHaveLength(100);
    expect(cause.omittedSkippedOps).toBe(50);
    expect(cause.succeededOps).toHaveLength(50);
    expect(cause.succeededOps![0]).toStrictEqual({ op: `op_0001_${'n'.repeat(72)}` });
    expect(cause.omittedSucceededOps).toBe(150);
  });
});

describe('skip markers are bounded', () => {
  const failed = (op: string) => ({ o: 'failed', op, error: 'E', cause: '' });

  it.each([
    ['one failed input', [failed('a')], ['a'], undefined],
    ['the same op through two inputs, once', [failed('a'), { o: 'skipped', op: 'b', failedUpstream: ['a'] }], ['a'], undefined],
    ['25 failed inputs: the first 20, 5 counted', Array.from({ length: 25 }, (_, k) => failed(`f${k}`)), Array.from({ length: 20 }, (_, k) => `f${k}`), 5],
    ['counts inherited from skipped inputs', [{ o: 'skipped', op: 'b', failedUpstream: ['a'], omittedFailedUpstream: 7 }, failed('c')], ['a', 'c'], 7],
  ] as const)('%s', (_title, inputs, listed, omitted) => {
    const marker = buildSkippedMarker('consumer', inputs);
    expect(marker).toStrictEqual({ o: 'skipped', op: 'consumer', failedUpstream: listed, ...(omitted === undefined ? {} : { omittedFailedUpstream: omitted }) });
    expect(listed.length).toBeLessThanOrEqual(MAX_FAILED_UPSTREAM);
  });

  it('no marker among the inputs: no skip', () => {
    expect(buildSkippedMarker('consumer', [{ v: 1 }])).toBeUndefined();
  });

  it('a binary tree of joins over 32 failed ops: the root is skipped naming 20 of them and counting 12', async () => {
    const fails = op({ name: 'fails' }, async (): Promise<number> => {
      throw new BrokenError('broken');
    });
    const join2 = op({ name: 'join' }, async (_context, _a: unknown, _b: unknown) => 0);
    const tree = job({ name: 'fan_in' }, () => {
      let level: OutputHandle[] = Array.from({ length: 32 }, (_, k) => fails.alias(`fails_${k}`)());
      let depth = 0;
      while (level.length > 1) {
        depth += 1;
        const next: OutputHandle[] = [];
        for (let i = 0; i < level.length; i += 2) next.push(join2.alias(level.length === 2 ? 'root' : `join_${depth}_${i / 2}`)(level[i]!, level[i + 1]!));
        level = next;
      }
    });
    const result = await runJobLocally(tree, silent);
    const cause = readCause(result);
    expect(cause.failedOps).toHaveLength(32);
    expect(cause.skippedOps.at(-1)).toBe('root');
    const payloads = result.history
      .filter((event) => event.type === 'TaskSucceeded')
      .map((event) => (JSON.parse(event.taskSucceededEventDetails!.output!) as { Payload: Record<string, unknown> }).Payload);
    const root = payloads.find((payload) => payload.op === 'root')!;
    expect(root.failedUpstream).toStrictEqual(Array.from({ length: 20 }, (_, k) => `fails_${k}`));
    expect(root.omittedFailedUpstream).toBe(12);
  });
});
