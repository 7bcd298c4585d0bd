import { IO_BUCKET_ENVIRONMENT, IO_PREFIX_ENVIRONMENT } from './io-environment.js';
import type { IoManager } from './io-manager.js';
import { S3IoManager } from './s3-io-manager.js';

/**
 * The IO manager a deployed wrapper uses: S3 in the bucket and prefix JobStateMachine puts in
 * the function's environment (STEPOPS_IO_BUCKET, STEPOPS_IO_PREFIX); undefined when no bucket
 * is configured (a function deployed without the construct: every output must then fit inline).
 */
export function createIoManagerFromEnvironment(environment: Readonly<Record<string, string | undefined>> = process.env): IoManager | undefined {
  const bucket = environment[IO_BUCKET_ENVIRONMENT];
  if (bucket === undefined || bucket === '') return undefined;
  return new S3IoManager({ bucket, prefix: environment[IO_PREFIX_ENVIRONMENT] ?? '' });
}
