import { Command, CommanderError, Option } from 'commander';
import { isDefinitionError } from '../errors.js';
import { REEXECUTION_STRATEGIES, isRunConfigError } from '../job/index.js';
import type { CliIo } from './cli-io.js';
import { FAILURE_EXIT_CODE, INTERRUPTED_EXIT_CODE, USAGE_EXIT_CODE, isCliError } from './cli-error.js';
import type { CompileCommandOptions } from './commands/compile-command.js';
import type { PlanCommandOptions } from './commands/plan-command.js';
import type { ReexecuteCommandOptions } from './commands/reexecute-command.js';
import type { RunCommandOptions } from './commands/run-command.js';
import type { WatchCommandOptions } from './commands/watch-command.js';
import { parseFunctionTimeoutOption, parseIntervalOption, parseSeedOption, parseMaxDefinitionCharactersOption } from './parse-options.js';
import { createProcessIo, silenceAwsSdkNotices } from './process-io.js';

const VERSION = '0.1.0';

/**
 * The `stepops` command. Runs in-process with any argv and I/O (tests capture both) and
 * resolves with the exit code: 0 success, 1 a failed execution or AWS call, 2 a usage error.
 * User mistakes print one line, `stepops: <what>; <fix>`, on stderr.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  if (argv.length === 0) {
    io.stderr.write(program.helpInformation());
    return USAGE_EXIT_CODE;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportError(error, io);
  }
}

/** Each command's module is imported when that command runs: `stepops run` loads none of the AWS commands, `--help` none of them. */
function buildProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('stepops')
    .description("Dagster's op retries on AWS Step Functions + Lambda: run jobs locally on a virtual clock, inspect their retry plans, follow executions on AWS.")
    .version(VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: () => {},
    });
  const jobOption = (): Option => new Option('--job <name>', 'the job to use when the module exports several (job name or export name)');

  program
    .command('run')
    .description('run a job locally (virtual clock by default) with live progress, then print its timeline')
    .argument('<module>', 'TypeScript module that exports the job, relative to the current directory')
    .addOption(jobOption())
    .option('--input <json|@file>', 'execution input, e.g. {"ops":{"my_op":{"config":{}}}}, or @path to a JSON file')
    .option('--seed <n>', 'seed for jitter and generated names', parseSeedOption)
    .option('--real-time', 'wait for real instead of on the virtual clock')
    .option('--simulate <op=s,...|file>', 'seconds each attempt of these ops takes, e.g. extract=30,load=5, or a JSON file {"extract": 30}')
    .option(
      '--function-timeout <s>',
      "the Lambda function timeout of each op attempt, whole seconds 1..900 (default: 60, the construct's); an attempt past it fails with Sandbox.Timedout",
      parseFunctionTimeoutOption,
    )
    .addOption(new Option('--logs <mode>', "op log lines to show: 'ops' (ctx.log), 'all' (with the wrapper's decisions), 'none'").choices(['ops', 'all', 'none']).default('ops'))
    .option(
      '--max-definition-characters <n>',
      'split the job into a parent and child state machines above this size (default: the Step Functions limit, 1048576)',
      parseMaxDefinitionCharactersOption,
    )
    .addOption(
      new Option(
        '--concurrency <mode>',
        "'structured' (sequences and Parallels only) or 'exact' (every op starts when its last producer is done, on any graph, through task-token waits)",
      ).choices(['structured', 'exact']),
    )
    .option('--json', 'print the result as one JSON document on stdout (progress goes to stderr)')
    .option('--report <file.html>', 'also write an HTML report: the job graph, a Gantt timeline of every attempt and wait, the retry plans')
    .option(
      '--from-failure <run.json>',
      "re-execute an earlier run (its --json document) from failure: only failed and skipped ops and their downstream run, the others' outputs are reused",
    )
    .action(async (modulePath: string, options: RunCommandOptions) => {
      const { runRunCommand } = await import('./commands/run-command.js');
      setExitCode(await runRunCommand(modulePath, options, io));
    });

  program
    .command('plan')
    .description("print each op's resolved retry policy, its source, mechanism, waits, worst case and deviations from Dagster")
    .argument('<module>', 'TypeScript module that exports the job')
    .addOption(jobOption())
    .option('--json', 'print the retry plans as one JSON document')
    .addOption(
      new Option(
        '--concurrency <mode>',
        "'structured' (sequences and Parallels only) or 'exact' (every op starts when its last producer is done, on any graph, through task-token waits)",
      ).choices(['structured', 'exact']),
    )
    .action(async (modulePath: string, options: PlanCommandOptions) => {
      const { runPlanCommand } = await import('./commands/plan-command.js');
      setExitCode(await runPlanCommand(modulePath, options, io));
    });

  program
    .command('compile')
    .description('print the compiled state machine definition (JSON) on stdout')
    .argument('<module>', 'TypeScript module that exports the job')
    .addOption(jobOption())
    .option('--function-arn <arn>', 'the deployed wrapper function, written in place of ${StepopsFunctionArn}')
    .addOption(
      new Option(
        '--concurrency <mode>',
        "'structured' (sequences and Parallels only) or 'exact' (every op starts when its last producer is done, on any graph, through task-token waits)",
      ).choices(['structured', 'exact']),
    )
    .option('--json', 'print one JSON document: the definition, child definitions, retry plans and diagnostics')
    .action(async (modulePath: string, options: CompileCommandOptions) => {
      const { runCompileCommand } = await import('./commands/compile-command.js');
      setExitCode(await runCompileCommand(modulePath, options, io));
    });

  program
    .command('graph')
    .description('print the job graph with its retry policies as Mermaid text')
    .argument('<module>', 'TypeScript module that exports the job')
    .addOption(jobOption())
    .action(async (modulePath: string, options: { job?: string }) => {
      const { runGraphCommand } = await import('./commands/graph-command.js');
      setExitCode(await runGraphCommand(modulePath, options, io));
    });

  program
    .command('start')
    .description('start an execution of a deployed state machine on AWS and follow it')
    .argument('<state-machine-arn>', 'ARN of the state machine')
    .option('--input <json|@file>', 'execution input as JSON, or @path to a JSON file')
    .option('--name <name>', 'execution name (default: generated by Step Functions)')
    .option('--no-follow', 'print the execution ARN and exit without following it')
    .option('--interval <s>', 'seconds between polls while following', parseIntervalOption)
    .option('--region <region>', 'AWS region (default: the one in the ARN)')
    .action(async (arn: string, options: { input?: string; name?: string; follow: boolean; interval?: number; region?: string }) => {
      const { runStartCommand } = await import('./commands/start-command.js');
      setExitCode(await runStartCommand(arn, options, io));
    });

  program
    .command('reexecute')
    .description("re-execute a failed execution on AWS: a new execution of the same state machine that reuses the succeeded ops' outputs, followed like start")
    .argument('<execution-arn>', 'ARN of the failed execution')
    .addOption(
      new Option('--strategy <strategy>', "'from-failure': run only failed and skipped ops and their downstream; 'all-steps': every op")
        .choices([...REEXECUTION_STRATEGIES])
        .default('from-failure'),
    )
    .option('--name <name>', 'the new execution name (default: generated by Step Functions)')
    .option('--no-follow', 'print the new execution ARN and exit without following it')
    .option('--interval <s>', 'seconds between polls while following', parseIntervalOption)
    .option('--region <region>', 'AWS region (default: the one in the ARN)')
    .option('--json', "print the new execution's result as one JSON document on stdout (progress goes to stderr)")
    .action(async (arn: string, options: ReexecuteCommandOptions) => {
      const { runReexecuteCommand } = await import('./commands/reexecute-command.js');
      setExitCode(await runReexecuteCommand(arn, options, io));
    });

  program
    .command('watch')
    .description('follow an execution on AWS and print its timeline')
    .argument('<execution-arn>', 'ARN of the execution')
    .option('--interval <s>', 'seconds between polls', parseIntervalOption)
    .option('--region <region>', 'AWS region (default: the one in the ARN)')
    .option('--json', 'print the result as one JSON document on stdout (progress goes to stderr)')
    .option('--report <file.html>', 'also write an HTML report: a Gantt timeline of every attempt and wait (with --module: the job graph and retry plans)')
    .option('--module <module>', "the job's TypeScript module, for the report's graph and retry plans")
    .addOption(jobOption())
    .action(async (arn: string, options: WatchCommandOptions) => {
      const { runWatchCommand } = await import('./commands/watch-command.js');
      setExitCode(await runWatchCommand(arn, options, io));
    });
  return program;
}

