import { Annotations, ArnFormat, RemovalPolicy, Stack, type Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  compileJob,
  describeCoordinationCost,
  describeHeldBackOps,
  DEFAULT_FUNCTION_TIMEOUT_SECONDS,
  MAX_FUNCTION_TIMEOUT_SECONDS,
  type CoordinationDiagnostics,
  findStrictViolations,
  FUNCTION_ARN_PLACEHOLDER,
  LAMBDA_INVOKE_RESOURCE,
  type AslBranch,
  type AslDefinition,
  type HeldBackOp,
  type OpRetryPlan,
} from '../asl/index.js';
import { DefinitionError } from '../errors.js';
import { createStartChildrenStatements, describeExpressRefusal } from './child-state-machines.js';
import { EXPRESS_MAX_DURATION_SECONDS, findWorstCaseRetryPath } from './express-limit.js';
import { createEntryFunction } from './function-from-entry.js';
import { buildIoPrefix, connectIoBucket, createIoBucket, DEFAULT_IO_EXPIRATION } from './io-bucket.js';
import type { JobStateMachineProps } from './job-state-machine-props.js';
import { createJobSchedule } from './schedule.js';
import { validateJobStateMachineProps } from './validate-props.js';
import { createDefinitionBody } from './definition-body.js';
import { createStateMachineName, createStateMachineRole } from './job-roles.js';
import { connectCoordinationTable, createCoordinationTable } from './coordination-table.js';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';

/** Held-back ops the synth warning names one by one; the rest are counted (compileJob's diagnostics.heldBackOps has each). */
const MAX_WARNING_HELD_BACK_OPS = 10;

/** How long logs are kept unless props.logs.retention says otherwise. */
export const DEFAULT_LOG_RETENTION = logs.RetentionDays.ONE_MONTH;

/**
 * A stepops job deployed as a Step Functions state machine whose Task states invoke one
 * Lambda function running the job's ops. The job is compiled with compileJob; each op's
 * retry policy becomes the Task's Retry blocks, and every deviation from Dagster's schedule
 * becomes a synth warning (an error with `strict`).
 *
 * @example
 * new JobStateMachine(stack, 'Pipeline', { job: reportPipeline, entry: 'handlers/report-pipeline.ts' });
 */
export class JobStateMachine extends Construct {
  /**
   * The state machine running the job: the only one, or, for a job too big for one
   * definition, the parent that starts the children and waits for them.
   */
  readonly stateMachine: sfn.StateMachine;
  /**
   * For a job too big for one definition, the child state machines the parent starts with
   * `states:startExecution.sync:2`, in the compiler's order (part1, part2, ...); otherwise none.
   */
  readonly childStateMachines: readonly sfn.StateMachine[];
  /** The Lambda function the Task states invoke: bundled from `entry`, or the given `handler`. */
  readonly function: lambda.IFunction;
  /**
   * The compiled definition (the parent's, for a split job), with the function ARN and the
   * child ARNs still `${...}` placeholders.
   */
  readonly definition: AslDefinition;
  /** One retry plan per op invocation: mechanism, waits, worst case, deviations from Dagster. */
  readonly retryPlans: readonly OpRetryPlan[];
  /** The S3 IO manager's bucket: `ioBucket`, or the one the construct created. */
  readonly ioBucket: s3.IBucket;
  /** The key prefix of this job's op outputs in `ioBucket` (`<job name>/`): the function may read and write there only. */
  readonly ioPrefix: string;
  /** The log group execution history events go to. */
  readonly logGroup: logs.ILogGroup;
  /** The schedule starting the job, when `schedule` is given. */
  readonly schedule: scheduler.Schedule | undefined;
  /** The role the schedule starts executions with, when `schedule` is given. */
  readonly scheduleRole: iam.Role | undefined;
  /**
   * The coordination table of `concurrency: 'exact'`, when the job has dependencies its
   * structure cannot give (cross edges); undefined otherwise (series-parallel jobs, structured mode).
   */
  readonly coordinationTable: dynamodb.Table | undefined;

