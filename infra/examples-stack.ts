/**
 * The seed's example jobs as one stack: Dagster's default_and_override_job and retry_job, and
 * report_pipeline (exponential backoff with FULL jitter, hour-long linear backoff) started
 * every day at 06:00 Paris time.
 */
import { join } from 'node:path';
import { Stack, TimeZone, type StackProps } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { defaultAndOverrideJob } from '../handlers/default-and-override.js';
import { reportPipeline } from '../handlers/report-pipeline.js';
import { retryJob } from '../handlers/retry-job.js';
import { JobStateMachine, type JobFunctionProps, type JobLogProps } from '../lib/cdk/index.js';
import { acknowledgeJobStateMachineFindings } from './nag-suppressions.js';

/** The repository root: entries and the lock file are found from here, whatever the cwd. */
export const REPO_ROOT = join(import.meta.dirname, '..');

const FUNCTION_PROPS: JobFunctionProps = {
  projectRoot: REPO_ROOT,
  depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
  memorySize: 256,
};

/** Every execution event, without op inputs and outputs (cdk-nag AwsSolutions-SF1 asks for ALL). */
const LOGS: JobLogProps = { level: sfn.LogLevel.ALL, includeExecutionData: false };

export class StepopsExamplesStack extends Stack {
  readonly defaultAndOverride: JobStateMachine;
  readonly retryJob: JobStateMachine;
  readonly reportPipeline: JobStateMachine;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, {
      description: 'stepops examples: Dagster-style op retries on Step Functions and Lambda',
      ...props,
    });
    this.defaultAndOverride = new JobStateMachine(this, 'DefaultAndOverrideJob', {
      job: defaultAndOverrideJob,
      entry: join(REPO_ROOT, 'handlers/default-and-override.ts'),
      functionProps: FUNCTION_PROPS,
      logs: LOGS,
      tracing: true,
    });
    this.retryJob = new JobStateMachine(this, 'RetryJob', {
      job: retryJob,
      entry: join(REPO_ROOT, 'handlers/retry-job.ts'),
      functionProps: FUNCTION_PROPS,
      logs: LOGS,
      tracing: true,
    });
    this.reportPipeline = new JobStateMachine(this, 'ReportPipeline', {
      job: reportPipeline,
      entry: join(REPO_ROOT, 'handlers/report-pipeline.ts'),
      functionProps: FUNCTION_PROPS,
      logs: LOGS,
      tracing: true,
      schedule: {
        expression: 'cron(0 6 * * ? *)',
        timeZone: TimeZone.EUROPE_PARIS,
        input: { ops: { extract: { config: { failuresBeforeSuccess: 0 } } } },
        description: 'Runs report_pipeline every day at 06:00 Paris time',
      },
    });
    for (const jobStateMachine of [this.defaultAndOverride, this.retryJob, this.reportPipeline]) {
      acknowledgeJobStateMachineFindings(jobStateMachine);
    }
  }
}
