/**
 * Re-execution from the command line: `stepops run --from-failure <run.json>` locally, and
 * `stepops reexecute <execution-arn>` against a mocked Step Functions API serving a recorded
 * history (a local run of the same job), whose StartExecution input then runs, locally, the
 * failed op and its downstream only.
 */
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogRecord } from '../../lib/index.js';
import { runJobLocally } from '../../lib/runner/local/run-job-locally.js';
import { fiveOps } from './fixtures/five-ops.js';
import { linesOf, runCli } from './helpers.js';

const STATE_MACHINE_ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:FiveOps';
const PARENT_ARN = 'arn:aws:states:eu-west-1:123456789012:execution:FiveOps:nightly-1';
const CHILD_ARN = 'arn:aws:states:eu-west-1:123456789012:execution:FiveOps:nightly-1-again';
const FIXED = { ops: { load: { config: { warehouseUp: true } } } };

const sfn = mockClient(SFNClient);
beforeEach(() => sfn.reset());
afterEach(() => sfn.reset());

/** The ops whose code ran: each logs `ran <op>`. */
function opsThatRan(records: readonly LogRecord[]): string[] {
  return records.filter((record) => record.message.startsWith('ran ')).map((record) => String(record.op));
}

describe('stepops run --from-failure', () => {
  it('re-executes a --json run document: only load and notify run, on the recorded outputs', async () => {
    const first = await runCli(['run', 'test/cli/fixtures/five-ops.ts', '--json']);
    expect(first.exitCode).toBe(1);
    const directory = mkdtempSync(join(tmpdir(), 'stepops-reexecute-'));
    const file = join(directory, 'run.json');
    writeFileSync(file, first.stdout);
    const parentName = (JSON.parse(first.stdout) as { executionName: string }).executionName;

    const again = await runCli(['run', 'test/cli/fixtures/five-ops.ts', '--from-failure', file, '--input', JSON.stringify(FIXED)]);
    expect(again.exitCode).toBe(0);
    const lines = linesOf(again.stdout);
    expect(lines[1]).toBe(`re-executing run ${parentName} from failure: reusing extract, audit, transform; running load, notify`);
    // The reused ops' code never ran: no 'ran' log line of theirs, one 'reused' line each.
    expect(lines.filter((line) => line.includes('│ INFO ran')).map((line) => line.trim().split(/\s+/)[0])).toStrictEqual(['load', 'notify']);
    expect(lines).toContain(`+0s         extract    reused (output of run ${parentName})`);
    expect(again.stdout).toContain('load       │ INFO ran load {"rows":[10,20,30]}');
    expect(lines.slice(lines.indexOf('Timeline'))).toStrictEqual([
      'Timeline',
      'op         attempts  waits  outcome',
      `extract    0         -      reused (output of run ${parentName})`,
      `audit      0         -      reused (output of run ${parentName})`,
      `transform  0         -      reused (output of run ${parentName})`,
      'load       1         -      succeeded',
      'notify     1         -      succeeded',
      '',
      'SUCCEEDED in 0s (virtual time)',
      'Output: {"notify":"loaded 3","audit":"audited"}',
    ]);
  });

  it('fails in one line on a file that is not a run document, or a run that succeeded', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'stepops-reexecute-'));
    writeFileSync(join(directory, 'other.json'), '{"States":{}}');
    const wrong = await runCli(['run', 'test/cli/fixtures/five-ops.ts', '--from-failure', join(directory, 'other.json')]);
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr).toMatch(/^stepops: --from-failure file .+other\.json is not a stepops run document \(format stepops\.run\/1\); pass the file/);
    const succeeded = await runCli(['run', 'test/cli/fixtures/five-ops.ts', '--json', '--input', JSON.stringify(FIXED)]);
    writeFileSync(join(directory, 'ok.json'), succeeded.stdout);
    const nothing = await runCli(['run', 'test/cli/fixtures/five-ops.ts', '--from-failure', join(directory, 'ok.json')]);
    expect(nothing.exitCode).toBe(2);
    expect(nothing.stderr).toMatch(/^stepops: run .+ succeeded: nothing failed to re-execute from; use the all-steps strategy/);
  });
});

