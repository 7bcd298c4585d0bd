import type { Duration, RemovalPolicy, TimeZone } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Concurrency, RetryFidelity } from '../asl/index.js';
import type { JobDefinition } from '../job/index.js';

/**
 * Settings for the Lambda function bundled from `entry`. Everything NodejsFunction takes, but
 * the entry, the handler export (always `handler`) and the code, which the construct decides.
 */
export type JobFunctionProps = Omit<NodejsFunctionProps, 'entry' | 'handler' | 'code'>;

/** Where and what the state machine logs. */
export interface JobLogProps {
  /**
   * The log group execution history events go to.
   *
   * @default - a new log group with `retention`
   */
  readonly destination?: logs.ILogGroup;

  /**
   * How long the new log group (and the bundled function's log group) keeps events. Ignored
   * when `destination` is given.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly retention?: logs.RetentionDays;

  /**
   * Which execution history events are logged.
   *
   * @default sfn.LogLevel.ERROR
   */
  readonly level?: sfn.LogLevel;

  /**
   * Whether op inputs and outputs are written to the log. They may hold business data.
   *
   * @default false
   */
  readonly includeExecutionData?: boolean;

  /**
   * A KMS key that encrypts the log groups the construct creates (the state machine's and the
   * bundled function's); a key defined in the app gets the key policy statement CloudWatch Logs
   * needs (this account's log groups in this region). Ignored for `destination` and
   * functionProps.logGroup, which are encrypted as you made them.
   *
   * @default - CloudWatch Logs' own encryption (AWS-owned keys)
   */
  readonly encryptionKey?: kms.IKey;
}

/** An EventBridge Scheduler schedule that starts the job's state machine. */
export interface JobScheduleProps {
  /**
   * When the job runs, as EventBridge Scheduler writes it: `cron(minutes hours
   * day-of-month month day-of-week year)` or `rate(value unit)`.
   *
   * @example 'cron(0 6 * * ? *)'
   * @example 'rate(15 minutes)'
   */
  readonly expression: string;

  /**
   * The time zone a cron expression is read in.
   *
   * @default TimeZone.ETC_UTC
   */
  readonly timeZone?: TimeZone;

  /**
   * The execution input, e.g. op config as `{ ops: { <op>: { config: {...} } } }`.
   *
   * @default - no input (the execution starts with `{}`)
   */
  readonly input?: Readonly<Record<string, unknown>>;

  /**
   * A description of the schedule.
   *
   * @default - `Starts <job name>`
   */
  readonly description?: string;

  /**
   * Whether the schedule starts executions.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * How many times EventBridge Scheduler retries a StartExecution call that fails (throttled,
   * the state machine unavailable), 0 to 185. The job's own failures are not retried by the
   * schedule: an execution that started and failed is the job's outcome.
   *
   * @default 185 - EventBridge Scheduler's default
   */
  readonly retryAttempts?: number;

  /**
   * How long EventBridge Scheduler keeps retrying one start, 1 minute to 24 hours.
   *
   * @default Duration.hours(24) - EventBridge Scheduler's default
   */
  readonly maxEventAge?: Duration;

  /**
   * An SQS queue that gets the starts EventBridge Scheduler gave up on (retries or maximum age
   * used up), so a missed run is not lost silently; the schedule's role may send to it.
   *
   * @default - no dead-letter queue: a start that fails for good is dropped
   */
  readonly deadLetterQueue?: sqs.IQueue;
}

/** Properties of a JobStateMachine. */
export interface JobStateMachineProps {
  /** The job to compile into the state machine. */
  readonly job: JobDefinition;

  /**
   * The file to bundle as the job's Lambda function: a module exporting
   * `handler = jobHandler(job)` for this job. Relative paths are read from the current
   * directory. Bundled with the esbuild installed next to aws-cdk-lib, never in Docker.
   * Give exactly one of `entry` and `handler`.
   *
   * @default - none; `handler` must be given
   */
  readonly entry?: string;

  /**
   * An existing Lambda function that runs the job's ops (built with `jobHandler(job)`).
   * Give exactly one of `entry` and `handler`.
   *
   * @default - none; `entry` must be given
   */
  readonly handler?: lambda.IFunction;

