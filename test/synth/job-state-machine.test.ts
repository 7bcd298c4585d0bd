/**
 * JobStateMachine with an inline function (no bundling): definition, retries, IAM, logs,
 * tracing, schedule, Express limit, deviations. Bundling is in bundling.test.ts.
 */
import { Duration, Stack, TimeZone, type CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { describe, expect, it } from 'vitest';
import { compileJob, compileOpRetries, FUNCTION_ARN_PLACEHOLDER } from '../../lib/asl/index.js';
import { JobStateMachine } from '../../lib/cdk/index.js';
import { DefinitionError } from '../../lib/errors.js';
import { Jitter, RetryPolicy, job, op, resolveRetryPolicy } from '../../lib/index.js';
import { runStateMachine } from '../../lib/runner/index.js';
import { slowJob, smallJob } from './fixtures/small-job.js';
import {
  createInlineFunction,
  createStack,
  findOnly,
  readDefinition,
  statementsOfRole,
  synthesizeJob,
  LOG_DELIVERY_ACTIONS,
  XRAY_ACTIONS,
  collectTaskStates,
  actionsOf,
} from './helpers.js';

describe('JobStateMachine definition', () => {
  const { construct, template } = synthesizeJob({ job: smallJob });

  it('deploys the compiled definition: JSONata, the function ARN left to definitionSubstitutions', () => {
    const compiled = compileJob(smallJob);
    const definition = readDefinition(template);
    expect(definition).toStrictEqual(JSON.parse(JSON.stringify(compiled.definition)));
    expect(definition.QueryLanguage).toBe('JSONata');
    expect(construct.definition).toStrictEqual(compiled.definition);
    const { properties } = findOnly(template, 'AWS::StepFunctions::StateMachine');
    expect(properties.DefinitionString).toContain(`\${${FUNCTION_ARN_PLACEHOLDER}}`);
    const functionId = findOnly(template, 'AWS::Lambda::Function').id;
    expect(properties.DefinitionSubstitutions).toStrictEqual({ [FUNCTION_ARN_PLACEHOLDER]: { 'Fn::GetAtt': [functionId, 'Arn'] } });
  });

  it('the deployed definition refuses an unknown op name under ops before any op runs (each Lambda sees only its own config)', async () => {
    const called: string[] = [];
    const result = await runStateMachine(readDefinition(template), {
      input: { ops: { fech: { config: {} } } },
      taskHandlers: Object.fromEntries(
        smallJob.invocations.map((invocation) => [
          invocation.name,
          async () => {
            called.push(invocation.name);
            return { Payload: { v: 1 } };
          },
        ]),
      ),
    });
    expect(called).toStrictEqual([]);
    expect(result.error?.error).toBe('stepops.RunConfigError');
    expect(result.error?.cause).toMatch(/^run config of job "small_job" is invalid: ops\.fech: "fech" is not an op of job "small_job" \(its ops: /);
  });

  it("gives each op's Task the Retry blocks of its policy's plan", () => {
    const tasks = collectTaskStates(readDefinition(template).States);
    for (const invocation of smallJob.invocations) {
      const compiled = compileOpRetries(resolveRetryPolicy(smallJob, invocation).policy);
      // A Task without op retriers has no Retry field.
      expect(tasks.get(invocation.name)?.Retry ?? [], invocation.name).toStrictEqual(compiled.retriers);
      // One catcher: the fault record tells the loop, platform errors, timeouts and crashes apart (lib/asl/compile-faults.ts).
      const caught = tasks.get(invocation.name)?.Catch?.map((catcher) => catcher.ErrorEquals);
      expect(caught, invocation.name).toStrictEqual([['States.ALL']]);
    }
    // fetch: 2, 6, 14 s (exponential, FULL jitter) needs attempt-indexed retriers; store waits 30 s twice.
    // Each attempt-indexed name is thrown once per Task visit, so MaxAttempts is left at its default
    // (3) and BackoffRate does not matter: the retrier's first retry waits IntervalSeconds.
    expect(tasks.get('fetch')?.Retry).toStrictEqual([
      { ErrorEquals: ['stepops.Retry.1'], IntervalSeconds: 2, JitterStrategy: 'FULL' },
      { ErrorEquals: ['stepops.Retry.2'], IntervalSeconds: 6, JitterStrategy: 'FULL' },
      { ErrorEquals: ['stepops.Retry.3'], IntervalSeconds: 14, JitterStrategy: 'FULL' },
    ]);
    expect(tasks.get('store')?.Retry).toStrictEqual([{ ErrorEquals: ['stepops.Retry'], IntervalSeconds: 30, MaxAttempts: 2, BackoffRate: 1 }]);
  });

  it('exposes the retry plans, the function and the state machine', () => {
    expect(construct.retryPlans).toStrictEqual(compileJob(smallJob).retryPlans);
    expect(construct.retryPlans.map((plan) => [plan.op, plan.mechanism, plan.worstCaseTotalWaitSeconds])).toStrictEqual([
      ['fetch', 'indexed-retriers', 22],
      ['store', 'plain-retrier', 60],
      ['notify', 'none', 0],
    ]);
    expect(construct.stateMachine).toBeInstanceOf(sfn.StateMachine);
    expect(construct.function.node.id).toBe('OpsFunction');
  });

  it('is a Standard workflow without a timeout by default', () => {
    const { properties } = findOnly(template, 'AWS::StepFunctions::StateMachine');
    expect(properties.StateMachineType).toBe('STANDARD');
    expect(properties.TracingConfiguration).toBeUndefined();
    expect(readDefinition(template).TimeoutSeconds).toBeUndefined();
  });

  it('compiles with fidelity native when asked', () => {
    const native = synthesizeJob({ job: smallJob, fidelity: 'native' });
    expect(readDefinition(native.template)).toStrictEqual(JSON.parse(JSON.stringify(compileJob(smallJob, { fidelity: 'native' }).definition)));
    expect(native.construct.retryPlans.find((plan) => plan.op === 'fetch')?.mechanism).toBe('native-fit');
  });
});

describe('JobStateMachine IAM', () => {
  it('lets the state machine invoke only its own function and its versions, and deliver its logs', () => {
    const { template } = synthesizeJob({ job: smallJob });
    const statements = statementsOfRole(template, stateMachineRoleId(template));
    const functionId = findOnly(template, 'AWS::Lambda::Function').id;
    const invoke = statements.filter((statement) => JSON.stringify(statement.Action).includes('lambda:'));
    expect(invoke).toStrictEqual([
      {
        Action: 'lambda:InvokeFunction',
        Effect: 'Allow',
        Resource: [{ 'Fn::GetAtt': [functionId, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [functionId, 'Arn'] }, ':*']] }],
      },
    ]);
    expect(actionsOf(statements)).toStrictEqual(['lambda:InvokeFunction', ...LOG_DELIVERY_ACTIONS].sort());
  });

  it('adds the X-Ray actions, and only them, with tracing', () => {
    const { template } = synthesizeJob({ job: smallJob, tracing: true });
    const { properties } = findOnly(template, 'AWS::StepFunctions::StateMachine');
    expect(properties.TracingConfiguration).toStrictEqual({ Enabled: true });
    expect(actionsOf(statementsOfRole(template, stateMachineRoleId(template)))).toStrictEqual(['lambda:InvokeFunction', ...LOG_DELIVERY_ACTIONS, ...XRAY_ACTIONS].sort());
  });
});

