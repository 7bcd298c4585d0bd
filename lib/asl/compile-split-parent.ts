import { InternalError } from '../errors.js';
import { OUTCOME_MARKER_KEY } from '../job/wire-protocol.js';
import { START_EXECUTION_SYNC2_RESOURCE, STEP_FUNCTIONS_SERVICE_ERRORS } from './asl-constants.js';
import type { AslBranch, AslState, AslTaskState, JsonValue } from './asl-types.js';
import { buildStates, StructureCompiler, type CarryShape, type CompiledChild, type StructureContext } from './compile-structure.js';
import { expression, unboxValue, variable } from './jsonata-expressions.js';
import { listBlockOps, type OpBlock } from './op-blocks.js';
import {
  buildCarryKey,
  CARRY_KEY_PREFIX,
  buildChildFailedStateName,
  buildChildPlaceholder,
  buildChildStartStateName,
  buildPartKey,
  buildPartVariableName,
  buildInlinePartStateName,
  OP_NAMES_VARIABLE,
  RUN_VARIABLES,
} from './state-names.js';

/**
 * The parent state machine of a split job. It runs no op Task directly: every op is in a
 * "part", a child state machine or (for small ones, which would only add children) a block the
 * parent runs itself as a one-branch Parallel. The parent holds each part's result whole (the
 * part's carry: `{v<k>: [op k's envelope], ..., f: [markers of its other ops]}`), never op by op,
 * so its size grows with its parts, the values they read from one another and the job's sinks,
 * not with every value that crosses between parts, and bigger jobs split:
 * - a part's state assigns its result to `r<n>`; at the end of a Parallel branch it outputs it
 *   under key `r<n>` with the branch's other parts, keeping only the values needed outside the
 *   branch (the others' markers go to its "f" list), and the Parallel assigns them;
 * - a child's Input, and an inlined block's Tasks, read the values they need from the parts that
 *   hold them (`$r3.v17`);
 * - a child that fails anyway (op failures travel as markers, so only an error of the child
 *   execution itself) gets a part of 'failed' markers, one for each op it carries, with the
 *   child's error, so the ops downstream are skipped as for a failed op;
 * - the final check finds the markers in every part (`[$r1,$r2,...].*[o]`); the job's Output
 *   reads each sink from its part; the failure Cause reads succeeded ops' values from the parts.
 */
export interface CompiledParent {
  readonly startAt: string;
  readonly states: [string, AslState][];
  /** The top-level variable holding each child's part, in child order. */
  readonly partVariables: readonly string[];
  /** The part variable that holds each op's envelope (every op a child carries out), by op index. */
  readonly opParts: ReadonlyMap<number, string>;
  readonly children: readonly CompiledChild[];
  /** The op values each parent state holds at most, for the payload budget (payload-budget.ts). */
  readonly loads: readonly ParentLoad[];
}

/** A parent state and the op values its data holds at most at once (its fullest field or result). */
export interface ParentLoad {
  readonly state: string;
  readonly slots: number;
  readonly ops: readonly number[];
}

/** A part as a scope holds it: its variable and the ops whose envelopes it holds (keys `v<k>`), ascending. */
interface HeldPart {
  readonly name: string;
  readonly ops: readonly number[];
}

/** A part a branch carries out: the part's number and the ops it still holds. */
interface CarriedPart {
  readonly number: number;
  readonly ops: readonly number[];
}

/** One variable scope of the parent: the top level or a Parallel branch. */
interface PartScope {
  readonly depth: number;
  /** The parts assigned in this scope, by part number, in assignment order. */
  readonly parts: Map<number, HeldPart>;
  readonly parent?: PartScope;
}

/** Where a sequence of the parent goes when it is done: on to a state, or out of a Parallel branch holding the ops `inside`. */
type ParentExit = { readonly kind: 'next'; readonly next: string } | { readonly kind: 'carry'; readonly inside: ReadonlySet<number> };

/**
 * Compiles the parent's states of a split job, ending at `next`: the context's externals run as
 * child state machines; the blocks of `inlined` (small ones, which would only add children) run in
 * the parent itself, each as a one-branch Parallel whose result is a part like a child's.
 */