  constructor(scope: Construct, id: string, props: JobStateMachineProps) {
    super(scope, id);
    validateJobStateMachineProps(this.node.path, props);
    const { job } = props;
    const stateMachineType = props.stateMachineType ?? sfn.StateMachineType.STANDARD;

    const concurrency = props.concurrency ?? 'structured';
    const compiled = compileJob(job, {
      fidelity: props.fidelity,
      maxDefinitionCharacters: props.maxDefinitionCharacters,
      ...(concurrency === 'exact' ? { concurrency, opTimeoutSeconds: readFunctionTimeoutSeconds(props) } : {}),
    });
    const crossEdges = compiled.diagnostics.coordination?.crossEdges ?? [];
    const children = compiled.childDefinitions;
    this.definition = compiled.definition;
    this.retryPlans = compiled.retryPlans;
    // An Express workflow keeps no execution history: the history quota is not its limit.
    this.reportDeviations(compiled.retryPlans, props.strict === true, stateMachineType === sfn.StateMachineType.EXPRESS);
    this.reportHeldBackOps(job.name, compiled.diagnostics.heldBackOps);
    if (stateMachineType === sfn.StateMachineType.EXPRESS) {
      if (children.length > 0) throw new DefinitionError(describeExpressRefusal(this.node.path, job.name, children));
      this.refuseLongWaitsInExpress(props);
      if (crossEdges.length > 0) {
        throw new DefinitionError(
          `JobStateMachine "${this.node.path}": props.concurrency is 'exact' and job "${job.name}" has ${crossEdges.length} dependencies enforced by task-token waits, which Express workflows do not support (.waitForTaskToken); use sfn.StateMachineType.STANDARD, or concurrency 'structured'`,
        );
      }
    }
    if (crossEdges.length > 0) this.reportCoordinationCost(job.name, compiled.diagnostics.coordination!);

    const retention = props.logs?.retention ?? DEFAULT_LOG_RETENTION;
    const encryptionKey = props.logs?.encryptionKey;
    if (encryptionKey !== undefined) allowLogsToUseKey(encryptionKey);
    this.function =
      props.handler ??
      createEntryFunction(this, 'Function', {
        constructPath: this.node.path,
        entry: props.entry!,
        functionProps: props.functionProps,
        logRetention: retention,
        logEncryptionKey: encryptionKey,
        tracing: props.tracing === true,
      });
    this.logGroup = props.logs?.destination ?? new logs.LogGroup(this, 'LogGroup', { retention, ...(encryptionKey === undefined ? {} : { encryptionKey }) });
    this.ioBucket =
      props.ioBucket ?? createIoBucket(this, 'IoBucket', { expiration: props.ioExpiration ?? DEFAULT_IO_EXPIRATION, removalPolicy: props.ioRemovalPolicy ?? RemovalPolicy.RETAIN });
    this.ioPrefix = buildIoPrefix(job.name);
    connectIoBucket(this, this.function, this.ioBucket, this.ioPrefix);
    if (crossEdges.length > 0) {
      this.coordinationTable = createCoordinationTable(this, 'CoordinationTable', {
        pointInTimeRecovery: props.coordinationPointInTimeRecovery === true,
        removalPolicy: props.coordinationRemovalPolicy ?? RemovalPolicy.DESTROY,
      });
      connectCoordinationTable(this, this.function, this.coordinationTable);
    } else {
      this.coordinationTable = undefined;
    }

    // Children first: the parent's definition needs their ARNs. They share the parent's type,
    // log group, log level and tracing; props.timeout is the parent's only.
    this.childStateMachines = children.map((child) =>
      this.createStateMachine(`Child${child.name.charAt(0).toUpperCase()}${child.name.slice(1)}`, props, {
        comment: `stepops job ${job.name}, ${child.name}`,
        definition: child.definition,
        childArns: {},
      }),
    );
    this.stateMachine = this.createStateMachine('StateMachine', props, {
      comment: job.description ?? `stepops job ${job.name}`,
      definition: compiled.definition,
      childArns: Object.fromEntries(children.map((child, k) => [child.placeholder, this.childStateMachines[k]!.stateMachineArn])),
      timeout: props.timeout,
    });
    if (this.childStateMachines.length > 0) {
      for (const statement of createStartChildrenStatements(Stack.of(this), this.childStateMachines)) this.stateMachine.addToRolePolicy(statement);
    }

    if (props.schedule !== undefined) {
      const created = createJobSchedule(this, this.stateMachine, job.name, props.schedule);
      this.schedule = created.schedule;
      this.scheduleRole = created.role;
    } else {
      this.schedule = undefined;
      this.scheduleRole = undefined;
    }
  }

