import type { RetryMode } from '../job/wire-protocol.js';
import type { AslBranch, AslRetrier, AslState, JsonObject } from './asl-types.js';
import { buildCarry, expression, variable } from './jsonata-expressions.js';
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
  readonly jobName: string;
  readonly planHash: string;
  readonly graph: OpGraph;
  readonly ops: readonly OpCompileInfo[];
  /** Ops whose output the execution returns (no op consumes them). */
  readonly sinks: ReadonlySet<number>;
}

/** One variable scope: the top level or a Parallel branch. */
interface Scope {
  readonly depth: number;
  /** The variable each available op output is read from here. */
  readonly variables: Map<number, string>;
  /** Variables of this scope that may hold outcome markers (op outputs, Parallel failure lists). */
  readonly markerSources: string[];
}

/** Where a sequence goes when it is done. */
type Exit = { readonly kind: 'next'; readonly next: string } | { readonly kind: 'carry'; readonly ops: readonly number[] };

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
  return { startAt: compiler.startName(items[0]!), states, variables: scope.variables, markerSources: scope.markerSources };
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
    const carryOps = exit.kind === 'carry' ? exit.ops : undefined;
    const sources = [...scope.markerSources];
    states.push(
      ...compileTaskStates({
        jobName: this.context.jobName,
        planHash: this.context.planHash,
        opName: info.name,
        opIndex: op,
        retryMode: info.retryMode,
        retriers: info.retriers,
        inputVariables: info.inputs.map((producer) => scope.variables.get(producer)!),
        outputVariable,
        next: exit.kind === 'next' ? exit.next : undefined,
        ...(carryOps === undefined
          ? {}
          : {
              buildCarry: (own: string) =>
                buildCarry(
                  carryOps.map((k) => [buildCarryKey(k), k === op ? own : variable(scope.variables.get(k)!)] as const),
                  [...sources, own],
                ),
            }),
      }),
    );
    scope.variables.set(op, outputVariable);
    scope.markerSources.push(variable(outputVariable));
  }

  private compileParallel(block: OpBlock & { kind: 'parallel' }, scope: Scope, exit: Exit, states: [string, AslState][]): void {
    const id = this.parallelIds.get(block)!;
    const carried: number[][] = [];
    const branches: AslBranch[] = block.branches.map((branch) => {
      const branchOps = listBlockOps(branch);
      const inside = new Set(branchOps);
      const needed = branchOps
        .filter((k) => this.context.sinks.has(k) || this.context.graph.successors[k]!.some((s) => !inside.has(s)))
        .sort((a, b) => a - b);
      carried.push(needed);
      const branchScope: Scope = { depth: scope.depth + 1, variables: new Map(scope.variables), markerSources: [] };
      const branchStates: [string, AslState][] = [];
      const items = branch.kind === 'sequence' ? branch.items : [branch];
      this.compileItems(items, branchScope, { kind: 'carry', ops: needed }, branchStates);
      return { StartAt: this.startName(items[0]!), States: Object.fromEntries(branchStates) };
    });
    const fromBranch = (k: number): string | undefined => {
      const i = carried.findIndex((ops) => ops.includes(k));
      return i < 0 ? undefined : `$states.result[${i}].${buildCarryKey(k)}`;
    };
    const name = buildParallelStateName(id);
    if (exit.kind === 'carry') {
      const entries = exit.ops.map((k) => [buildCarryKey(k), fromBranch(k) ?? variable(scope.variables.get(k)!)] as const);
      states.push([name, { Type: 'Parallel', Branches: branches, Output: expression(buildCarry(entries, [...scope.markerSources, '$states.result.f'])), End: true }]);
      return;
    }
    const assign: Record<string, string> = {};
    carried.forEach((ops) => {
      for (const k of ops) {
        const target = buildOutputVariableName(k, scope.depth);
        assign[target] = expression(fromBranch(k)!);
      }
    });
    const failures = buildFailuresVariableName(id);
    assign[failures] = expression('$append([], $states.result.f)');
    states.push([name, { Type: 'Parallel', Branches: branches, Assign: assign as JsonObject, Next: exit.next }]);
    carried.forEach((ops) => ops.forEach((k) => scope.variables.set(k, buildOutputVariableName(k, scope.depth))));
    scope.markerSources.push(variable(failures));
  }
}
