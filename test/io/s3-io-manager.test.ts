import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { IO_OBJECT_EXISTS_ERROR, IO_OBJECT_MISSING_ERROR } from '../../lib/io/io-errors.js';
import { S3IoManager } from '../../lib/io/s3-io-manager.js';

const s3 = mockClient(S3Client);
beforeEach(() => s3.reset());

function createManager(): S3IoManager {
  return new S3IoManager({ bucket: 'io-bucket', prefix: 'etl/', client: new S3Client({ region: 'us-east-1' }) });
}

describe('S3IoManager requests', () => {
  it('writes once: a conditional PutObject (If-None-Match *) of the JSON under <prefix><runId>/<op>/<retryNumber>.json', async () => {
    s3.on(PutObjectCommand).resolves({});
    const location = await createManager().writeOutput({ runId: 'exec-1', op: 'extract', retryNumber: 2 }, '{"a":"é"}');
    expect(location).toBe('s3://io-bucket/etl/exec-1/extract/2.json');
    expect(s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input)).toStrictEqual([
      { Bucket: 'io-bucket', Key: 'etl/exec-1/extract/2.json', Body: '{"a":"é"}', ContentType: 'application/json', IfNoneMatch: '*' },
    ]);
  });

  it.each([
    [412, 'PreconditionFailed'],
    [409, 'ConditionalRequestConflict'],
  ])('fails with IoObjectExistsError when S3 answers %i %s (the object is there already)', async (status, name) => {
    s3.on(PutObjectCommand).rejects(new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name }));
    await expect(createManager().writeOutput({ runId: 'exec-1', op: 'extract', retryNumber: 0 }, '1')).rejects.toMatchObject({
      name: IO_OBJECT_EXISTS_ERROR,
      op: 'extract',
      location: 's3://io-bucket/etl/exec-1/extract/0.json',
    });
  });

  it("passes on other S3 errors unchanged (throttling is the op attempt's failure, retried under its policy)", async () => {
    const throttled = new S3ServiceException({ name: 'SlowDown', $fault: 'server', $metadata: { httpStatusCode: 503 }, message: 'Please reduce your request rate.' });
    s3.on(PutObjectCommand).rejects(throttled);
    await expect(createManager().writeOutput({ runId: 'exec-1', op: 'extract', retryNumber: 0 }, '1')).rejects.toBe(throttled);
  });

  it('reads with GetObject and fails with IoObjectMissingError on NoSuchKey', async () => {
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ $metadata: { httpStatusCode: 404 }, message: 'The specified key does not exist.' }));
    await expect(createManager().readOutput({ runId: 'exec-1', op: 'extract', retryNumber: 0 })).rejects.toMatchObject({
      name: IO_OBJECT_MISSING_ERROR,
      op: 'extract',
      location: 's3://io-bucket/etl/exec-1/extract/0.json',
    });
    expect(s3.commandCalls(GetObjectCommand).map((call) => call.args[0].input)).toStrictEqual([{ Bucket: 'io-bucket', Key: 'etl/exec-1/extract/0.json' }]);
  });
});
