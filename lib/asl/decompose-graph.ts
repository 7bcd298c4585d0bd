import { evaluateMakespan, type OpDurations } from './evaluate-makespan.js';
import type { OpGraph } from './job-graph.js';
import { compactParallels } from './compact-parallels.js';
import { buildParallel, buildSequence, countParallels, type OpBlock } from './op-blocks.js';

/**
 * Turns an op graph into sequences and Parallels (a series-parallel structure) that keeps as
 * much concurrency as it can.
 *
 * decompose(S), S a set of ops whose producers outside S are all done:
 * 1. one op: its Task;
 * 2. several weakly connected components: a Parallel of decompose(component);
 * 3. connected: the best series cut S = P ; Q (P closed under producers), then
 *    sequence(decompose(P), decompose(Q)).
 * The cost of a cut is CP(P) + CP(Q) (critical paths with the op durations), a lower bound of
 * its makespan. With head(v) = the longest path ending at v and tail(v) = the longest path
 * starting at v, P = {head <= a} is closed under producers and CP(P) + CP(Q) = a + max over Q
 * of tail, and the cheapest cut over every producer-closed P is one of these thresholds; so
 * all cheapest cuts are found in O(|S| log |S|). For a series-parallel graph the cheapest cut
 * costs CP(S): the structure is exact (makespan = critical path).
 * Cheapest cuts tie often; each strategy breaks ties its own way (smallest P, largest P, the
 * same on tail thresholds, most balanced), the whole graph is decomposed once per strategy,
 * Parallels that buy nothing within their slack become sequences (compactParallels), and the
 * structure with the smallest evaluated makespan wins (then fewest Parallels).
 */
export function decomposeGraph(graph: OpGraph, durations: OpDurations): OpBlock {
  let best: { block: OpBlock; makespan: number; parallels: number } | undefined;
  for (const strategy of STRATEGIES) {
    const block = compactParallels(new Decomposer(graph, durations, strategy).decompose(graph.names.map((_, k) => k)), durations);
    const makespan = evaluateMakespan(block, durations);
    const parallels = countParallels(block);
    if (best === undefined || makespan < best.makespan - 1e-9 || (Math.abs(makespan - best.makespan) <= 1e-9 && parallels < best.parallels)) {
      best = { block, makespan, parallels };
    }
  }
  return best!.block;
}

type Strategy = 'head-first' | 'head-last' | 'tail-first' | 'tail-last' | 'balanced';
const STRATEGIES: readonly Strategy[] = ['head-first', 'head-last', 'tail-first', 'tail-last', 'balanced'];

interface Cut {
  readonly cost: number;
  /** Ops in P (the first part). */
  readonly firstSize: number;
  readonly family: 'head' | 'tail';
  readonly threshold: number;
}

class Decomposer {
  private readonly mark: Int32Array;
  private stamp = 0;
  private readonly head: Float64Array;
  private readonly tail: Float64Array;

  constructor(
    private readonly graph: OpGraph,
    private readonly durations: OpDurations,
    private readonly strategy: Strategy,
  ) {
    const n = graph.names.length;
    this.mark = new Int32Array(n);
    this.head = new Float64Array(n);
    this.tail = new Float64Array(n);
  }

  /** `ops` ascending (a topological order). */
  decompose(ops: readonly number[]): OpBlock {
    if (ops.length === 1) return { kind: 'op', op: ops[0]! };
    const components = this.splitComponents(ops);
    if (components.length > 1) return buildParallel(components.map((component) => this.decompose(component)));
    const [first, second] = this.cutSeries(ops);
    return buildSequence([this.decompose(first), this.decompose(second)]);
  }

  private duration(op: number): number {
    return this.durations[op] ?? 1;
  }

  private enter(ops: readonly number[]): number {
    this.stamp += 1;
    for (const op of ops) this.mark[op] = this.stamp;
    return this.stamp;
  }

