import { InternalError } from '../errors.js';
import { OUTCOME_MARKER_KEY, VALUE_KEY, type RetryMode } from '../job/wire-protocol.js';
import type { AslBranch, AslDefinition, AslRetrier, AslState, JsonValue } from './asl-types.js';
import { box, buildCarry, expression, unbox, variable, type CarriedValue } from './jsonata-expressions.js';
import type { OpGraph } from './job-graph.js';
import { listBlockOps, type OpBlock } from './op-blocks.js';
import { compileTaskStates } from './compile-task.js';
import {
  buildCarryKey,
  buildChildPlaceholder,
  buildChildStartStateName,
  buildFailuresVariableName,
  buildOutputVariableName,
  buildParallelStateName,
  INIT_STATE_NAME,
  RUN_VARIABLES,
} from './state-names.js';
import { FUNCTION_ARN_PLACEHOLDER } from './asl-constants.js';
import { buildAwaitState, buildAwaitStateName, buildAwaitVariableName, buildReleaseStateName, buildReleaseStates } from './compile-coordination.js';
import { buildFaultVariables } from './compile-faults.js';
import type { ChildCache } from './child-cache.js';
import type { MeasuringSink, StateSink, WholeMeasure } from './whole-measure.js';

/** What the structure compiler needs to know about each op, by index. */
export interface OpCompileInfo {
  readonly name: string;
  /** Producer indices in parameter order (repeats allowed). */
  readonly inputs: readonly number[];
  /** Ops it waits for without taking their outputs (`.after`). */
  readonly after: readonly number[];
  readonly retryMode: RetryMode;
  readonly retriers: readonly AslRetrier[];
  /** The Output of the op Task's States.ALL catcher: its fault record (compile-faults.ts), without `{% %}`. */
  readonly faultRecord: string;
}

export interface StructureContext {
  readonly graph: OpGraph;
  readonly ops: readonly OpCompileInfo[];
  /** Ops whose output the execution returns (no op consumes them). */
  readonly sinks: ReadonlySet<number>;
  /**
   * Blocks of the structure (by identity) that run as child state machines: the parent starts
   * each with a startExecution.sync:2 Task (compile-split-parent.ts). Empty or absent: one machine.
   */
  readonly externals?: ReadonlySet<OpBlock>;
  /** The Comment of child definition `name` ('part1', ...). */
  readonly describeChild?: (name: string) => string;
  /** `concurrency: 'exact'` with cross edges: the task-token waits (compile-coordination.ts). @default - none */
  readonly exact?: ExactWaits;
  /**
   * Child machines already compiled for this job (same graph, ops and sinks), for a split job's
   * attempts to reuse (split-job.ts). @default - none: every child is compiled
   */
  readonly childCache?: ChildCache;
  /**
   * The ops each block carries out (StructureCompiler.listCarried), by block, for a split job's
   * attempts to share: they depend on the block's ops, the graph, the sinks and the exact waits
   * only. @default - none: each compile finds them again
   */
  readonly carriedOps?: CarriedOps;
  /**
   * Measures the states as they are made, and keeps them only while they fit its limit (the
   * unsplit definition: whole-measure.ts). @default - none: the states are kept
   */
  readonly measure?: WholeMeasure;
}

/** The ops each block's outside needs, ascending, by block (see StructureContext.carriedOps). */
export type CarriedOps = Map<OpBlock, readonly number[]>;

/** The cross edges of an exact structure, as the structure compiler places their states. */
export interface ExactWaits {
  /** Each consumer's cross producers, ascending: one await state each, before its Task. */
  readonly crossProducers: ReadonlyMap<number, readonly number[]>;
  /** Producers with a cross consumer: a release state after their Task. */
  readonly released: ReadonlySet<number>;
  /** TimeoutSeconds of a wait for each producer, by op index. */
  readonly waitTimeoutSeconds: readonly number[];
}

/** A child state machine the parent starts (see ChildDefinition in compile-job.ts). */
export interface CompiledChild {
  readonly name: string;
  readonly placeholder: string;
  readonly definition: AslDefinition;
}

/** A variable of a scope that may hold outcome markers: op `op`'s output, or (op undefined) a Parallel's failure list. */
interface MarkerSource {
  readonly value: string;
  readonly op?: number;
}

