import { describe, expect, it } from 'vitest';
import { linesOf, runCli } from './helpers.js';

/** A user mistake: exactly one line on stderr, `stepops: <what>; <fix>`, no stack trace, nothing on stdout. */
function expectOneLine(stderr: string, pattern: RegExp): void {
  const lines = linesOf(stderr);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^stepops: [^;]+; .+/);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('stepops: user mistakes print one line and exit non-zero', () => {
  it.each([
    ['a missing module', ['run', 'handlers/nope.ts'], 2, /^stepops: cannot find module handlers\/nope\.ts .*; pass the path of a TypeScript file/],
    [
      'an unknown job',
      ['run', 'test/cli/fixtures/two-jobs.ts', '--job', 'nope'],
      2,
      /has no job named "nope" \(it exports: hello_job, other_job\); pass one of these names to --job/,
    ],
    ['several jobs and no --job', ['plan', 'test/cli/fixtures/two-jobs.ts'], 2, /exports several jobs \(hello_job, other_job\); pick one with --job <name>/],
    ['a module with no jobs', ['graph', 'test/cli/fixtures/no-jobs.ts'], 2, /test\/cli\/fixtures\/no-jobs\.ts exports no job; export one/],
    ['bad --input JSON', ['run', 'handlers/retry-job.ts', '--input', '{"ops":'], 2, /^stepops: --input is not valid JSON \(.+\); pass JSON such as/],
    [
      'a missing --input @file',
      ['run', 'handlers/retry-job.ts', '--input', '@missing.json'],
      2,
      /^stepops: --input file missing\.json not found \(.+\); pass @<path to a JSON file>/,
    ],
    [
      'bad JSON in an --input @file',
      ['run', 'handlers/retry-job.ts', '--input', '@test/cli/fixtures/bad-input.json'],
      2,
      /--input file test\/cli\/fixtures\/bad-input\.json is not valid JSON/,
    ],
    ['a --seed that is not an integer', ['run', 'handlers/retry-job.ts', '--seed', 'abc'], 2, /^stepops: --seed must be an integer, got "abc"; pass e\.g\. --seed 42$/],
    ['a bad --interval', ['watch', 'arn:aws:states:us-east-1:123456789012:execution:sm:run', '--interval', '0'], 2, /--interval must be a number of seconds > 0/],
    [
      'an invalid job definition',
      ['run', 'test/cli/fixtures/broken-definition.ts'],
      2,
      /failed to load: RetryPolicy\.backoff needs RetryPolicy\.delay.*; fix the job or op definition/,
    ],
    ['a module that throws on load', ['compile', 'test/cli/fixtures/throws-on-load.ts'], 1, /failed to load: Error: cannot reach the config server; fix the module/],
    ['an unknown command', ['deploy'], 2, /^stepops: unknown command 'deploy'; run 'stepops --help'/],
    ['an unknown option', ['run', 'handlers/retry-job.ts', '--fast'], 2, /^stepops: unknown option '--fast'; run 'stepops --help'/],
    ['a missing argument', ['plan'], 2, /^stepops: missing required argument 'module'/],
    ['a bad --logs choice', ['run', 'handlers/retry-job.ts', '--logs', 'some'], 2, /option '--logs <mode>' argument 'some' is invalid/],
  ])('fails on %s', async (_label, argv, exitCode, pattern) => {
    const run = await runCli(argv);
    expect(run.exitCode).toBe(exitCode);
    expectOneLine(run.stderr, pattern);
    expect(run.stdout).toBe('');
  });

  it('fails with the usage on stderr and exit 2 when no command is given', async () => {
    const run = await runCli([]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/^Usage: stepops \[options\] \[command\]/);
  });

  it('prints help on stdout and exits 0 for --help', async () => {
    const run = await runCli(['run', '--help']);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/Usage: stepops run \[options\] <module>/);
    expect(run.stdout).toMatch(/--real-time/);
    expect(run.stderr).toBe('');
  });
});
