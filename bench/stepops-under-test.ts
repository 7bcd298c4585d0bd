/**
 * The stepops that a benchmark measures: the TypeScript sources (through bench/stepops.ts), or
 * the built package (dist/) as users import it from node_modules. `npm run bench` runs the
 * sources through tsx, whose transform (esbuild with keepNames: a `__name` call for each
 * function created; source-mapped stack traces) costs more per run than the built JavaScript
 * costs users, so the figures about what users pay per run measure the built package. It is
 * typed as the sources' entry points, which the build compiles one to one.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Entry from '../lib/index.js';
import type * as Runner from '../lib/runner/index.js';
import type * as Evaluate from '../lib/runner/evaluate/evaluate.js';
import * as sources from './stepops.js';

/** What the local-runner figure takes from stepops, from the sources or from the built package. */
export interface StepopsUnderTest {
  readonly job: typeof Entry.job;
  readonly op: typeof Entry.op;
  readonly RetryPolicy: typeof Entry.RetryPolicy;
  readonly RetryRequested: typeof Entry.RetryRequested;
  readonly Backoff: typeof Entry.Backoff;
  readonly compileJob: typeof Entry.compileJob;
  readonly runJobLocally: typeof Entry.runJobLocally;
  readonly runStateMachine: typeof Runner.runStateMachine;
  /** Not public: lets the warm figures also be measured with each run parsing its own expressions. */
  readonly clearExpressionCaches: typeof Evaluate.clearExpressionCaches;
}

/** The TypeScript sources, as this process loaded them. */
export const SOURCES: StepopsUnderTest = sources;

const built = new Set<string>();

/** Builds dist/ under `root` with its own `npm run build` (scripts/build-dist.ts here), once per process (the warm and cold parts both need it). */
export function buildPackage(root: string): void {
  if (built.has(root)) return;
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'ignore' });
  built.add(root);
}

/** Builds dist/ under `root` (once per process) and imports it. */
export async function loadBuiltPackage(root: string): Promise<StepopsUnderTest> {
  buildPackage(root);
  const load = async <T>(path: string): Promise<T> => (await import(pathToFileURL(join(root, 'dist', path)).href)) as T;
  const entry = await load<typeof Entry>('index.js');
  const runner = await load<typeof Runner>('runner/index.js');
  const evaluate = await load<typeof Evaluate>('runner/evaluate/evaluate.js');
  const { job, op, RetryPolicy, RetryRequested, Backoff, compileJob, runJobLocally } = entry;
  return {
    job,
    op,
    RetryPolicy,
    RetryRequested,
    Backoff,
    compileJob,
    runJobLocally,
    runStateMachine: runner.runStateMachine,
    clearExpressionCaches: evaluate.clearExpressionCaches,
  };
}
