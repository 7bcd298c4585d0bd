/**
 * vitest global setup: the whole test run gets a temporary directory of its own (TMPDIR, which
 * os.tmpdir() reads in every worker and child process), removed when the run ends. What the
 * tests and the code they run write to the temporary directory (CDK's cdk.out of each App
 * without an outdir, the CLI's fixtures, Chromium's profiles, long definitions) goes with it
 * instead of piling up in /tmp run after run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const directory = mkdtempSync(join(tmpdir(), 'stepops-test-run-'));
  const before = process.env.TMPDIR;
  process.env.TMPDIR = directory;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    rmSync(directory, { recursive: true, force: true });
  };
}