  /**
   * One Standard or Express state machine for a compiled definition: the function ARN (and,
   * for a parent, each child's ARN) filled in through definitionSubstitutions, the construct's
   * logs and tracing, and lambda:InvokeFunction on the function when the definition has an op
   * Task (a split job's parent has none: it only starts its children).
   */
  private createStateMachine(
    id: string,
    props: JobStateMachineProps,
    part: { readonly comment: string; readonly definition: AslDefinition; readonly childArns: Readonly<Record<string, string>>; readonly timeout?: Duration },
  ): sfn.StateMachine {
    // A split job's parent names the function in its run constants but runs no op Task.
    const namesFunction = JSON.stringify(part.definition).includes(`\${${FUNCTION_ARN_PLACEHOLDER}}`);
    // A name known at synth time, so that the role trusts this state machine only (see createStateMachineRole).
    const stateMachineName = createStateMachineName(this, id);
    const role = createStateMachineRole(this, `${id}Role`, stateMachineName, `Runs the state machine ${stateMachineName} (${part.comment})`.slice(0, 1000));
    const stateMachine = new sfn.StateMachine(this, id, {
      stateMachineName,
      role,
      comment: part.comment,
      definitionBody: createDefinitionBody(part.definition, part.timeout),
      definitionSubstitutions: { ...(namesFunction ? { [FUNCTION_ARN_PLACEHOLDER]: this.function.functionArn } : {}), ...part.childArns },
      stateMachineType: props.stateMachineType ?? sfn.StateMachineType.STANDARD,
      tracingEnabled: props.tracing,
      logs: {
        destination: this.logGroup,
        level: props.logs?.level ?? sfn.LogLevel.ERROR,
        includeExecutionData: props.logs?.includeExecutionData ?? false,
      },
    });
    // lambda:InvokeFunction on the function and its versions and aliases, nothing else.
    if (hasLambdaTask(part.definition.States)) this.function.grantInvoke(stateMachine);
    return stateMachine;
  }

  /**
   * One warning per distinct deviation, naming the ops it concerns. With `strict`, deviations
   * beyond whole-second rounding and the platform's own retries are errors instead. An Express
   * state machine gets no 'history-quota' one (it keeps no history).
   */
  private reportDeviations(retryPlans: readonly OpRetryPlan[], strict: boolean, express: boolean): void {
    const byMessage = new Map<string, { kind: string; ops: string[]; refused: boolean }>();
    for (const plan of retryPlans) {
      const refused = new Set(strict ? findStrictViolations(plan) : []);
      for (const deviation of plan.deviations) {
        if (express && deviation.kind === 'history-quota') continue;
        const entry = byMessage.get(deviation.message) ?? { kind: deviation.kind, ops: [], refused: false };
        entry.ops.push(plan.op);
        entry.refused ||= refused.has(deviation);
        byMessage.set(deviation.message, entry);
      }
    }
    for (const [message, { kind, ops, refused }] of byMessage) {
      const text = `stepops retry plan, op${ops.length > 1 ? 's' : ''} ${ops.map((op) => `"${op}"`).join(', ')}: [${kind}] ${message}`;
      if (refused) {
        Annotations.of(this).addError(
          `${text}. strict refuses this deviation from Dagster; change the policy (a constant delay compiles to one exact retrier), use fidelity 'exact' instead of 'native', or drop strict`,
        );
      } else {
        Annotations.of(this).addWarningV2(`stepops:retry-plan:${kind}`, text);
      }
    }
  }

