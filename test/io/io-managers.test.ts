import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryIoManager } from '../../lib/io/directory-io-manager.js';
import { IO_OBJECT_EXISTS_ERROR, IO_OBJECT_MISSING_ERROR, IoObjectExistsError, IoObjectMissingError } from '../../lib/io/io-errors.js';
import { buildOutputKey, type IoManager } from '../../lib/io/io-manager.js';
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

describe.each(managers)('IO manager %s', (_name, create, locationStart) => {
  it('writes an output and reads back the same text, multibyte UTF-8 included', async () => {
    const manager = create();
    const key = { runId: newRunId(), op: 'extract', retryNumber: 0 };
    const json = JSON.stringify({ text: 'größe ✓ 日本語 🚀'.repeat(1000), n: 1 });
    const location = await manager.writeOutput(key, json);
    expect(location.startsWith(locationStart)).toBe(true);
    expect(location.endsWith(`${key.runId}/extract/0.json`)).toBe(true);
    expect(await manager.readOutput(key)).toBe(json);
  });

  it('fails with IoObjectMissingError naming the op and the key when the object is not there', async () => {
    const manager = create();
    const runId = newRunId();
    const location = await manager.writeOutput({ runId, op: 'extract', retryNumber: 0 }, '1');
    const failure = await manager.readOutput({ runId, op: 'extract', retryNumber: 7 }).catch((error: unknown) => error);
    const missing = location.replace('/extract/0.json', '/extract/7.json');
    expect(failure).toBeInstanceOf(IoObjectMissingError);
    expect(failure).toMatchObject({ name: IO_OBJECT_MISSING_ERROR, op: 'extract', location: missing });
    expect((failure as Error).message).toContain(`the output of op "extract" is not at ${missing}`);
  });

  it('keeps each attempt of a retried op apart: the retry writes its own object', async () => {
    const manager = create();
    const runId = newRunId();
    const first = await manager.writeOutput({ runId, op: 'load', retryNumber: 0 }, '"first"');
    const retried = await manager.writeOutput({ runId, op: 'load', retryNumber: 1 }, '"retried"');
    expect(retried).not.toBe(first);
    expect(await manager.readOutput({ runId, op: 'load', retryNumber: 0 })).toBe('"first"');
    expect(await manager.readOutput({ runId, op: 'load', retryNumber: 1 })).toBe('"retried"');
  });

  it('keeps two runs writing the same ops in parallel apart', async () => {
    const manager = create();
    const runIds = [newRunId(), newRunId()];
    const keys = ['extract', 'transform', 'load'].flatMap((op) => runIds.map((runId) => ({ runId, op, retryNumber: 0 })));
    const locations = await Promise.all(keys.map((key) => manager.writeOutput(key, JSON.stringify(`${key.runId}:${key.op}`))));
    expect(new Set(locations).size).toBe(6);
    const read = await Promise.all(keys.map(async (key) => JSON.parse(await manager.readOutput(key)) as string));
    expect(read).toStrictEqual(keys.map((key) => `${key.runId}:${key.op}`));
  });
});

describe.each(managers.slice(0, 2))('IO manager %s never overwrites', (_name, create) => {
  it('fails with IoObjectExistsError on a second write of the same run, op and attempt, keeping the first value', async () => {
    const manager = create();
    const key = { runId: newRunId(), op: 'extract', retryNumber: 0 };
    const location = await manager.writeOutput(key, '"kept"');
    const failure = await manager.writeOutput(key, '"other"').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(IoObjectExistsError);
    expect(failure).toMatchObject({ name: IO_OBJECT_EXISTS_ERROR, op: 'extract', location });
    expect(await manager.readOutput(key)).toBe('"kept"');
  });
});

describe('the object key', () => {
  it.each([
    ['', { runId: 'exec-1', op: 'extract', retryNumber: 0 }, 'exec-1/extract/0.json'],
    ['etl/', { runId: 'exec-1', op: 'load', retryNumber: 12 }, 'etl/exec-1/load/12.json'],
    ['etl/', { runId: 'a/b c', op: 'load', retryNumber: 1 }, 'etl/a%2Fb%20c/load/1.json'],
  ])('below prefix %j for %j is %s', (prefix, key, expected) => {
    expect(buildOutputKey(prefix, key)).toBe(expected);
  });
});
