/**
 * The examples app (infra/): synthesized in process once, with cdk-nag's AwsSolutions pack,
 * then once more through the CDK CLI in a child process, where CDK's built-in CloudFormation
 * validation runs too (it loads a WASM engine for seconds, so only there).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AslDefinition } from '../../lib/asl/index.js';
import { createExamplesApp, type ExamplesApp } from '../../infra/examples-app.js';
import { REPO_ROOT } from '../../infra/examples-stack.js';
import { findOnly } from './helpers.js';

let examples: ExamplesApp;
let assembly: CloudAssembly;
let template: Template;

beforeAll(() => {
  examples = createExamplesApp(new App({ builtinCloudFormationValidation: false }));
  assembly = examples.app.synth();
  template = Template.fromJSON(assembly.getStackByName('StepopsExamples').template);
}, 180_000);

function stateMachineDefinitions(): Map<string, AslDefinition> {
  const definitions = new Map<string, AslDefinition>();
  for (const resource of Object.values(template.findResources('AWS::StepFunctions::StateMachine'))) {
    const definition = JSON.parse((resource as { Properties: { DefinitionString: string } }).Properties.DefinitionString) as AslDefinition;
    definitions.set(/^stepops job (\w+)/.exec(definition.Comment ?? '')![1]!, definition);
  }
  return definitions;
}

describe('infra/app.ts', () => {
  it('deploys the three example jobs, each with its bundled function', () => {
    expect([...stateMachineDefinitions().keys()].sort()).toStrictEqual(['default_and_override_job', 'report_pipeline', 'retry_job']);
    for (const definition of stateMachineDefinitions().values()) expect(definition.QueryLanguage).toBe('JSONata');
    const functions = Object.values(template.findResources('AWS::Lambda::Function')) as { Properties: Record<string, unknown> }[];
    expect(functions.map((fn) => [fn.Properties.Runtime, fn.Properties.Handler, fn.Properties.MemorySize])).toStrictEqual([
      ['nodejs24.x', 'index.handler', 256],
      ['nodejs24.x', 'index.handler', 256],
      ['nodejs24.x', 'index.handler', 256],
    ]);
    expect(examples.stack.reportPipeline.retryPlans.map((plan) => plan.op)).toStrictEqual(['extract', 'summarize', 'audit', 'load']);
    expect(examples.stack.retryJob.retryPlans.find((plan) => plan.op === 'even_better')?.mechanism).toBe('wait-loop');
  });

  it('bundles each handlers/ entry without aws-cdk-lib, constructs, jsonata or the runner', () => {
    const bundles = readdirSync(assembly.directory).filter((entry) => entry.startsWith('asset.'));
    expect(bundles).toHaveLength(3);
    for (const bundle of bundles) {
      const code = readFileSync(join(assembly.directory, bundle, 'index.mjs'), 'utf8');
      expect(code).not.toMatch(/aws-cdk-lib|constructs|jsonata|lib\/runner/);
      // The S3, DynamoDB and Step Functions clients are the Lambda runtime's (external), each loaded on first use; no SDK code is in the bundle.
      expect([...code.matchAll(/import\(\s*["'](@aws-sdk\/[\w-]+)["']\s*\)/g)].map((match) => match[1])).toStrictEqual([
        '@aws-sdk/client-s3',
        '@aws-sdk/client-dynamodb',
        '@aws-sdk/client-sfn',
      ]);
      expect([...code.matchAll(/@aws-sdk\/[\w-]+/g)]).toHaveLength(3);
    }
  });

  it('starts report_pipeline every day at 06:00 Paris time', () => {
    const { properties } = findOnly(template, 'AWS::Scheduler::Schedule');
    expect(properties.ScheduleExpression).toBe('cron(0 6 * * ? *)');
    expect(properties.ScheduleExpressionTimezone).toBe('Europe/Paris');
    const target = properties.Target as { Arn: { Ref: string }; Input: string };
    expect(target.Arn.Ref).toMatch(/^ReportPipelineStateMachine/);
    expect(JSON.parse(target.Input)).toStrictEqual({ ops: { extract: { config: { failuresBeforeSuccess: 0 } } } });
  });

  it('leaves no unacknowledged cdk-nag AwsSolutions finding', () => {
    const report = new AwsSolutionsChecks().validateScope(examples.app);
    expect(report.violations.map((violation) => `${violation.ruleName}: ${violation.violatingResources.map((r) => r.resourceLogicalId).join(', ')}`)).toStrictEqual([]);
    expect(report.success).toBe(true);
  });

  it('passes the validation plugins at synth (cdk-nag)', () => {
    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as { pluginReports: unknown[] };
    expect(report.pluginReports).toStrictEqual([]);
  });
});

describe('npx cdk synth', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'stepops-cdk-synth-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('synthesizes the app offline through the CDK CLI', async () => {
    const { stdout, stderr } = await promisify(execFile)('npx', ['cdk', 'synth', '--quiet', '--output', outdir], {
      cwd: REPO_ROOT,
      env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' },
      timeout: 280_000,
    });
    expect(`${stdout}\n${stderr}`).not.toMatch(/\bERROR\b|AwsSolutions-/);
    // CDK's CloudFormation validation and cdk-nag found nothing unacknowledged.
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as { pluginReports: unknown[] };
    expect(report.pluginReports).toStrictEqual([]);
    const synthesized = JSON.parse(readFileSync(join(outdir, 'StepopsExamples.template.json'), 'utf8')) as { Resources: Record<string, { Type: string }> };
    expect(Object.values(synthesized.Resources).filter((resource) => resource.Type === 'AWS::StepFunctions::StateMachine')).toHaveLength(3);
  }, 300_000);
});