/** One line on stderr and the exit code; a stack trace only for our own bugs, with STEPOPS_DEBUG set. */
function reportError(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
    if (error.code === 'commander.help') return USAGE_EXIT_CODE;
    const what = error.message.replace(/^error: /, '').split('\n')[0]!;
    io.stderr.write(`stepops: ${what}; run 'stepops --help' (or 'stepops <command> --help') for usage\n`);
    return USAGE_EXIT_CODE;
  }
  if (isCliError(error)) {
    io.stderr.write(`stepops: ${error.message}\n`);
    return error.exitCode;
  }
  if (isRunConfigError(error)) {
    io.stderr.write(`stepops: ${error.message}\n`);
    return USAGE_EXIT_CODE;
  }
  if (isDefinitionError(error)) {
    io.stderr.write(`stepops: ${error.message}\n`);
    return USAGE_EXIT_CODE;
  }
  const described = error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error);
  if (io.env.STEPOPS_DEBUG !== undefined && error instanceof Error) io.stderr.write(`${error.stack ?? described}\n`);
  io.stderr.write(`stepops: unexpected error: ${described}; this is likely a stepops bug (set STEPOPS_DEBUG=1 to see the stack)\n`);
  return FAILURE_EXIT_CODE;
}

/** Runs `main` on the process's argv and sets the exit code. */
export async function runCli(): Promise<void> {
  silenceAwsSdkNotices(process.env);
  const exitCode = await main(process.argv.slice(2), createProcessIo());
  // An interrupted run may leave op code running (abandoned attempts): end now, as Ctrl-C asked.
  if (exitCode === INTERRUPTED_EXIT_CODE) process.exit(exitCode);
  process.exitCode = exitCode;
}
