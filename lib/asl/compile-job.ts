import { DefinitionError, describeValue } from '../errors.js';
import { computeJobFingerprint } from '../job/job-fingerprint.js';
import { isJobDefinition, type JobDefinition } from '../job/job.js';
import { INLINE_THRESHOLD_BYTES } from '../job/wire-protocol.js';
import { resolveRetryPolicy } from '../job/resolve-retry-policy.js';
import type { RetryPolicy } from '../policy/retry-policy.js';
import { FUNCTION_ARN_PLACEHOLDER, MAX_DEFINITION_CHARACTERS, MAX_FUNCTION_TIMEOUT_SECONDS } from './asl-constants.js';
import type { AslDefinition, AslPassState, AslState, JsonObject } from './asl-types.js';
import { buildFaultVariables, compileFaultHandling } from './compile-faults.js';
import { compileOpRetries, findStrictViolations, type RetryFidelity } from './compile-retriers.js';
import { buildStates, compileStructure, type CarriedOps, type OpCompileInfo } from './compile-structure.js';
import { ChildCache } from './child-cache.js';
import { decomposeGraph } from './decompose-graph.js';
import { decomposeExact, type CrossEdge } from './decompose-exact.js';
import { computeWaitTimeoutSeconds } from './wait-timeouts.js';
import { computeCoordinationCost, type CoordinationCost } from './coordination-cost.js';
import type { ExactWaits } from './compile-structure.js';
import { computeCriticalPath, evaluateMakespan } from './evaluate-makespan.js';
import { buildOpGraph } from './job-graph.js';
import { buildHasMarker, buildJobCause, buildJobError, buildMarkerFilter, buildOpsConfig, buildPayloadTemplate, expression, unboxValue, variable } from './jsonata-expressions.js';
import { describeHeldBackOps, findHeldBackOps, MAX_HELD_BACK_NAMES, type HeldBackOp } from './held-back-ops.js';
import { countParallels, type OpBlock } from './op-blocks.js';
import { collectOpCharacters, createDefinitionMeasure, splitJob } from './split-job.js';
import { WholeMeasure } from './whole-measure.js';
import {
  buildParentOutput,
  buildPartMarkers,
  buildPartsHaveMarker,
  buildPartValues,
  compileSplitChildren,
  compileSplitParent,
  type CompiledParent,
} from './compile-split-parent.js';
import { MAX_MARKER_CAUSE_CHARACTERS, planPayloadBudget, type ExtraLoad } from './payload-budget.js';
import type { OpRetryPlan } from './retry-plan.js';
import {
  CHECK_STATE_NAME,
  FAILED_STATE_NAME,
  FAILURES_VARIABLE,
  INIT_STATE_NAME,
  OP_NAMES_VARIABLE,
  RUN_CONFIG_CHECK_STATE_NAME,
  RUN_VARIABLES,
  SUCCEEDED_STATE_NAME,
} from './state-names.js';
import { buildRunConfigStates } from './run-config-check.js';

export interface CompileJobOptions {
  /**
   * Refuse (DefinitionError) any retry deviation beyond whole-second rounding and the
   * platform's own retries; see STRICT_ACCEPTED_DEVIATIONS.
   * @default false
   */
  readonly strict?: boolean;
  /** 'exact' or 'native' (Retry blocks only, geometric best fit). @default 'exact' */
  readonly fidelity?: RetryFidelity;
  /**
   * Estimated seconds per op invocation, by name, for the graph decomposition. Only their
   * ratios matter.
   * @default - 1 for every op
   */
  readonly opDurations?: Readonly<Record<string, number>>;
  /**
   * The most characters one definition may have: a job whose definition would be larger is
   * split into a parent and child state machines (see CompiledJob.childDefinitions). For
   * tests (force a split on a small job) and for leaving headroom below Step Functions' limit.
   * @default MAX_DEFINITION_CHARACTERS (1,048,576)
   */
  readonly maxDefinitionCharacters?: number;
  /**
   * 'structured': sequences and Parallels only; exact on series-parallel graphs, and on others
   * some ops may wait for ops they do not depend on (diagnostics.heldBackOps).
   * 'exact': every op starts once its last producer is done, on any graph: the structure drops
   * the dependencies that make the graph non-series-parallel and enforces each with a
   * task-token wait released through a coordination store (see decompose-exact.ts,
   * compile-coordination.ts). A series-parallel graph compiles exactly as in 'structured'.
   * @default 'structured'
   */
  readonly concurrency?: Concurrency;
  /**
   * The longest one attempt of an op can take (the wrapper function's timeout), for the
   * TimeoutSeconds of exact mode's waits.
   * @default 900 (Lambda's maximum)
   */
  readonly opTimeoutSeconds?: number;
  /**
   * How many of the ops each held-back op may wait for diagnostics.heldBackOps names (the
   * others are counted in `omittedMayWaitFor`); Infinity names them all (the whole relation
   * can have O(ops^2) names: 895,630 at 3,000 random ops).
   * @default 5
   */
  readonly maxHeldBackNames?: number;
}