/** One variable scope: the top level or a Parallel branch. */
interface Scope {
  readonly depth: number;
  /** The variable each op output assigned in this scope is read from (see lookUpVariable). */
  readonly variables: ReadonlyMap<number, string> & { set(key: number, value: string): unknown };
  /** The enclosing scope, whose variables a branch can read (not copied: that would be quadratic). */
  readonly parent?: Scope;
  readonly markerSources: MarkerSource[];
}

/** The variable op k's output is read from in `scope`: its own assignment, else the nearest enclosing one. */
function lookUpVariable(scope: Scope, k: number): string {
  for (let current: Scope | undefined = scope; current !== undefined; current = current.parent) {
    const name = current.variables.get(k);
    if (name !== undefined) return name;
  }
  throw new InternalError(`compiler: no variable holds op ${k}'s output in this scope`);
}

/**
 * What a branch outputs: `single` when it carries exactly one op's value and no other marker
 * (its Output is that value itself), `f` when its Output has the "f" list of the markers of
 * its ops that it does not carry. Set by the state that ends the branch.
 */
export interface CarryShape {
  single: boolean;
  f: boolean;
}

/** Where a sequence goes when it is done. */
type Exit = { readonly kind: 'next'; readonly next: string } | { readonly kind: 'carry'; readonly ops: readonly number[]; readonly shape: CarryShape };

export interface CompiledTopLevel {
  readonly startAt: string;
  readonly states: [string, AslState][];
  /** The top-level variable of every op output. */
  readonly variables: ReadonlyMap<number, string>;
  /** The top-level variables to search for outcome markers. */
  readonly markerSources: readonly string[];
  /** The child state machines, in the order their start Tasks appear (pre-order). */
  readonly children: readonly CompiledChild[];
  /** With a measure: the sink that measured the top-level states (`states` holds those it kept). @default - none */
  readonly sink?: MeasuringSink;
}

/**
 * The variables of a child machine's outer scope: op outputs assigned outside the child's
 * block, which the child receives in its execution Input. Records which ones are read.
 */
class InputVariables extends Map<number, string> {
  readonly read = new Set<number>();
  /** `inside`: the child's own ops; every other op of the job's `opCount` is an outer variable (`v<k>`), named when read. */
  constructor(
    private readonly inside: ReadonlySet<number>,
    private readonly opCount: number,
  ) {
    super();
  }
  override get(key: number): string | undefined {
    if (!Number.isInteger(key) || key < 0 || key >= this.opCount || this.inside.has(key)) return undefined;
    this.read.add(key);
    return buildOutputVariableName(key, 0);
  }
}

/** Compiles the structure into top-level states ending at `next`. */
export function compileStructure(root: OpBlock, context: StructureContext, next: string): CompiledTopLevel {
  if (context.externals !== undefined && context.externals.size > 0) throw new InternalError('compiler: a split job compiles its parent with compileSplitParent');
  const compiler = new StructureCompiler(context, root);
  const scope: Scope = { depth: 0, variables: new Map(), markerSources: [] };
  const states = compiler.createSink();
  const items = compiler.itemsOf(root);
  compiler.compileItems(items, scope, { kind: 'next', next }, states);
  return {
    startAt: compiler.startName(items[0]!),
    states: Array.isArray(states) ? states : states.entries,
    ...(Array.isArray(states) ? {} : { sink: states }),
    variables: scope.variables,
    markerSources: scope.markerSources.map((source) => source.value),
    children: compiler.children,
  };
}

export class StructureCompiler {
  private readonly parallelIds = new Map<OpBlock, number>();
  /** Child number (1, 2, ...) of each external block, pre-order. */
  private readonly childNumbers = new Map<OpBlock, number>();
  /** The number its first Parallel gets (the Parallels numbered before it), for each external block. */
  private readonly parallelOffsets = new Map<OpBlock, number>();
  /** Each op's position in the root's pre-order: a block's ops are the positions from its first to its last (`spans`). */
  private readonly positions: Int32Array;
  /** Each block's first and last op position in the root's pre-order. */
  private readonly spans = new Map<OpBlock, { readonly first: number; readonly last: number }>();
  private readonly carriedOps: CarriedOps;
  /** Each op's consumer positions (findConsumerSpans), found on first use. */
  private consumerSpans?: { readonly lowest: Int32Array; readonly highest: Int32Array };
  readonly children: CompiledChild[] = [];

