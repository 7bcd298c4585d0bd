/**
 * `stepops run` stopped with Ctrl-C, and --function-timeout, through the real executable
 * (lib/cli/bin.ts) in a child process.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';
import { runStepops } from './process-helpers.js';

describe('stepops run, Ctrl-C and --function-timeout (the real command in a child process)', () => {
  it('Ctrl-C once an op has started: prints the timeline so far and exits with 130', async () => {
    let sent = false;
    const run = await runStepops(['run', 'test/cli/fixtures/hangs.ts'], {
      onOutput: ({ stderr }, child) => {
        if (!sent && stderr.includes('stuck started')) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(sent).toBe(true);
    expect(run.exitCode).toBe(130);
    expect(run.stdout).toContain('interrupted (Ctrl-C): the run was stopped; the timeline so far:');
    expect(run.stdout).toMatch(/^first +1 +/m);
    expect(run.stdout).toMatch(/^stuck +1 +/m);
    expect(run.stdout).not.toMatch(/^last +[1-9]/m);
    expect(run.stdout).toContain('States.Aborted');
  });

  it("--function-timeout 1: the op that never resolves fails with the wrapper's stepops.OpTimeout just before 1 s and the run ends (exit 1)", async () => {
    const run = await runStepops(['run', 'test/cli/fixtures/hangs.ts', '--function-timeout', '1']);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('stepops.OpTimeout');
    expect(run.stdout).toContain("close to the Lambda function's timeout");
  });
});

describe('stepops run --function-timeout (in process)', () => {
  it.each(['0', '1.5', '901', 'soon'])('refuses --function-timeout %s with the range and an example, exit 2', async (value) => {
    const run = await runCli(['run', 'test/cli/fixtures/hangs.ts', '--function-timeout', value]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe(
      `stepops: --function-timeout must be a whole number of seconds from 1 to 900 (a Lambda function's timeout), got "${value}"; pass e.g. --function-timeout 60\n`,
    );
  });

  it('Ctrl-C through the io hook, once `stuck` has started: the run stops and the command returns 130 with the partial timeline', async () => {
    let interrupt: (() => void) | undefined;
    let removed = false;
    let stdout = '';
    const run = await runCli(['run', 'test/cli/fixtures/hangs.ts'], {
      stdout: {
        write: (text) => {
          stdout += text;
          if (/stuck +started/.test(text)) interrupt!();
        },
        isTTY: false,
      },
      onInterrupt: (handler) => {
        interrupt = handler;
        return () => void (removed = true);
      },
    });
    expect(run.exitCode).toBe(130);
    expect(removed).toBe(true);
    expect(stdout).toMatch(/^stuck +1 +- +running$/m);
    expect(stdout).toMatch(/^last +0 +- +not run$/m);
    expect(stdout).toContain('ABORTED in 0s (virtual time): States.Aborted');
  });
});
