import { Annotations, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { IO_BUCKET_ENVIRONMENT, IO_PREFIX_ENVIRONMENT } from '../io/io-environment.js';

/** How long the bucket the construct creates keeps op outputs unless props.ioExpiration says otherwise. */
export const DEFAULT_IO_EXPIRATION = Duration.days(30);

/** The key prefix of a job's op outputs in its IO bucket: `<job name>/`. */
export function buildIoPrefix(jobName: string): string {
  return `${jobName}/`;
}

/**
 * The IO manager's bucket: encrypted (SSE-S3), all public access blocked, SSL only, bucket
 * owner enforced, objects expiring after `expiration` (and unfinished multipart uploads after
 * a day), versioning off (objects are written once and never overwritten).
 */
export function createIoBucket(scope: Construct, id: string, options: { readonly expiration: Duration; readonly removalPolicy: RemovalPolicy }): s3.Bucket {
  return new s3.Bucket(scope, id, {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    lifecycleRules: [{ id: 'expire-op-outputs', expiration: options.expiration, abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    removalPolicy: options.removalPolicy,
  });
}

/**
 * Lets the function read and write op outputs below `prefix` only (s3:GetObject, s3:PutObject
 * on `<bucket>/<prefix>*`, s3:ListBucket restricted to that prefix so that a missing object
 * answers 404 rather than 403), and tells the wrapper where they go through its environment
 * (STEPOPS_IO_BUCKET, STEPOPS_IO_PREFIX). A function the construct cannot set variables on gets a
 * warning saying which to set.
 */
export function connectIoBucket(scope: Construct, fn: lambda.IFunction, bucket: s3.IBucket, prefix: string): void {
  fn.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject'], resources: [bucket.arnForObjects(`${prefix}*`)] }));
  fn.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn], conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } } }),
  );
  const withEnvironment = fn as Partial<Pick<lambda.Function, 'addEnvironment'>>;
  if (typeof withEnvironment.addEnvironment === 'function') {
    withEnvironment.addEnvironment(IO_BUCKET_ENVIRONMENT, bucket.bucketName);
    withEnvironment.addEnvironment(IO_PREFIX_ENVIRONMENT, prefix);
  } else {
    Annotations.of(scope).addWarningV2(
      'stepops:io-environment',
      `props.handler is an imported function, whose environment the construct cannot set: set ${IO_BUCKET_ENVIRONMENT} to the IO bucket's name and ${IO_PREFIX_ENVIRONMENT} to "${prefix}" on it, or op outputs over the inline threshold fail`,
    );
  }
}
