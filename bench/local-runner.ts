/**
 * Figure 6, local runner, as users pay it: the runner job (bench/runner-job.ts) at 100 / 1,000 /
 * 3,000 ops.
 * - warm (in one process, after a first run, on the built package as users import it:
 *   bench/stepops-under-test.ts): compile alone; runJobLocally with the compile
 *   included; the interpreter alone (runJobLocally on the compiled job: runStateMachine's
 *   parsing of the compiled definitions, the wrapper, every op); ops/s and billed transitions/s;
 * - against aws-local-stepfunctions 3 in the same run, on the bare machine of the same
 *   structure and Retry arrays with stub handlers (its construction and validation included):
 *   our interpreter on the compiled job, and on the very same bare machine in JSONata;
 * - cold: `stepops run` of the 1,000-op job as a fresh process (node dist/cli/bin.js; compile,
 *   run, progress and timeline included; the job module as a user writes it, importing the
 *   built package: bench/cold-job-module.ts), median of 5, against fresh aws-local-stepfunctions
 *   processes running the bare machine read from JSON (bench/cold-baseline-fixture.ts), median of 5
 *   (and, for continuity, through tsx building it first: bench/cold-baseline.ts), the processes
 *   of the four commands in rounds, one of each in turn;
 * - scaling: warm runJobLocally at 3,000 ops over 1,000.
 * Wall times with CPU times beside them (process.cpuUsage of the process doing the work: this one
 * for warm figures, each fresh process for cold ones): on shared cores wall time is mostly waiting.
 * Run alone: `npx tsx bench/local-runner.ts [warm] [compare] [cold]` (no argument: all three parts;
 * `warm` includes the scaling rows, `compare` the aws-local-stepfunctions rows, `cold` the fresh processes).
 * The smoke test (test/bench) runs the warm and compare parts at 10 and 30 ops, once.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runWithAwsLocalStepFunctions } from '../test/support/aws-local-stepfunctions.js';
import { writeColdJobModule } from './cold-job-module.js';
import { writeColdBaselineProcess } from './cold-baseline-fixture.js';
import { buildComparedRow, reportProgress, roundTo, type BenchFigure, type BenchRow } from './bench-row.js';
import { pickByScale, type BenchScale } from './bench-scale.js';
import { countBilledTransitions } from './count-transitions.js';
import { buildBareMachine, createStubHandlers } from './runner-baseline.js';
import { countEventTypes, countRecordedAnswers, createReplayHandlers, recordWrapperAnswers } from './replay-handlers.js';
import { buildRunnerGraph, buildRunnerJob, RUNNER_JOB_SETTING } from './runner-job.js';
import { computeMedian, measureMilliseconds } from './stats.js';
import { buildPackage, loadBuiltPackage, SOURCES, type StepopsUnderTest } from './stepops-under-test.js';
import { collectHistories, type JobDefinition, type runJobLocally } from './stepops.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const COLD_RUNS = 5;

/** Sizes and repetitions of the warm parts: `base` ops is the compared size, `large` its scaling partner. */
interface LocalRunnerScale {
  readonly sizes: readonly number[];
  readonly base: number;
  readonly large: number;
  /** Tried in order when `large` does not compile (a random job whose split parent outgrows the limit). */
  readonly fallbackLarge: readonly number[];
  readonly runs: number;
  /** Rounds of the scaling rows, each running both sizes one after the other. */
  readonly scalingRounds: number;
}
const FULL_SCALE: LocalRunnerScale = { sizes: [100, 1000, 3000], base: 1000, large: 3000, fallbackLarge: [2500, 2000], runs: 5, scalingRounds: 7 };
/** The smoke test's (test/bench): the same code at tiny sizes, once, and no fresh processes (they build dist/ first: minutes). */
const SMOKE_SCALE: LocalRunnerScale = { sizes: [10, 30], base: 10, large: 30, fallbackLarge: [], runs: 1, scalingRounds: 1 };

/** The parts of this figure that a run measures. */
export type LocalRunnerPart = 'warm' | 'compare' | 'cold';
const ALL_PARTS: readonly LocalRunnerPart[] = ['warm', 'compare', 'cold'];

