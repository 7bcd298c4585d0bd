import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryIoManager } from '../../lib/io/directory-io-manager.js';
import { IO_OBJECT_EXISTS_ERROR, IO_OBJECT_MISSING_ERROR, IoObjectExistsError, IoObjectMissingError } from '../../lib/io/io-errors.js';
import type { IoManager } from '../../lib/io/io-manager.js';
import { InMemoryIoManager } from '../../lib/io/memory-io-manager.js';
import { S3IoManager } from '../../lib/io/s3-io-manager.js';
import { startLocalS3, type LocalS3 } from './local-s3.js';

let s3: LocalS3;
let directory: string;
beforeAll(async () => {
  s3 = await startLocalS3();
  directory = mkdtempSync(join(tmpdir(), 'stepops-io-'));
});
afterAll(async () => {
  await s3.close();
  rmSync(directory, { recursive: true, force: true });
});

const managers: [string, () => IoManager, string][] = [
  ['in memory', () => new InMemoryIoManager(), 'memory://'],
  ['in a directory', () => new DirectoryIoManager(directory), 'file://'],
  ['in S3 (s3rver on 127.0.0.1)', () => new S3IoManager({ bucket: s3.bucket, prefix: 'jobs/etl/', client: s3.client }), 's3://stepops-io-test/jobs/etl/'],
];

/** A run id no other case uses, so the shared directory and bucket never collide between cases. */
let runs = 0;
function newRunId(): string {
  runs += 1;
  return `run-${runs}`;
}

describe.each(managers)('IO manager %s', (_name, create, uriStart) => {
  it('writes an output and reads back the same text, multibyte UTF-8 included', async () => {
    const manager = create();
    const runId = newRunId();
    const json = JSON.stringify({ text: 'größe ✓ 日本語 🚀'.repeat(1000), n: 1 });
    const reference = await manager.writeOutput({ runId, op: 'extract', retryNumber: 0 }, json);
    expect(reference).toStrictEqual({ uri: `${uriStart}${reference.uri.slice(uriStart.length)}`, op: 'extract', bytes: Buffer.byteLength(json, 'utf8') });
    expect(reference.uri.endsWith(`${runId}/extract/0.json`)).toBe(true);
    expect(await manager.readOutput(reference)).toBe(json);
  });

  it('fails with IoObjectMissingError naming the op and the key when the object is not there', async () => {
    const manager = create();
    const written = await manager.writeOutput({ runId: newRunId(), op: 'extract', retryNumber: 0 }, '1');
    const missing = { ...written, uri: written.uri.replace('/extract/0.json', '/extract/7.json') };
    const failure = await manager.readOutput(missing).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(IoObjectMissingError);
    expect(failure).toMatchObject({ name: IO_OBJECT_MISSING_ERROR, op: 'extract', uri: missing.uri });
    expect((failure as Error).message).toContain(`the output of op "extract" is not at ${missing.uri}`);
  });

  it('keeps each attempt of a retried op apart: the retry writes its own object', async () => {
    const manager = create();
    const runId = newRunId();
    const first = await manager.writeOutput({ runId, op: 'load', retryNumber: 0 }, '"first"');
    const retried = await manager.writeOutput({ runId, op: 'load', retryNumber: 1 }, '"retried"');
    expect(retried.uri).not.toBe(first.uri);
    expect(await manager.readOutput(first)).toBe('"first"');
    expect(await manager.readOutput(retried)).toBe('"retried"');
  });

  it('keeps two runs writing the same ops in parallel apart', async () => {
    const manager = create();
    const [a, b] = [newRunId(), newRunId()];
    const ops = ['extract', 'transform', 'load'];
    const written = await Promise.all(
      ops.flatMap((op) => [a, b].map(async (runId) => ({ runId, op, reference: await manager.writeOutput({ runId, op, retryNumber: 0 }, JSON.stringify(`${runId}:${op}`)) }))),
    );
    expect(new Set(written.map((entry) => entry.reference.uri)).size).toBe(6);
    for (const entry of written) expect(JSON.parse(await manager.readOutput(entry.reference))).toBe(`${entry.runId}:${entry.op}`);
  });
});

describe.each(managers.slice(0, 2))('IO manager %s never overwrites', (_name, create) => {
  it('fails with IoObjectExistsError on a second write of the same run, op and attempt, keeping the first value', async () => {
    const manager = create();
    const key = { runId: newRunId(), op: 'extract', retryNumber: 0 };
    const reference = await manager.writeOutput(key, '"kept"');
    const failure = await manager.writeOutput(key, '"other"').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(IoObjectExistsError);
    expect(failure).toMatchObject({ name: IO_OBJECT_EXISTS_ERROR, op: 'extract', uri: reference.uri });
    expect(await manager.readOutput(reference)).toBe('"kept"');
  });
});

describe('IO managers refuse references outside their own store', () => {
  it.each([
    ['S3, another bucket', () => new S3IoManager({ bucket: s3.bucket, prefix: 'jobs/etl/', client: s3.client }), 's3://other-bucket/jobs/etl/r/extract/0.json'],
    ['S3, another prefix', () => new S3IoManager({ bucket: s3.bucket, prefix: 'jobs/etl/', client: s3.client }), 's3://stepops-io-test/jobs/other/r/extract/0.json'],
    ['a directory, a file elsewhere', () => new DirectoryIoManager(directory), 'file:///etc/passwd'],
    ['memory, another scheme', () => new InMemoryIoManager(), 's3://stepops-io-test/r/extract/0.json'],
  ])('%s: IoObjectMissingError', async (_name, create, uri) => {
    await expect(create().readOutput({ uri, op: 'extract', bytes: 1 })).rejects.toMatchObject({ name: IO_OBJECT_MISSING_ERROR, uri });
  });
});