describe('stepops reexecute <execution-arn>', () => {
  it("starts the same state machine with an input that reuses the succeeded ops' outputs and records the parent; the new run runs only the failed op and its downstream", async () => {
    const parentRun = await runJobLocally(fiveOps, { writeLog: () => {} });
    expect(parentRun.status).toBe('FAILED');
    sfn.on(DescribeExecutionCommand, { executionArn: PARENT_ARN }).resolves({
      executionArn: PARENT_ARN,
      stateMachineArn: STATE_MACHINE_ARN,
      name: 'nightly-1',
      status: 'FAILED',
      startDate: new Date(0),
      input: '{}',
    });
    sfn.on(GetExecutionHistoryCommand, { executionArn: PARENT_ARN }).resolves({ events: parentRun.history });
    sfn.on(StartExecutionCommand).resolves({ executionArn: CHILD_ARN, startDate: new Date(0) });

    // What the new execution does with that input: the same compiled machine and wrapper, run locally.
    const childRecords: LogRecord[] = [];
    let childRun: Awaited<ReturnType<typeof runJobLocally>> | undefined;
    sfn.on(GetExecutionHistoryCommand, { executionArn: CHILD_ARN }).callsFake(async () => {
      const started = sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input;
      const input = JSON.parse(started.input!) as { ops: Record<string, unknown> };
      // The operator fixed the warehouse config of load before re-executing.
      input.ops.load = { config: { warehouseUp: true } };
      childRun ??= await runJobLocally(fiveOps, { input, writeLog: (record) => childRecords.push(record) });
      return { events: childRun.history };
    });
    sfn.on(DescribeExecutionCommand, { executionArn: CHILD_ARN }).callsFake(async () => ({
      executionArn: CHILD_ARN,
      stateMachineArn: STATE_MACHINE_ARN,
      name: 'nightly-1-again',
      status: childRun?.status ?? 'RUNNING',
      startDate: new Date(0),
      output: JSON.stringify(childRun?.output ?? null),
      input: sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input,
    }));

    const run = await runCli(['reexecute', PARENT_ARN]);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const lines = linesOf(run.stdout);
    expect(lines.slice(0, 2)).toStrictEqual([`re-executing ${PARENT_ARN} (from-failure): reusing extract, audit, transform; running load, notify`, `started ${CHILD_ARN}`]);
    const starts = sfn.commandCalls(StartExecutionCommand);
    expect(starts).toHaveLength(1);
    const request = starts[0]!.args[0].input;
    expect(request.stateMachineArn).toBe(STATE_MACHINE_ARN);
    const input = JSON.parse(request.input!) as Record<string, unknown>;
    expect(input.stepops).toStrictEqual({ parent: PARENT_ARN, strategy: 'from-failure', reusedOps: ['extract', 'audit', 'transform'] });
    expect(input.ops).toStrictEqual({
      extract: { config: { stepopsReused: { parent: PARENT_ARN, recorded: { v: { rows: [1, 2, 3] } } } } },
      audit: { config: { stepopsReused: { parent: PARENT_ARN, recorded: { v: 'audited' } } } },
      transform: { config: { stepopsReused: { parent: PARENT_ARN, recorded: { v: [10, 20, 30] } } } },
    });
    expect(opsThatRan(childRecords)).toStrictEqual(['load', 'notify']);
    expect(childRecords.find((record) => record.message === 'ran load')).toMatchObject({ rows: [10, 20, 30] });
    expect(lines).toContain(`transform  0         -      reused (output of run ${PARENT_ARN})`);
    expect(lines).toContain('SUCCEEDED in 0s');
  });

  it('all-steps reuses nothing; an execution that is not an ARN or still running is refused', async () => {
    const parentRun = await runJobLocally(fiveOps, { writeLog: () => {} });
    sfn
      .on(DescribeExecutionCommand)
      .resolves({ executionArn: PARENT_ARN, stateMachineArn: STATE_MACHINE_ARN, name: 'nightly-1', status: 'FAILED', startDate: new Date(0), input: '{}' });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: parentRun.history });
    sfn.on(StartExecutionCommand).resolves({ executionArn: CHILD_ARN, startDate: new Date(0) });
    const all = await runCli(['reexecute', PARENT_ARN, '--strategy', 'all-steps', '--no-follow']);
    expect(all.exitCode).toBe(0);
    expect(JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input.input!)).toStrictEqual({ stepops: { parent: PARENT_ARN, strategy: 'all-steps', reusedOps: [] } });

    const notArn = await runCli(['reexecute', 'nightly-1']);
    expect(notArn.exitCode).toBe(2);
    expect(notArn.stderr).toMatch(/^stepops: "nightly-1" is not an execution ARN; pass arn:aws:states/);

    sfn.on(DescribeExecutionCommand).resolves({ executionArn: PARENT_ARN, stateMachineArn: STATE_MACHINE_ARN, name: 'nightly-1', status: 'RUNNING', startDate: new Date(0) });
    const running = await runCli(['reexecute', PARENT_ARN]);
    expect(running.exitCode).toBe(2);
    expect(running.stderr).toBe(
      `stepops: run ${PARENT_ARN} is still running; wait for it to end (or stop it) before re-executing it; pass a failed, timed-out or aborted execution\n`,
    );
  });
});