/** The logical id of the state machine's role (RoleArn: Fn::GetAtt [role, Arn]). */
function stateMachineRoleId(template: ReturnType<typeof synthesizeJob>['template']): string {
  const { properties } = findOnly(template, 'AWS::StepFunctions::StateMachine');
  return (properties.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
}

describe('JobStateMachine logs', () => {
  it('logs errors without execution data to a log group kept one month, by default', () => {
    const { template } = synthesizeJob({ job: smallJob });
    const logGroup = findOnly(template, 'AWS::Logs::LogGroup');
    expect(logGroup.properties).toStrictEqual({ RetentionInDays: 30 });
    const { properties } = findOnly(template, 'AWS::StepFunctions::StateMachine');
    expect(properties.LoggingConfiguration).toStrictEqual({
      Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [logGroup.id, 'Arn'] } } }],
      IncludeExecutionData: false,
      Level: 'ERROR',
    });
  });

  it('takes the level, retention and execution data from props.logs', () => {
    const { template } = synthesizeJob({
      job: smallJob,
      logs: { level: sfn.LogLevel.ALL, retention: logs.RetentionDays.ONE_WEEK, includeExecutionData: true },
    });
    expect(findOnly(template, 'AWS::Logs::LogGroup').properties).toStrictEqual({ RetentionInDays: 7 });
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: Match.objectLike({ IncludeExecutionData: true, Level: 'ALL' }),
    });
  });

  it('logs to a given log group and creates none', () => {
    const stack = createStack();
    const destination = new logs.LogGroup(stack, 'Shared', { retention: logs.RetentionDays.ONE_YEAR });
    const { template, construct } = synthesizeJob({ job: smallJob, logs: { destination } }, stack);
    expect(construct.logGroup).toBe(destination);
    expect(Object.keys(template.findResources('AWS::Logs::LogGroup'))).toHaveLength(1);
  });
});

