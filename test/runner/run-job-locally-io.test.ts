/**
 * Op outputs of any size in runJobLocally: outputs over the inline threshold go through the IO
 * manager and travel as `{ s, b }`, exactly as on AWS; every state stays under 256 KiB.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetryPolicy, job, op, type JobFailureCause, type OpContext } from '../../lib/index.js';
import { INLINE_THRESHOLD_BYTES } from '../../lib/job/wire-protocol.js';
import { InMemoryIoManager } from '../../lib/io/memory-io-manager.js';
import type { IoManager, OpOutputKey } from '../../lib/io/io-manager.js';
import { S3IoManager } from '../../lib/io/s3-io-manager.js';
import { runJobLocally } from '../../lib/runner/local/run-job-locally.js';
import { startLocalS3, type LocalS3 } from '../io/local-s3.js';

const silent = { writeLog: () => {} };

/** SHA-256 of a value's JSON: what "the exact bytes" means for a value that travels as JSON. */
function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

/** A string whose JSON is exactly `bytes` UTF-8 bytes, mostly 3-byte and 4-byte characters. */
function stringOfJsonBytes(bytes: number): string {
  const body = bytes - 2;
  const emoji = Math.floor(body / 7);
  const euro = Math.floor((body - emoji * 4) / 3);
  const text = '🚀'.repeat(emoji) + '€'.repeat(euro) + 'a'.repeat(body - emoji * 4 - euro * 3);
  expect(Buffer.byteLength(JSON.stringify(text), 'utf8')).toBe(bytes);
  return text;
}

/** produce -> three consumers -> join, each op recording the digest of every input it receives. */
function buildFanOutJob(produced: () => unknown, consumed: (k: number, input: unknown) => unknown) {
  const received: Record<string, string[]> = {};
  const record = (context: OpContext, ...inputs: unknown[]) => {
    received[context.opName] = inputs.map(digest);
  };
  const produce = op({ name: 'produce' }, async (context) => {
    record(context);
    return produced();
  });
  const consumers = [1, 2, 3].map((k) =>
    op({ name: `consume_${k}` }, async (context, input: unknown) => {
      record(context, input);
      return consumed(k, input);
    }),
  );
  const joinOp = op({ name: 'join' }, async (context, a: unknown, b: unknown, c: unknown) => {
    record(context, a, b, c);
    return { joined: 3 };
  });
  const fanOut = job({ name: 'fan_out' }, () => {
    const value = produce();
    joinOp(consumers[0]!(value), consumers[1]!(value), consumers[2]!(value));
  });
  return { fanOut, received };
}

