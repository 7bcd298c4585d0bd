/** concurrency 'exact': the coordination table, the function's grants, nothing extra for series-parallel jobs. */
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { acknowledgeJobStateMachineFindings } from '../../infra/nag-suppressions.js';
import { JobStateMachine } from '../../lib/cdk/index.js';
import { DefinitionError } from '../../lib/errors.js';
import { dagsterCase, nShaped } from '../cli/fixtures/held-back.js';
import { createInlineFunction, createStack, findOnly, statementsOfRole, synthesizeJob } from './helpers.js';

describe("JobStateMachine concurrency 'exact'", () => {
  const { template, construct, annotations } = synthesizeJob({ job: nShaped, concurrency: 'exact' });
  const table = findOnly(template, 'AWS::DynamoDB::Table');
  const fn = findOnly(template, 'AWS::Lambda::Function');
  const roleId = (fn.properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];

  it('creates an on-demand, encrypted coordination table with TTL on expiresAt and point-in-time recovery off, removed with the stack', () => {
    expect(table.properties).toStrictEqual({
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false },
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    const resource = template.toJSON().Resources[table.id];
    expect([resource.DeletionPolicy, resource.UpdateReplacePolicy]).toStrictEqual(['Delete', 'Delete']);
    expect(construct.coordinationTable).toBeDefined();
  });

  it('grants the function GetItem and UpdateItem on the table only, and states:SendTaskSuccess (no resource type exists for it), and names the table in its environment', () => {
    const statements = statementsOfRole(template, roleId);
    expect(statements).toContainEqual({ Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [table.id, 'Arn'] } });
    expect(statements).toContainEqual({ Action: 'states:SendTaskSuccess', Effect: 'Allow', Resource: '*' });
    expect(JSON.stringify(statements)).not.toMatch(/SendTaskFailure|SendTaskHeartbeat|dynamodb:(PutItem|DeleteItem|Scan|Query|BatchWriteItem)/);
    expect((fn.properties.Environment as { Variables: Record<string, unknown> }).Variables.STEPOPS_COORDINATION_TABLE).toStrictEqual({ Ref: table.id });
  });

  it('compiles the wait before the consumer and reports the cost in one info message; no held-back warning', () => {
    expect(JSON.stringify(construct.definition)).toContain('arn:aws:states:::lambda:invoke.waitForTaskToken');
    const infos = annotations.findInfo('*', Match.stringLikeRegexp('stepops concurrency')).map((info) => info.entry.data as string);
    expect(infos).toStrictEqual([
      expect.stringMatching(
        /^stepops concurrency: job "n_shaped" runs in exact mode: 1 cross edge enforced by 1 wait Task and 1 release Task: \+2 Lambda invocations, \+2 state transitions and \+11 history events per run without retries .*worst-case history \d+ of Step Functions' 25000 events\. Each wait's TimeoutSeconds covers .* not the waits \(secondsToWait\) and extra attempts \(maxRetries\) a RetryRequested asks for at run time: .*skipped.*no failed op$/,
      ),
    ]);
    expect(annotations.findWarning('*', Match.stringLikeRegexp('held back'))).toStrictEqual([]);
  });

  it('synthesizes with no error or warning: exact mode is deployable (the wrapper reads the table named in STEPOPS_COORDINATION_TABLE)', () => {
    expect(annotations.findError('*', Match.anyValue())).toStrictEqual([]);
    expect(annotations.findWarning('*', Match.stringLikeRegexp('stepops'))).toStrictEqual([]);
  });

  it('turns point-in-time recovery on and keeps the table with the props', () => {
    const { template: kept } = synthesizeJob({ job: nShaped, concurrency: 'exact', coordinationPointInTimeRecovery: true, coordinationRemovalPolicy: RemovalPolicy.RETAIN });
    const keptTable = findOnly(kept, 'AWS::DynamoDB::Table');
    expect(keptTable.properties.PointInTimeRecoverySpecification).toStrictEqual({ PointInTimeRecoveryEnabled: true });
    expect(kept.toJSON().Resources[keptTable.id].DeletionPolicy).toBe('Retain');
  });

  it('creates nothing extra for a series-parallel job, or in structured mode', () => {
    for (const props of [{ job: dagsterCase, concurrency: 'exact' as const }, { job: nShaped }]) {
      const { template: plain, construct: plainConstruct } = synthesizeJob(props);
      expect(plain.findResources('AWS::DynamoDB::Table')).toStrictEqual({});
      expect(JSON.stringify(plain.toJSON())).not.toMatch(/SendTaskSuccess|STEPOPS_COORDINATION_TABLE/);
      expect(plainConstruct.coordinationTable).toBeUndefined();
    }
  });

  it('fails for an Express state machine with cross edges (Express does not support .waitForTaskToken)', () => {
    const stack = createStack();
    expect(
      () => new JobStateMachine(stack, 'Job', { job: nShaped, concurrency: 'exact', stateMachineType: sfn.StateMachineType.EXPRESS, handler: createInlineFunction(stack) }),
    ).toThrow(DefinitionError);
    expect(
      () =>
        new JobStateMachine(createStack(), 'Job', {
          job: nShaped,
          concurrency: 'exact',
          stateMachineType: sfn.StateMachineType.EXPRESS,
          handler: createInlineFunction(createStack()),
        }),
    ).toThrow(/Express workflows do not support \(\.waitForTaskToken\); use sfn.StateMachineType.STANDARD, or concurrency 'structured'/);
  });

  it('fails on an unknown concurrency, naming the prop', () => {
    const stack = createStack();
    expect(() => new JobStateMachine(stack, 'Job', { job: nShaped, concurrency: 'fast' as never, handler: createInlineFunction(stack) })).toThrow(
      /props.concurrency must be 'structured' or 'exact', got "fast"/,
    );
  });

  it("leaves no cdk-nag finding on the construct's resources once infra's acknowledgments are applied", () => {
    const app = new App();
    const stack = new Stack(app, 'Nag');
    const jobStateMachine = new JobStateMachine(stack, 'Job', {
      job: nShaped,
      concurrency: 'exact',
      handler: createInlineFunction(stack),
      logs: { level: sfn.LogLevel.ALL },
      tracing: true,
    });
    acknowledgeJobStateMachineFindings(jobStateMachine);
    const report = new AwsSolutionsChecks().validateScope(app);
    const findings = report.violations
      .flatMap((violation) => violation.violatingResources.map((resource) => `${violation.ruleName} ${resource.constructPath}`))
      .filter((finding) => finding.includes('Nag/Job/'));
    expect(findings).toStrictEqual([]);
  });
});