  /** One warning when the graph is not series-parallel, naming the first ops that may wait for ops they do not depend on, and counting the others. */
  private reportHeldBackOps(jobName: string, heldBackOps: readonly HeldBackOp[]): void {
    if (heldBackOps.length === 0) return;
    Annotations.of(this).addWarningV2(
      'stepops:concurrency:held-back-ops',
      `stepops concurrency: job "${jobName}" is not series-parallel, so its state machine may hold ops back beyond their inputs: ${describeHeldBackOps(heldBackOps, MAX_WARNING_HELD_BACK_OPS).join('; ')}`,
    );
  }

  /** One info message: what exact mode adds to each run, and the history bound. */
  private reportCoordinationCost(jobName: string, coordination: CoordinationDiagnostics): void {
    Annotations.of(this).addInfo(`stepops concurrency: job "${jobName}" runs in exact mode: ${describeCoordinationCost(coordination)}`);
  }

  private refuseLongWaitsInExpress(props: JobStateMachineProps): void {
    const path = findWorstCaseRetryPath(props.job, this.retryPlans);
    if (path.waitSeconds > EXPRESS_MAX_DURATION_SECONDS) {
      throw new DefinitionError(
        `JobStateMachine "${this.node.path}": props.stateMachineType is EXPRESS, but job "${props.job.name}" may wait ${path.waitSeconds} s for retries alone along ${path.ops.map((op) => `"${op}"`).join(' -> ')}, over the ${EXPRESS_MAX_DURATION_SECONDS} s (5 minutes) an Express execution may run; use sfn.StateMachineType.STANDARD, or shorten those ops' retry policies`,
      );
    }
    const timeoutSeconds = props.timeout?.toSeconds();
    if (timeoutSeconds !== undefined && timeoutSeconds > EXPRESS_MAX_DURATION_SECONDS) {
      throw new DefinitionError(
        `JobStateMachine "${this.node.path}": props.timeout is ${props.timeout!.toHumanString()}, over the 5 minutes an Express execution may run; use at most Duration.minutes(5), or sfn.StateMachineType.STANDARD`,
      );
    }
  }
}

/**
 * Lets CloudWatch Logs of this region use `key` for this account's log groups (the key policy
 * CloudWatch Logs needs; a key not defined in this app is left as it is: its policy must allow it).
 */
function allowLogsToUseKey(key: kms.IKey): void {
  const stack = Stack.of(key);
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: {
        ArnLike: { 'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
      },
    }),
    true,
  );
}

/** The function's timeout in seconds, the longest one op attempt can take: its props, the bundled default, or Lambda's longest for a given function. */
function readFunctionTimeoutSeconds(props: JobStateMachineProps): number {
  if (props.handler !== undefined) return MAX_FUNCTION_TIMEOUT_SECONDS;
  return props.functionProps?.timeout?.toSeconds() ?? DEFAULT_FUNCTION_TIMEOUT_SECONDS;
}

/** Whether a definition has a Task invoking Lambda (the op Tasks), Parallel branches included. */
function hasLambdaTask(states: AslBranch['States']): boolean {
  return Object.values(states).some(
    (state) => (state.Type === 'Task' && state.Resource === LAMBDA_INVOKE_RESOURCE) || (state.Type === 'Parallel' && state.Branches.some((branch) => hasLambdaTask(branch.States))),
  );
}
