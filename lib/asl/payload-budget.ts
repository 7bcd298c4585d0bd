import { DefinitionError } from '../errors.js';
import { INLINE_THRESHOLD_BYTES, OUTCOME_MARKER_KEY } from '../job/wire-protocol.js';
import type { AslBranch, AslDefinition, AslState } from './asl-types.js';

/**
 * Keeps every state of a compiled job under Step Functions' 262,144-byte payload limit by
 * construction. Op values sit in a state's data in "slots" (a variable reference such as `$v3`,
 * or a Task's or child execution's result); each slot holds at most one op value, inline up to
 * the inline threshold or as a reference, or one failure marker. The compiler counts the slots
 * of every state (payload fields, and for a Parallel the outputs of all its branches), and
 * chooses, for the whole job, the inline threshold and how much of a failed op's Cause its
 * marker keeps so that the fullest state, with RESERVED_STATE_BYTES for the machine's own data,
 * fits. Where even references cannot fit, it refuses the job naming the state and its ops; where
 * failure markers of many ops failing at once could still overflow, it says so in a note.
 */

/** Step Functions' payload limit: state input, output, task parameters and results, Assign, in UTF-8 bytes. */
export const MAX_STATE_BYTES = 262_144;
/** Bytes of every state kept for the machine's own data: the payload template, op config, the Lambda result's metadata, error outputs. */
export const RESERVED_STATE_BYTES = 16_384;
/** The most bytes one stored-value envelope takes in a state: `{"s":…,"b":…}`, and a re-execution's `"r":"<execution name, 80 characters>"`. */
export const MAX_REFERENCE_BYTES = 160;
/** The wrapper's envelope around an inline value, in bytes at most. */
export const VALUE_ENVELOPE_BYTES = 64;
/**
 * A failure marker without its Cause, at most: the outcome key, the op name twice (80
 * characters), the Error (256 characters, each at most 6 bytes once JSON-escaped).
 */
export const MARKER_FIXED_BYTES = 1_900;
/** A marker never keeps more of its Cause than the job failure Cause shares out (JOB_CAUSE_SHARED_CHARACTERS). */
export const MAX_MARKER_CAUSE_CHARACTERS = 16_000;
/** Each character of a cut Cause takes at most this many bytes in a state's JSON (a control character escaped as \u0001). */
const BYTES_PER_CAUSE_CHARACTER = 6;

export interface PayloadBudget {
  /** The inline threshold the wrapper applies to every op of the job (OpPayload.inlineBytes). */
  readonly inlineBytes: number;
  /** The characters of a Cause a failure marker keeps (OpPayload.markerCauseCharacters). */
  readonly markerCauseCharacters: number;
  /** The fullest state: its name, definition ('parent', 'part1', ... or 'job'), slots and the ops it carries. */
  readonly fullestState: { readonly definition: string; readonly state: string; readonly slots: number; readonly ops: readonly string[] };
  /** Readable notes for CompileDiagnostics.notes. */
  readonly notes: readonly string[];
}

/**
 * A state's load the compiler knows without reading the state's fields: a split job's parent
 * holds each child's result whole (compile-split-parent.ts), a slot of many op values.
 */
export interface ExtraLoad {
  readonly definition: string;
  readonly state: string;
  readonly slots: number;
  readonly ops: readonly string[];
}

/** A definition to budget, named for messages. */
export interface BudgetedDefinition {
  readonly name: string;
  readonly definition: AslDefinition;
}

/**
 * The payload budget of a job compiled into `definitions` (one, or a parent and its children),
 * whose op invocations are `opNames` (by index, as in the variable names `v<index>`), with
 * `extraLoads` the states whose loads the compiler gives itself.
 * Throws a DefinitionError when some state would carry more references than fit.
 */
