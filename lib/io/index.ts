/**
 * lib/io: IO managers, where op outputs live between ops (Dagster's concept and name). The
 * wrapper keeps outputs up to the inline threshold in the state machine's data and stores
 * larger ones through an IoManager, passing a small OutputReference instead. This folder is
 * the only code that imports @aws-sdk/client-s3.
 */
export type { IoManager, OpOutputKey } from './io-manager.js';
export { buildOutputKey } from './io-manager.js';
export { InMemoryIoManager } from './memory-io-manager.js';
export { DirectoryIoManager } from './directory-io-manager.js';
export { S3IoManager } from './s3-io-manager.js';
export type { S3IoManagerOptions } from './s3-io-manager.js';
export { IoObjectExistsError, IoObjectMissingError, IO_OBJECT_EXISTS_ERROR, IO_OBJECT_MISSING_ERROR } from './io-errors.js';
export { IO_BUCKET_ENVIRONMENT, IO_PREFIX_ENVIRONMENT } from './io-environment.js';
export { createIoManagerFromEnvironment } from './io-from-environment.js';
