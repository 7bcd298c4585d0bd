import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { DEFAULT_FUNCTION_TIMEOUT_SECONDS } from '../asl/index.js';
import { DefinitionError } from '../errors.js';
import type { JobFunctionProps } from './job-state-machine-props.js';
import { JobRole } from './job-roles.js';
import type * as kms from 'aws-cdk-lib/aws-kms';

/** The runtime of a bundled job function unless functionProps.runtime says otherwise. */
export const DEFAULT_JOB_FUNCTION_RUNTIME = lambda.Runtime.NODEJS_24_X;

/** The timeout of a bundled job function unless functionProps.timeout says otherwise. */
export const DEFAULT_JOB_FUNCTION_TIMEOUT = Duration.seconds(DEFAULT_FUNCTION_TIMEOUT_SECONDS);

export interface EntryFunctionOptions {
  /** The path of the construct, for error messages. */
  readonly constructPath: string;
  readonly entry: string;
  readonly functionProps: JobFunctionProps | undefined;
  readonly logRetention: logs.RetentionDays;
  /** Encrypts the function's new log group. @default - CloudWatch Logs' own encryption */
  readonly logEncryptionKey: kms.IKey | undefined;
  readonly tracing: boolean;
}

/**
 * Bundles `entry` with the local esbuild into a NodejsFunction whose `handler` export runs the
 * job's ops: ESM, minified, with source maps, on a role that may only write its own log group.
 * Fails rather than let aws-cdk-lib fall back to bundling in Docker (validateJobStateMachineProps
 * refuses forceDockerBundling).
 */
export function createEntryFunction(scope: Construct, id: string, options: EntryFunctionOptions): nodejs.NodejsFunction {
  const { functionProps = {}, constructPath } = options;
  checkLocalEsbuild(constructPath);
  const logGroup =
    functionProps.logGroup ??
    new logs.LogGroup(scope, `${id}LogGroup`, { retention: options.logRetention, ...(options.logEncryptionKey === undefined ? {} : { encryptionKey: options.logEncryptionKey }) });
  let role = functionProps.role;
  if (role === undefined) {
    // A role of its own instead of AWSLambdaBasicExecutionRole: write access to its log group only.
    // A JobRole: X-Ray's `Resource: *` statements (tracing) go to a policy of their own.
    const ownRole = new JobRole(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ops of a stepops job (${constructPath})`,
    });
    const writable = isLogGroup(logGroup) ? logGroup : logs.LogGroup.fromLogGroupArn(scope, `${id}LogGroupRef`, logGroup.logGroupRef.logGroupArn);
    writable.grantWrite(ownRole);
    role = ownRole;
  }
  return new nodejs.NodejsFunction(scope, id, {
    runtime: DEFAULT_JOB_FUNCTION_RUNTIME,
    architecture: lambda.Architecture.ARM_64,
    timeout: DEFAULT_JOB_FUNCTION_TIMEOUT,
    tracing: options.tracing ? lambda.Tracing.ACTIVE : undefined,
    ...functionProps,
    role,
    logGroup,
    environment: { NODE_OPTIONS: '--enable-source-maps', ...functionProps.environment },
    entry: resolve(options.entry),
    handler: 'handler',
    bundling: {
      format: nodejs.OutputFormat.ESM,
      mainFields: ['module', 'main'],
      // ESM output has no `require`; CommonJS dependencies that call it get Node's.
      banner: "import { createRequire as __stepopsCreateRequire } from 'node:module'; const require = __stepopsCreateRequire(import.meta.url);",
      minify: true,
      sourceMap: true,
      ...functionProps.bundling,
      forceDockerBundling: false,
    },
  });
}

function isLogGroup(logGroup: logs.ILogGroupRef): logGroup is logs.ILogGroup {
  return typeof (logGroup as Partial<logs.ILogGroup>).grantWrite === 'function';
}

/**
 * aws-cdk-lib bundles locally when it finds esbuild (required from its own location, or on
 * the PATH) and silently switches to Docker otherwise. Fail first, with the fix.
 */
function checkLocalEsbuild(constructPath: string): void {
  try {
    const requireFromCdk = createRequire(createRequire(import.meta.url).resolve('aws-cdk-lib'));
    requireFromCdk.resolve('esbuild/package.json');
    return;
  } catch {
    // Not installed next to aws-cdk-lib; try the PATH as aws-cdk-lib does.
  }
  const probe = spawnSync('esbuild', ['--version']);
  if (probe.status === 0 && probe.error === undefined) return;
  throw new DefinitionError(
    `JobStateMachine "${constructPath}": props.entry needs esbuild to bundle locally, and none was found next to aws-cdk-lib or on the PATH; run \`npm install --save-dev esbuild\` (stepops never bundles in Docker)`,
  );
}