/** How the compiled machine orders ops: see CompileJobOptions.concurrency. */
export type Concurrency = 'structured' | 'exact';

/** A child state machine of a job too large for one definition; the parent starts it and waits for it. */
export interface ChildDefinition {
  /** 'part1', 'part2', ... */
  readonly name: string;
  /** The placeholder (without `${}`) the parent uses for this child's ARN: 'StepopsChildPart1Arn', ... */
  readonly placeholder: string;
  readonly definition: AslDefinition;
}

/** Figures about a compiled job. */
export interface CompileDiagnostics {
  /** JSON.stringify(definition).length, against Step Functions' 1,048,576. */
  readonly characters: number;
  readonly tasks: number;
  readonly parallels: number;
  /** State transitions of a run where no op retries or fails: init Pass + run config Choice + Tasks + Parallels + final Choice + Succeed. */
  readonly happyPathTransitions: number;
  /** The graph's critical path with opDurations (1 s for each op they do not name). */
  readonly criticalPath: number;
  /** The compiled structure's makespan with the same durations (other durations may lose more: see heldBackOps). */
  readonly makespan: number;
  /**
   * The ops the structure can make wait for ops they do not depend on, op by op; empty when the
   * graph is series-parallel, and then every op starts as soon as its inputs are done whatever
   * the ops take (makespan = critical path for every duration vector).
   */
  readonly heldBackOps: readonly HeldBackOp[];
  /** Readable notes: the split, held-back ops, op-level deviations in short. */
  readonly notes: readonly string[];
  /**
   * `concurrency: 'exact'`: the dependencies enforced by task-token waits and what they cost.
   * @default - absent in structured mode
   */
  readonly coordination?: CoordinationDiagnostics;
}

/** What exact mode adds to a job (absent in structured mode). */
export interface CoordinationDiagnostics extends CoordinationCost {
  /** The dependencies the structure does not give, each enforced by a wait Task before the consumer. */
  readonly crossEdges: readonly { readonly producer: string; readonly consumer: string }[];
  /** Producers with a release Task after their own. */
  readonly releasedOps: readonly string[];
  /** TimeoutSeconds of the waits for each released producer. */
  readonly waitTimeoutSeconds: Readonly<Record<string, number>>;
}

export interface CompiledJob {
  /** The state machine to deploy and start: the whole job, or the parent of childDefinitions. */
  readonly definition: AslDefinition;
  /**
   * [] when the job fits in one definition. Otherwise the child machines the parent starts
   * with `arn:aws:states:::states:startExecution.sync:2` Tasks whose StateMachineArn is
   * `${<placeholder>}`; each child's op Tasks call `${StepopsFunctionArn}` like the parent's.
   */
  readonly childDefinitions: readonly ChildDefinition[];
  /** One per op invocation, in invocation order. */
  readonly retryPlans: readonly OpRetryPlan[];
  readonly diagnostics: CompileDiagnostics;
}

/**
 * Compiles a job into a Step Functions state machine (QueryLanguage JSONata): one Task per op
 * invocation calling the stepops Lambda wrapper (`${StepopsFunctionArn}`), the dependency graph
 * as sequences and Parallel states, each op's retry policy as Retry blocks and a Catch -> Wait
 * loop, and a final check that fails the execution naming every failed op. Pure: the same job
 * and options give the same JSON, key order included.
 */
