import { MAX_STATE_NAME_LENGTH } from './asl-constants.js';

/**
 * Names of the states and variables the compiler adds around the op Tasks.
 *
 * Op Tasks are named after their invocation (^[A-Za-z0-9_]+$, at most 80 characters). Every
 * other state name contains a hyphen, which no invocation name can, so none collides with a
 * Task. Per-op helper states are `<op>-w` (its Wait), `<op>-f` (its fault Choice) and `<op>-x` (the
 * Succeed that ends a branch when the op failed): one letter each, since every op carries its
 * helper names twice (the state's key and a Next or Default to it); when that would pass 80
 * characters, the op name is cut and the op's invocation index added:
 * `<first characters of op>-w-<index>` (unique: indices are unique and a `-w` name never
 * ends in `-<digits>`).
 *
 * Variables follow JSONata identifier rules with ASCII letters, digits and underscores only,
 * and stay short (a definition carries many references): `v<index>` holds op <index>'s output
 * in the top-level scope, `v<index>_<depth>` inside a Parallel branch at that nesting depth,
 * so a name is never assigned in two nested scopes; it holds the value boxed in a one-element
 * array ([value], assigned with a JSON template), so that an array constructor of variables
 * (`[$v1,$v2]`, which flattens one level) gives exactly the values, arrays included; `f<id>` holds the failure markers
 * collected by Parallel <id>; `r<n>` (`r<n>_<depth>` in a branch) holds child <n>'s result in a split job's
 * parent (compile-split-parent.ts); RUN_VARIABLES (fn, ops, p, mc) hold per-run constants.
 */

export const CHECK_STATE_NAME = 'check-outcome';
export const FAILED_STATE_NAME = 'job-failed';
export const SUCCEEDED_STATE_NAME = 'job-succeeded';
/** The top-level variable the final Choice fills with every failure marker (the Fail state sorts them by invocation order). */
export const FAILURES_VARIABLE = 'stepopsFailures';
/** The top-level variable init-run fills with the job's op names in invocation order (a JSON list): the run config check and the failure Cause read it. */
export const OP_NAMES_VARIABLE = 'stepopsOps';
/** The Choice after init-run that checks the run config's shape (run-config-check.ts). */
export const RUN_CONFIG_CHECK_STATE_NAME = 'check-run-config';
/** The Fail state of a run config that does not fit the job. */
export const RUN_CONFIG_FAILED_STATE_NAME = 'run-config-invalid';
/** The state that starts a run by assigning RUN_VARIABLES. */
export const INIT_STATE_NAME = 'init-run';
/**
 * Variables assigned once by the init-run state and read by every Task (a branch reads its
 * outer scopes' variables): they keep long constant expressions out of each Task.
 */
export const RUN_VARIABLES = {
  /** The wrapper's ARN (the ${StepopsFunctionArn} placeholder). */
  functionArn: 'fn',
  /** The execution input's `ops` (op configs), or {}. */
  opsConfig: 'ops',
  /** The OpPayload fields shared by every Task of the run (buildPayloadTemplate). */
  payload: 'p',
  /** The characters of a failed op's Cause its failure marker keeps (payload-budget.ts). */
  markerCauseCharacters: 'mc',
} as const;

/** The Wait state of op `index`'s Catch -> Wait -> Task loop. */
export function buildWaitStateName(opName: string, index: number): string {
  return buildHelperStateName(opName, index, 'w');
}

/** The Choice after op `index`'s platform and crash catchers: retry through its Wait state, or fail the op. */
export function buildFaultStateName(opName: string, index: number): string {
  return buildHelperStateName(opName, index, 'f');
}

/** The Succeed state that ends a Parallel branch when its last op failed. */
export function buildFailedStateName(opName: string, index: number): string {
  return buildHelperStateName(opName, index, 'x');
}

/** Parallel state number `id` (pre-order over the structure). */
export function buildParallelStateName(id: number): string {
  return `parallel-${id}`;
}

/** The variable holding op `index`'s output in a scope at `depth` (0 = top level). */
export function buildOutputVariableName(index: number, depth: number): string {
  return depth === 0 ? `v${index}` : `v${index}_${depth}`;
}

/** The key under which a branch's Output carries op `index`'s output out of the branch. */
export function buildCarryKey(index: number): string {
  return `${CARRY_KEY_PREFIX}${index}`;
}

/** What a carry key is, before the op's index. */
export const CARRY_KEY_PREFIX = 'v';

/** The key under which a Parallel branch of a split job's parent carries child `number`'s part (compile-split-parent.ts). */
export function buildPartKey(number: number): string {
  return `r${number}`;
}

/** The one-branch Parallel state of a split job's parent that runs part `number`'s ops in the parent itself. */
export function buildInlinePartStateName(number: number): string {
  return `inline-part${number}`;
}

/** The parent's variable holding child `number`'s part in a scope at `depth` (0 = top level). */
export function buildPartVariableName(number: number, depth: number): string {
  return depth === 0 ? `r${number}` : `r${number}_${depth}`;
}

/** The variable holding the failure markers collected by Parallel `id`. */
export function buildFailuresVariableName(id: number): string {
  return `f${id}`;
}

export function buildHelperStateName(opName: string, index: number, role: string): string {
  const plain = `${opName}-${role}`;
  if (plain.length <= MAX_STATE_NAME_LENGTH) return plain;
  const suffix = `-${role}-${index}`;
  return `${opName.slice(0, MAX_STATE_NAME_LENGTH - suffix.length)}${suffix}`;
}

/** The Task that starts child state machine `number` (1, 2, ...) and waits for it. */
export function buildChildStartStateName(number: number): string {
  return `start-part${number}`;
}

/** The Succeed state that ends a Parallel branch whose last state, a child's start Task, failed. */
export function buildChildFailedStateName(number: number): string {
  return `part${number}-failed`;
}

/** The child's name: 'part1', 'part2', ... */
export function buildChildName(number: number): string {
  return `part${number}`;
}

/**
 * The definitionSubstitutions placeholder (without `${}`) the parent uses for child `number`'s
 * state machine ARN: 'StepopsChildPart1Arn', ...
 */
export function buildChildPlaceholder(number: number): string {
  return `StepopsChildPart${number}Arn`;
}
