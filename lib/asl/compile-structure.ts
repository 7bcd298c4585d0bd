import type { RetryMode } from '../job/wire-protocol.js';
import type { AslBranch, AslRetrier, AslState, JsonObject, JsonValue } from './asl-types.js';
import { box, buildCarry, expression, unbox, variable, type CarriedValue } from './jsonata-expressions.js';
import type { OpGraph } from './job-graph.js';
import { listBlockOps, type OpBlock } from './op-blocks.js';
import { compileTaskStates } from './compile-task.js';
import {
  buildCarryKey,
  buildFailuresVariableName,
  buildOutputVariableName,
  buildParallelStateName,
} from './state-names.js';

/** What the structure compiler needs to know about each op, by index. */
export interface OpCompileInfo {
  readonly name: string;
  /** Producer indices in parameter order (repeats allowed). */
  readonly inputs: readonly number[];
  readonly retryMode: RetryMode;
  readonly retriers: readonly AslRetrier[];
}

export interface StructureContext {
  readonly graph: OpGraph;
  readonly ops: readonly OpCompileInfo[];
  /** Ops whose output the execution returns (no op consumes them). */
  readonly sinks: ReadonlySet<number>;
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
  readonly variables: Map<number, string>;
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
  throw new Error(`stepops compiler: no variable holds op ${k}'s output in this scope`);
}

/**
 * What a branch outputs: `single` when it carries exactly one op's value and no other marker
 * (its Output is that value itself), `f` when its Output has the "f" list of the markers of
 * its ops that it does not carry. Set by the state that ends the branch.
 */
interface CarryShape {
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
}

/** Compiles the structure into top-level states ending at `next`. */
export function compileStructure(root: OpBlock, context: StructureContext, next: string): CompiledTopLevel {
  const compiler = new StructureCompiler(context, root);
  const scope: Scope = { depth: 0, variables: new Map(), markerSources: [] };
  const states: [string, AslState][] = [];
  const items = root.kind === 'sequence' ? root.items : [root];
  compiler.compileItems(items, scope, { kind: 'next', next }, states);
  return { startAt: compiler.startName(items[0]!), states, variables: scope.variables, markerSources: scope.markerSources.map((source) => source.value) };
}

class StructureCompiler {
  private readonly parallelIds = new Map<OpBlock, number>();

  constructor(
    private readonly context: StructureContext,
    root: OpBlock,
  ) {
    this.numberParallels(root);
  }

  private numberParallels(block: OpBlock): void {
    if (block.kind === 'op') return;
    if (block.kind === 'parallel') this.parallelIds.set(block, this.parallelIds.size);
    for (const child of block.kind === 'sequence' ? block.items : block.branches) this.numberParallels(child);
  }

  startName(block: OpBlock): string {
    if (block.kind === 'op') return this.context.ops[block.op]!.name;
    if (block.kind === 'parallel') return buildParallelStateName(this.parallelIds.get(block)!);
    return this.startName(block.items[0]!);
  }

  compileItems(items: readonly OpBlock[], scope: Scope, exit: Exit, states: [string, AslState][]): void {
    items.forEach((item, i) => {
      const last = i === items.length - 1;
      const itemExit: Exit = !last ? { kind: 'next', next: this.startName(items[i + 1]!) } : exit;
      if (item.kind === 'op') this.compileOp(item.op, scope, itemExit, states);
      else if (item.kind === 'parallel') this.compileParallel(item, scope, itemExit, states);
      else this.compileItems(item.items, scope, itemExit, states);
    });
  }

  private compileOp(op: number, scope: Scope, exit: Exit, states: [string, AslState][]): void {
    const info = this.context.ops[op]!;
    const outputVariable = buildOutputVariableName(op, scope.depth);
    states.push(
      ...compileTaskStates({
        opName: info.name,
        opIndex: op,
        retryMode: info.retryMode,
        retriers: info.retriers,
        inputVariables: info.inputs.map((producer) => lookUpVariable(scope, producer)),
        outputVariable,
        next: exit.kind === 'next' ? exit.next : undefined,
        ...(exit.kind === 'next'
          ? {}
          : {
              buildCarry: (ownValue: string) => {
                const sources = [...scope.markerSources, { value: '', op }];
                const markers = uncarried(sources, exit.ops).map((source) => (source.op === op ? ownValue : source.value));
                exit.shape.single = exit.ops.length === 1 && markers.length === 0;
                exit.shape.f = markers.length > 0;
                const entries = exit.ops.map((k): CarriedValue => (k === op ? { key: buildCarryKey(k), boxed: box(ownValue), value: ownValue } : fromScope(scope, k)));
                return buildCarry(entries, markers);
              },
            }),
      }),
    );
    scope.variables.set(op, outputVariable);
    scope.markerSources.push({ value: variable(outputVariable), op });
  }

  private compileParallel(block: OpBlock & { kind: 'parallel' }, scope: Scope, exit: Exit, states: [string, AslState][]): void {
    const id = this.parallelIds.get(block)!;
    const carried: number[][] = [];
    const shapes: CarryShape[] = [];
    const branches: AslBranch[] = block.branches.map((branch) => {
      const branchOps = listBlockOps(branch);
      const inside = new Set(branchOps);
      const needed = branchOps
        .filter((k) => this.context.sinks.has(k) || this.context.graph.successors[k]!.some((s) => !inside.has(s)))
        .sort((a, b) => a - b);
      carried.push(needed);
      const shape: CarryShape = { single: false, f: false };
      shapes.push(shape);
      const branchScope: Scope = { depth: scope.depth + 1, variables: new Map(), parent: scope, markerSources: [] };
      const branchStates: [string, AslState][] = [];
      const items = branch.kind === 'sequence' ? branch.items : [branch];
      this.compileItems(items, branchScope, { kind: 'carry', ops: needed, shape }, branchStates);
      return { StartAt: this.startName(items[0]!), States: Object.fromEntries(branchStates) };
    });
    const fromBranch = (k: number): CarriedValue | undefined => {
      const i = carried.findIndex((ops) => ops.includes(k));
      if (i < 0) return undefined;
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
      const dropped = carried.flat().filter((k) => !exit.ops.includes(k));
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
    // Output {}: the next Task's input must not be the branches' outputs (op values; see buildRetryNumber).
    states.push([name, { Type: 'Parallel', Branches: branches, Output: {}, Assign: assign as JsonObject, Next: exit.next }]);
    carried.forEach((ops) =>
      ops.forEach((k) => {
        const target = buildOutputVariableName(k, scope.depth);
        scope.variables.set(k, target);
        scope.markerSources.push({ value: variable(target), op: k });
      }),
    );
    if (failureLists.length > 0) scope.markerSources.push({ value: variable(failures) });
  }
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
