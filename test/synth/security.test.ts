/**
 * Security hygiene of JobStateMachine: cdk-nag acknowledgments cover exactly the findings they
 * name, the state machine role trusts its own state machine only, log groups take a KMS key,
 * the schedule takes a retry policy and a dead-letter queue.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { acknowledgeJobStateMachineFindings } from '../../infra/nag-suppressions.js';
import { compileJob } from '../../lib/asl/index.js';
import { JobStateMachine } from '../../lib/cdk/index.js';
import { smallJob } from './fixtures/small-job.js';
import { LOG_DELIVERY_ACTIONS, XRAY_ACTIONS, actionsOf, createInlineFunction, createStack, findOnly, synthesizeJob } from './helpers.js';

describe('cdk-nag acknowledgments cover exactly the findings they name', () => {
  /** The construct's findings once infra's acknowledgments are applied, after `addGrants` had its say. */
  function findingsAfter(addGrants: (jobStateMachine: JobStateMachine) => void): string[] {
    const app = new App();
    const stack = new Stack(app, 'Nag');
    const jobStateMachine = new JobStateMachine(stack, 'Job', { job: smallJob, handler: createInlineFunction(stack), logs: { level: sfn.LogLevel.ALL }, tracing: true });
    acknowledgeJobStateMachineFindings(jobStateMachine);
    addGrants(jobStateMachine);
    return new AwsSolutionsChecks()
      .validateScope(app)
      .violations.flatMap((violation) => violation.violatingResources.map((resource) => `${violation.ruleName} ${resource.constructPath}`))
      .filter((finding) => finding.includes('Nag/Job/'))
      .sort();
  }

  it('reports a wildcard grant a user adds to the state machine role (the logging and X-Ray wildcards stay acknowledged)', () => {
    expect(findingsAfter(() => {})).toStrictEqual([]);
    const findings = findingsAfter((jobStateMachine) => {
      jobStateMachine.stateMachine.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
    });
    expect(findings).toStrictEqual(['AwsSolutions-IAM5[Resource::*] Nag/Job/StateMachineRole/DefaultPolicy/Resource']);
  });

  it('reports a grant on every function of the account added beside the acknowledged function wildcard', () => {
    const findings = findingsAfter((jobStateMachine) => {
      jobStateMachine.stateMachine.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: ['arn:aws:lambda:us-east-1:123456789012:function:*'] }),
      );
    });
    expect(findings).toStrictEqual(['AwsSolutions-IAM5[Resource::arn:aws:lambda:us-east-1:123456789012:function:*] Nag/Job/StateMachineRole/DefaultPolicy/Resource']);
  });

  it("keeps aws-cdk-lib's logging and X-Ray wildcards in the role's ServicePolicy, and the function grant alone in its default policy", () => {
    const { template, construct } = synthesizeJob({ job: smallJob, logs: { level: sfn.LogLevel.ALL }, tracing: true });
    const stack = Stack.of(construct);
    const policyOf = (path: string): Record<string, unknown>[] => {
      const policy = construct.stateMachine.role.node.findChild(path).node.defaultChild as iam.CfnPolicy;
      const resource = template.toJSON().Resources[stack.getLogicalId(policy)] as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } };
      return resource.Properties.PolicyDocument.Statement;
    };
    const service = policyOf('ServicePolicy');
    expect(actionsOf(service)).toStrictEqual([...LOG_DELIVERY_ACTIONS, ...XRAY_ACTIONS].sort());
    expect(service.every((statement) => statement.Resource === '*')).toBe(true);
    expect(actionsOf(policyOf('DefaultPolicy'))).toStrictEqual(['lambda:InvokeFunction']);
  });
});

describe('the state machine role trusts its own state machine only', () => {
  it('names the state machine at synth time and trusts exactly its ARN in this account (no ArnLike stateMachine:*)', () => {
    const { template, construct } = synthesizeJob({ job: smallJob });
    const { properties } = findOnly(template, 'AWS::StepFunctions::StateMachine');
    expect(properties.StateMachineName).toBe('TestStack-Job-DEC96A33-StateMachine');
    const role = template.toJSON().Resources[Stack.of(construct).getLogicalId(construct.stateMachine.role.node.defaultChild as iam.CfnRole)] as {
      Properties: { AssumeRolePolicyDocument: { Statement: unknown[] } };
    };
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toStrictEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'states.amazonaws.com' },
        Condition: {
          StringEquals: {
            'aws:SourceArn': {
              'Fn::Join': [
                '',
                ['arn:', { Ref: 'AWS::Partition' }, ':states:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':stateMachine:TestStack-Job-DEC96A33-StateMachine'],
              ],
            },
            'aws:SourceAccount': { Ref: 'AWS::AccountId' },
          },
        },
      },
    ]);
    expect(JSON.stringify(template.toJSON())).not.toContain('ArnLike');
  });

  it('gives each child of a split job its own name and a role that trusts only it', () => {
    // One character below smallJob's whole definition: it splits into a parent and children.
    const { template } = synthesizeJob({ job: smallJob, maxDefinitionCharacters: compileJob(smallJob).diagnostics.characters - 1 });
    const names = Object.values(template.findResources('AWS::StepFunctions::StateMachine')).map(
      (resource) => (resource as { Properties: { StateMachineName: string } }).Properties.StateMachineName,
    );
    expect(names.length).toBeGreaterThan(1);
    expect(new Set(names).size).toBe(names.length);
    const trusted = Object.values(template.findResources('AWS::IAM::Role'))
      .map((role) => JSON.stringify(role))
      .filter((role) => role.includes('states.amazonaws.com'))
      .map((role) => /stateMachine:([\w-]+)"/.exec(role)?.[1]);
    expect(trusted.sort()).toStrictEqual([...names].sort());
  });

  it('keeps names within the 80 characters Step Functions allows, even for long construct paths', () => {
    const stack = createStack('AVeryLongStackNameThatSomeoneChoseForTheirDataPipelineProduction');
    const construct = new JobStateMachine(stack, 'AnEquallyLongConstructIdForTheNightlyReportPipeline', { job: smallJob, handler: createInlineFunction(stack) });
    const name = (construct.stateMachine.node.defaultChild as sfn.CfnStateMachine).stateMachineName!;
    expect(name.length).toBeLessThanOrEqual(80);
    expect(name).toMatch(/^[\w-]+-StateMachine$/);
  });
});