export function compileJob(job: JobDefinition, options: CompileJobOptions = {}): CompiledJob {
  if (!isJobDefinition(job)) {
    throw new DefinitionError(`compileJob needs a job made by job(), got ${describeValue(job)}; define it with job({ name }, () => { ... })`);
  }
  const graph = buildOpGraph(job);
  const durations = readDurations(job, options.opDurations);
  const planHash = computeJobFingerprint(job);

  const retryPlans: OpRetryPlan[] = [];
  const index = new Map(job.invocations.map((invocation, k) => [invocation.name, k]));
  // Ops sharing a policy share its compiled retries (the subject only names the first op in an error).
  const byPolicy = new Map<RetryPolicy | undefined, { compiled: ReturnType<typeof compileOpRetries>; faults: ReturnType<typeof compileFaultHandling> }>();
  const ops: OpCompileInfo[] = job.invocations.map((invocation) => {
    const { policy, source } = resolveRetryPolicy(job, invocation);
    let known = byPolicy.get(policy);
    if (known === undefined) {
      known = { compiled: compileOpRetries(policy, { fidelity: options.fidelity ?? 'exact', subject: `op "${invocation.name}"` }), faults: compileFaultHandling(policy) };
      byPolicy.set(policy, known);
    }
    const { compiled, faults } = known;
    retryPlans.push({ op: invocation.name, source, ...compiled.plan, ...faults.plan });
    return {
      name: invocation.name,
      inputs: invocation.inputs.map((input) => index.get(input)!),
      after: invocation.after.map((name) => index.get(name)!),
      retryMode: compiled.retryMode,
      retriers: compiled.retriers,
      faultRecord: faults.record,
    };
  });
  if (options.strict === true) assertStrict(job.name, retryPlans);

  const concurrency = readConcurrency(options.concurrency);
  const givenDurations = options.opDurations === undefined ? undefined : durations;
  let structure: OpBlock;
  let exact: ExactWaits | undefined;
  let coordination: CoordinationDiagnostics | undefined;
  if (concurrency === 'exact') {
    const decomposed = decomposeExact(graph, givenDurations);
    structure = decomposed.block;
    const timeouts = computeWaitTimeoutSeconds(graph, retryPlans, readOpTimeoutSeconds(options.opTimeoutSeconds));
    exact = decomposed.crossEdges.length === 0 ? undefined : buildExactWaits(decomposed.crossEdges, timeouts);
    coordination = buildCoordinationDiagnostics(
      graph.names,
      decomposed.crossEdges,
      timeouts,
      computeCoordinationCost(retryPlans, countParallels(structure), decomposed.crossEdges.length, new Set(decomposed.crossEdges.map((edge) => edge.producer)).size),
    );
  } else {
    structure = decomposeGraph(graph, givenDurations);
  }
  const sinks = new Set(graph.successors.flatMap((consumers, k) => (consumers.length === 0 ? [k] : [])));
  const limit = readLimit(options.maxDefinitionCharacters);
  const maxHeldBackNames = readMaxHeldBackNames(options.maxHeldBackNames);
  const describeChild = (name: string): string => `stepops job ${job.name} ${name} (plan ${planHash})`;
  const wrap = (states: readonly [string, AslState][]): AslDefinition => ({
    Comment: `stepops job ${job.name} (plan ${planHash})`,
    QueryLanguage: 'JSONata',
    StartAt: INIT_STATE_NAME,
    States: buildStates(states),
  });
  // Every build of this job (the whole, then a split's attempts) carries the same ops out of the same blocks.
  const carriedOps: CarriedOps = new Map();
  // The unsplit definition, measured as it is compiled, and kept only while it can fit (whole-measure.ts).
  const buildWhole = (root: OpBlock): { characters: number; opCharacters: number[]; definition?: AslDefinition } => {
    const measure = new WholeMeasure(limit);
    const top = compileStructure(root, { graph, ops, sinks, carriedOps, measure, ...(exact === undefined ? {} : { exact }) }, CHECK_STATE_NAME);
    const head = [buildInitState(RUN_CONFIG_CHECK_STATE_NAME, job.name, planHash, WIDEST_BUDGET, graph.names), ...buildRunConfigStates(job.name, top.startAt)];
    const tail = buildFinalStates(job, graph.names, top.markerSources, top.variables, sinks);
    const others = measure.createSink();
    others.push(...head, ...tail);
    const sink = top.sink!;
    // The definition's other fields and `{}` in place of its States, then `{` its states, commas, `}` (as measureWholeDefinition adds them up).
    const statesCharacters = 2 + sink.characters + others.characters + Math.max(0, sink.count + others.count - 1);
    const characters = JSON.stringify(wrap([])).length - 2 + statesCharacters;
    const opCharacters = collectOpCharacters(measure.sizes, graph.names);
    return measure.dropped ? { characters, opCharacters } : { characters, opCharacters, definition: wrap([...head, ...top.states, ...tail]) };
  };
  // A split job's attempts compile many of the same children: each is compiled once (child-cache.ts).
  const childCache = new ChildCache();
  const buildSplit = (root: OpBlock, externals: ReadonlySet<OpBlock>, inlined?: ReadonlySet<OpBlock>): BuiltSplit => {
    const parent = compileSplitParent(root, { graph, ops, sinks, externals, describeChild, childCache, carriedOps }, CHECK_STATE_NAME, inlined);
    // init-run assigns the op names, which the parent's catchers also use to name the ops of a failed child (compile-split-parent.ts).
    const definition = wrap([
      buildInitState(RUN_CONFIG_CHECK_STATE_NAME, job.name, planHash, WIDEST_BUDGET, graph.names),
      ...buildRunConfigStates(job.name, parent.startAt),
      ...parent.states,
      ...buildSplitFinalStates(job, graph.names, parent, sinks),
    ]);
    const loads = parent.loads.map((load) => ({ definition: 'parent', state: load.state, slots: load.slots, ops: load.ops.map((k) => graph.names[k]!) }));
    return { definition, children: parent.children, loads };
  };
  // Built with the widest budget (sizes are measured and splits chosen on it), then given the
  // job's own budget, whose numbers are never wider: the same split, never larger.
  const measured = buildWhole(structure);
  const characters = measured.characters;
  if (characters <= limit) {
    // Kept: its states add up to no more than its characters.
    const whole = measured.definition!;
    const planned = planPayloadBudget(job.name, [{ name: 'job', definition: whole }], graph.names);
    const definition = applyBudget(whole, job.name, planHash, planned, graph.names);
    const diagnostics = buildDiagnostics(
      structure,
      durations,
      options.opDurations !== undefined,
      graph,
      maxHeldBackNames,
      measureBudgeted(characters, whole, definition),
      retryPlans,
      [],
      undefined,
      planned.notes,
    );
    return { definition, childDefinitions: [], retryPlans, diagnostics: coordination === undefined ? diagnostics : { ...diagnostics, coordination } };
  }
  if (exact !== undefined) {
    throw new DefinitionError(
      `job "${job.name}" compiles to ${characters} characters with concurrency 'exact', over the limit of ${limit}; exact mode does not split a job into child state machines yet: use concurrency 'structured' for it, or split it into smaller jobs`,
    );
  }
  const measure = createDefinitionMeasure(childCache);
  const split = splitJob(structure, buildSplit, measured.opCharacters, limit, measure, {
    forget: (block) => childCache.forget(block),
    buildChildren: (root, externals) => compileSplitChildren(root, { graph, ops, sinks, externals, describeChild, childCache, carriedOps }),
  });
  if ('failure' in split) {
    throw new DefinitionError(
      `job "${job.name}" compiles to ${characters} characters, over the limit of ${limit} (Step Functions allows ${MAX_DEFINITION_CHARACTERS}; ${graph.names.length} ops, about ${Math.round(characters / graph.names.length)} characters each), and cannot be split into child state machines that each fit: ${split.failure}; split it into smaller jobs, shorten op names, or give ops with many retries a maxDelay so their retriers merge`,
    );
  }
  const planned = planPayloadBudget(
    job.name,
    [{ name: 'parent', definition: split.definition }, ...split.children.map((child) => ({ name: child.name, definition: child.definition }))],
    graph.names,
    split.loads,
  );
  // Only the parent's init-run holds the payload template; children read it from their Input.
  const definition = applyBudget(split.definition, job.name, planHash, planned, graph.names);
  const parentCharacters = measureBudgeted(measure(split.definition), split.definition, definition);
  const childCharacters = split.children.map((child) => measure(child.definition));
  return {
    definition,
    childDefinitions: split.children,
    retryPlans,
    diagnostics: buildDiagnostics(
      structure,
      durations,
      options.opDurations !== undefined,
      graph,
      maxHeldBackNames,
      parentCharacters,
      retryPlans,
      childCharacters,
      characters,
      planned.notes,
    ),
  };
}