  constructor(
    private readonly context: StructureContext,
    root: OpBlock,
  ) {
    this.positions = new Int32Array(context.ops.length);
    this.carriedOps = context.carriedOps ?? new Map<OpBlock, readonly number[]>();
    this.numberBlocks(root, 0);
  }

  /** Numbers the blocks of the tree whose ops take positions from `first` on; returns the next free position. */
  private numberBlocks(block: OpBlock, first: number): number {
    if (this.context.externals?.has(block) === true) {
      this.childNumbers.set(block, this.childNumbers.size + 1);
      this.parallelOffsets.set(block, this.parallelIds.size);
    }
    let next = first;
    if (block.kind === 'op') {
      this.positions[block.op] = next;
      next += 1;
    } else {
      if (block.kind === 'parallel') this.parallelIds.set(block, this.parallelIds.size);
      for (const child of block.kind === 'sequence' ? block.items : block.branches) next = this.numberBlocks(child, next);
    }
    this.spans.set(block, { first, last: next - 1 });
    return next;
  }

  /** Child number (1, 2, ...) of an external block, or undefined. */
  childNumberOf(block: OpBlock): number | undefined {
    return this.childNumbers.get(block);
  }

  /** The name of a Parallel block's state. */
  parallelNameOf(block: OpBlock & { kind: 'parallel' }): string {
    return buildParallelStateName(this.parallelIds.get(block)!);
  }

  /** The items a block compiles as: an external block is one item (its start Task) even when it is a sequence. */
  itemsOf(block: OpBlock): readonly OpBlock[] {
    return block.kind === 'sequence' && !this.childNumbers.has(block) ? block.items : [block];
  }

  startName(block: OpBlock): string {
    const child = this.childNumbers.get(block);
    if (child !== undefined) return buildChildStartStateName(child);
    if (block.kind === 'op') {
      const name = this.context.ops[block.op]!.name;
      const first = this.context.exact?.crossProducers.get(block.op)?.[0];
      return first === undefined ? name : buildAwaitStateName(name, block.op, first);
    }
    if (block.kind === 'parallel') return buildParallelStateName(this.parallelIds.get(block)!);
    return this.startName(block.items[0]!);
  }

  /** An array for a States object's states, or the measure's sink. */
  createSink(): [string, AslState][] | MeasuringSink {
    return this.context.measure?.createSink() ?? [];
  }

  private finishSink(sink: [string, AslState][] | MeasuringSink): Record<string, AslState> {
    return Array.isArray(sink) ? buildStates(sink) : this.context.measure!.finish(sink);
  }

  compileItems(items: readonly OpBlock[], scope: Scope, exit: Exit, states: StateSink): void {
    items.forEach((item, i) => {
      const last = i === items.length - 1;
      const itemExit: Exit = !last ? { kind: 'next', next: this.startName(items[i + 1]!) } : exit;
      if (this.childNumbers.has(item)) throw new InternalError('compiler: a child state machine inside a child');
      if (item.kind === 'op') this.compileOp(item.op, scope, itemExit, states);
      else if (item.kind === 'parallel') this.compileParallel(item, scope, itemExit, states);
      else this.compileItems(item.items, scope, itemExit, states);
    });
  }