export function compileSplitParent(root: OpBlock, context: StructureContext, next: string, inlined: ReadonlySet<OpBlock> = new Set()): CompiledParent {
  const compiler = new ParentCompiler(context, root, inlined);
  const scope: PartScope = { depth: 0, parts: new Map() };
  const states: [string, AslState][] = [];
  const items = compiler.itemsOf(root);
  compiler.compileItems(items, scope, { kind: 'next', next }, states);
  const opParts = new Map<number, string>();
  for (const part of scope.parts.values()) for (const k of part.ops) opParts.set(k, part.name);
  return {
    startAt: compiler.startName(items[0]!),
    states,
    partVariables: [...scope.parts.entries()].sort(([a], [b]) => a - b).map(([, part]) => part.name),
    opParts,
    children: compiler.structure.children,
    loads: compiler.loads,
  };
}

/**
 * The children compileSplitParent would give for `root` and the context's externals, in the same
 * order and through the same child cache, without compiling the parent's own states.
 */
export function compileSplitChildren(root: OpBlock, context: StructureContext): readonly CompiledChild[] {
  const structure = new StructureCompiler(context, root);
  const walk = (block: OpBlock): void => {
    const child = structure.childNumberOf(block);
    if (child !== undefined) structure.compileChildDefinition(block, child, structure.listCarried(block), { single: false, f: false });
    else if (block.kind !== 'op') for (const inner of block.kind === 'sequence' ? block.items : block.branches) walk(inner);
  };
  walk(root);
  return structure.children;
}

class ParentCompiler {
  readonly structure: StructureCompiler;
  /** Every part's number (children and inlined blocks, pre-order from 1): its variable `r<number>`. */
  private readonly partNumbers = new Map<OpBlock, number>();
  /** The part that carries each op out, by op index. */
  private readonly opPart = new Map<number, number>();
  readonly loads: ParentLoad[] = [];
  /** HeldPart ops lists as sets (holds). */
  private readonly opSets = new WeakMap<readonly number[], ReadonlySet<number>>();

  constructor(
    private readonly context: StructureContext,
    root: OpBlock,
    private readonly inlined: ReadonlySet<OpBlock>,
  ) {
    this.structure = new StructureCompiler(context, root);
    this.numberParts(root);
  }

  private numberParts(block: OpBlock): void {
    if (this.isPart(block)) {
      this.partNumbers.set(block, this.partNumbers.size + 1);
      return;
    }
    if (block.kind !== 'op') for (const child of block.kind === 'sequence' ? block.items : block.branches) this.numberParts(child);
  }

  private isPart(block: OpBlock): boolean {
    return this.inlined.has(block) || this.structure.childNumberOf(block) !== undefined;
  }

  /** The items a block compiles as: a part is one item (its state) even when it is a sequence. */
  itemsOf(block: OpBlock): readonly OpBlock[] {
    return block.kind === 'sequence' && !this.isPart(block) ? block.items : [block];
  }

  startName(block: OpBlock): string {
    if (this.inlined.has(block)) return buildInlinePartStateName(this.partNumbers.get(block)!);
    if (this.structure.childNumberOf(block) !== undefined) return this.structure.startName(block);
    if (block.kind === 'parallel') return this.structure.parallelNameOf(block);
    if (block.kind === 'sequence') return this.startName(block.items[0]!);
    throw new InternalError(`compiler: op ${block.op} of a split job is not in a part`);
  }

  /** Compiles the items of a sequence; for a `carry` exit, returns the parts its last state carries out. */
  compileItems(items: readonly OpBlock[], scope: PartScope, exit: ParentExit, states: [string, AslState][]): CarriedPart[] {
    let carried: CarriedPart[] = [];
    items.forEach((item, i) => {
      const itemExit: ParentExit = i < items.length - 1 ? { kind: 'next', next: this.startName(items[i + 1]!) } : exit;
      const child = this.structure.childNumberOf(item);
      if (child !== undefined) carried = this.compileChild(item, child, scope, itemExit, states);
      else if (this.inlined.has(item)) carried = this.compileInlined(item, scope, itemExit, states);
      else if (item.kind === 'parallel') carried = this.compileParallel(item, scope, itemExit, states);
      else if (item.kind === 'sequence') carried = this.compileItems(item.items, scope, itemExit, states);
      else throw new InternalError(`compiler: op ${item.op} of a split job is not in a part`);
    });
    return carried;
  }