/** `definition` whose init-run assigns the payload template with `budget`. */
function applyBudget(definition: AslDefinition, jobName: string, planHash: string, budget: PayloadBudgetFields, opNames: readonly string[]): AslDefinition {
  const init = definition.States[INIT_STATE_NAME] as AslPassState;
  const [, state] = buildInitState(init.Next!, jobName, planHash, { inlineBytes: budget.inlineBytes, markerCauseCharacters: budget.markerCauseCharacters }, opNames);
  return { ...definition, States: { ...definition.States, [INIT_STATE_NAME]: state } };
}

/**
 * JSON.stringify(budgeted).length, from the `characters` of the definition applyBudget made it
 * from: only the init state's value differs (its key keeps its place).
 */
function measureBudgeted(characters: number, definition: AslDefinition, budgeted: AslDefinition): number {
  return characters - JSON.stringify(definition.States[INIT_STATE_NAME]).length + JSON.stringify(budgeted.States[INIT_STATE_NAME]).length;
}

/** The payload budget fields of the payload template (payload-budget.ts). */
interface PayloadBudgetFields {
  readonly inlineBytes: number;
  readonly markerCauseCharacters: number;
}

/** The largest budget numbers: a definition built with them is never shorter than with the job's own. */
const WIDEST_BUDGET: PayloadBudgetFields = { inlineBytes: INLINE_THRESHOLD_BYTES, markerCauseCharacters: MAX_MARKER_CAUSE_CHARACTERS };