  private compileOp(op: number, scope: Scope, exit: Exit, states: StateSink): void {
    const info = this.context.ops[op]!;
    const outputVariable = buildOutputVariableName(op, scope.depth);
    const exact = this.context.exact;
    const cross = exact?.crossProducers.get(op) ?? [];
    const awaited = new Map(cross.map((producer) => [producer, buildAwaitVariableName(producer, scope.depth)]));
    const read = (producer: number): string => awaited.get(producer) ?? lookUpVariable(scope, producer);
    cross.forEach((producer, i) => {
      const next = i + 1 < cross.length ? buildAwaitStateName(info.name, op, cross[i + 1]!) : info.name;
      const state = buildAwaitState({
        producerName: this.context.ops[producer]!.name,
        consumerName: info.name,
        variableName: awaited.get(producer)!,
        timeoutSeconds: exact!.waitTimeoutSeconds[producer]!,
        next,
      });
      states.push([buildAwaitStateName(info.name, op, producer), state]);
    });
    // The carry's sources and other ops' values, found once for the carries of the op's outcomes (the scope does not change in between).
    let carried: { readonly markers: readonly MarkerSource[]; readonly entries: readonly (CarriedValue | undefined)[] } | undefined;
    const buildCarryOf = (ownValue: string): JsonValue => {
      if (exit.kind !== 'carry') throw new Error('stepops compiler: only a branch end carries');
      carried ??= { markers: uncarried([...scope.markerSources, { value: '', op }], exit.ops), entries: exit.ops.map((k) => (k === op ? undefined : fromScope(scope, k))) };
      const markers = carried.markers.map((source) => (source.op === op ? ownValue : source.value));
      exit.shape.single = exit.ops.length === 1 && markers.length === 0;
      exit.shape.f = markers.length > 0;
      const entries = carried.entries.map((entry, i): CarriedValue => entry ?? { key: buildCarryKey(exit.ops[i]!), boxed: box(ownValue), value: ownValue });
      return buildCarry(entries, markers);
    };
    const releases = exact?.released.has(op) === true;
    const taskNext = releases ? buildReleaseStateName(info.name, op) : exit.kind === 'next' ? exit.next : undefined;
    states.push(
      ...compileTaskStates({
        opName: info.name,
        opIndex: op,
        retryMode: info.retryMode,
        retriers: info.retriers,
        faultRecord: info.faultRecord,
        inputVariables: info.inputs.map(read),
        orderOnlyInputs: info.after.map((producer) => buildOrderOnlyInput(read(producer))),
        outputVariable,
        next: taskNext,
        // Used only without a next state (compileTaskStates).
        buildCarry: buildCarryOf,
      }),
    );
    if (releases) {
      states.push(
        ...buildReleaseStates({
          producerName: info.name,
          producerIndex: op,
          boxedVariable: outputVariable,
          exit: exit.kind === 'next' ? { next: exit.next } : { carry: buildCarryOf(unbox(variable(outputVariable))) },
        }),
      );
    }
    scope.variables.set(op, outputVariable);
    scope.markerSources.push({ value: variable(outputVariable), op });
  }

  private compileParallel(block: OpBlock & { kind: 'parallel' }, scope: Scope, exit: Exit, states: StateSink): void {
    const id = this.parallelIds.get(block)!;
    const carried: (readonly number[])[] = [];
    const shapes: CarryShape[] = [];
    const branches: AslBranch[] = block.branches.map((branch) => {
      const needed = this.listCarried(branch);
      carried.push(needed);
      const shape: CarryShape = { single: false, f: false };
      shapes.push(shape);
      const branchScope: Scope = { depth: scope.depth + 1, variables: new Map(), parent: scope, markerSources: [] };
      const branchStates = this.createSink();
      const items = this.itemsOf(branch);
      this.compileItems(items, branchScope, { kind: 'carry', ops: needed, shape }, branchStates);
      return { StartAt: this.startName(items[0]!), States: this.finishSink(branchStates) };
    });
    // The branch that carries each op out (the first, as branches' ops are disjoint).
    const carriedBy = new Map<number, number>();
    carried.forEach((ops, i) => ops.forEach((k) => carriedBy.has(k) || carriedBy.set(k, i)));
    const fromBranch = (k: number): CarriedValue | undefined => {
      const i = carriedBy.get(k);
      if (i === undefined) return undefined;
      const key = buildCarryKey(k);
      if (shapes[i]!.single) return { key, boxed: box(`$states.result[${i}]`), value: `$states.result[${i}]` };
      const path = `$states.result[${i}].${key}`;
      return { key, boxed: expression(path), value: unbox(path) };
    };
    // The branches' "f" lists: markers of ops no branch carries out.
    const failureLists = shapes.flatMap((shape, i) => (shape.f ? [`$states.result[${i}].f`] : []));
    const name = buildParallelStateName(id);
    if (exit.kind === 'carry') {
      const entries = exit.ops.map((k) => fromBranch(k) ?? fromScope(scope, k));
      const exitOps = new Set(exit.ops);
      const dropped = carried.flat().filter((k) => !exitOps.has(k));
      const markers = [...uncarried(scope.markerSources, exit.ops).map((source) => source.value), ...dropped.map((k) => fromBranch(k)!.value), ...failureLists];
      exit.shape.single = exit.ops.length === 1 && markers.length === 0;
      exit.shape.f = markers.length > 0;
      states.push([name, { Type: 'Parallel', Branches: branches, Output: buildCarry(entries, markers), End: true }]);
      return;
    }
    const assign: Record<string, JsonValue> = {};
    carried.forEach((ops) => {
      for (const k of ops) assign[buildOutputVariableName(k, scope.depth)] = fromBranch(k)!.boxed;
    });
    const failures = buildFailuresVariableName(id);
    if (failureLists.length > 0) assign[failures] = expression(`$append([],[${failureLists.join(',')}])`);
    // Output {}: the next Task's input must not be the branches' outputs (op values; see buildLoopBase).
    states.push([name, { Type: 'Parallel', Branches: branches, Output: {}, Assign: assign, Next: exit.next }]);
    carried.forEach((ops) =>
      ops.forEach((k) => {
        const target = buildOutputVariableName(k, scope.depth);
        scope.variables.set(k, target);
        scope.markerSources.push({ value: variable(target), op: k });
      }),
    );
    if (failureLists.length > 0) scope.markerSources.push({ value: variable(failures) });
  }