export function planPayloadBudget(jobName: string, definitions: readonly BudgetedDefinition[], opNames: readonly string[], extraLoads: readonly ExtraLoad[] = []): PayloadBudget {
  let fullest: StateLoad & { definition: string } = { definition: definitions[0]!.name, state: '', slots: 0, listOps: () => new Set<string>() };
  for (const load of extraLoads) {
    if (load.slots > fullest.slots) fullest = { definition: load.definition, state: load.state, slots: load.slots, listOps: () => new Set(load.ops) };
  }
  const opNameSet = new Set(opNames);
  for (const { name, definition } of definitions) {
    const loads: StateLoad[] = [];
    measureBranch(definition, opNames, opNameSet, loads);
    for (const load of loads) {
      if (load.slots > fullest.slots) fullest = { definition: name, ...load };
    }
  }
  const usable = MAX_STATE_BYTES - RESERVED_STATE_BYTES;
  // Only the fullest state's ops are named (in messages and notes): listed for it alone.
  const ops = [...fullest.listOps()];
  const slotBytes = Math.floor(usable / Math.max(1, fullest.slots));
  if (slotBytes < MAX_REFERENCE_BYTES) {
    throw new DefinitionError(
      `job "${jobName}": state "${fullest.state}"${definitions.length > 1 ? ` of ${fullest.definition}` : ''} carries up to ${fullest.slots} op values (${describeOps(ops)}); even as references of up to ${MAX_REFERENCE_BYTES} bytes they would pass Step Functions' ${MAX_STATE_BYTES}-byte state limit (${usable} bytes after ${RESERVED_STATE_BYTES} for the machine's own data); give those values fewer consumers outside their branch, or split the job into smaller jobs`,
    );
  }
  const inlineBytes = Math.max(0, Math.min(INLINE_THRESHOLD_BYTES, slotBytes - VALUE_ENVELOPE_BYTES));
  // Every op's marker may meet in one state: the final check collects them all.
  const markerBytes = Math.floor(usable / Math.max(1, opNames.length));
  const markerCauseCharacters = Math.max(0, Math.min(MAX_MARKER_CAUSE_CHARACTERS, Math.floor((markerBytes - MARKER_FIXED_BYTES) / BYTES_PER_CAUSE_CHARACTER)));
  const notes: string[] = [];
  if (inlineBytes < INLINE_THRESHOLD_BYTES) {
    notes.push(
      `op outputs over ${inlineBytes} bytes go through the IO manager (the default threshold is ${INLINE_THRESHOLD_BYTES}): state "${fullest.state}"${definitions.length > 1 ? ` of ${fullest.definition}` : ''} carries up to ${fullest.slots} op values (${describeOps(ops)})`,
    );
  }
  if (markerBytes < MARKER_FIXED_BYTES) {
    const safe = Math.floor(usable / MARKER_FIXED_BYTES);
    notes.push(
      `failure markers keep no cause: with ${opNames.length} ops, if more than ${safe} of them fail or are skipped in one run with long error names (up to 256 characters), the markers the final check collects may pass ${MAX_STATE_BYTES} bytes (States.DataLimitExceeded); short error names leave far more room`,
    );
  }
  return { inlineBytes, markerCauseCharacters, fullestState: { definition: fullest.definition, state: fullest.state, slots: fullest.slots, ops }, notes };
}

function describeOps(ops: readonly string[]): string {
  if (ops.length === 0) return 'no op variables';
  const shown = ops
    .slice(0, 5)
    .map((op) => `"${op}"`)
    .join(', ');
  return ops.length > 5 ? `ops ${shown} and ${ops.length - 5} more` : `op${ops.length > 1 ? 's' : ''} ${shown}`;
}

/** One state's load: its value slots, and how to list the ops whose values it names (variables; a Parallel's branch ops). */
interface StateLoad {
  readonly state: string;
  readonly slots: number;
  readonly listOps: () => Set<string>;
}

/**
 * An op variable (`$v3`, `$v3_1`), op 3's value in a split job's part (`$r2.v3`), or a state's
 * result (a Task's op output, a child's or a Parallel branch's carry).
 */
const SLOT = /\$v\d+(?:_\d+)?\b|\$r\d+(?:_\d+)?\.v\d+\b|\$states\.result\b/g;
/** An op variable, or a carry key (`$states.result.Output.v3`): op 3. */
export const OP_VARIABLE = /[$.]v(\d+)(?:_\d+)?\b/g;

/** An expression that keeps only outcome markers (a carry's "f" list, the final check's failures): its slots hold markers, budgeted apart. */
const MARKER_FILTER = `][${OUTCOME_MARKER_KEY}])`;

/** The value slots a field template names: every op variable and result reference in it, but in marker-only expressions (a sound over-count). */
export function countSlots(template: unknown): number {
  if (typeof template === 'string') return template.includes(MARKER_FILTER) ? 0 : (template.match(SLOT)?.length ?? 0);
  if (Array.isArray(template)) return template.reduce((sum: number, item: unknown) => sum + countSlots(item), 0);
  if (typeof template === 'object' && template !== null) return Object.values(template).reduce((sum: number, item: unknown) => sum + countSlots(item), 0);
  return 0;
}