function readConcurrency(given: unknown): Concurrency {
  if (given === undefined || given === 'structured' || given === 'exact') return given ?? 'structured';
  throw new DefinitionError(`compileJob options.concurrency must be 'structured' or 'exact', got ${describeValue(given)}; leave it out for 'structured'`);
}

function readOpTimeoutSeconds(given: unknown): number {
  if (given === undefined) return DEFAULT_OP_TIMEOUT_SECONDS;
  if (typeof given !== 'number' || !Number.isInteger(given) || given < 1 || given > DEFAULT_OP_TIMEOUT_SECONDS) {
    throw new DefinitionError(
      `compileJob options.opTimeoutSeconds must be an integer from 1 to ${DEFAULT_OP_TIMEOUT_SECONDS} (the wrapper function's timeout), got ${describeValue(given)}; leave it out for ${DEFAULT_OP_TIMEOUT_SECONDS}`,
    );
  }
  return given;
}

/** Without a function timeout given, an op attempt takes at most Lambda's longest. */
const DEFAULT_OP_TIMEOUT_SECONDS = MAX_FUNCTION_TIMEOUT_SECONDS;

function buildExactWaits(crossEdges: readonly CrossEdge[], waitTimeoutSeconds: readonly number[]): ExactWaits {
  const crossProducers = new Map<number, number[]>();
  for (const edge of crossEdges) {
    const list = crossProducers.get(edge.consumer) ?? [];
    list.push(edge.producer);
    crossProducers.set(edge.consumer, list);
  }
  return { crossProducers, released: new Set(crossEdges.map((edge) => edge.producer)), waitTimeoutSeconds };
}

function buildCoordinationDiagnostics(
  names: readonly string[],
  crossEdges: readonly CrossEdge[],
  waitTimeoutSeconds: readonly number[],
  cost: CoordinationCost,
): CoordinationDiagnostics {
  const released = [...new Set(crossEdges.map((edge) => edge.producer))].sort((a, b) => a - b);
  return {
    ...cost,
    crossEdges: crossEdges.map((edge) => ({ producer: names[edge.producer]!, consumer: names[edge.consumer]! })),
    releasedOps: released.map((k) => names[k]!),
    waitTimeoutSeconds: Object.fromEntries(released.map((k) => [names[k]!, waitTimeoutSeconds[k]!])),
  };
}

function readMaxHeldBackNames(given: unknown): number {
  if (given === undefined) return MAX_HELD_BACK_NAMES;
  if (given === Infinity || (typeof given === 'number' && Number.isInteger(given) && given >= 0)) return given;
  throw new DefinitionError(
    `compileJob options.maxHeldBackNames must be a whole number of names (0 or more) or Infinity, got ${describeValue(given)}; leave it out for ${MAX_HELD_BACK_NAMES}`,
  );
}