/** Medians of wall and CPU milliseconds (user + system, this process) over `runs` runs. */
async function measureMedian<T>(run: () => Promise<T> | T, runs: number): Promise<{ readonly ms: number; readonly cpuMs: number; readonly result: T }> {
  const samples: number[] = [];
  const cpuSamples: number[] = [];
  let last!: T;
  for (let i = 0; i < runs; i += 1) {
    const cpu = process.cpuUsage();
    const { ms, result } = await measureMilliseconds(async () => run());
    const used = process.cpuUsage(cpu);
    samples.push(ms);
    cpuSamples.push((used.user + used.system) / 1000);
    last = result;
  }
  return { ms: computeMedian(samples), cpuMs: computeMedian(cpuSamples), result: last };
}

/** Retries and billed transitions of a run, its split children included. */
function countRun(result: Awaited<ReturnType<typeof runJobLocally>>): { retries: number; transitions: number } {
  const counts = collectHistories(result).map(countBilledTransitions);
  return { retries: counts.reduce((sum, c) => sum + c.retrierRetries, 0), transitions: counts.reduce((sum, c) => sum + c.total, 0) };
}

interface SizeFigures {
  readonly size: number;
  readonly compileMs: number;
  readonly fullMs: number;
  readonly interpreterMs: number;
  readonly interpreterCpuMs: number;
  /** The interpreter with the per-process expression caches emptied before each run (each run parses its own expressions). */
  readonly ownParsingMs: number;
  readonly ownParsingCpuMs: number;
  readonly retries: number;
  readonly transitions: number;
}

async function measureSize(size: number, runs: number, stepops: StepopsUnderTest): Promise<SizeFigures | undefined> {
  const { compileJob, runJobLocally, clearExpressionCaches } = stepops;
  const job: JobDefinition = buildRunnerJob(size, stepops);
  let compiled;
  try {
    compiled = compileJob(job);
  } catch (error) {
    reportProgress(`local runner: ${size} ops do not compile (${(error as Error).message.slice(0, 120)}); skipped`);
    return undefined;
  }
  reportProgress(`local runner: ${size} ops, warm`);
  await runJobLocally(job, { seed: 1, writeLog: () => {}, compiled }); // warm-up
  const compile = await measureMedian(() => compileJob(job), runs);
  const full = await measureMedian(() => runJobLocally(job, { seed: 1, writeLog: () => {} }), runs);
  const interpreter = await measureMedian(() => runJobLocally(job, { seed: 1, writeLog: () => {}, compiled }), runs);
  const ownParsing = await measureMedian(() => {
    clearExpressionCaches();
    return runJobLocally(job, { seed: 1, writeLog: () => {}, compiled });
  }, runs);
  if (full.result.status !== 'SUCCEEDED') throw new Error(`runJobLocally ended ${full.result.status}`);
  return {
    size,
    compileMs: compile.ms,
    fullMs: full.ms,
    interpreterMs: interpreter.ms,
    interpreterCpuMs: interpreter.cpuMs,
    ownParsingMs: ownParsing.ms,
    ownParsingCpuMs: ownParsing.cpuMs,
    ...countRun(full.result),
  };
}

/** Medians of the scaling rows' three timings at two sizes. */
interface ScalingFigures {
  readonly base: { readonly fullMs: number; readonly interpreterMs: number; readonly compileMs: number };
  readonly large: { readonly fullMs: number; readonly interpreterMs: number; readonly compileMs: number };
}

/**
 * The scaling rows' timings, both sizes measured in each of `rounds` rounds (compileJob,
 * runJobLocally with the compile, the interpreter alone; base size then large size), so that a
 * change in the machine's load during the bench weighs on both sides of the ratio alike; the
 * per-size rows above run one size after the other and can drift apart by 30% on a shared machine.
 */
async function measureScaling(baseSize: number, largeSize: number, rounds: number, stepops: StepopsUnderTest): Promise<ScalingFigures> {
  const { compileJob, runJobLocally } = stepops;
  const prepare = (size: number) => {
    const job: JobDefinition = buildRunnerJob(size, stepops);
    return { job, compiled: compileJob(job), full: [] as number[], interpreter: [] as number[], compile: [] as number[] };
  };
  const sides = [prepare(baseSize), prepare(largeSize)] as const;
  reportProgress(`local runner: scaling ${baseSize} -> ${largeSize} ops, ${rounds} alternating rounds`);
  for (const side of sides) await runJobLocally(side.job, { seed: 1, writeLog: () => {}, compiled: side.compiled }); // warm-up
  for (let round = 0; round < rounds; round += 1) {
    for (const side of sides) {
      side.compile.push((await measureMilliseconds(async () => compileJob(side.job))).ms);
      side.full.push((await measureMilliseconds(() => runJobLocally(side.job, { seed: 1, writeLog: () => {} }))).ms);
      side.interpreter.push((await measureMilliseconds(() => runJobLocally(side.job, { seed: 1, writeLog: () => {}, compiled: side.compiled }))).ms);
    }
  }
  const medians = (side: (typeof sides)[number]) => ({ fullMs: computeMedian(side.full), interpreterMs: computeMedian(side.interpreter), compileMs: computeMedian(side.compile) });
  return { base: medians(sides[0]), large: medians(sides[1]) };
}