describe('runJobLocally with op outputs of any size', () => {
  it('10 MB values fanned out to 3 consumers and joined: every consumer receives the exact bytes', async () => {
    const big = { text: '日本語 größe 🚀 '.repeat(500_000).slice(0, 10_000_000), rows: 1 };
    const consumedValue = (k: number): string => `${k}:`.padEnd(10_000_000, '€');
    const { fanOut, received } = buildFanOutJob(
      () => big,
      (k) => consumedValue(k),
    );
    const io = new InMemoryIoManager();
    const result = await runJobLocally(fanOut, { ...silent, ioManager: io, executionName: 'big-run' });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toStrictEqual({ join: { joined: 3 } });
    for (const k of [1, 2, 3]) expect(received[`consume_${k}`]).toStrictEqual([digest(big)]);
    expect(received.join).toStrictEqual([1, 2, 3].map((k) => digest(consumedValue(k))));
    expect([...io.objects.keys()].sort()).toStrictEqual(['big-run/consume_1/0.json', 'big-run/consume_2/0.json', 'big-run/consume_3/0.json', 'big-run/produce/0.json']);
    // Every state's data stayed small: the largest recorded payload is a few hundred bytes.
    const largest = Math.max(...result.history.map((event) => JSON.stringify(event).length));
    expect(largest).toBeLessThan(4_096);
  });

  it.each([
    ['the inline threshold', INLINE_THRESHOLD_BYTES - 6, false],
    ['one byte over the inline threshold', INLINE_THRESHOLD_BYTES - 5, true],
    ['exactly 262,144', 262_144, true],
    ['262,145', 262_145, true],
  ])('an output of %s bytes of multibyte JSON reaches all 3 consumers exactly (stored: %s)', async (_name, bytes, stored) => {
    const value = stringOfJsonBytes(bytes);
    const { fanOut, received } = buildFanOutJob(
      () => value,
      (k, input) => `${k}:${(input as string).length}`,
    );
    const io = new InMemoryIoManager();
    const result = await runJobLocally(fanOut, { ...silent, ioManager: io });
    expect(result.status).toBe('SUCCEEDED');
    for (const k of [1, 2, 3]) expect(received[`consume_${k}`]).toStrictEqual([digest(value)]);
    expect(io.objects.size).toBe(stored ? 1 : 0);
  });

  it('uses an in-process IO manager by default, and a directory when given one', async () => {
    const { fanOut } = buildFanOutJob(
      () => 'x'.repeat(100_000),
      () => 'small',
    );
    expect((await runJobLocally(fanOut, silent)).status).toBe('SUCCEEDED');
    const directory = mkdtempSync(join(tmpdir(), 'stepops-io-run-'));
    try {
      const result = await runJobLocally(fanOut, { ...silent, ioManager: { directory }, executionName: 'on-disk' });
      expect(result.status).toBe('SUCCEEDED');
      expect(readdirSync(join(directory, 'on-disk', 'produce'))).toStrictEqual(['0.json']);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it("reads a retried producer's output from the attempt that succeeded", async () => {
    let calls = 0;
    const flaky = op({ name: 'flaky', retryPolicy: new RetryPolicy({ maxRetries: 2 }) }, async () => {
      calls += 1;
      if (calls < 3) throw new Error('not yet');
      return 'y'.repeat(50_000);
    });
    let length = 0;
    const reader = op({ name: 'reader' }, async (_context, text: string) => {
      length = text.length;
      return length;
    });
    const io = new InMemoryIoManager();
    const result = await runJobLocally(
      job({ name: 'retried' }, () => {
        reader(flaky());
      }),
      { ...silent, ioManager: io, executionName: 'r1' },
    );
    expect(result.status).toBe('SUCCEEDED');
    expect([...io.objects.keys()]).toStrictEqual(['r1/flaky/2.json']);
    expect(length).toBe(50_000);
  });

  it('keeps two runs sharing one IO manager apart', async () => {
    const make = (tag: string) =>
      buildFanOutJob(
        () => tag.repeat(40_000),
        (_k, input) => (input as string).slice(0, 1),
      );
    const io = new InMemoryIoManager();
    const [a, b] = [make('a'), make('b')];
    const results = await Promise.all([
      runJobLocally(a.fanOut, { ...silent, ioManager: io, executionName: 'run-a' }),
      runJobLocally(b.fanOut, { ...silent, ioManager: io, executionName: 'run-b' }),
    ]);
    expect(results.map((result) => result.status)).toStrictEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(a.received.consume_1).toStrictEqual([digest('a'.repeat(40_000))]);
    expect(b.received.consume_1).toStrictEqual([digest('b'.repeat(40_000))]);
    expect(io.objects.size).toBe(2);
  });

  it("a re-execution from failure reuses a stored output of its parent run: the consumer reads the parent's object", async () => {
    let producerRuns = 0;
    let failConsumer = true;
    const value = 'p'.repeat(60_000);
    const producer = op({ name: 'producer' }, async () => {
      producerRuns += 1;
      return value;
    });
    let received = '';
    const consumer = op({ name: 'consumer' }, async (_context, text: string) => {
      if (failConsumer) throw new Error('down');
      received = digest(text);
      return 'ok';
    });
    const reuse = job({ name: 'reuse' }, () => {
      consumer(producer());
    });
    const io = new InMemoryIoManager();
    const parent = await runJobLocally(reuse, { ...silent, ioManager: io, executionName: 'parent-run' });
    expect(parent.status).toBe('FAILED');
    failConsumer = false;
    const child = await runJobLocally(reuse, { ...silent, ioManager: io, executionName: 'child-run', reexecute: { parent, strategy: 'from-failure' } });
    expect(child.status).toBe('SUCCEEDED');
    expect(producerRuns).toBe(1);
    expect(received).toBe(digest(value));
    expect([...io.objects.keys()]).toStrictEqual(['parent-run/producer/0.json']);
  });

  it('fails a consumer whose stored input is gone with stepops.IoObjectMissing naming the op and the key; the run lists it', async () => {
    const forgetful: IoManager = {
      writeOutput: async (key: OpOutputKey) => `memory://${key.runId}/${key.op}/${key.retryNumber}.json`,
      readOutput: (key: OpOutputKey) => new InMemoryIoManager().readOutput(key),
    };
    const { fanOut } = buildFanOutJob(
      () => 'z'.repeat(30_000),
      () => 'small',
    );
    const result = await runJobLocally(fanOut, { ...silent, ioManager: forgetful, executionName: 'lost' });
    expect(result.status).toBe('FAILED');
    expect(result.error?.error).toBe('stepops.IoObjectMissing');
    const cause = JSON.parse(result.error!.cause!) as JobFailureCause;
    expect(cause.failedOps.map((failed) => failed.op)).toStrictEqual(['consume_1', 'consume_2', 'consume_3']);
    expect(cause.failedOps[0]!.cause).toContain('the output of op \\"produce\\" is not at memory://lost/produce/0.json');
    expect(cause.skippedOps).toStrictEqual(['join']);
  });
});

describe('runJobLocally with the S3 IO manager against s3rver on 127.0.0.1', () => {
  let s3: LocalS3;
  beforeAll(async () => {
    s3 = await startLocalS3();
  });
  afterAll(async () => {
    await s3.close();
  });

  it('stores each large output once in the bucket under <prefix><run>/<op>/<retry>.json and every consumer reads it back', async () => {
    const value = { text: 'S3 ✓ '.repeat(200_000) };
    const { fanOut, received } = buildFanOutJob(
      () => value,
      (k) => k,
    );
    const result = await runJobLocally(fanOut, { ...silent, ioManager: new S3IoManager({ bucket: s3.bucket, prefix: 'fan_out/', client: s3.client }), executionName: 's3-run' });
    expect(result.status).toBe('SUCCEEDED');
    for (const k of [1, 2, 3]) expect(received[`consume_${k}`]).toStrictEqual([digest(value)]);
    const reader = new S3IoManager({ bucket: s3.bucket, prefix: 'fan_out/', client: s3.client });
    expect(JSON.parse(await reader.readOutput({ runId: 's3-run', op: 'produce', retryNumber: 0 }))).toStrictEqual(value);
  });
});
