import type { S3Client } from '@aws-sdk/client-s3';
import { IoObjectExistsError, IoObjectMissingError } from './io-errors.js';
import { buildOutputKey, type IoManager, type OpOutputKey } from './io-manager.js';

export interface S3IoManagerOptions {
  /** The bucket's name. */
  readonly bucket: string;
  /**
   * Prepended to every object key; end it with '/'. The construct grants the function this
   * prefix only.
   * @default ''
   */
  readonly prefix?: string;
  /** The client to use (region, endpoint, credentials). @default - new S3Client({}) from the environment */
  readonly client?: S3Client;
}

/**
 * Keeps op outputs in S3, one object per successful attempt at
 * `<prefix><runId>/<op>/<retryNumber>.json` (application/json). Writes are conditional
 * (`If-None-Match: *`), so S3 itself refuses to overwrite an object (IoObjectExistsError);
 * reads of a missing object fail with IoObjectMissingError.
 */
export class S3IoManager implements IoManager {
  readonly bucket: string;
  readonly prefix: string;
  private client: S3Client | undefined;
  private sdk: Promise<typeof import('@aws-sdk/client-s3')> | undefined;

  constructor(options: S3IoManagerOptions) {
    this.bucket = options.bucket;
    this.prefix = options.prefix ?? '';
    this.client = options.client;
  }

  /** The SDK, loaded on the first call: a job whose values all stay inline never loads it. */
  private async load(): Promise<{ readonly sdk: typeof import('@aws-sdk/client-s3'); readonly client: S3Client }> {
    this.sdk ??= import('@aws-sdk/client-s3');
    const sdk = await this.sdk;
    this.client ??= new sdk.S3Client({});
    return { sdk, client: this.client };
  }

  async writeOutput(key: OpOutputKey, json: string): Promise<string> {
    const objectKey = buildOutputKey(this.prefix, key);
    const uri = `s3://${this.bucket}/${objectKey}`;
    const { sdk, client } = await this.load();
    try {
      await client.send(new sdk.PutObjectCommand({ Bucket: this.bucket, Key: objectKey, Body: json, ContentType: 'application/json', IfNoneMatch: '*' }));
    } catch (error) {
      // 412 PreconditionFailed: the object exists; 409 ConditionalRequestConflict: a concurrent write of it.
      if (hasStatus(error, 412) || hasStatus(error, 409)) throw new IoObjectExistsError(key.op, uri, { cause: error });
      throw error;
    }
    return uri;
  }

  async readOutput(key: OpOutputKey): Promise<string> {
    const objectKey = buildOutputKey(this.prefix, key);
    const uri = `s3://${this.bucket}/${objectKey}`;
    const { sdk, client } = await this.load();
    try {
      const response = await client.send(new sdk.GetObjectCommand({ Bucket: this.bucket, Key: objectKey }));
      if (response.Body === undefined) throw new IoObjectMissingError(key.op, uri);
      return await response.Body.transformToString('utf-8');
    } catch (error) {
      if (hasStatus(error, 404) || (error instanceof sdk.S3ServiceException && error.name === 'NoSuchKey')) {
        throw new IoObjectMissingError(key.op, uri, { cause: error });
      }
      throw error;
    }
  }
}

function hasStatus(error: unknown, status: number): boolean {
  if (typeof error !== 'object' || error === null) return false;
  return (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode === status;
}