/**
 * Preloaded into each fresh process: prints the process's own CPU time (user + system) on stderr
 * as it exits, and for each `stepops:` performance mark (RUN_PHASE_MARKS in
 * lib/cli/commands/run-command.ts) its time (ms since the process started) and the process's
 * CPU time then (it wraps performance.mark to read process.cpuUsage).
 */
const REPORT_CPU = `data:text/javascript,${encodeURIComponent(
  [
    'const cpu=()=>{const u=process.cpuUsage();return (u.user+u.system)/1000};const at={};const mark=performance.mark.bind(performance);',
    'performance.mark=(name,options)=>{at[name]=cpu();return mark(name,options)};',
    'process.on("exit",()=>{const m=performance.getEntriesByType("mark").filter(e=>e.name.startsWith("stepops:")).map(e=>e.name+"="+e.startTime+"/"+at[e.name]).join(",");',
    'process.stderr.write("\\nBENCH_CPU_MS="+cpu()+"\\nBENCH_MARKS="+m+"\\n")})',
  ].join(''),
)}`;

/** The phases of a cold `stepops run`, each ending at a performance mark (RUN_PHASE_MARKS), the first starting with the process. */
const COLD_PHASES = [
  { name: 'Node start-up and loading the CLI', end: 'stepops:run-started' },
  { name: 'loading the job module (and the runner, meanwhile)', end: 'stepops:job-loaded' },
  { name: 'compileJob', end: 'stepops:compiled' },
  { name: 'the run, with the progress lines', end: 'stepops:ran' },
  { name: 'summary and timeline', end: 'stepops:rendered' },
] as const;

interface ProcessFigures {
  readonly ms: number;
  readonly cpuMs: number;
  /** Median wall and CPU ms of each COLD_PHASES entry, when the processes marked them. */
  readonly phases: readonly { readonly ms: number; readonly cpuMs: number }[] | undefined;
}

/** One fresh `node <args>` process: its wall and CPU milliseconds and the phase each RUN_PHASE_MARKS mark ends. */
interface ProcessSample {
  readonly ms: number;
  readonly cpuMs: number;
  readonly phases: readonly ({ readonly ms: number; readonly cpuMs: number } | undefined)[];
}

