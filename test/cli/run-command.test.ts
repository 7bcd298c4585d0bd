import { describe, expect, it } from 'vitest';
import { linesOf, runCli } from './helpers.js';

describe('stepops run', () => {
  it('runs default_and_override_job: live retries with reasons and waits, the timeline, exit 0', async () => {
    const run = await runCli(['run', 'handlers/default-and-override.ts']);
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toBe('');
    expect(linesOf(run.stdout)).toStrictEqual([
      'stepops run default_and_override_job (1 op from handlers/default-and-override.ts; virtual clock, seed 0)',
      '+0s         problematic  started',
      '+0s         problematic  attempt 1 failed: ReportUnavailableError: report service unavailable (attempt 1 of problematic); retry 1 in 1s',
      '+1s         problematic  retry 1 started (attempt 2 after 1s)',
      '+1s         problematic  attempt 2 failed: ReportUnavailableError: report service unavailable (attempt 2 of problematic); retry 2 in 1s',
      '+2s         problematic  retry 2 started (attempt 3 after 1s)',
      '+2s         problematic  attempt 3 failed: ReportUnavailableError: report service unavailable (attempt 3 of problematic); retry 3 in 1s',
      '+3s         problematic  retry 3 started (attempt 4 after 1s)',
      '+3s         problematic  succeeded on attempt 4',
      '',
      'Timeline',
      'op           attempts  waits              outcome',
      'problematic  4         1s + 1s + 1s = 3s  succeeded',
      '',
      'SUCCEEDED in 3s (virtual time)',
      'Output: {"problematic":{"op":"problematic","rows":42,"attempt":4}}',
    ]);
  });

  it('a failed op skips only its downstream, an independent op finishes, exit 1 naming the failed op', async () => {
    const run = await runCli(['run', 'test/cli/fixtures/partial-failure.ts']);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe('');
    const lines = linesOf(run.stdout);
    expect(lines).toContain('+6s         load     failed on attempt 3: WarehouseDownError: warehouse down (retry 2) (retries exhausted)');
    expect(lines).toContain('+6s         notify   skipped (upstream failed: load)');
    // A skipped op's code never runs: no 'started' line, 0 attempts.
    expect(lines.filter((line) => /^\+\S+ +notify /.test(line))).toStrictEqual(['+6s         notify   skipped (upstream failed: load)']);
    expect(lines).toContain('+5s         audit    succeeded on attempt 2');
    expect(lines.slice(lines.indexOf('Timeline'))).toStrictEqual([
      'Timeline',
      'op       attempts  waits         outcome',
      'extract  1         -             succeeded',
      'audit    2         5s            succeeded',
      'load     3         2s + 4s = 6s  failed: WarehouseDownError: warehouse down (retry 2)',
      'notify   0         -             skipped (upstream failed: load)',
      '',
      'FAILED in 6s (virtual time): WarehouseDownError',
      '  failed  load: WarehouseDownError: warehouse down (retry 2)',
      '  skipped notify (downstream of a failed op)',
      '  succeeded 2 ops; their values:',
      '    extract: {"rows":3}',
      '    audit: "audited"',
    ]);
  });

  it('retry_job fails on problematic (exit 1), and succeeds (exit 0) with run config from an @file', async () => {
    const failing = await runCli(['run', 'handlers/retry-job.ts']);
    expect(failing.exitCode).toBe(1);
    expect(failing.stdout).toMatch(/problematic {2}failed on attempt 1: ReportUnavailableError: .* \(no retry policy\)/);
    expect(failing.stdout).toContain(
      'manual       attempt 1 failed: RetryRequested: from ReportUnavailableError: report service unavailable (attempt 1 of manual); retry 1 in 1s\n',
    );
    const fixed = await runCli(['run', 'handlers/retry-job.ts', '--input', '@test/cli/fixtures/retry-job-input.json']);
    expect(fixed.exitCode).toBe(0);
    expect(fixed.stdout).toMatch(/^problematic {2}1 +- +succeeded$/m);
  });

  it('takes inline --input JSON and picks a job with --job; shows op log lines unless --logs none', async () => {
    const withLogs = await runCli(['run', 'test/cli/fixtures/two-jobs.ts', '--job', 'hello_job', '--input', '{}']);
    expect(withLogs.exitCode).toBe(0);
    expect(withLogs.stdout).toContain('            hello  │ INFO saying hello\n');
    expect(withLogs.stdout).toContain('Output: {"shout":"HELLO"}');
    const quiet = await runCli(['run', 'test/cli/fixtures/two-jobs.ts', '--job', 'otherJob', '--logs', 'none']);
    expect(quiet.exitCode).toBe(0);
    expect(quiet.stdout).toContain('stepops run other_job');
    expect(quiet.stdout).not.toContain('│');
    const all = await runCli(['run', 'test/cli/fixtures/two-jobs.ts', '--job', 'other_job', '--logs', 'all']);
    expect(all.stdout).toMatch(/hello {2}│ INFO op succeeded \{"decision":"success"/);
  });

  it('is reproducible for a seed: report_pipeline with hour-long backoffs, FULL jitter', async () => {
    const first = await runCli(['run', 'handlers/report-pipeline.ts', '--seed', '5']);
    const second = await runCli(['run', 'handlers/report-pipeline.ts', '--seed', '5']);
    expect(first.exitCode).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(first.stdout).toMatch(/^extract +3 +1h \+ 2h = 3h +succeeded$/m);
    expect(first.stdout).toMatch(/summarize {2}attempt 1 failed: .*; retry 1 in 0s–1m$/m);
  });

  it('colours only on a terminal without NO_COLOR', async () => {
    const tty = { write: () => {}, isTTY: true };
    let coloured = '';
    await runCli(['run', 'handlers/default-and-override.ts'], { stdout: { ...tty, write: (text) => void (coloured += text) } });
    expect(coloured).toMatch(/\u001b\[32m/);
    let plain = '';
    await runCli(['run', 'handlers/default-and-override.ts'], { stdout: { ...tty, write: (text) => void (plain += text) }, env: { NO_COLOR: '1' } });
    expect(plain).not.toMatch(/\u001b\[/);
  });
});

describe('stepops plan, compile, graph', () => {
  it('plan: policy, source, mechanism, waits, worst case and deviations per op', async () => {
    const run = await runCli(['plan', 'handlers/report-pipeline.ts']);
    expect(run.exitCode).toBe(0);
    const lines = linesOf(run.stdout);
    expect(lines.slice(0, 8)).toStrictEqual([
      'Retry plan of job report_pipeline',
      '',
      'extract',
      '  policy      RetryPolicy(maxRetries=4, delay=3600, backoff=LINEAR)',
      '  source      op definition',
      '  mechanism   indexed-retriers (one native retrier per retry, selected by attempt-indexed error names)',
      '  waits       1h, 2h, 3h, 4h',
      '  worst case  10h of waits over 4 retries',
    ]);
    expect(lines).toContain('  waits       0s–1m, 0s–3m, 0s–7m');
    expect(lines).toContain('  source      none');
    expect(run.stdout).toMatch(/deviations {2}full-jitter-bound/);
  });

  it('plan: the invocation policy of default_and_override_job and its source', async () => {
    const run = await runCli(['plan', 'handlers/default-and-override.ts']);
    expect(run.stdout).toContain('  policy      RetryPolicy(maxRetries=10)\n  source      invocation (withRetryPolicy)\n');
    expect(run.stdout).toContain('  waits       1s (Dagster 0s), 1s (Dagster 0s)');
  });

  it('compile: the definition as JSON on stdout, one Task per op invocation', async () => {
    const run = await runCli(['compile', 'handlers/report-pipeline.ts']);
    expect(run.exitCode).toBe(0);
    const definition = JSON.parse(run.stdout) as { QueryLanguage: string; StartAt: string };
    expect(definition.QueryLanguage).toBe('JSONata');
    const tasks = [...run.stdout.matchAll(/"Type": "Task"/g)];
    expect(tasks).toHaveLength(4);
  });

  it('graph: Mermaid flowchart with one node per invocation and producer --> consumer edges', async () => {
    const run = await runCli(['graph', 'handlers/report-pipeline.ts']);
    expect(run.exitCode).toBe(0);
    expect(linesOf(run.stdout)).toStrictEqual([
      'flowchart TD',
      '  extract["extract<br/>4 retries, 1h LINEAR"]',
      '  summarize["summarize<br/>3 retries, 1m EXPONENTIAL, FULL jitter"]',
      '  audit["audit<br/>no retries"]',
      '  load["load<br/>2 retries, 30s"]',
      '  extract --> summarize',
      '  extract --> audit',
      '  summarize --> load',
      '  audit --> load',
    ]);
  });

  it('graph: the job default and invocation policies are marked', async () => {
    const run = await runCli(['graph', 'handlers/default-and-override.ts']);
    expect(linesOf(run.stdout)).toStrictEqual(['flowchart TD', '  problematic["problematic<br/>10 retries (invocation)"]']);
  });
});
