/**
 * A JobStateMachine bundled from an entry file: esbuild runs locally (never Docker), once for
 * this file, and the asset holds an ESM bundle of the handler without aws-cdk-lib.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { JobStateMachine } from '../../lib/cdk/index.js';
import { smallJob } from './fixtures/small-job.js';
import { findOnly, statementsOfRole } from './helpers.js';

// aws-cdk-lib runs esbuild and docker through child_process.spawnSync; watch every call.
const childProcess = createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');

let template: Template;
let assetDirectory: string;
let spawned: string[];

beforeAll(() => {
  const spawnSync = vi.spyOn(childProcess, 'spawnSync');
  // CDK's built-in CloudFormation validation (a WASM engine, seconds to load) is not under test here.
  const app = new App({ builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'BundlingStack');
  new JobStateMachine(stack, 'Job', { job: smallJob, entry: 'test/synth/fixtures/small-job.ts', tracing: true });
  const assembly = app.synth();
  spawned = spawnSync.mock.calls.map(([command, args]) => [command, ...(args ?? [])].join(' '));
  spawnSync.mockRestore();
  template = Template.fromStack(stack);
  const code = findOnly(template, 'AWS::Lambda::Function').properties.Code as { S3Key: string };
  assetDirectory = join(assembly.directory, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
});

afterAll(() => vi.restoreAllMocks());

describe('JobStateMachine bundling from entry', () => {
  it('runs the local esbuild and never docker', () => {
    expect(spawned.filter((call) => /\besbuild --bundle /.test(call))).toHaveLength(1);
    expect(spawned.filter((call) => /^docker\b/.test(call))).toStrictEqual([]);
  });

  it('writes a minified ESM bundle with its source map, without aws-cdk-lib', () => {
    expect(readdirSync(assetDirectory).sort()).toStrictEqual(['index.mjs', 'index.mjs.map']);
    const bundle = readFileSync(join(assetDirectory, 'index.mjs'), 'utf8');
    expect(bundle).toMatch(/export\s*\{[^}]*\bhandler\b[^}]*\}/);
    expect(bundle).toContain('small_job');
    expect(bundle).not.toMatch(/aws-cdk-lib|constructs|jsonata/);
    // The S3, DynamoDB and Step Functions clients (IO manager; exact mode's coordination store) are the Lambda
    // runtime's (external), each loaded on first use by a dynamic import; no SDK code is in the bundle.
    expect([...bundle.matchAll(/@aws-sdk\/[\w-]+/g)].map((match) => match[0])).toStrictEqual(['@aws-sdk/client-s3', '@aws-sdk/client-dynamodb', '@aws-sdk/client-sfn']);
    expect([...bundle.matchAll(/import\(\s*["'](@aws-sdk\/[\w-]+)["']\s*\)/g)].map((match) => match[1])).toStrictEqual([
      '@aws-sdk/client-s3',
      '@aws-sdk/client-dynamodb',
      '@aws-sdk/client-sfn',
    ]);
    expect(bundle.split('\n').length).toBeLessThan(10);
  });

  it('deploys it as nodejs24.x on arm64 with the handler export, source maps on', () => {
    const { properties } = findOnly(template, 'AWS::Lambda::Function');
    expect(properties.Runtime).toBe('nodejs24.x');
    expect(properties.Handler).toBe('index.handler');
    expect(properties.Architectures).toStrictEqual(['arm64']);
    expect(properties.Timeout).toBe(60);
    expect(properties.TracingConfig).toStrictEqual({ Mode: 'Active' });
    const bucketId = findOnly(template, 'AWS::S3::Bucket').id;
    expect(properties.Environment).toStrictEqual({
      Variables: { NODE_OPTIONS: '--enable-source-maps', STEPOPS_IO_BUCKET: { Ref: bucketId }, STEPOPS_IO_PREFIX: 'small_job/' },
    });
  });

  it("gives the function a log group kept one month and a role that may only write to it (and X-Ray) and use its job's prefix of the IO bucket", () => {
    const { properties } = findOnly(template, 'AWS::Lambda::Function');
    const logGroups = template.findResources('AWS::Logs::LogGroup');
    const functionLogGroupId = (properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    expect(logGroups[functionLogGroupId]?.Properties).toStrictEqual({ RetentionInDays: 30 });
    const roleId = (properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    expect(template.toJSON().Resources[roleId].Properties.ManagedPolicyArns).toBeUndefined();
    const bucketArn = { 'Fn::GetAtt': [findOnly(template, 'AWS::S3::Bucket').id, 'Arn'] };
    expect(statementsOfRole(template, roleId)).toStrictEqual([
      { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [functionLogGroupId, 'Arn'] } },
      { Action: ['s3:GetObject', 's3:PutObject'], Effect: 'Allow', Resource: { 'Fn::Join': ['', [bucketArn, '/small_job/*']] } },
      { Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': ['small_job/*'] } }, Effect: 'Allow', Resource: bucketArn },
      // X-Ray's wildcard in the role's ServicePolicy, apart from every other grant.
      { Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Effect: 'Allow', Resource: '*' },
    ]);
  });
});