  private splitComponents(ops: readonly number[]): number[][] {
    const stamp = this.enter(ops);
    const visited = stamp + 1;
    this.stamp = visited;
    const components: number[][] = [];
    for (const start of ops) {
      if (this.mark[start] !== stamp) continue;
      const component: number[] = [];
      const stack = [start];
      this.mark[start] = visited;
      while (stack.length > 0) {
        const op = stack.pop()!;
        component.push(op);
        for (const next of [...this.graph.predecessors[op]!, ...this.graph.successors[op]!]) {
          if (this.mark[next] === stamp) {
            this.mark[next] = visited;
            stack.push(next);
          }
        }
      }
      components.push(component.sort((a, b) => a - b));
    }
    return components;
  }

  private cutSeries(ops: readonly number[]): [number[], number[]] {
    const stamp = this.enter(ops);
    const { head, tail } = this;
    for (const op of ops) {
      let start = 0;
      for (const p of this.graph.predecessors[op]!) if (this.mark[p] === stamp) start = Math.max(start, head[p]!);
      head[op] = start + this.duration(op);
    }
    for (let i = ops.length - 1; i >= 0; i -= 1) {
      const op = ops[i]!;
      let rest = 0;
      for (const s of this.graph.successors[op]!) if (this.mark[s] === stamp) rest = Math.max(rest, tail[s]!);
      tail[op] = rest + this.duration(op);
    }
    const cuts = [...this.listCuts(ops, 'head'), ...this.listCuts(ops, 'tail')];
    const cheapest = Math.min(...cuts.map((cut) => cut.cost));
    const ties = cuts.filter((cut) => cut.cost <= cheapest + 1e-9);
    const chosen = this.chooseCut(ties, ops.length);
    const first: number[] = [];
    const second: number[] = [];
    for (const op of ops) {
      const inFirst = chosen.family === 'head' ? head[op]! <= chosen.threshold + 1e-9 : tail[op]! > chosen.threshold + 1e-9;
      (inFirst ? first : second).push(op);
    }
    return [first, second];
  }

  /**
   * 'head': P = {head <= a} for each distinct head a below the maximum, cost a + max tail over Q.
   * 'tail': Q = {tail <= b} for each distinct tail b below the maximum, cost max head over P + b.
   */
  private listCuts(ops: readonly number[], family: 'head' | 'tail'): Cut[] {
    const key = family === 'head' ? this.head : this.tail;
    const other = family === 'head' ? this.tail : this.head;
    const sorted = [...ops].sort((a, b) => key[a]! - key[b]!);
    // Max of `other` over sorted[i..]: the part beyond the threshold.
    const beyond = new Float64Array(sorted.length + 1);
    for (let i = sorted.length - 1; i >= 0; i -= 1) beyond[i] = Math.max(beyond[i + 1]!, other[sorted[i]!]!);
    const cuts: Cut[] = [];
    for (let i = 0; i < sorted.length - 1; i += 1) {
      const threshold = key[sorted[i]!]!;
      if (key[sorted[i + 1]!]! <= threshold + 1e-9) continue;
      const within = i + 1;
      // head family: P = sorted[0..i]; tail family: Q = sorted[0..i].
      cuts.push({
        cost: threshold + beyond[i + 1]!,
        firstSize: family === 'head' ? within : sorted.length - within,
        family,
        threshold,
      });
    }
    return cuts;
  }

  private chooseCut(ties: readonly Cut[], size: number): Cut {
    const pick = (family: 'head' | 'tail', last: boolean): Cut | undefined => {
      const own = ties.filter((cut) => cut.family === family);
      return last ? own[own.length - 1] : own[0];
    };
    switch (this.strategy) {
      case 'head-first':
        return pick('head', false) ?? ties[0]!;
      case 'head-last':
        return pick('head', true) ?? ties[0]!;
      case 'tail-first':
        return pick('tail', false) ?? ties[0]!;
      case 'tail-last':
        return pick('tail', true) ?? ties[0]!;
      case 'balanced':
        return ties.reduce((best, cut) => (Math.abs(2 * cut.firstSize - size) < Math.abs(2 * best.firstSize - size) ? cut : best));
    }
  }
}