  /**
   * Settings for the function bundled from `entry` (memory, timeout, environment,
   * bundling options, ...). Only with `entry`.
   *
   * @default - runtime nodejs24.x, arm64, 1 minute timeout, minified ESM with source maps,
   * a log group with the `logs.retention`
   */
  readonly functionProps?: JobFunctionProps;

  /**
   * Standard or Express. An Express job is refused when its worst-case retry waits go over
   * Express's 5-minute limit.
   *
   * @default sfn.StateMachineType.STANDARD
   */
  readonly stateMachineType?: sfn.StateMachineType;

  /**
   * The longest an execution may run.
   *
   * @default - no timeout (Standard: a year; Express: 5 minutes)
   */
  readonly timeout?: Duration;

  /**
   * Logging of execution history events.
   *
   * @default - a new log group kept one month, level ERROR, no execution data
   */
  readonly logs?: JobLogProps;

  /**
   * Whether AWS X-Ray tracing is on for the state machine (and the bundled function).
   *
   * @default false
   */
  readonly tracing?: boolean;

  /**
   * A schedule that starts the job.
   *
   * @default - no schedule
   */
  readonly schedule?: JobScheduleProps;

  /**
   * Turn every deviation from Dagster's retry schedules (rounding, approximations) into a
   * synth error instead of a warning.
   *
   * @default false
   */
  readonly strict?: boolean;

  /**
   * 'exact' follows Dagster's schedules with per-attempt retriers and loops where needed;
   * 'native' uses only native geometric retriers and reports the approximations.
   *
   * @default 'exact'
   */
  readonly fidelity?: RetryFidelity;

  /**
   * The most characters one state machine definition may have. A job whose definition would be
   * larger is split: a parent state machine starts child state machines (`childStateMachines`)
   * with `states:startExecution.sync:2` and waits for them. Lower it to keep headroom below
   * Step Functions' limit, or, in tests, to force a split on a small job.
   *
   * @default 1048576 (Step Functions' limit)
   */
  readonly maxDefinitionCharacters?: number;

  /**
   * The bucket of the S3 IO manager: op outputs over the inline threshold are stored there, one
   * object per successful attempt under `<job name>/<execution name>/<op>/<retry number>.json`,
   * and the state machine carries a reference. The function gets s3:GetObject and s3:PutObject
   * on that prefix only (and s3:ListBucket for it, so a missing object reads as missing, not as
   * access denied). Expiry is then yours to set (a lifecycle rule on the bucket); a KMS-encrypted
   * bucket needs kms:Decrypt and kms:GenerateDataKey granted to the function as well.
   *
   * @default - a new bucket: SSE-S3 encryption, all public access blocked, SSL only, objects
   *   expiring after `ioExpiration`, removed per `ioRemovalPolicy`
   */
  readonly ioBucket?: s3.IBucket;

  /**
   * How long stored op outputs are kept in the bucket the construct creates (a lifecycle
   * expiration rule; whole days). Keep it longer than your longest run, and longer than you
   * may want to inspect or reuse a failed run's outputs.
   *
   * @default Duration.days(30)
   */
  readonly ioExpiration?: Duration;

  /**
   * What happens to the bucket the construct creates when it leaves the stack. RemovalPolicy.DESTROY
   * deletes it only when it is empty (CloudFormation cannot delete a bucket with objects).
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly ioRemovalPolicy?: RemovalPolicy;

  /**
   * 'structured': sequences and Parallel states only, no extra infrastructure; on a graph that
   * is not series-parallel some ops may wait for ops they do not depend on (a synth warning
   * names them). 'exact': every op starts once its last producer is done, on any graph: the
   * dependencies the structure cannot give are enforced by task-token waits through a
   * coordination table (created only when the job has such dependencies; a series-parallel job
   * compiles as in 'structured' and gets nothing extra). Standard workflows only (Express
   * workflows do not support `.waitForTaskToken`).
   *
   * @default 'structured'
   */
  readonly concurrency?: Concurrency;

  /**
   * Point-in-time recovery on the coordination table of `concurrency: 'exact'`. Its items
   * matter only while their execution runs, so it is off unless you want it.
   *
   * @default false
   */
  readonly coordinationPointInTimeRecovery?: boolean;

  /**
   * What happens to the coordination table when it leaves the stack.
   *
   * @default RemovalPolicy.DESTROY (it holds nothing a finished execution needs)
   */
  readonly coordinationRemovalPolicy?: RemovalPolicy;
}