/** Runs `node <args>` once, tsx's cache off, and reads what it reports as it exits. */
function runFreshProcess(args: readonly string[]): ProcessSample {
  const started = performance.now();
  // Cold means tsx's transform cache is empty too (it would otherwise keep the job module's
  // transform on disk from the first process for the next four).
  const env = { ...process.env, TSX_DISABLE_CACHE: '1' };
  const run = spawnSync(process.execPath, ['--import', REPORT_CPU, ...args], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - started;
  if (run.status !== 0 && run.status !== 1) throw new Error(`node ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  const cpu = /BENCH_CPU_MS=([\d.]+)/.exec(run.stderr);
  if (cpu === null) throw new Error(`node ${args.join(' ')} did not report its CPU time: ${run.stderr}`);
  // name=ms/cpuMs per mark
  const marks = new Map(
    (/BENCH_MARKS=(.*)/.exec(run.stderr)?.[1] ?? '').split(',').map((entry) => {
      const [name, times = ''] = entry.split('=');
      const [markMs, markCpuMs] = times.split('/').map(Number);
      return [name, { ms: markMs!, cpuMs: markCpuMs! }];
    }),
  );
  const phases = COLD_PHASES.map((phase, k) => {
    const phaseEnd = marks.get(phase.end);
    const phaseStart = k === 0 ? { ms: 0, cpuMs: 0 } : marks.get(COLD_PHASES[k - 1]!.end);
    return phaseEnd === undefined || phaseStart === undefined ? undefined : { ms: phaseEnd.ms - phaseStart.ms, cpuMs: phaseEnd.cpuMs - phaseStart.cpuMs };
  });
  return { ms, cpuMs: Number(cpu[1]), phases };
}

/**
 * Medians of wall and CPU milliseconds of COLD_RUNS fresh processes of each command, run in
 * rounds (each round one process of each command, in turn), so that every command meets the
 * same drift of the machine's speed; run one command after the other, two runs of this bench
 * gave the same build's cold ratio as 1.097 and 1.404 (session 17).
 */
function measureInterleavedProcesses(commands: readonly (readonly string[])[]): ProcessFigures[] {
  const samples: ProcessSample[][] = commands.map(() => []);
  for (let round = 0; round < COLD_RUNS; round += 1) commands.forEach((args, c) => samples[c]!.push(runFreshProcess(args)));
  return samples.map((runs) => {
    const phases = COLD_PHASES.every((_, k) => runs.every((run) => run.phases[k] !== undefined))
      ? COLD_PHASES.map((_, k) => ({ ms: computeMedian(runs.map((run) => run.phases[k]!.ms)), cpuMs: computeMedian(runs.map((run) => run.phases[k]!.cpuMs)) }))
      : undefined;
    return { ms: computeMedian(runs.map((run) => run.ms)), cpuMs: computeMedian(runs.map((run) => run.cpuMs)), phases };
  });
}

/** Every row of the local-runner figure (or of the parts asked for); at smoke scale, the warm and compare parts at tiny sizes. */
export async function measureLocalRunner(asked: readonly LocalRunnerPart[] = ALL_PARTS, scale: BenchScale = 'full'): Promise<BenchFigure> {
  const { sizes: allSizes, base, large, fallbackLarge, runs, scalingRounds } = pickByScale(scale, FULL_SCALE, SMOKE_SCALE);
  const parts = scale === 'full' ? asked : asked.filter((part) => part !== 'cold');
  const ops = (size: number): string => `${size.toLocaleString('en-US')} ops`;
  const rows: BenchRow[] = [];
  const figures: SizeFigures[] = [];
  // The comparison needs the base size's warm run (its retry count and interpreter time) even alone.
  const sizes = parts.includes('warm') ? allSizes : parts.includes('compare') ? [base] : [];
  // Users import the built package; the smoke test checks the same code on the sources, without building.
  if (sizes.length > 0 && scale === 'full') reportProgress('local runner: building dist/ (the warm rows measure the built package)');
  const stepops = sizes.length > 0 && scale === 'full' ? await loadBuiltPackage(ROOT) : SOURCES;
  const { runStateMachine } = stepops;
  const measuredCode = stepops === SOURCES ? 'the TypeScript sources' : 'the built package (dist/, as users import it)';
  for (const size of sizes) {
    const measured = await measureSize(size, runs, stepops);
    if (measured === undefined) continue;
    figures.push(measured);
    const { compileMs, fullMs, interpreterMs, retries, transitions } = measured;
    const at = `${size} ops with ${retries} retries`;
    const warm = `warm (same process, after a first run), ${measuredCode}, median of ${runs}, virtual clock, ops called through the real wrapper (jobHandler), logs discarded; ${RUNNER_JOB_SETTING}`;
    rows.push(
      { name: `local runner, ${size} ops: compileJob alone (warm)`, value: roundTo(compileMs, 1), unit: 'ms', method: `compileJob(job) of the job below, ${warm}` },
      { name: `local runner, ${size} ops: runJobLocally, compile included (warm)`, value: roundTo(fullMs, 1), unit: 'ms', method: `${at}; ${warm}` },
      {
        name: `local runner, ${size} ops: interpreter alone (warm)`,
        value: roundTo(interpreterMs, 1),
        unit: 'ms',
        method: `runJobLocally(job, { compiled }): runStateMachine parsing and running the compiled definitions (a split job's children included), the wrapper and the ops; ${at}; ${warm}`,
      },
      {
        name: `local runner, ${size} ops: ops per second, compile included (warm)`,
        value: roundTo((size / fullMs) * 1000, 0),
        unit: 'ops/s',
        method: `${size} ops / wall seconds of runJobLocally with the compile`,
      },
      {
        name: `local runner, ${size} ops: billed transitions per second, compile included (warm)`,
        value: roundTo((transitions / fullMs) * 1000, 0),
        unit: 'transitions/s',
        method: `${transitions} billed state transitions (states entered + retrier retries, every execution) / wall seconds of runJobLocally with the compile`,
      },
    );
  }

  const atBase = figures.find((figure) => figure.size === base);
  let atLarge = figures.find((figure) => figure.size === large);
  // Random large jobs may be refused (the split parent outgrows the limit): then the scaling is
  // measured at the largest of these sizes that compiles, against a goal scaled from 3.5x at 3x.
  for (const size of fallbackLarge) {
    if (!parts.includes('warm') || atLarge !== undefined || atBase === undefined) break;
    const measured = await measureSize(size, runs, stepops);
    if (measured === undefined) continue;
    atLarge = measured;
    rows.push(
      {
        name: `local runner, ${size} ops: runJobLocally, compile included (warm)`,
        value: roundTo(measured.fullMs, 1),
        unit: 'ms',
        method: `${ops(large)} do not compile; the largest of ${fallbackLarge.join(', ')} that does, ${measured.retries} retries; warm, median of ${runs}`,
      },
      {
        name: `local runner, ${size} ops: interpreter alone (warm)`,
        value: roundTo(measured.interpreterMs, 1),
        unit: 'ms',
        method: `runJobLocally(job, { compiled }), ${size} ops, warm, median of ${runs}`,
      },
      {
        name: `local runner, ${size} ops: compileJob alone (warm)`,
        value: roundTo(measured.compileMs, 1),
        unit: 'ms',
        method: `compileJob(job), ${size} ops, warm, median of ${runs}`,
      },
    );
  }
  if (atBase !== undefined && parts.includes('compare')) {
    const graph = buildRunnerGraph(base);
    reportProgress('local runner: aws-local-stepfunctions on the bare JSONPath machine');
    // Each side's definition is built once, outside the timed runs, as JSON text: building it
    // (the decomposition and the Retry arrays, ~36 ms) is this bench's scaffolding, not either
    // runner's work; each run parses the text (aws-local-stepfunctions changes the object it is
    // given, so it needs a fresh one per run; runStateMachine takes the text itself).
    const theirText = JSON.stringify(buildBareMachine(graph, 'JSONPath'));
    const ourText = JSON.stringify(buildBareMachine(graph, 'JSONata'));
    const theirCalls = { calls: 0 };
    const theirs = await measureMedian(() => {
      theirCalls.calls = 0;
      return runWithAwsLocalStepFunctions(JSON.parse(theirText) as object, createStubHandlers(graph, theirCalls));
    }, runs);
    const ourCalls = { calls: 0 };
    const bare = await measureMedian(() => {
      ourCalls.calls = 0;
      return runStateMachine(ourText, { taskHandlers: createStubHandlers(graph, ourCalls) });
    }, runs);
    if (theirs.result !== 'SUCCEEDED' || bare.result.status !== 'SUCCEEDED') throw new Error('a baseline run did not succeed');
    // The interpreter alone, as the baseline runs: runStateMachine on the compiled definitions (as
    // JSON text, parsed in each run), the wrapper's answers replayed by stub handlers.
    reportProgress('local runner: runStateMachine on the compiled definitions, the wrapper replayed');
    const replayJob = buildRunnerJob(base, stepops);
    const replayCompiled = stepops.compileJob(replayJob);
    const recorded = await stepops.runJobLocally(replayJob, { seed: 1, writeLog: () => {}, compiled: replayCompiled });
    const recordedHistories = collectHistories(recorded);
    const answers = recordWrapperAnswers(recordedHistories);
    const compiledText = JSON.stringify(replayCompiled.definition);
    const childTexts = Object.fromEntries(replayCompiled.childDefinitions.map((child) => ['${' + child.placeholder + '}', JSON.stringify(child.definition)]));
    const replayCalls = { calls: 0 };
    const replayed = await measureMedian(() => {
      replayCalls.calls = 0;
      return runStateMachine(compiledText, { input: {}, seed: 1, taskHandlers: createReplayHandlers(answers, replayCalls), stateMachines: childTexts });
    }, runs);
    const recordedEvents = countEventTypes(recordedHistories);
    const replayedEvents = countEventTypes(collectHistories(replayed.result));
    if (replayed.result.status !== 'SUCCEEDED' || replayCalls.calls !== countRecordedAnswers(answers) || replayedEvents !== recordedEvents) {
      throw new Error(
        `the replayed run differs from the recorded one: ${replayed.result.status}, ${replayCalls.calls} of ${countRecordedAnswers(answers)} answers; events ${replayedEvents} against ${recordedEvents}`,
      );
    }
    // Continuity with the figures measured before session 9, which ran the sources through tsx.
    const fromSources = stepops === SOURCES ? undefined : await measureSize(base, runs, SOURCES);
    if (theirCalls.calls !== base + atBase.retries || ourCalls.calls !== base + atBase.retries) {
      throw new Error(`attempts differ: runJobLocally ${base + atBase.retries}, runStateMachine ${ourCalls.calls}, aws-local-stepfunctions ${theirCalls.calls}`);
    }
    const baseline = `baseline: aws-local-stepfunctions 3 constructing (validating) and running the bare JSONPath machine (built once before the timed runs as JSON text, parsed in each run, as on our side) of the same structure (Tasks with the same Retry arrays, Parallels, nothing else) with in-process stub handlers that fail the same ${base + atBase.retries} attempts with the names the wrapper throws, retryIntervalOverrides 0, median of ${runs} in the same run`;
    rows.push(
      buildComparedRow({
        name: `local runner, ${ops(base)}: interpreter on the compiled job vs aws-local-stepfunctions (warm)`,
        value: atBase.interpreterMs,
        baseline: theirs.ms,
        unit: 'ms',
        method: `runJobLocally(job, { compiled }) as above (parsing the definition, the wrapper and ops included; each distinct JSONata expression is parsed once per process, in the warm-up run: see the own-parsing row; goal ratio <= 0.1); ${baseline}`,
      }),
      buildComparedRow({
        name: `local runner, ${ops(base)}: interpreter on the compiled job vs aws-local-stepfunctions, CPU time (warm)`,
        value: atBase.interpreterCpuMs,
        baseline: theirs.cpuMs,
        unit: 'ms CPU',
        method: `the same runs as the row above, CPU time (process.cpuUsage, user + system) instead of wall time; ${baseline}`,
      }),
      buildComparedRow({
        name: `local runner, ${ops(base)}: interpreter parsing its own expressions each run vs aws-local-stepfunctions (warm)`,
        value: atBase.ownParsingMs,
        baseline: theirs.ms,
        unit: 'ms',
        method: `runJobLocally(job, { compiled }) as above, with lib/runner/evaluate's per-process expression caches emptied before each run (the rows above parse each distinct JSONata expression once per process, so from the second run on they do not pay it; here every run reads, parses and compiles its own, as the first run of a process does); ${baseline}`,
      }),
      buildComparedRow({
        name: `local runner, ${ops(base)}: interpreter parsing its own expressions each run vs aws-local-stepfunctions, CPU time (warm)`,
        value: atBase.ownParsingCpuMs,
        baseline: theirs.cpuMs,
        unit: 'ms CPU',
        method: `the same runs as the row above, CPU time (process.cpuUsage, user + system); ${baseline}`,
      }),
      ...(fromSources === undefined
        ? []
        : [
            buildComparedRow({
              name: `local runner, ${ops(base)}: interpreter on the compiled job, TypeScript sources through tsx, vs aws-local-stepfunctions (warm)`,
              value: fromSources.interpreterMs,
              baseline: theirs.ms,
              unit: 'ms',
              method: `the first row's runs on the TypeScript sources as \`npm run bench\` loads them (tsx: esbuild's transform with keepNames, source-mapped stack traces), as the figures before session 9 were measured; users run the built package (the first row); ${baseline}`,
            }),
          ]),
      buildComparedRow({
        name: `local runner, ${ops(base)}: runStateMachine on the compiled definitions, the wrapper's answers replayed, vs aws-local-stepfunctions (warm)`,
        value: replayed.ms,
        baseline: theirs.ms,
        unit: 'ms',
        method: `the interpreter alone, as the baseline runs: runStateMachine parsing (from JSON text, each run) and running the compiled parent and child definitions, with stub handlers answering each of the ${countRecordedAnswers(answers)} wrapper Task attempts as the wrapper answered in a runJobLocally run of the same job (bench/replay-handlers.ts: the result, or the error and cause; checked: the same history event types, parent and child), no wrapper and no op code (the first row includes both); ${baseline}`,
      }),
      buildComparedRow({
        name: `local runner, ${ops(base)}: runStateMachine on the compiled definitions, the wrapper's answers replayed, vs aws-local-stepfunctions, CPU time (warm)`,
        value: replayed.cpuMs,
        baseline: theirs.cpuMs,
        unit: 'ms CPU',
        method: `the same runs as the row above, CPU time (process.cpuUsage, user + system); ${baseline}`,
      }),
      buildComparedRow({
        name: `local runner, ${ops(base)}: runStateMachine on the same bare machine (JSONata) vs aws-local-stepfunctions (warm)`,
        value: bare.ms,
        baseline: theirs.ms,
        unit: 'ms',
        method: `like for like: the very machine the baseline runs, in JSONata, parsing included, stub handlers; ${baseline}`,
      }),
      buildComparedRow({
        name: `local runner, ${ops(base)}: runJobLocally with the compile vs aws-local-stepfunctions (warm)`,
        value: atBase.fullMs,
        baseline: theirs.ms,
        unit: 'ms',
        method: `compile on our side only (the baseline runs a hand-made bare machine); ${baseline}`,
      }),
    );
  }
  if (parts.includes('cold')) {
    reportProgress('local runner: cold processes (building dist/ first)');
    buildPackage(ROOT);
    const jobModule = writeColdJobModule(ROOT, 1000);
    const esJobModule = writeColdJobModule(ROOT, 1000, { esModule: true });
    // The baseline as its users pay it: plain Node, the package, a definition read from JSON.
    const baselineScript = writeColdBaselineProcess(1000);
    let measured: ProcessFigures[];
    try {
      // The last: the baseline measured before session 13, the same run in a tsx process that
      // first loads and runs this bench's TypeScript to build the machine (tsx's transform and
      // the decomposition are in its time: it flattered the ratio).
      measured = measureInterleavedProcesses([
        ['dist/cli/bin.js', 'run', jobModule, '--logs', 'none'],
        ['dist/cli/bin.js', 'run', esJobModule, '--logs', 'none'],
        [baselineScript],
        ['--import', 'tsx', 'bench/cold-baseline.ts', '1000'],
      ]);
    } finally {
      // Each was written to a temporary directory of its own.
      for (const file of [jobModule, esJobModule, baselineScript]) rmSync(dirname(file), { recursive: true, force: true });
    }
    const [cold, coldEsModule, coldBaseline, coldBaselineTsx] = measured as [ProcessFigures, ProcessFigures, ProcessFigures, ProcessFigures];
    const baselineMethod = `baseline: \`node cold-baseline-1000.mjs\` (written by bench/cold-baseline-fixture.ts: Node start, loading aws-local-stepfunctions, reading the bare JSONPath machine of the same structure and retries from a JSON file, constructing (validating) and running it with stub handlers failing the same attempts, retry intervals 0), median of ${COLD_RUNS} fresh processes in the same run, in rounds with the stepops processes (one of each command in turn)`;
    rows.push(
      buildComparedRow({
        name: 'local runner, 1,000 ops: cold `stepops run` (one fresh process) vs one cold aws-local-stepfunctions process',
        value: cold.ms,
        baseline: coldBaseline.ms,
        unit: 'ms',
        method: `wall time of \`node dist/cli/bin.js run <module> --logs none\` on the job written as a user would (bench/cold-job-module.ts: one TypeScript module importing the built package, 1,000 ops defined directly) (Node start, loading the CLI, the job module (esbuild's transform: a CommonJS module importing only the package), compile, run on the virtual clock, progress and timeline), median of ${COLD_RUNS} fresh processes (goal <= 1,000 ms, that is no slower than the baseline); ${baselineMethod}; every process with TSX_DISABLE_CACHE=1 (tsx transforms each module again, as on a first run)`,
      }),
      buildComparedRow({
        name: 'local runner, 1,000 ops: cold `stepops run` vs one cold aws-local-stepfunctions process started through tsx (the baseline before session 13)',
        value: cold.ms,
        baseline: coldBaselineTsx.ms,
        unit: 'ms',
        method: `the same stepops processes as the row above; baseline: \`node --import tsx bench/cold-baseline.ts 1000\` (Node start, tsx, transforming and running this bench's TypeScript to build the bare JSONPath machine, then the same aws-local-stepfunctions run), median of ${COLD_RUNS} fresh processes, TSX_DISABLE_CACHE=1: the figure reported until session 12, kept for continuity; it charges the baseline with tsx and the decomposition, which its users do not pay`,
      }),
      buildComparedRow({
        name: 'local runner, 1,000 ops: cold `stepops run` vs one cold aws-local-stepfunctions process, CPU time',
        value: cold.cpuMs,
        baseline: coldBaseline.cpuMs,
        unit: 'ms CPU',
        method: `the same processes as the row above: each one's own CPU time (process.cpuUsage, user + system, all threads, printed as it exits), median of ${COLD_RUNS}`,
      }),
      buildComparedRow({
        name: 'local runner, 1,000 ops: cold `stepops run` of the same job as an ES module vs one cold aws-local-stepfunctions process',
        value: coldEsModule.ms,
        baseline: coldBaseline.ms,
        unit: 'ms',
        method: `as the cold row above, the module beside a package.json with "type": "module" (as most TypeScript projects; esbuild's transform, handed to Node by a module hook), median of ${COLD_RUNS} fresh processes; the same baseline processes`,
      }),
      buildComparedRow({
        name: 'local runner, 1,000 ops: cold `stepops run` of the same job as an ES module, CPU time',
        value: coldEsModule.cpuMs,
        baseline: coldBaseline.cpuMs,
        unit: 'ms CPU',
        method: `the same processes as the row above, each one's own CPU time, median of ${COLD_RUNS}`,
      }),
    );
    const { phases } = cold;
    if (phases === undefined) throw new Error('the cold stepops run processes did not mark their phases (RUN_PHASE_MARKS)');
    COLD_PHASES.forEach((phase, k) => {
      const from = k === 0 ? 'the process start' : `the performance mark ${COLD_PHASES[k - 1]!.end}`;
      const name = `local runner, 1,000 ops: cold \`stepops run\`, phase ${k + 1} of ${COLD_PHASES.length}: ${phase.name}`;
      const method = `the same processes as the cold rows above: from ${from} to ${phase.end} (lib/cli/commands/run-command.ts), median of ${COLD_RUNS}; the rest of the process (writing the output, exit) is the cold row's value minus these`;
      rows.push(
        { name, value: roundTo(phases[k]!.ms, 1), unit: 'ms', method: `wall time ${method}` },
        { name: `${name}, CPU time`, value: roundTo(phases[k]!.cpuMs, 1), unit: 'ms CPU', method: `the process's CPU time (user + system, all threads) ${method}` },
      );
    });
  }
  if (atBase !== undefined && atLarge !== undefined) {
    const largeSize = atLarge.size;
    const scaling = await measureScaling(base, largeSize, scalingRounds, stepops);
    const alternated = `medians of ${scalingRounds} rounds, each measuring ${base} then ${largeSize} ops, warm, ${measuredCode}`;
    const sequential = (large: number, small: number) => `the per-size rows above, measured one size after the other, give ${roundTo(large / small, 3)}`;
    const label = `${base.toLocaleString('en-US')} -> ${ops(largeSize)}`;
    // The goal is 3.5x for 3x the ops (issue 14), scaled to the sizes measured.
    const goal = `goal ratio <= ${roundTo((3.5 * largeSize) / (3 * base), 2)} (3.5x at 3x the ops, scaled); ${roundTo(largeSize / base, 2)} is linear`;
    rows.push(
      buildComparedRow({
        name: `local runner: scaling ${label}, runJobLocally with the compile (warm)`,
        value: scaling.large.fullMs,
        baseline: scaling.base.fullMs,
        unit: 'ms',
        method: `runJobLocally of the ${largeSize}-op job over the ${base}-op one, ${alternated} (${goal}; ${sequential(atLarge.fullMs, atBase.fullMs)})`,
      }),
      buildComparedRow({
        name: `local runner: scaling ${label}, interpreter alone (warm)`,
        value: scaling.large.interpreterMs,
        baseline: scaling.base.interpreterMs,
        unit: 'ms',
        method: `runJobLocally(job, { compiled }) of the ${largeSize}-op job over the ${base}-op one, ${alternated} (${goal}; ${sequential(atLarge.interpreterMs, atBase.interpreterMs)})`,
      }),
      buildComparedRow({
        name: `local runner: scaling ${label}, compileJob alone (warm)`,
        value: scaling.large.compileMs,
        baseline: scaling.base.compileMs,
        unit: 'ms',
        method: `compileJob at ${largeSize} ops over ${base} ops, ${alternated} (${goal}; ${sequential(atLarge.compileMs, atBase.compileMs)})`,
      }),
    );
  }
  return { figure: 'local runner', rows };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((part) => !ALL_PARTS.includes(part as LocalRunnerPart));
  if (unknown.length > 0) throw new Error(`unknown part(s) ${unknown.join(', ')}; use any of ${ALL_PARTS.join(', ')}`);
  for (const row of (await measureLocalRunner(asked.length === 0 ? ALL_PARTS : (asked as LocalRunnerPart[]))).rows)
    console.log(row.name, row.value, row.unit, row.baseline ?? '', row.ratio ?? '');
}