  /** True when the consumer gets the producer's envelope through a task-token wait, not through the structure. */
  private isCrossEdge(producer: number, consumer: number): boolean {
    return this.context.exact?.crossProducers.get(consumer)?.includes(producer) === true;
  }

  /**
   * The ops of a block that its outside needs, ascending (shared: do not modify): sinks and ops
   * with a consumer outside the block (other than through a task-token wait). Found among the
   * ops its items carry out (an op whose consumers are all inside an item is not needed outside
   * the block either), so a nested structure costs what its carries hold, not its depth times its ops.
   */
  listCarried(block: OpBlock): readonly number[] {
    const known = this.carriedOps.get(block);
    if (known !== undefined) return known;
    const span = this.spans.get(block);
    if (span === undefined) throw new InternalError('compiler: a block outside the structure being compiled');
    const { sinks } = this.context;
    const { lowest, highest } = (this.consumerSpans ??= this.findConsumerSpans());
    // A consumer outside the span: the lowest before its first position or the highest after its last.
    const needed = (k: number): boolean => sinks.has(k) || lowest[k]! < span.first || highest[k]! > span.last;
    let carried: number[];
    if (block.kind === 'op') carried = needed(block.op) ? [block.op] : [];
    else {
      carried = [];
      for (const child of block.kind === 'sequence' ? block.items : block.branches) for (const k of this.listCarried(child)) if (needed(k)) carried.push(k);
      carried.sort((a, b) => a - b);
    }
    this.carriedOps.set(block, carried);
    return carried;
  }

  /**
   * Each op's lowest and highest consumer position in the root's pre-order (consumers through a
   * task-token wait left out); an op without such consumers has lowest 2^31 - 1 and highest -1.
   */
  private findConsumerSpans(): { readonly lowest: Int32Array; readonly highest: Int32Array } {
    const n = this.context.ops.length;
    const lowest = new Int32Array(n).fill(2 ** 31 - 1);
    const highest = new Int32Array(n).fill(-1);
    for (let k = 0; k < n; k += 1) {
      for (const s of this.context.graph.successors[k]!) {
        if (this.isCrossEdge(k, s)) continue;
        const position = this.positions[s]!;
        if (position < lowest[k]!) lowest[k] = position;
        if (position > highest[k]!) highest[k] = position;
      }
    }
    return { lowest, highest };
  }

  /** Adds the child state machine of `block` to `this.children`; returns the parent's variables it reads (from its Input). */
  compileChildDefinition(block: OpBlock, number: number, carried: readonly number[], shape: CarryShape): readonly number[] {
    const name = `part${number}`;
    const comment = this.context.describeChild?.(name) ?? `stepops child ${name}`;
    const offset = this.parallelOffsets.get(block)!;
    const cached = this.context.childCache?.get(block, offset);
    if (cached !== undefined) {
      shape.single = cached.single;
      shape.f = cached.f;
      this.children.push({ name, placeholder: buildChildPlaceholder(number), definition: buildChildDefinition(comment, cached.states) });
      return cached.reads;
    }
    // The child: an init state, then the block as a branch whose outer scope is its Input.
    const outer = new InputVariables(new Set(listBlockOps(block)), this.context.ops.length);
    const { startAt: first, states: childStates } = this.compileBlockAsBranch(block, outer, 1, carried, shape);
    const reads = [...outer.read].sort((a, b) => a - b);
    const initAssign: Record<string, JsonValue> = {
      [RUN_VARIABLES.functionArn]: `\${${FUNCTION_ARN_PLACEHOLDER}}`,
      [RUN_VARIABLES.opsConfig]: expression(`$states.input.${RUN_VARIABLES.opsConfig}`),
      [RUN_VARIABLES.payload]: expression(`$states.input.${RUN_VARIABLES.payload}`),
      [RUN_VARIABLES.markerCauseCharacters]: expression(`$states.input.${RUN_VARIABLES.markerCauseCharacters}`),
      ...buildFaultVariables(),
    };
    for (const k of reads) initAssign[buildOutputVariableName(k, 0)] = expression(`$states.input.${buildCarryKey(k)}`);
    const states: AslDefinition['States'] = buildStates([[INIT_STATE_NAME, { Type: 'Pass', Output: {}, Assign: initAssign, Next: first }], ...childStates]);
    this.context.childCache?.set(block, offset, { states, reads, single: shape.single, f: shape.f });
    this.children.push({ name, placeholder: buildChildPlaceholder(number), definition: buildChildDefinition(comment, states) });
    return reads;
  }

