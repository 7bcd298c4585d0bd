import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { linesOf, REPO_ROOT, runCli } from './helpers.js';

describe('stepops plan: which ops the structure may hold back', () => {
  it('a series-parallel graph: every op starts as soon as its inputs are done', async () => {
    const run = await runCli(['plan', 'test/cli/fixtures/held-back.ts', '--job', 'dagster_case']);
    expect(run.exitCode).toBe(0);
    expect(linesOf(run.stdout).slice(-3)).toStrictEqual(['', 'Concurrency', '  every op starts as soon as its inputs are done, whatever the ops take']);
  });

  it('a graph that is not series-parallel: each op that may wait for an op it does not depend on, by name', async () => {
    const run = await runCli(['plan', 'test/cli/fixtures/held-back.ts', '--job', 'n_shaped']);
    expect(run.exitCode).toBe(0);
    expect(linesOf(run.stdout).slice(-4)).toStrictEqual([
      '',
      'Concurrency',
      '  the graph is not series-parallel; these ops may wait for ops they do not depend on:',
      '  d may wait for a (not an input)',
    ]);
  });

  it('many held-back ops: the first 20, each naming at most 5 ops and counting the rest, then a count of the others', async () => {
    const run = await runCli(['plan', 'test/cli/fixtures/held-back.ts', '--job', 'zigzag']);
    expect(run.exitCode).toBe(0);
    const lines = linesOf(run.stdout);
    const section = lines.slice(lines.indexOf('Concurrency') + 1);
    expect(section).toHaveLength(22);
    expect(section[1]).toBe('  t_0 may wait for s_2, s_3, s_4, s_5, s_6 and 23 more (not inputs)');
    expect(section[20]).toBe('  t_19 may wait for s_0, s_1, s_2, s_3, s_4 and 23 more (not inputs)');
    expect(section[21]).toBe('  ... and 10 more ops that may wait for ops they do not depend on (280 such pairs in all: diagnostics.heldBackOps lists each op)');
  });

  it('--json: heldBackOps beside the retry plans', async () => {
    const run = await runCli(['plan', 'test/cli/fixtures/held-back.ts', '--job', 'n_shaped', '--json']);
    const document = JSON.parse(run.stdout) as { heldBackOps: unknown };
    expect(document.heldBackOps).toStrictEqual([{ op: 'd', mayWaitFor: ['a'] }]);
  });
});

describe('stepops run --simulate: each attempt of the named ops takes that many virtual seconds', () => {
  const runDagsterCase = (simulate: string, cwd?: string) =>
    runCli(['run', `${REPO_ROOT}/test/cli/fixtures/held-back.ts`, '--job', 'dagster_case', '--simulate', simulate], cwd === undefined ? {} : { cwd });

  it('op=seconds pairs: after_quick starts when quick is done, while slow waits for its retry', async () => {
    const run = await runDagsterCase('quick=5,after_quick=1,slow=30,join=2');
    expect(run.exitCode).toBe(0);
    const lines = linesOf(run.stdout);
    expect(lines.slice(1, 11)).toStrictEqual([
      '+0s         quick        started',
      '+0s         slow         started',
      '+5s         quick        succeeded',
      '+5s         after_quick  started',
      '+6s         after_quick  succeeded',
      '+30s        slow         attempt 1 failed: RetryRequested: Retry requested (maxRetries 1, secondsToWait 100); retry 1 in 1m 40s',
      '+2m 10s     slow         retry 1 started (attempt 2 after 1m 40s)',
      '+2m 40s     slow         succeeded on attempt 2',
      '+2m 40s     join         started',
      '+2m 42s     join         succeeded',
    ]);
    expect(lines).toContain('SUCCEEDED in 2m 42s (virtual time)');
  });

  it('a JSON file of seconds by op name', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'stepops-simulate-'));
    writeFileSync(join(directory, 'seconds.json'), JSON.stringify({ quick: 5, after_quick: 1, slow: 30, join: 2 }));
    const run = await runDagsterCase('seconds.json', directory);
    expect(run.exitCode).toBe(0);
    expect(linesOf(run.stdout)).toContain('SUCCEEDED in 2m 42s (virtual time)');
  });

  it('fails with the fix when a pair is malformed, the file is missing, or an op is unknown', async () => {
    const malformed = await runDagsterCase('quick=soon');
    expect(malformed.exitCode).toBe(2);
    expect(malformed.stderr).toContain('--simulate takes op=seconds pairs separated by commas, got "quick=soon" in "quick=soon"');
    const missing = await runDagsterCase('nowhere.json');
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('--simulate file nowhere.json not found');
    const unknown = await runDagsterCase('nope=3');
    expect(unknown.exitCode).not.toBe(0);
    expect(unknown.stderr).toContain('runJobLocally options.simulatedOpSeconds names "nope", which is not an op invocation of job "dagster_case"');
  });
});