  private compileChild(block: OpBlock, child: number, scope: PartScope, exit: ParentExit, states: [string, AslState][]): CarriedPart[] {
    const number = this.partNumbers.get(block)!;
    const carried = this.structure.listCarried(block);
    const shape: CarryShape = { single: false, f: false };
    const reads = this.structure.compileChildDefinition(block, child, carried, shape);
    const input: Record<string, JsonValue> = {
      [RUN_VARIABLES.payload]: expression(variable(RUN_VARIABLES.payload)),
      [RUN_VARIABLES.opsConfig]: expression(variable(RUN_VARIABLES.opsConfig)),
      [RUN_VARIABLES.markerCauseCharacters]: expression(variable(RUN_VARIABLES.markerCauseCharacters)),
    };
    for (const k of reads) input[buildCarryKey(k)] = expression(`${variable(this.lookUpPart(scope, k))}.${buildCarryKey(k)}`);
    for (const k of carried) this.opPart.set(k, number);
    const part = readPart(shape, carried, '$states.result.Output');
    const failed = buildFailedPart(carried);
    const name = buildChildStartStateName(child);
    const task: Pick<AslTaskState, 'Type' | 'Resource' | 'Arguments' | 'Retry'> = {
      Type: 'Task',
      Resource: START_EXECUTION_SYNC2_RESOURCE,
      Arguments: { StateMachineArn: `\${${buildChildPlaceholder(child)}}`, Input: input },
      Retry: [{ ErrorEquals: [...STEP_FUNCTIONS_SERVICE_ERRORS], IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2, JitterStrategy: 'FULL' }],
    };
    if (exit.kind === 'carry') {
      const own = this.carryOwnParts(scope, exit.inside);
      const kept = this.keepNeeded(carried, exit.inside);
      const key = buildPartKey(number);
      const failedName = buildChildFailedStateName(child);
      const state: AslTaskState = {
        ...task,
        Output: { ...own.output, [key]: expression(reducePart(part, carried, kept)) },
        Catch: [{ ErrorEquals: ['States.ALL'], Output: { ...own.output, [key]: expression(reducePart(failed, carried, kept)) }, Next: failedName }],
        End: true,
      };
      states.push([name, state], [failedName, { Type: 'Succeed' }]);
      const out = [...own.parts, { number, ops: kept }];
      this.addLoad(name, [reads, carried, out.flatMap((p) => p.ops)]);
      return out;
    }
    const target = buildPartVariableName(number, scope.depth);
    // Output {}: the next state's input is never a child's values.
    const state: AslTaskState = {
      ...task,
      Output: {},
      Assign: { [target]: expression(part) },
      Catch: [{ ErrorEquals: ['States.ALL'], Output: {}, Assign: { [target]: expression(failed) }, Next: exit.next }],
      Next: exit.next,
    };
    states.push([name, state]);
    scope.parts.set(number, { name: target, ops: carried });
    this.addLoad(name, [reads, carried]);
    return [];
  }

  /**
   * A block run in the parent: a one-branch Parallel whose branch is the block compiled as in a
   * child, reading the values of other parts from their variables (`$r3.v17`); its result is the
   * branch's carry, a part. No Catch: its ops' failures are markers, as in a child.
   */
  private compileInlined(block: OpBlock, scope: PartScope, exit: ParentExit, states: [string, AslState][]): CarriedPart[] {
    const number = this.partNumbers.get(block)!;
    const carried = this.structure.listCarried(block);
    const shape: CarryShape = { single: false, f: false };
    const outer = new PartPaths((k) => `${this.lookUpPart(scope, k)}.${buildCarryKey(k)}`);
    const branch = this.structure.compileBlockAsBranch(block, outer, scope.depth + 1, carried, shape);
    for (const k of carried) this.opPart.set(k, number);
    const part = readPart(shape, carried, '$states.result[0]');
    const name = buildInlinePartStateName(number);
    const branches: AslBranch[] = [{ StartAt: branch.startAt, States: buildStates(branch.states) }];
    if (exit.kind === 'carry') {
      const own = this.carryOwnParts(scope, exit.inside);
      const kept = this.keepNeeded(carried, exit.inside);
      states.push([name, { Type: 'Parallel', Branches: branches, Output: { ...own.output, [buildPartKey(number)]: expression(reducePart(part, carried, kept)) }, End: true }]);
      const out = [...own.parts, { number, ops: kept }];
      this.addLoad(name, [carried, out.flatMap((p) => p.ops)]);
      return out;
    }
    const target = buildPartVariableName(number, scope.depth);
    // Output {}: the next state's input is never the branch's values.
    states.push([name, { Type: 'Parallel', Branches: branches, Output: {}, Assign: { [target]: expression(part) }, Next: exit.next }]);
    scope.parts.set(number, { name: target, ops: carried });
    this.addLoad(name, [carried]);
    return [];
  }