function readLimit(given: number | undefined): number {
  if (given === undefined) return MAX_DEFINITION_CHARACTERS;
  if (typeof given !== 'number' || !Number.isInteger(given) || given < 1 || given > MAX_DEFINITION_CHARACTERS) {
    throw new DefinitionError(
      `compileJob options.maxDefinitionCharacters must be an integer from 1 to ${MAX_DEFINITION_CHARACTERS}, got ${describeValue(given)}; leave it out for Step Functions' limit`,
    );
  }
  return given;
}

/**
 * The first state: assigns the per-run constants (RUN_VARIABLES) and the job's op names
 * (OP_NAMES_VARIABLE, for the run config check and the failure Cause), and outputs {} so that
 * the first Task's input is not the execution input (see buildLoopBase). The payload
 * template carries the job's payload budget (payload-budget.ts).
 */
function buildInitState(next: string, jobName: string, planHash: string, budget: PayloadBudgetFields, opNames: readonly string[]): [string, AslState] {
  return [
    INIT_STATE_NAME,
    {
      Type: 'Pass',
      Output: {},
      Assign: {
        [RUN_VARIABLES.functionArn]: `\${${FUNCTION_ARN_PLACEHOLDER}}`,
        [RUN_VARIABLES.opsConfig]: expression(buildOpsConfig()),
        [RUN_VARIABLES.payload]: buildPayloadTemplate(jobName, planHash, budget) as JsonObject,
        [RUN_VARIABLES.markerCauseCharacters]: budget.markerCauseCharacters,
        ...buildFaultVariables(),
        [OP_NAMES_VARIABLE]: [...opNames],
      },
      Next: next,
    },
  ];
}

function buildFinalStates(
  job: JobDefinition,
  names: readonly string[],
  markerSources: readonly string[],
  variables: ReadonlyMap<number, string>,
  sinks: ReadonlySet<number>,
): [string, AslState][] {
  const output: Record<string, string> = {};
  // The ops whose envelopes the top-level scope holds, for the failure Cause (invocation order).
  const topLevel = new Map([...variables].sort(([a], [b]) => a - b).map(([k, name]) => [names[k]!, name]));
  for (const k of [...sinks].sort((a, b) => a - b)) output[names[k]!] = expression(unboxValue(variable(variables.get(k)!)));
  return [
    [
      CHECK_STATE_NAME,
      {
        Type: 'Choice',
        Choices: [
          {
            Condition: expression(buildHasMarker(markerSources)),
            Assign: { [FAILURES_VARIABLE]: expression(buildMarkerFilter(markerSources)) },
            Next: FAILED_STATE_NAME,
          },
        ],
        Default: SUCCEEDED_STATE_NAME,
      },
    ],
    [FAILED_STATE_NAME, { Type: 'Fail', Error: expression(buildJobError()), Cause: expression(buildJobCause(job.name, topLevel)) }],
    [SUCCEEDED_STATE_NAME, { Type: 'Succeed', Output: output }],
  ];
}

/** A split job's parent, its children and the op values its states hold (for the payload budget). */
export interface BuiltSplit {
  readonly definition: AslDefinition;
  readonly children: readonly ChildDefinition[];
  readonly loads: readonly ExtraLoad[];
}

/** The final check, Fail and Succeed of a split job's parent: they read the children's parts (compile-split-parent.ts). */
function buildSplitFinalStates(job: JobDefinition, names: readonly string[], parent: CompiledParent, sinks: ReadonlySet<number>): [string, AslState][] {
  return [
    [
      CHECK_STATE_NAME,
      {
        Type: 'Choice',
        Choices: [
          {
            Condition: expression(buildPartsHaveMarker(parent.partVariables)),
            Assign: { [FAILURES_VARIABLE]: expression(buildPartMarkers(parent.partVariables)) },
            Next: FAILED_STATE_NAME,
          },
        ],
        Default: SUCCEEDED_STATE_NAME,
      },
    ],
    [FAILED_STATE_NAME, { Type: 'Fail', Error: expression(buildJobError()), Cause: expression(buildJobCause(job.name, new Map(), buildPartValues(parent.partVariables))) }],
    [SUCCEEDED_STATE_NAME, { Type: 'Succeed', Output: buildParentOutput(names, sinks, parent.opParts) }],
  ];
}

