import { buildOpForest } from './build-op-forest.js';
import { decomposeGraph, isSeriesParallel } from './decompose-graph.js';
import type { OpDurations } from './evaluate-makespan.js';
import { Reachability } from './graph-reachability.js';
import type { OpGraph } from './job-graph.js';
import { listOpsRunBefore } from './held-back-ops.js';
import { buildParallel, buildSequence, type OpBlock } from './op-blocks.js';

/** A dependency the structure of `concurrency: 'exact'` does not give, enforced by a task-token wait. */
export interface CrossEdge {
  /** The op that must finish first (index). */
  readonly producer: number;
  /** The op that waits for it (index). */
  readonly consumer: number;
}

/** The structure of `concurrency: 'exact'` and the edges it leaves to task-token waits. */
export interface ExactStructure {
  readonly block: OpBlock;
  /** Ascending by consumer, then producer; empty exactly when the graph is series-parallel. */
  readonly crossEdges: readonly CrossEdge[];
}

/**
 * The structure of `concurrency: 'exact'`: sequences and Parallels that never order two ops the
 * graph does not order, plus the dependencies it does not give (cross edges), which the
 * compiled machine enforces with task-token waits. A series-parallel graph gets the structured
 * mode's own structure (decomposeGraph) and no cross edge, so it compiles exactly as in
 * structured mode.
 *
 * Otherwise decompose(S), S convex, as decomposeGraph: one op; a Parallel of the weakly
 * connected components; the sequence of the series parts; and where S is connected without a
 * series cut, instead of a forced cut P ; Q (which makes ops of Q wait for ops of P they do not
 * depend on), the Parallel P | Q, whose dependencies from P to Q become cross edges. P is a
 * down-set of S (closed under producers), so P and Q stay convex. P is chosen among the
 * down-sets "the producers of v in S, with v" and "S without the consumers of v" (v in S) as
 * the one with the fewest edges into Q (each costs a wait), then the most balanced, then the
 * lowest v. The forest of one producer edge per op (buildOpForest) is the other candidate:
 * of the two structures, the one with fewer cross edges is kept (the down-set splits on a
 * tie). On random graphs the forest leaves about half as many (bench/exact-concurrency.ts);
 * the splits win where the graph is series-parallel in large parts. Every op then starts once
 * its last producer is done, whatever the ops take: either structure only orders an op after
 * ops upstream of it, and every direct dependency is either in the structure or a cross edge.
 */
export function decomposeExact(graph: OpGraph, durations?: OpDurations): ExactStructure {
  if (isSeriesParallel(graph)) return { block: decomposeGraph(graph, durations), crossEdges: [] };
  const decomposer = new ExactDecomposer(graph);
  const split = decomposer.decompose(graph.names.map((_, k) => k));
  const splitEdges = findCrossEdges(split, graph);
  const forest = buildOpForest(graph);
  const forestEdges = findCrossEdges(forest, graph);
  return forestEdges.length < splitEdges.length ? { block: forest, crossEdges: forestEdges } : { block: split, crossEdges: splitEdges };
}

/** The direct dependencies (p, y) where the structure does not run p before y. */
export function findCrossEdges(block: OpBlock, graph: OpGraph): CrossEdge[] {
  const n = graph.names.length;
  const words = Math.ceil(n / 32);
  const before = listOpsRunBefore(block, n);
  const edges: CrossEdge[] = [];
  for (let y = 0; y < n; y += 1) {
    for (const p of graph.predecessors[y]!) {
      if ((before[y * words + (p >>> 5)]! & (1 << (p & 31))) === 0) edges.push({ producer: p, consumer: y });
    }
  }
  return edges;
}

class ExactDecomposer {
  private readonly reachability: Reachability;
  private readonly inSet: Uint8Array;

  constructor(private readonly graph: OpGraph) {
    this.reachability = new Reachability(graph);
    this.inSet = new Uint8Array(graph.names.length);
  }

  /** `ops` ascending (a topological order), convex. */
  decompose(ops: readonly number[]): OpBlock {
    if (ops.length === 1) return { kind: 'op', op: ops[0]! };
    const components = this.splitComponents(ops);
    if (components.length > 1) return buildParallel(components.map((component) => this.decompose(component)));
    const parts = this.splitSeries(ops);
    if (parts.length > 1) return buildSequence(parts.map((part) => this.decompose(part)));
    const first = this.chooseDownSet(ops);
    const inFirst = new Set(first);
    const second = ops.filter((op) => !inFirst.has(op));
    return buildParallel([this.decompose(first), this.decompose(second)]);
  }

  private mark(ops: readonly number[], value: 0 | 1): void {
    for (const op of ops) this.inSet[op] = value;
  }

  private splitComponents(ops: readonly number[]): number[][] {
    this.mark(ops, 1);
    const seen = new Set<number>();
    const components: number[][] = [];
    for (const start of ops) {
      if (seen.has(start)) continue;
      const component: number[] = [];
      const stack = [start];
      seen.add(start);
      while (stack.length > 0) {
        const op = stack.pop()!;
        component.push(op);
        for (const next of [...this.graph.predecessors[op]!, ...this.graph.successors[op]!]) {
          if (this.inSet[next] === 1 && !seen.has(next)) {
            seen.add(next);
            stack.push(next);
          }
        }
      }
      components.push(component.sort((a, b) => a - b));
    }
    this.mark(ops, 0);
    return components;
  }

  /** Cut after position i when every op up to i reaches every op after i. */
  private splitSeries(ops: readonly number[]): number[][] {
    const parts: number[][] = [];
    let part: number[] = [];
    let furthestUnreached = 0;
    for (let i = 0; i < ops.length; i += 1) {
      part.push(ops[i]!);
      for (let j = ops.length - 1; j > Math.max(i, furthestUnreached); j -= 1) {
        if (!this.reachability.reaches(ops[i]!, ops[j]!)) {
          furthestUnreached = j;
          break;
        }
      }
      if (furthestUnreached <= i && i < ops.length - 1) {
        parts.push(part);
        part = [];
      }
    }
    parts.push(part);
    return parts;
  }

  /** The down-set P of S with the fewest edges into S \ P (see decomposeExact). */
  private chooseDownSet(ops: readonly number[]): number[] {
    this.mark(ops, 1);
    let best: { set: number[]; crossing: number; imbalance: number } | undefined;
    const consider = (set: number[]): void => {
      if (set.length === 0 || set.length === ops.length) return;
      const inside = new Set(set);
      let crossing = 0;
      for (const p of set) for (const s of this.graph.successors[p]!) if (this.inSet[s] === 1 && !inside.has(s)) crossing += 1;
      const imbalance = Math.abs(ops.length - 2 * set.length);
      if (best === undefined || crossing < best.crossing || (crossing === best.crossing && imbalance < best.imbalance)) best = { set, crossing, imbalance };
    };
    for (const v of ops) {
      consider(ops.filter((u) => u === v || this.reachability.reaches(u, v)));
      consider(ops.filter((u) => u !== v && !this.reachability.reaches(v, u)));
    }
    this.mark(ops, 0);
    return best!.set;
  }
}