/**
 * countSlots of a field, adding to `into` the op of every op variable or carry key it names, in
 * the order of its JSON text (keys included), as scanning JSON.stringify(template) would, in one
 * walk and without serializing it: no match can span two strings, since none holds a quote.
 */
export function measureField(template: unknown, opNames: readonly string[], into: Set<string>): number {
  if (typeof template === 'string') {
    addOps(template, opNames, into);
    return template.includes(MARKER_FILTER) ? 0 : (template.match(SLOT)?.length ?? 0);
  }
  if (typeof template !== 'object' || template === null) return 0;
  let slots = 0;
  if (Array.isArray(template)) {
    for (const item of template as readonly unknown[]) slots += measureField(item, opNames, into);
    return slots;
  }
  for (const [key, value] of Object.entries(template)) {
    if (value === undefined) continue; // JSON.stringify leaves the key out
    addOps(key, opNames, into);
    slots += measureField(value, opNames, into);
  }
  return slots;
}

function addOps(text: string, opNames: readonly string[], into: Set<string>): void {
  if (!text.includes('v')) return;
  for (const match of text.matchAll(OP_VARIABLE)) into.add(opNames[Number(match[1])] ?? `v${match[1]}`);
}

/** Appends to `loads` the load of every state of a branch (or definition), nested branches included: each state, then its branches' states. */
function measureBranch(branch: AslBranch, opNames: readonly string[], opNameSet: ReadonlySet<string>, loads: StateLoad[]): void {
  for (const [name, state] of Object.entries(branch.States)) measureState(name, state, opNames, opNameSet, loads);
}

function measureState(name: string, state: AslState, opNames: readonly string[], opNameSet: ReadonlySet<string>, loads: StateLoad[]): void {
  const fields = listLoadFields(state);
  let slots = 0;
  for (const field of fields) slots = Math.max(slots, countSlots(field));
  const at = loads.length;
  loads.push({ state: name, slots, listOps: () => new Set() });
  if (state.Type === 'Parallel') {
    // The Parallel's result is every branch's output at once.
    let result = 0;
    for (const branch of state.Branches) {
      result += measureBranchOutput(branch);
      measureBranch(branch, opNames, opNameSet, loads);
    }
    slots = Math.max(slots, result);
  } else if (state.Type === 'Task') {
    slots = Math.max(slots, 1);
  }
  loads[at] = { state: name, slots, listOps: () => listStateOps(state, fields, opNames, opNameSet) };
}

/** The fields of a state whose data can hold op values: Arguments, Output, Assign, its catchers' Output and Assign, its choices' Assign. */
function listLoadFields(state: AslState): unknown[] {
  const record = state as unknown as Record<string, unknown>;
  const fields: unknown[] = [record.Arguments, record.Output, record.Assign];
  const catchers = (record.Catch as readonly Record<string, unknown>[] | undefined) ?? [];
  for (const catcher of catchers) fields.push(catcher.Output, catcher.Assign);
  const choices = (record.Choices as readonly Record<string, unknown>[] | undefined) ?? [];
  for (const choice of choices) fields.push(choice.Assign);
  return fields;
}

/** The ops a state's fields name (in their JSON text order), then, for a Parallel, its branches' op Tasks. */
function listStateOps(state: AslState, fields: readonly unknown[], opNames: readonly string[], opNameSet: ReadonlySet<string>): Set<string> {
  const ops = new Set<string>();
  for (const field of fields) measureField(field, opNames, ops);
  if (state.Type === 'Parallel') {
    for (const branch of state.Branches) for (const [innerName, inner] of Object.entries(branch.States)) if (opNameSet.has(innerName) && inner.Type === 'Task') ops.add(innerName);
  }
  return ops;
}

/** The most slots a branch's output can hold: the largest Output among its states and their catchers (a branch ends with one of them). */
function measureBranchOutput(branch: AslBranch): number {
  let most = 0;
  for (const state of Object.values(branch.States)) {
    const record = state as unknown as Record<string, unknown>;
    most = Math.max(most, countSlots(record.Output));
    for (const catcher of (record.Catch as readonly Record<string, unknown>[] | undefined) ?? []) most = Math.max(most, countSlots(catcher.Output));
    if (record.Output === undefined && record.End === true && (state.Type === 'Task' || state.Type === 'Parallel')) most = Math.max(most, 1);
  }
  return most;
}