describe('JobStateMachine schedule', () => {
  const { template, construct } = synthesizeJob({
    job: smallJob,
    schedule: { expression: 'cron(0 6 * * ? *)', timeZone: TimeZone.EUROPE_PARIS, input: { ops: { fetch: { config: { day: 'today' } } } } },
  });
  const stateMachineId = findOnly(template, 'AWS::StepFunctions::StateMachine').id;
  const scheduleRoleId = Stack.of(construct).getLogicalId(construct.scheduleRole!.node.defaultChild as CfnElement);

  it('creates an EventBridge Scheduler schedule starting the state machine with the input', () => {
    expect(findOnly(template, 'AWS::Scheduler::Schedule').properties).toStrictEqual({
      Description: 'Starts the stepops job small_job',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ScheduleExpression: 'cron(0 6 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      State: 'ENABLED',
      Target: {
        Arn: { Ref: stateMachineId },
        Input: JSON.stringify({ ops: { fetch: { config: { day: 'today' } } } }),
        RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
        RoleArn: { 'Fn::GetAtt': [scheduleRoleId, 'Arn'] },
      },
    });
  });

  it("gives the schedule a role this account's scheduler assumes, allowed only to start this state machine", () => {
    expect(statementsOfRole(template, scheduleRoleId)).toStrictEqual([{ Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: stateMachineId } }]);
    const role = template.toJSON().Resources[scheduleRoleId];
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toStrictEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: {
          StringEquals: {
            'aws:SourceAccount': { Ref: 'AWS::AccountId' },
            'aws:SourceArn': {
              'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':scheduler:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':schedule-group/default']],
            },
          },
        },
      },
    ]);
  });

  it('takes a rate expression, UTC by default, without input', () => {
    const rate = synthesizeJob({ job: smallJob, schedule: { expression: 'rate(15 minutes)', enabled: false } });
    const { properties } = findOnly(rate.template, 'AWS::Scheduler::Schedule');
    expect(properties.ScheduleExpression).toBe('rate(15 minutes)');
    expect(properties.ScheduleExpressionTimezone).toBe('Etc/UTC');
    expect(properties.State).toBe('DISABLED');
    expect((properties.Target as Record<string, unknown>).Input).toBeUndefined();
  });

  it('creates no schedule by default', () => {
    const { template: plain, construct: unscheduled } = synthesizeJob({ job: smallJob });
    expect(plain.findResources('AWS::Scheduler::Schedule')).toStrictEqual({});
    expect(unscheduled.schedule).toBeUndefined();
  });
});

