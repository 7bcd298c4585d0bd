import { describe, expect, it } from 'vitest';
import { linesOf, runCli } from './helpers.js';

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

  it('--json: heldBackOps beside the retry plans', async () => {
    const run = await runCli(['plan', 'test/cli/fixtures/held-back.ts', '--job', 'n_shaped', '--json']);
    const document = JSON.parse(run.stdout) as { heldBackOps: unknown };
    expect(document.heldBackOps).toStrictEqual([{ op: 'd', mayWaitFor: ['a'] }]);
  });
});