  private compileParallel(block: OpBlock & { kind: 'parallel' }, scope: PartScope, exit: ParentExit, states: [string, AslState][]): CarriedPart[] {
    const byBranch: CarriedPart[][] = [];
    const branches: AslBranch[] = block.branches.map((branch) => {
      const branchScope: PartScope = { depth: scope.depth + 1, parts: new Map(), parent: scope };
      const branchStates: [string, AslState][] = [];
      const items = this.itemsOf(branch);
      byBranch.push(this.compileItems(items, branchScope, { kind: 'carry', inside: new Set(listBlockOps(branch)) }, branchStates));
      return { StartAt: this.startName(items[0]!), States: buildStates(branchStates) };
    });
    const name = this.structure.parallelNameOf(block);
    const result = byBranch.flat().flatMap((part) => part.ops);
    if (exit.kind === 'carry') {
      const own = this.carryOwnParts(scope, exit.inside);
      const output: Record<string, JsonValue> = { ...own.output };
      const out = [...own.parts];
      byBranch.forEach((parts, i) => {
        for (const part of parts) {
          const kept = this.keepNeeded(part.ops, exit.inside);
          output[buildPartKey(part.number)] = expression(reducePart(`$states.result[${i}].${buildPartKey(part.number)}`, part.ops, kept));
          out.push({ number: part.number, ops: kept });
        }
      });
      states.push([name, { Type: 'Parallel', Branches: branches, Output: output, End: true }]);
      this.addLoad(name, [result, out.flatMap((p) => p.ops)]);
      return out;
    }
    const assign: Record<string, JsonValue> = {};
    byBranch.forEach((parts, i) => {
      for (const part of parts) {
        const target = buildPartVariableName(part.number, scope.depth);
        assign[target] = expression(`$states.result[${i}].${buildPartKey(part.number)}`);
        scope.parts.set(part.number, { name: target, ops: part.ops });
      }
    });
    // Output {}: the next state's input is never the branches' values.
    states.push([name, { Type: 'Parallel', Branches: branches, Output: {}, Assign: assign, Next: exit.next }]);
    this.addLoad(name, [result]);
    return [];
  }

  /** The parts a branch assigned before its last state, each with only the ops needed outside the branch: the branch's Output carries them out. */
  private carryOwnParts(scope: PartScope, inside: ReadonlySet<number>): { output: Record<string, JsonValue>; parts: CarriedPart[] } {
    const output: Record<string, JsonValue> = {};
    const parts: CarriedPart[] = [];
    for (const [number, part] of scope.parts) {
      const kept = this.keepNeeded(part.ops, inside);
      output[buildPartKey(number)] = expression(reducePart(variable(part.name), part.ops, kept));
      parts.push({ number, ops: kept });
    }
    return { output, parts };
  }

  /** The ops among `ops` that are needed outside a branch holding the ops `inside`: sinks, and ops with a consumer outside it. */
  private keepNeeded(ops: readonly number[], inside: ReadonlySet<number>): number[] {
    return ops.filter((k) => this.context.sinks.has(k) || this.context.graph.successors[k]!.some((s) => !inside.has(s)));
  }

  /** Records a state's load: the most op values one of its fields (or its result) holds. */
  private addLoad(state: string, fields: readonly (readonly number[])[]): void {
    const fullest = fields.reduce((a, b) => (b.length > a.length ? b : a));
    this.loads.push({ state, slots: fullest.length, ops: fullest });
  }

  /** True when `part` holds op `k`'s envelope (a set per ops list, made on first use: parts can hold hundreds of ops). */
  private holds(part: HeldPart, k: number): boolean {
    let ops = this.opSets.get(part.ops);
    if (ops === undefined) {
      ops = new Set(part.ops);
      this.opSets.set(part.ops, ops);
    }
    return ops.has(k);
  }

