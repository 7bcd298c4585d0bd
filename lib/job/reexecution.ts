import { StepopsError, describeValue } from '../errors.js';
import { isOpOutcomeMarker } from './wire-protocol.js';

/**
 * Dagster's re-execution strategies: 'from-failure' (FROM_FAILURE) runs again the ops that
 * failed, were skipped or never finished, and their downstream, reusing the recorded outputs of
 * the ops that succeeded; 'all-steps' (ALL_STEPS) runs every op again.
 */
export type ReexecutionStrategy = 'from-failure' | 'all-steps';

/** The strategies, as the CLI spells them. */
export const REEXECUTION_STRATEGIES: readonly ReexecutionStrategy[] = ['from-failure', 'all-steps'];

/**
 * The key of the op config that stands for a reused output. The run input of a re-execution
 * sets `ops.<op>.config` to `{ stepopsReused: { parent, recorded, config? } }` for each reused
 * op; the wrapper returns `recorded` (the task result's payload of the parent run, verbatim,
 * envelope or reference included) without running the op's code. `config` keeps the op's own
 * config so that a later re-execution can run the op again with it.
 */
export const REUSED_CONFIG_KEY = 'stepopsReused';

/** The top-level key of a re-execution's run input that records its parent. */
export const REEXECUTION_INPUT_KEY = 'stepops';

/** What `ops.<op>.config` holds for a reused op. */
export interface ReusedOutputConfig {
  readonly [REUSED_CONFIG_KEY]: {
    /** The parent run: an execution ARN on AWS, the execution name locally. */
    readonly parent: string;
    /** The parent's task result payload for the op, verbatim. */
    readonly recorded: unknown;
    /** The op's own config in the parent run. @default - none */
    readonly config?: unknown;
  };
}

/** What a re-execution's run input records under `stepops`. */
export interface ReexecutionRecord {
  readonly parent: string;
  readonly strategy: ReexecutionStrategy;
  /** The ops whose outputs were reused, in the parent's order. */
  readonly reusedOps: readonly string[];
}

/** One op of a finished run, as its history (or a RunDocument) records it. */
export interface RecordedOp {
  readonly name: string;
  /** 'succeeded' and 'reused' outputs can be reused; anything else runs again. */
  readonly outcome: string;
  /** The task result's payload, for a succeeded or reused op. */
  readonly recorded?: unknown;
}

/** A run to re-execute: its id, status, run input and ops. */
export interface RecordedRun {
  readonly runId: string;
  readonly status: string;
  readonly input: unknown;
  readonly ops: readonly RecordedOp[];
}

/** A re-execution that cannot be made (a parent still running, nothing failed, an op output that cannot be reused). */
export class ReexecutionError extends StepopsError {
  constructor(message: string) {
    super(message);
    this.name = 'stepops.ReexecutionError';
  }
}

/** The recorded output `config` stands for, when it is a reused op's config. */
export function readReusedOutput(config: unknown): ReusedOutputConfig[typeof REUSED_CONFIG_KEY] | undefined {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return undefined;
  const reused = (config as Record<string, unknown>)[REUSED_CONFIG_KEY];
  if (typeof reused !== 'object' || reused === null || !('recorded' in reused)) return undefined;
  return reused as ReusedOutputConfig[typeof REUSED_CONFIG_KEY];
}

/**
 * The run input of a re-execution of `parent` and the ops it reuses: the parent's input (each
 * op's own config restored where the parent itself reused it), `ops.<op>.config` set to a
 * reused-output config for every op that succeeded (or was reused) in the parent when the
 * strategy is 'from-failure', and `stepops: { parent, strategy, reusedOps }`.
 * Throws a ReexecutionError for a parent still running, or one with nothing to run again
 * under 'from-failure' (it succeeded).
 */
export function buildReexecutionInput(
  parent: RecordedRun,
  strategy: ReexecutionStrategy,
): { readonly input: Record<string, unknown>; readonly reusedOps: readonly string[]; readonly rerunOps: readonly string[] } {
  if (!REEXECUTION_STRATEGIES.includes(strategy)) {
    throw new ReexecutionError(`re-execution strategy must be one of ${REEXECUTION_STRATEGIES.join(', ')}, got ${describeValue(strategy)}`);
  }
  if (parent.status === 'RUNNING') {
    throw new ReexecutionError(`run ${parent.runId} is still running; wait for it to end (or stop it) before re-executing it`);
  }
  const original = restoreOriginalInput(parent.input);
  const reusable = parent.ops.filter((op) => (op.outcome === 'succeeded' || op.outcome === 'reused') && op.recorded !== undefined && !isOpOutcomeMarker(op.recorded));
  const reused = strategy === 'from-failure' ? reusable : [];
  const rerunOps = parent.ops.filter((op) => !reused.includes(op)).map((op) => op.name);
  if (strategy === 'from-failure' && parent.status === 'SUCCEEDED') {
    throw new ReexecutionError(`run ${parent.runId} succeeded: nothing failed to re-execute from; use the all-steps strategy to run every op again`);
  }
  const ops: Record<string, unknown> = { ...((original.ops as Record<string, unknown> | undefined) ?? {}) };
  for (const op of reused) {
    const ownConfig = (ops[op.name] as { config?: unknown } | undefined)?.config;
    ops[op.name] = { config: { [REUSED_CONFIG_KEY]: { parent: parent.runId, recorded: op.recorded, ...(ownConfig === undefined ? {} : { config: ownConfig }) } } };
  }
  const record: ReexecutionRecord = { parent: parent.runId, strategy, reusedOps: reused.map((op) => op.name) };
  const input: Record<string, unknown> = { ...original, ...(Object.keys(ops).length === 0 && original.ops === undefined ? {} : { ops }), [REEXECUTION_INPUT_KEY]: record };
  return { input, reusedOps: record.reusedOps, rerunOps };
}

/** The parent record of a re-execution's input, if it is one. */
export function readReexecutionRecord(input: unknown): ReexecutionRecord | undefined {
  const record = (input as Record<string, unknown> | null | undefined)?.[REEXECUTION_INPUT_KEY];
  if (typeof record !== 'object' || record === null || typeof (record as { parent?: unknown }).parent !== 'string') return undefined;
  return record as ReexecutionRecord;
}

/** A run input without what a re-execution added: each reused op's own config back, no `stepops` record. */
function restoreOriginalInput(input: unknown): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return {};
  const { [REEXECUTION_INPUT_KEY]: _record, ...rest } = input as Record<string, unknown>;
  const ops = rest.ops;
  if (typeof ops !== 'object' || ops === null || Array.isArray(ops)) return rest;
  const restored: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(ops as Record<string, unknown>)) {
    const reused = readReusedOutput((entry as { config?: unknown } | null)?.config);
    if (reused === undefined) restored[name] = entry;
    else if (reused.config !== undefined) restored[name] = { config: reused.config };
  }
  return { ...rest, ops: restored };
}
