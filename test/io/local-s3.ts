import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

/** An S3-compatible server (s3rver) on 127.0.0.1, a random port, with one bucket, and a client for it. */
export interface LocalS3 {
  readonly bucket: string;
  readonly client: S3Client;
  close(): Promise<void>;
}

/** Starts s3rver with `bucket` in a fresh temporary directory; close() stops it and removes the directory. */
export async function startLocalS3(bucket = 'stepops-io-test'): Promise<LocalS3> {
  const directory = mkdtempSync(join(tmpdir(), 'stepops-s3rver-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  const client = new S3Client({
    endpoint: `http://127.0.0.1:${port}`,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  return {
    bucket,
    client,
    close: async () => {
      client.destroy();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
