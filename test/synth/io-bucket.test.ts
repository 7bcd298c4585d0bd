/** The S3 IO manager's bucket: created by default with safe settings, or the user's; the function's grants on its own prefix only. */
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { acknowledgeJobStateMachineFindings } from '../../infra/nag-suppressions.js';
import { JobStateMachine } from '../../lib/cdk/index.js';
import { DefinitionError } from '../../lib/errors.js';
import { smallJob } from './fixtures/small-job.js';
import { createInlineFunction, createStack, findOnly, statementsOfRole, synthesizeJob } from './helpers.js';

/** The function's role (the inline function's own role) and its environment. */
function readFunction(template: Template): { roleId: string; environment: Record<string, unknown> } {
  const { properties } = findOnly(template, 'AWS::Lambda::Function');
  const roleId = (properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return { roleId, environment: (properties.Environment as { Variables: Record<string, unknown> }).Variables };
}

/** The grants a function gets on bucket ARN `bucketArn` (a CloudFormation value) and prefix `small_job/`. */
function expectedIoStatements(bucketArn: unknown): Record<string, unknown>[] {
  return [
    { Action: ['s3:GetObject', 's3:PutObject'], Effect: 'Allow', Resource: { 'Fn::Join': ['', [bucketArn, '/small_job/*']] } },
    { Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': ['small_job/*'] } }, Effect: 'Allow', Resource: bucketArn },
  ];
}

describe('JobStateMachine IO bucket', () => {
  const { template, construct } = synthesizeJob({ job: smallJob });
  const bucket = findOnly(template, 'AWS::S3::Bucket');

  it('creates an encrypted bucket, all public access blocked, owner-enforced, whose objects expire after 30 days, retained by default', () => {
    expect(bucket.properties).toStrictEqual({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      LifecycleConfiguration: { Rules: [{ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, ExpirationInDays: 30, Id: 'expire-op-outputs', Status: 'Enabled' }] },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    const resource = template.toJSON().Resources[bucket.id];
    expect([resource.DeletionPolicy, resource.UpdateReplacePolicy]).toStrictEqual(['Retain', 'Retain']);
    expect(construct.ioPrefix).toBe('small_job/');
  });

  it('refuses requests without SSL in its bucket policy', () => {
    const policy = findOnly(template, 'AWS::S3::BucketPolicy');
    const bucketArn = { 'Fn::GetAtt': [bucket.id, 'Arn'] };
    expect(policy.properties).toStrictEqual({
      Bucket: { Ref: bucket.id },
      PolicyDocument: {
        Statement: [
          {
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Resource: [bucketArn, { 'Fn::Join': ['', [bucketArn, '/*']] }],
          },
        ],
        Version: '2012-10-17',
      },
    });
  });

  it("lets the function get and put objects under the job's prefix only, and list that prefix only; tells it where through its environment", () => {
    const { roleId, environment } = readFunction(template);
    expect(statementsOfRole(template, roleId)).toStrictEqual(expectedIoStatements({ 'Fn::GetAtt': [bucket.id, 'Arn'] }));
    expect(environment).toStrictEqual({ STEPOPS_IO_BUCKET: { Ref: bucket.id }, STEPOPS_IO_PREFIX: 'small_job/' });
  });

  it('takes ioExpiration and ioRemovalPolicy for the bucket it creates', () => {
    const custom = synthesizeJob({ job: smallJob, ioExpiration: Duration.days(7), ioRemovalPolicy: RemovalPolicy.DESTROY }).template;
    const created = findOnly(custom, 'AWS::S3::Bucket');
    expect((created.properties.LifecycleConfiguration as { Rules: { ExpirationInDays: number }[] }).Rules[0]!.ExpirationInDays).toBe(7);
    expect(custom.toJSON().Resources[created.id].DeletionPolicy).toBe('Delete');
  });

  it("creates no bucket when given the user's ioBucket, and grants the function the job's prefix of it", () => {
    const stack = createStack();
    const given = s3.Bucket.fromBucketName(stack, 'Given', 'my-data-bucket');
    const job = new JobStateMachine(stack, 'Job', { job: smallJob, handler: createInlineFunction(stack), ioBucket: given });
    const own = Template.fromStack(stack);
    expect(Object.keys(own.findResources('AWS::S3::Bucket'))).toStrictEqual([]);
    expect(Object.keys(own.findResources('AWS::S3::BucketPolicy'))).toStrictEqual([]);
    expect(job.ioBucket).toBe(given);
    const { roleId, environment } = readFunction(own);
    expect(statementsOfRole(own, roleId)).toStrictEqual([
      { Action: ['s3:GetObject', 's3:PutObject'], Effect: 'Allow', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::my-data-bucket/small_job/*']] } },
      {
        Action: 's3:ListBucket',
        Condition: { StringLike: { 's3:prefix': ['small_job/*'] } },
        Effect: 'Allow',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::my-data-bucket']] },
      },
    ]);
    expect(environment).toStrictEqual({ STEPOPS_IO_BUCKET: 'my-data-bucket', STEPOPS_IO_PREFIX: 'small_job/' });
  });
});

describe('cdk-nag on the IO bucket', () => {
  function checkFindings(): string[] {
    const app = new App();
    const stack = new Stack(app, 'Nag');
    const jobStateMachine = new JobStateMachine(stack, 'Job', { job: smallJob, handler: createInlineFunction(stack), logs: { level: sfn.LogLevel.ALL }, tracing: true });
    acknowledgeJobStateMachineFindings(jobStateMachine);
    const report = new AwsSolutionsChecks().validateScope(app);
    return report.violations
      .flatMap((violation) => violation.violatingResources.map((resource) => `${violation.ruleName} ${resource.constructPath}`))
      .filter((finding) => finding.includes('Nag/Job/') || finding.includes('IoBucket'))
      .sort();
  }

  it("leaves no finding on the construct's resources (the bucket, the function's IO grant) once infra's acknowledgments are applied", () => {
    expect(checkFindings()).toStrictEqual([]);
  });
});

describe('JobStateMachine IO props validation', () => {
  it.each([
    [
      'ioExpiration is given with ioBucket',
      (stack: Stack) => ({ ioBucket: s3.Bucket.fromBucketName(stack, 'B', 'my-bucket'), ioExpiration: Duration.days(3) }),
      'props.ioExpiration apply only to the bucket the construct creates, but props.ioBucket is given; set expiry and removal on your bucket, or remove props.ioBucket',
    ],
    [
      'ioExpiration is not whole days',
      () => ({ ioExpiration: Duration.hours(36) }),
      'props.ioExpiration must be whole days (an S3 lifecycle expiration), got 1 day 12 hours; use e.g. Duration.days(30)',
    ],
    [
      'ioExpiration is shorter than the timeout',
      () => ({ ioExpiration: Duration.days(1), timeout: Duration.days(2) }),
      'props.ioExpiration (1 day) is shorter than props.timeout (2 days): op outputs could expire while a run still needs them; make ioExpiration at least the timeout',
    ],
    [
      'ioRemovalPolicy is not a RemovalPolicy',
      () => ({ ioRemovalPolicy: 'keep' }),
      'props.ioRemovalPolicy must be a RemovalPolicy, got "keep"; use RemovalPolicy.RETAIN or RemovalPolicy.DESTROY',
    ],
  ])('fails when %s', (_name, props, message) => {
    const stack = createStack();
    let thrown: unknown;
    try {
      new JobStateMachine(stack, 'Job', { job: smallJob, handler: createInlineFunction(stack), ...props(stack) } as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DefinitionError);
    expect((thrown as Error).message).toBe(`JobStateMachine "TestStack/Job": ${message}`);
  });
});