function readDurations(job: JobDefinition, given: Readonly<Record<string, number>> | undefined): number[] {
  const durations = job.invocations.map(() => 1);
  if (given === undefined) return durations;
  if (typeof given !== 'object' || given === null) {
    throw new DefinitionError(`compileJob options.opDurations must be an object of seconds by op name, got ${describeValue(given)}; pass e.g. { extract: 30 }`);
  }
  const index = new Map(job.invocations.map((invocation, k) => [invocation.name, k]));
  for (const [name, seconds] of Object.entries(given)) {
    const k = index.get(name);
    if (k === undefined) {
      throw new DefinitionError(
        `compileJob options.opDurations names op ${describeValue(name)}, which job "${job.name}" does not invoke; use one of ${[...index.keys()].slice(0, 10).join(', ')}`,
      );
    }
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
      throw new DefinitionError(`compileJob options.opDurations.${name} must be a finite number of seconds > 0, got ${describeValue(seconds)}; use an estimate such as 30`);
    }
    durations[k] = seconds;
  }
  return durations;
}

function assertStrict(jobName: string, plans: readonly OpRetryPlan[]): void {
  const problems = plans.flatMap((plan) => findStrictViolations(plan).map((deviation) => `op "${plan.op}": [${deviation.kind}] ${deviation.message}`));
  if (problems.length === 0) return;
  throw new DefinitionError(
    `strict: job "${jobName}" cannot be compiled without deviating from Dagster's retry schedules: ${problems.join('; ')}; use fidelity 'exact', change these policies, or drop strict`,
  );
}

function buildDiagnostics(
  structure: OpBlock,
  durations: readonly number[],
  durationsGiven: boolean,
  graph: ReturnType<typeof buildOpGraph>,
  maxHeldBackNames: number,
  characters: number,
  plans: readonly OpRetryPlan[],
  childCharacters: readonly number[],
  unsplitCharacters?: number,
  budgetNotes: readonly string[] = [],
): CompileDiagnostics {
  const tasks = graph.names.length;
  const parallels = countParallels(structure);
  const criticalPath = computeCriticalPath(graph, durations);
  const makespan = evaluateMakespan(structure, durations);
  // heldBackOps and the notes that name them are found when first read: the relation costs O(ops^2)
  // bits (60 ms cold at 1,000 random ops), and running a job (stepops run) reads neither.
  let heldBackOps: readonly HeldBackOp[] | undefined;
  let notes: readonly string[] | undefined;
  const readHeldBackOps = (): readonly HeldBackOp[] => (heldBackOps ??= findHeldBackOps(structure, graph, maxHeldBackNames));
  const readNotes = (): readonly string[] => {
    if (notes !== undefined) return notes;
    const found: string[] = [];
    if (unsplitCharacters !== undefined) {
      found.push(
        `split into a parent (${characters} characters) and ${childCharacters.length} child state machines (${childCharacters.join(', ')} characters): one definition would be ${unsplitCharacters} characters`,
      );
    }
    const held = readHeldBackOps();
    if (held.length > 0) {
      found.push(
        `the graph is not series-parallel, so sequences and Parallels cannot start every op as soon as its inputs are done: ${held.length} op${held.length === 1 ? '' : 's'} may wait for ops ${held.length === 1 ? 'it does' : 'they do'} not depend on`,
        ...describeHeldBackOps(held, MAX_HELD_BACK_NOTES),
      );
      if (durationsGiven && makespan > criticalPath + 1e-9) {
        found.push(`with the given op durations the state machine takes ${round(makespan)} s where the critical path is ${round(criticalPath)} s`);
      }
    }
    found.push(...budgetNotes);
    for (const plan of plans) {
      const kinds = plan.deviations.map((d) => d.kind);
      if (kinds.length > 0) found.push(`op "${plan.op}" (${plan.mechanism}): ${kinds.join(', ')}`);
    }
    notes = found;
    return notes;
  };
  const diagnostics = { characters, tasks, parallels, happyPathTransitions: tasks + parallels + 4 + 2 * childCharacters.length, criticalPath, makespan };
  // Enumerable accessors in the place the fields had: JSON.stringify, spreads and equality read them as data.
  return Object.defineProperties(diagnostics, {
    heldBackOps: { get: readHeldBackOps, enumerable: true, configurable: true },
    notes: { get: readNotes, enumerable: true, configurable: true },
  }) as CompileDiagnostics;
}

/** Held-back ops listed one per note; the rest are counted (each is in diagnostics.heldBackOps). */
const MAX_HELD_BACK_NOTES = 10;

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