describe('log groups: encrypted with logs.encryptionKey', () => {
  it("encrypts the construct's log group with the key and lets CloudWatch Logs of the region use it", () => {
    const stack = createStack();
    const key = new kms.Key(stack, 'LogsKey', { enableKeyRotation: true });
    const { template } = synthesizeJob({ job: smallJob, logs: { encryptionKey: key } }, stack);
    const keyId = stack.getLogicalId(key.node.defaultChild as kms.CfnKey);
    expect(findOnly(template, 'AWS::Logs::LogGroup').properties.KmsKeyId).toStrictEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    const statements = (findOnly(template, 'AWS::KMS::Key').properties.KeyPolicy as { Statement: Record<string, unknown>[] }).Statement;
    expect(statements.find((statement) => JSON.stringify(statement.Principal).includes('logs.'))).toStrictEqual({
      Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      Effect: 'Allow',
      Principal: { Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
      Resource: '*',
      Condition: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': {
            'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':log-group:*']],
          },
        },
      },
    });
  });

  it('leaves the log group to CloudWatch Logs’ own encryption without a key', () => {
    const { template } = synthesizeJob({ job: smallJob });
    expect(findOnly(template, 'AWS::Logs::LogGroup').properties.KmsKeyId).toBeUndefined();
  });
});

describe('the schedule: a retry policy and a dead-letter queue', () => {
  it('passes retryAttempts, maxEventAge and deadLetterQueue to the schedule target; the schedule role may send to the queue', () => {
    const stack = createStack();
    const queue = new sqs.Queue(stack, 'MissedRuns', { enforceSSL: true });
    const { template, construct } = synthesizeJob(
      { job: smallJob, schedule: { expression: 'rate(1 hour)', retryAttempts: 3, maxEventAge: Duration.hours(1), deadLetterQueue: queue } },
      stack,
    );
    const target = findOnly(template, 'AWS::Scheduler::Schedule').properties.Target as Record<string, unknown>;
    expect(target.RetryPolicy).toStrictEqual({ MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 3 });
    expect(target.DeadLetterConfig).toStrictEqual({ Arn: { 'Fn::GetAtt': [stack.getLogicalId(queue.node.defaultChild as sqs.CfnQueue), 'Arn'] } });
    const roleId = stack.getLogicalId(construct.scheduleRole!.node.defaultChild as iam.CfnRole);
    const queuePolicies = Object.values(Template.fromStack(stack).findResources('AWS::SQS::QueuePolicy')).map((policy) => JSON.stringify(policy));
    const rolePolicies = Object.values(template.findResources('AWS::IAM::Policy'))
      .map((policy) => JSON.stringify(policy))
      .filter((policy) => policy.includes(roleId));
    expect([...queuePolicies, ...rolePolicies].some((policy) => policy.includes('sqs:SendMessage'))).toBe(true);
  });

  it.each([
    [{ retryAttempts: 186 }, "props.schedule.retryAttempts must be an integer from 0 to 185 (EventBridge Scheduler's range), got 186; remove it for the default, 185"],
    [{ retryAttempts: 1.5 }, "props.schedule.retryAttempts must be an integer from 0 to 185 (EventBridge Scheduler's range), got 1.5; remove it for the default, 185"],
    [
      { maxEventAge: Duration.seconds(30) },
      "props.schedule.maxEventAge must be whole seconds from 1 minute to 24 hours (EventBridge Scheduler's range), got 30 seconds; use e.g. Duration.hours(1)",
    ],
    [
      { maxEventAge: Duration.days(2) },
      "props.schedule.maxEventAge must be whole seconds from 1 minute to 24 hours (EventBridge Scheduler's range), got 2 days; use e.g. Duration.hours(1)",
    ],
  ])('fails on schedule %o, naming the field, the value and the fix', (extra, message) => {
    const stack = createStack();
    expect(() => new JobStateMachine(stack, 'Job', { job: smallJob, handler: createInlineFunction(stack), schedule: { expression: 'rate(1 hour)', ...extra } })).toThrow(message);
  });
});