  /** The variable of the part that holds op `k`'s envelope, seen from `scope`: its own assignment, else the nearest enclosing one. */
  private lookUpPart(scope: PartScope, k: number): string {
    const number = this.opPart.get(k);
    for (let current: PartScope | undefined = scope; current !== undefined && number !== undefined; current = current.parent) {
      const part = current.parts.get(number);
      if (part !== undefined && this.holds(part, k)) return part.name;
    }
    throw new InternalError(`compiler: no part of the split job's parent holds op ${k}'s envelope here`);
  }
}

/** The outer variables of an inlined block: op k's boxed value is a path into the part that holds it. */
class PartPaths extends Map<number, string> {
  constructor(private readonly resolve: (k: number) => string) {
    super();
  }
  override get(k: number): string {
    return this.resolve(k);
  }
}

/**
 * A part read from a child's or an inlined block's result `result`: the carry itself, or, when it
 * carries one value and no marker (buildCarry then outputs that envelope, an object, itself), that
 * envelope boxed under its key.
 */
function readPart(shape: CarryShape, carried: readonly number[], result: string): string {
  return shape.single ? `{'${buildCarryKey(carried[0]!)}':[${result}]}` : result;
}

/**
 * A part (`source`, holding the ops `ops`) with only the ops `kept` under their keys, and the
 * markers of the others (and of its "f" list) in its "f" list: what a branch carries out of a
 * part when some of its values are not needed outside (the final check still finds every marker).
 */
export function reducePart(source: string, ops: readonly number[], kept: readonly number[]): string {
  if (kept.length === ops.length) return source;
  const keys = kept.map((k) => `'${buildCarryKey(k)}':1`).join(',');
  return (
    `($q:=${source};$n:={${keys}};` +
    `$merge([$sift($q,function($v,$k){$exists($lookup($n,$k))}),{'f':$append([],$sift($q,function($v,$k){$not($exists($lookup($n,$k)))}).*[${OUTCOME_MARKER_KEY}])}]))`
  );
}

/**
 * The part of a child that failed as an execution: op k's 'failed' marker under key `v<k>` for
 * each op it carries, with the child's error (`$states.errorOutput`), in buildFailedMarker's
 * shape; the op's name from the run's op names (OP_NAMES_VARIABLE, assigned by init-run).
 */
export function buildFailedPart(carried: readonly number[]): string {
  const marker = `{'${OUTCOME_MARKER_KEY}':'failed','op':$${OP_NAMES_VARIABLE}[$k],'error':Error,'cause':$substring(Cause,0,$${RUN_VARIABLES.markerCauseCharacters})}`;
  return `($e:=$states.errorOutput;$merge([[${carried.join(',')}].($k:=$;{'${CARRY_KEY_PREFIX}'&$k:[$e.${marker}]})]))`;
}

/** The outcome markers in the parts (an array, possibly empty). */
export function buildPartMarkers(partVariables: readonly string[]): string {
  return `$append([],[${partVariables.map(variable).join(',')}].*[${OUTCOME_MARKER_KEY}])`;
}

/** True when a part holds an outcome marker. */
export function buildPartsHaveMarker(partVariables: readonly string[]): string {
  return `$exists([${partVariables.map(variable).join(',')}].*[${OUTCOME_MARKER_KEY}])`;
}

/** Every op envelope the parts hold, by op name (the failure Cause's `$V`). */
export function buildPartValues(partVariables: readonly string[]): string {
  return `$merge([[${partVariables.map(variable).join(',')}].$each($,function($x,$k){$k='f'?{}:{$${OP_NAMES_VARIABLE}[$number($substring($k,${CARRY_KEY_PREFIX.length}))]:$x[0]}})])`;
}

/** The job's Output: each sink's value, read from its part, in ascending op order. */
export function buildParentOutput(names: readonly string[], sinks: ReadonlySet<number>, opParts: ReadonlyMap<number, string>): Record<string, string> {
  const output: Record<string, string> = {};
  for (const k of [...sinks].sort((a, b) => a - b)) output[names[k]!] = expression(unboxValue(`${variable(opParts.get(k)!)}.${buildCarryKey(k)}`));
  return output;
}