  /**
   * `block` as the states of a branch at `depth` whose Output carries the ops `carried` (and the
   * markers of its other ops) out; ops outside the block are read from `outer` (variable names,
   * which may be paths such as `r3.v17`: a boxed value either way).
   */
  compileBlockAsBranch(
    block: OpBlock,
    outer: ReadonlyMap<number, string>,
    depth: number,
    carried: readonly number[],
    shape: CarryShape,
  ): { startAt: string; states: [string, AslState][] } {
    const outerScope: Scope = { depth: depth - 1, variables: outer as Scope['variables'], markerSources: [] };
    const scope: Scope = { depth, variables: new Map(), parent: outerScope, markerSources: [] };
    const states: [string, AslState][] = [];
    const exit: Exit = { kind: 'carry', ops: carried, shape };
    if (block.kind === 'sequence') {
      this.compileItems(block.items, scope, exit, states);
      return { startAt: this.startName(block.items[0]!), states };
    }
    // Not startName(block): that is the start Task of the block's child in the parent.
    if (block.kind === 'op') {
      this.compileOp(block.op, scope, exit, states);
      return { startAt: this.context.ops[block.op]!.name, states };
    }
    this.compileParallel(block, scope, exit, states);
    return { startAt: buildParallelStateName(this.parallelIds.get(block)!), states };
  }
}

/**
 * Object.fromEntries(entries) for a States object: the same keys in the same order, each set by
 * assignment, several times faster on the thousands of fresh state names a large job has (a
 * `__proto__` state, which assignment would take for the prototype, is defined as Object.fromEntries defines it).
 */
export function buildStates(entries: readonly (readonly [string, AslState])[]): Record<string, AslState> {
  const states: Record<string, AslState> = {};
  for (const [name, state] of entries) {
    if (name === '__proto__') Object.defineProperty(states, name, { value: state, writable: true, enumerable: true, configurable: true });
    else states[name] = state;
  }
  return states;
}

/** A child machine's definition: its states (shared with the child cache: never modified) after an init state. */
function buildChildDefinition(comment: string, states: AslDefinition['States']): AslDefinition {
  return { Comment: comment, QueryLanguage: 'JSONata', StartAt: INIT_STATE_NAME, States: states };
}

/**
 * What an op's payload carries for an op it runs `.after`: that op's outcome marker when it
 * failed or was skipped (so the wrapper skips this op too), else an empty value envelope (its
 * output is not this op's to take, and need not travel). Follows the data inputs in `inputs`.
 */
function buildOrderOnlyInput(boxedVariable: string): string {
  return `($e:=${unbox(variable(boxedVariable))};$e.${OUTCOME_MARKER_KEY}?$e:{'${VALUE_KEY}':null})`;
}

/** Op k's value from the scope's boxed variable. */
function fromScope(scope: Scope, k: number): CarriedValue {
  const boxed = variable(lookUpVariable(scope, k));
  return { key: buildCarryKey(k), boxed: expression(boxed), value: unbox(boxed) };
}

/** The marker sources a branch does not carry out under an op's key: they go in its "f" list. */
function uncarried(sources: readonly MarkerSource[], carriedOps: readonly number[]): MarkerSource[] {
  const carried = new Set(carriedOps);
  return sources.filter((source) => source.op === undefined || !carried.has(source.op));
}