describe('JobStateMachine Express workflows', () => {
  it('builds an Express workflow whose worst-case retry waits fit in 5 minutes', () => {
    const { template } = synthesizeJob({ job: smallJob, stateMachineType: sfn.StateMachineType.EXPRESS, timeout: Duration.minutes(5) });
    const { properties } = findOnly(template, 'AWS::StepFunctions::StateMachine');
    expect(properties.StateMachineType).toBe('EXPRESS');
  });

  it("fails when an Express job's worst-case retry waits exceed 5 minutes", () => {
    const stack = createStack();
    expect(() => new JobStateMachine(stack, 'Job', { job: slowJob, handler: createInlineFunction(stack), stateMachineType: sfn.StateMachineType.EXPRESS })).toThrow(
      new DefinitionError(
        'JobStateMachine "TestStack/Job": props.stateMachineType is EXPRESS, but job "slow_job" may wait 1200 s for retries alone along "notify", over the 300 s (5 minutes) an Express execution may run; use sfn.StateMachineType.STANDARD, or shorten those ops\' retry policies',
      ),
    );
  });

  it('fails when an Express timeout exceeds 5 minutes', () => {
    const stack = createStack();
    expect(
      () =>
        new JobStateMachine(stack, 'Job', {
          job: smallJob,
          handler: createInlineFunction(stack),
          stateMachineType: sfn.StateMachineType.EXPRESS,
          timeout: Duration.minutes(10),
        }),
    ).toThrow(
      new DefinitionError(
        'JobStateMachine "TestStack/Job": props.timeout is 10 minutes, over the 5 minutes an Express execution may run; use at most Duration.minutes(5), or sfn.StateMachineType.STANDARD',
      ),
    );
  });
});

describe('JobStateMachine retry-plan deviations', () => {
  it('turns each deviation into a synth warning naming its ops', () => {
    const { annotations } = synthesizeJob({ job: smallJob });
    const warnings = annotations.findWarning('*', Match.stringLikeRegexp('stepops retry plan')).map((w) => w.entry.data as string);
    expect(warnings.some((w) => w.includes('op "fetch": [full-jitter-bound]'))).toBe(true);
    // Platform errors, timeouts and crashes follow Dagster's rule: no deviation to warn about.
    expect(warnings.some((w) => w.includes('platform-retries-advance-retry-number') || w.includes('infrastructure-approximation'))).toBe(false);
    expect(annotations.findError('*', Match.anyValue())).toStrictEqual([]);
  });

  it('fails synth when strict refuses a deviation, and keeps the accepted ones as warnings', () => {
    const { annotations } = synthesizeJob({ job: smallJob, strict: true, fidelity: 'native' });
    const errors = annotations.findError('*', Match.anyValue()).map((e) => e.entry.data as string);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^stepops retry plan, op "fetch": \[native-fit\] .* strict refuses this deviation from Dagster/);
    annotations.hasWarning('*', Match.stringLikeRegexp('\\[full-jitter-bound\\]'));
  });

  it('warns of an op with more retries than one execution can record (the history quota), naming it and the retries that fit', () => {
    const stubborn = op({ name: 'stubborn', retryPolicy: new RetryPolicy({ maxRetries: 9_000, delay: 60 }) }, async () => 'done');
    const { annotations } = synthesizeJob({
      job: job({ name: 'stubborn_job' }, () => {
        stubborn();
      }),
    });
    const warnings = annotations.findWarning('*', Match.stringLikeRegexp('\\[history-quota\\]')).map((w) => w.entry.data as string);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/op "stubborn": \[history-quota\] its 9000 retries cannot all run: .* at most 8328 fit/);
  });

  it('says nothing of the history quota for an Express state machine (it keeps no history), strict or not', () => {
    // Retries that wait 0 s (a wait loop: PLUS_MINUS jitter around 0) fit in an Express run's 5 minutes.
    const stubborn = op({ name: 'stubborn', retryPolicy: new RetryPolicy({ maxRetries: 3_000, delay: 0, jitter: Jitter.PLUS_MINUS }) }, async () => 'done');
    expect(compileJob(job({ name: 'standard_job' }, () => void stubborn())).retryPlans[0]!.deviations.map((deviation) => deviation.kind)).toContain('history-quota');
    const stubbornJob = job({ name: 'stubborn_job' }, () => {
      stubborn();
    });
    const { annotations } = synthesizeJob({ job: stubbornJob, stateMachineType: sfn.StateMachineType.EXPRESS, timeout: Duration.minutes(5), strict: true });
    expect(annotations.findWarning('*', Match.stringLikeRegexp('history-quota'))).toStrictEqual([]);
    expect(annotations.findError('*', Match.stringLikeRegexp('history-quota'))).toStrictEqual([]);
  });

  it('reports no error with strict when the plans only round', () => {
    const { annotations } = synthesizeJob({ job: slowJob, strict: true });
    expect(annotations.findError('*', Match.anyValue())).toStrictEqual([]);
  });
});
