/**
 * The CLI fixes of issue 16 through the real `stepops` executable (lib/cli/bin.ts) in a child process: --json
 * documents, compile --function-arn, a closed pipe, syntax errors, ARN checks, no AWS SDK
 * notices, plain lines without a terminal, skipped ops.
 */
import type { Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LogRecord } from '../../lib/index.js';
import { runJobLocally } from '../../lib/runner/local/run-job-locally.js';
import { partialFailure } from './fixtures/partial-failure.js';
import { REPO_ROOT } from './helpers.js';
import { runStepops, startFakeSfn, toWireEvents } from './process-helpers.js';

const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('stepops (the real command in a child process)', () => {
  it('run --json prints one JSON document on stdout with the status on top; progress goes to stderr', async () => {
    const run = await runStepops(['run', 'test/cli/fixtures/partial-failure.ts', '--json']);
    expect(run.exitCode).toBe(1);
    const document = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(document).toMatchObject({
      format: 'stepops.run/1',
      status: 'FAILED',
      job: 'partial_failure',
      clock: 'virtual',
      seed: 0,
      elapsedSeconds: 6,
      input: {},
      failedOps: ['load'],
      skippedOps: ['notify'],
    });
    expect(document.ops).toStrictEqual([
      { name: 'extract', outcome: 'succeeded', attempts: 1, waitsSeconds: [], failures: [], output: { rows: 3 }, recorded: { v: { rows: 3 } } },
      {
        name: 'audit',
        outcome: 'succeeded',
        attempts: 2,
        waitsSeconds: [5],
        failures: [{ name: 'Error', message: 'audit log busy' }],
        output: 'audited',
        recorded: { v: 'audited' },
      },
      {
        name: 'load',
        outcome: 'failed',
        attempts: 3,
        waitsSeconds: [2, 4],
        failures: [0, 1, 2].map((retry) => ({ name: 'WarehouseDownError', message: `warehouse down (retry ${retry})` })),
        error: { name: 'WarehouseDownError', message: 'warehouse down (retry 2)' },
      },
      { name: 'notify', outcome: 'skipped', attempts: 0, waitsSeconds: [], failures: [], failedUpstream: ['load'] },
    ]);
    expect(run.stderr).toContain('+6s         notify   skipped (upstream failed: load)\n');
    expect(run.stderr).not.toMatch(/notify +started/);
  });

  it('run without --json: skipped ops show as skipped, 0 attempts, "downstream of a failed op"', async () => {
    const run = await runStepops(['run', 'test/cli/fixtures/partial-failure.ts']);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^notify +0 +- +skipped \(upstream failed: load\)$/m);
    expect(run.stdout).toContain('\n  skipped notify (downstream of a failed op)\n');
    expect(run.stdout).not.toMatch(/notify +started/);
  });

  it('plan --json and compile --json print one document each; compile --function-arn fills the placeholder', async () => {
    const [plan, compiled, filled, badArn] = await Promise.all([
      runStepops(['plan', 'handlers/report-pipeline.ts', '--json']),
      runStepops(['compile', 'handlers/report-pipeline.ts', '--json']),
      runStepops(['compile', 'handlers/report-pipeline.ts', '--function-arn', 'arn:aws:lambda:eu-west-1:123456789012:function:report-pipeline']),
      runStepops(['compile', 'handlers/report-pipeline.ts', '--function-arn', 'report-pipeline']),
    ]);
    const planDocument = JSON.parse(plan.stdout) as { format: string; job: string; retryPlans: { op: string; mechanism: string }[] };
    expect(plan.exitCode).toBe(0);
    expect(planDocument.format).toBe('stepops.plan/1');
    expect(planDocument.retryPlans.map((retryPlan) => [retryPlan.op, retryPlan.mechanism])).toStrictEqual([
      ['extract', 'indexed-retriers'],
      ['summarize', 'indexed-retriers'],
      ['audit', 'none'],
      ['load', 'plain-retrier'],
    ]);
    const compileDocument = JSON.parse(compiled.stdout) as { format: string; definition: { States: object }; childDefinitions: unknown[] };
    expect(compiled.exitCode).toBe(0);
    expect(compileDocument.format).toBe('stepops.compile/1');
    expect(Object.keys(compileDocument.definition.States)).toContain('extract');
    expect(compileDocument.childDefinitions).toStrictEqual([]);
    expect(filled.exitCode).toBe(0);
    expect(filled.stdout).not.toContain('${StepopsFunctionArn}');
    expect(filled.stdout).toContain('"arn:aws:lambda:eu-west-1:123456789012:function:report-pipeline"');
    expect(JSON.parse(filled.stdout)).toHaveProperty('States');
    expect(badArn.exitCode).toBe(2);
    expect(badArn.stderr).toBe(
      'stepops: --function-arn "report-pipeline" is not a Lambda function ARN; pass arn:aws:lambda:<region>:<account>:function:<name> of the function that exports jobHandler(job)\n',
    );
  });

  it('ends quietly (exit 0, nothing on stderr) when the reader of its output goes away, as `| head -1` does', async () => {
    // A real-time 1 s retry: the header line comes first, the rest after the reader is gone.
    const run = await runStepops(['run', 'test/cli/fixtures/one-second-retry.ts', '--real-time'], { closeStdoutAfterFirstChunk: true });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^stepops run one_second_retry /);
  });

  it("keeps an op's own console.log lines between its progress lines (the progress lines are written in batches)", async () => {
    const run = await runStepops(['run', 'test/cli/fixtures/console-log.ts']);
    expect(run.exitCode).toBe(0);
    const lines = run.stdout.split('\n');
    const at = (pattern: RegExp): number => lines.findIndex((line) => pattern.test(line));
    expect(at(/extract +started$/)).toBeGreaterThan(0);
    expect(at(/^extract: console\.log line$/)).toBe(at(/extract +started$/) + 1);
    expect(at(/extract +succeeded$/)).toBe(at(/^extract: console\.log line$/) + 1);
    expect(at(/load +succeeded$/)).toBeGreaterThan(at(/load +started$/));
    expect(run.stderr).toBe('load: console.error line (3 rows)\n');
  });

  it('loads an ES-module TypeScript job with esbuild alone when Node can load its imports, through tsx when it imports a local .ts file', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'stepops-esm-'));
    writeFileSync(join(folder, 'package.json'), JSON.stringify({ type: 'module' }));
    // The CLI runs from the sources here, so its shared entry point is lib/index.ts.
    const header = `import { job, op } from ${JSON.stringify(join(REPO_ROOT, 'lib/index.ts'))};`;
    const body = [
      'console.log(`url ${import.meta.url}`);',
      "console.log(`frame ${new Error('probe').stack?.split('\\n')[1]?.trim()}`);",
      "const step = op({ name: 'step' }, (): number => VALUE);",
      "export const esmJob = job({ name: 'esm_job' }, () => { step(); });",
      '',
    ];
    writeFileSync(join(folder, 'direct.ts'), [header, 'const VALUE: number = 41 + 1;', ...body].join('\n'));
    writeFileSync(join(folder, 'helper.ts'), 'export const VALUE: number = 42;\n');
    writeFileSync(join(folder, 'through-tsx.ts'), [header, "import { VALUE } from './helper.js';", ...body].join('\n'));

    const direct = await runStepops(['run', join(folder, 'direct.ts')]);
    expect(direct.exitCode).toBe(0);
    expect(direct.stdout).toContain(`url file://${join(folder, 'direct.ts')}?stepops-load=1\n`);
    // The stack frame names the module's own .ts line (4: the console.log of the frame).
    expect(direct.stdout).toMatch(new RegExp(`frame at .*${join(folder, 'direct.ts').replaceAll('/', '\\/')}:4:\\d+`));
    expect(direct.stdout).toContain('Output: {"step":42}');

    const throughTsx = await runStepops(['run', join(folder, 'through-tsx.ts')]);
    expect(throughTsx.exitCode).toBe(0);
    expect(throughTsx.stdout).toMatch(/url file:\/\/.*through-tsx\.ts\?tsx-namespace=/);
    expect(throughTsx.stdout).toContain('Output: {"step":42}');
  });

  it('prints plain lines without a terminal: no colours, no carriage returns, even in real time', async () => {
    const run = await runStepops(['run', 'test/cli/fixtures/one-second-retry.ts', '--real-time']);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).not.toMatch(/[\r\u001b]/);
    expect(run.stdout).toContain('flaky  attempt 1 failed: Error: first attempt fails; retry 1 in 1s\n');
  });

  it('fails on a module with a syntax error with file:line:column and the reason, exit 2', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'stepops-syntax-'));
    writeFileSync(
      join(directory, 'broken.ts'),
      "import { job, op } from 'stepops';\nconst a = op({ name: 'a' }, async () => 1;\nexport const j = job({ name: 'j' }, () => { a(); });\n",
    );
    const run = await runStepops(['run', 'broken.ts'], { cwd: directory });
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('stepops: broken.ts:2:41: syntax error: Expected ")" but found ";"; fix the syntax there (tsc --noEmit shows every error)\n');
  });

  it('start checks the ARN before calling AWS: "not a state machine ARN", exit 2', async () => {
    const [notArn, executionArn, watchBad] = await Promise.all([
      runStepops(['start', 'not-an-arn']),
      runStepops(['start', 'arn:aws:states:eu-west-1:123456789012:execution:Pipeline:run-1']),
      runStepops(['watch', 'arn:aws:states:eu-west-1:123456789012:stateMachine:Pipeline']),
    ]);
    expect(notArn.exitCode).toBe(2);
    expect(notArn.stderr).toBe(
      'stepops: "not-an-arn" is not a state machine ARN; pass arn:aws:states:<region>:<account>:stateMachine:<name>, e.g. from `aws stepfunctions list-state-machines`\n',
    );
    expect(executionArn.stderr).toMatch(/is not a state machine ARN \(it is an execution ARN: follow it with stepops watch\)/);
    expect(watchBad.exitCode).toBe(2);
    expect(watchBad.stderr).toMatch(/^stepops: "arn:aws:states:eu-west-1:123456789012:stateMachine:Pipeline" is not an execution ARN \(it is a state machine ARN/);
  });

  it('watch --json follows an execution through the real SDK client with no SDK warning on stdout or stderr', async () => {
    const local = await runJobLocally(partialFailure, { writeLog: (_record: LogRecord) => {} });
    const executionArn = 'arn:aws:states:eu-west-1:123456789012:execution:PartialFailure:run-7';
    const fake = await startFakeSfn((operation) => {
      if (operation === 'DescribeExecution') {
        return {
          executionArn,
          stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:PartialFailure',
          name: 'run-7',
          status: 'FAILED',
          startDate: 0,
          input: '{"ops":{}}',
          error: local.error!.error,
          cause: local.error!.cause,
        };
      }
      return { events: toWireEvents(local.history) };
    });
    servers.push(fake.server);
    const env = { AWS_ENDPOINT_URL_SFN: fake.url, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
    const [json, text] = await Promise.all([runStepops(['watch', executionArn, '--json'], { env }), runStepops(['watch', executionArn], { env })]);
    expect(json.exitCode).toBe(1);
    expect(json.stderr).not.toMatch(/Warning|NodeVersion/);
    const document = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(document).toMatchObject({
      format: 'stepops.run/1',
      status: 'FAILED',
      executionArn,
      executionName: 'run-7',
      input: { ops: {} },
      failedOps: ['load'],
      skippedOps: ['notify'],
    });
    expect(text.stderr).toBe('');
    expect(text.stdout).toMatch(/^stepops watch run-7 /);
    expect(text.stdout).toContain('\nFAILED in 6s: WarehouseDownError\n');
    expect(fake.operations).toContain('GetExecutionHistory');
  });
});
