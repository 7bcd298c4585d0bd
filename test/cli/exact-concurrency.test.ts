import { describe, expect, it } from 'vitest';
import { linesOf, REPO_ROOT, runCli } from './helpers.js';

describe('stepops --concurrency exact', () => {
  it('plan: the cross edges, their waits and what they cost', async () => {
    const run = await runCli(['plan', 'test/cli/fixtures/held-back.ts', '--job', 'n_shaped', '--concurrency', 'exact']);
    expect(run.exitCode).toBe(0);
    const lines = linesOf(run.stdout);
    const section = lines.slice(lines.indexOf('Concurrency (exact)'));
    expect(section[1]).toMatch(
      /^ {2}every op starts as soon as its inputs are done; 1 cross edge enforced by 1 wait Task and 1 release Task: \+2 Lambda invocations, \+2 state transitions and \+11 history events per run without retries .*worst-case history \d+ of Step Functions' 25000 events\. Each wait's TimeoutSeconds covers .* not the waits \(secondsToWait\) and extra attempts \(maxRetries\) a RetryRequested asks for at run time: .*skipped.*no failed op$/,
    );
    expect(section[2]).toBe('  c waits for b (TimeoutSeconds 1086)');
  });

  it('plan --json: the coordination diagnostics beside the retry plans', async () => {
    const run = await runCli(['plan', 'test/cli/fixtures/held-back.ts', '--job', 'n_shaped', '--concurrency', 'exact', '--json']);
    const document = JSON.parse(run.stdout) as { heldBackOps: unknown; coordination: { crossEdges: unknown; waitTasks: number; extraLambdaInvocations: number } };
    expect(document.heldBackOps).toStrictEqual([]);
    expect(document.coordination).toMatchObject({
      crossEdges: [{ producer: 'b', consumer: 'c' }],
      waitTasks: 1,
      releaseTasks: 1,
      extraLambdaInvocations: 2,
      maxHistoryEvents: 25000,
    });
  });

  it('plan: a series-parallel job needs no coordination', async () => {
    const run = await runCli(['plan', 'test/cli/fixtures/held-back.ts', '--job', 'dagster_case', '--concurrency', 'exact']);
    expect(linesOf(run.stdout).slice(-2)).toStrictEqual([
      'Concurrency (exact)',
      '  series-parallel: every op starts as soon as its inputs are done, with no coordination (as structured)',
    ]);
  });

  it('compile: the definition has the wait Task', async () => {
    const run = await runCli(['compile', 'test/cli/fixtures/held-back.ts', '--job', 'n_shaped', '--concurrency', 'exact']);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('"Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken"');
  });

  it('run --simulate: d starts when b is done, not when a is', async () => {
    const run = await runCli(['run', `${REPO_ROOT}/test/cli/fixtures/held-back.ts`, '--job', 'n_shaped', '--simulate', 'a=10,b=1,c=1,d=1', '--concurrency', 'exact']);
    expect(run.exitCode).toBe(0);
    const lines = linesOf(run.stdout);
    expect(lines.some((line) => /^\+1s +d +started$/.test(line))).toBe(true);
    expect(lines.some((line) => /^\+10s +c +started$/.test(line))).toBe(true);
    expect(lines).toContain('SUCCEEDED in 11s (virtual time)');
  });

  it('fails on another mode, naming the choices', async () => {
    const run = await runCli(['plan', 'test/cli/fixtures/held-back.ts', '--concurrency', 'fast']);
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toMatch(/--concurrency.*'fast' is invalid.*structured, exact/s);
  });
});
