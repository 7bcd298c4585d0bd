/**
 * The plain aws-local-stepfunctions process of the cold figure's baseline (bench/cold-baseline-fixture.ts)
 * runs in plain Node and makes exactly the runner job's Task attempts: one per op plus its scripted failures.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { writeColdBaselineProcess } from '../../bench/cold-baseline-fixture.js';
import { describeRunnerOp } from '../../bench/runner-job.js';

describe('the cold baseline process', () => {
  it.each([10, 40])('at %i ops, runs in plain Node and makes every op attempt once plus its scripted failures', (size) => {
    const run = spawnSync(process.execPath, [writeColdBaselineProcess(size)], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const failures = Array.from({ length: size }, (_, k) => describeRunnerOp(k).failures ?? 0).reduce((sum, n) => sum + n, 0);
    expect(failures).toBeGreaterThan(0);
    expect(run.stdout.trim()).toBe(`attempts ${size + failures}`);
  });
});
