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
 * same on tail thresholds, most balanced). The lower bound ignores the losses of the cuts
 * further down, so more strategies cut on a blend of earliest and latest start times instead
 * (LAMBDAS). The whole graph is decomposed once per strategy,
 * Parallels that buy nothing within their slack become sequences (compactParallels), and the
 * structure with the smallest evaluated makespan wins (then fewest Parallels).
 */
export function decomposeGraph(graph: OpGraph, durations: OpDurations, options: DecomposeOptions = {}): OpBlock {
  let best: { block: OpBlock; makespan: number; parallels: number } | undefined;
  const all: (Strategy | number)[] = [...(options.strategies ?? STRATEGIES), ...(options.lambdas ?? LAMBDAS)];
  for (const strategy of all) {
    const block = compactParallels(new Decomposer(graph, durations, strategy).decompose(graph.names.map((_, k) => k)), durations);
    const makespan = evaluateMakespan(block, durations);
    const parallels = countParallels(block);
    if (best === undefined || makespan < best.makespan - 1e-9 || (Math.abs(makespan - best.makespan) <= 1e-9 && parallels < best.parallels)) {
      best = { block, makespan, parallels };
    }
  }
  return best!.block;
}

export interface DecomposeOptions {
  /** The tie-breaking strategies to try. @default all five */
  readonly strategies?: readonly Strategy[];
  /** Extra strategies: cuts on (1 - λ) earliest start + λ latest start only. @default LAMBDAS */
  readonly lambdas?: readonly number[];
}

export type Strategy = 'head-first' | 'head-last' | 'tail-first' | 'tail-last' | 'balanced';
const STRATEGIES: readonly Strategy[] = ['head-first', 'head-last', 'tail-first', 'tail-last', 'balanced'];
/**
 * Start-time strategies: each cut is P = {(1 - λ) es + λ ls <= t} (es / ls the earliest / latest
 * start within the component), the cheapest such cut by CP(P) + CP(Q). Blending in the slack
 * keeps low-slack ops on the side where their chain runs and lets the rest float, which the
 * pure head / tail thresholds (λ = 0 / 1 in finish / start terms) do not; on 1,000-op random
 * DAGs these win most of the time (bench/schedule-efficiency.ts).
 */
const LAMBDAS: readonly number[] = [0.3, 0.4, 0.5, 0.6];

interface Cut {
  readonly cost: number;
  /** Ops in P (the first part). */
  readonly firstSize: number;
  readonly family: 'head' | 'tail' | 'key';
  readonly threshold: number;
}

interface Analysis {
  /** By position in ops. */
  readonly head: Float64Array;
  readonly tail: Float64Array;
  readonly cuts: Cut[];
  readonly criticalPath: number;
  readonly key?: Float64Array;
}

class Decomposer {
  private readonly mark: Int32Array;
  private readonly position: Int32Array;
  private stamp = 0;

  constructor(
    private readonly graph: OpGraph,
    private readonly durations: OpDurations,
    private readonly strategy: Strategy | number,
  ) {
    const n = graph.names.length;
    this.mark = new Int32Array(n);
    this.position = new Int32Array(n);
  }

  /** `ops` ascending (a topological order). */
  decompose(ops: readonly number[]): OpBlock {
    if (ops.length === 1) return { kind: 'op', op: ops[0]! };
    const components = this.splitComponents(ops);
    if (components.length > 1) return buildParallel(components.map((component) => this.decompose(component)));
    const analysis = this.analyze(ops);
    const cut = this.chooseSeries(ops, analysis);
    const [first, second] = this.partition(ops, analysis, cut);
    return buildSequence([this.decompose(first), this.decompose(second)]);
  }

  /** The cheapest cut by CP(P) + CP(Q); ties broken by the strategy. */
  private chooseSeries(ops: readonly number[], analysis: Analysis): Cut {
    const { cuts } = analysis;
    const cheapest = cuts.reduce((min, cut) => Math.min(min, cut.cost), Infinity);
    return this.pickTie(cuts.filter((cut) => cut.cost <= cheapest + 1e-9), ops.length);
  }

  private duration(op: number): number {
    return this.durations[op] ?? 1;
  }

  private enter(ops: readonly number[]): number {
    this.stamp += 1;
    for (let i = 0; i < ops.length; i += 1) {
      this.mark[ops[i]!] = this.stamp;
      this.position[ops[i]!] = i;
    }
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
        for (const next of this.graph.predecessors[op]!) {
          if (this.mark[next] === stamp) {
            this.mark[next] = visited;
            stack.push(next);
          }
        }
        for (const next of this.graph.successors[op]!) {
          if (this.mark[next] === stamp) {
            this.mark[next] = visited;
            stack.push(next);
          }
        }
      }
      if (component.length === ops.length) return [ops as number[]];
      components.push(component.sort((a, b) => a - b));
    }
    return components;
  }

  private analyze(ops: readonly number[]): Analysis {
    const stamp = this.enter(ops);
    const head = new Float64Array(ops.length);
    const tail = new Float64Array(ops.length);
    let criticalPath = 0;
    for (let i = 0; i < ops.length; i += 1) {
      const op = ops[i]!;
      let start = 0;
      for (const p of this.graph.predecessors[op]!) if (this.mark[p] === stamp) start = Math.max(start, head[this.position[p]!]!);
      head[i] = start + this.duration(op);
      criticalPath = Math.max(criticalPath, head[i]!);
    }
    for (let i = ops.length - 1; i >= 0; i -= 1) {
      const op = ops[i]!;
      let rest = 0;
      for (const s of this.graph.successors[op]!) if (this.mark[s] === stamp) rest = Math.max(rest, tail[this.position[s]!]!);
      tail[i] = rest + this.duration(op);
    }
    if (typeof this.strategy === 'number') {
      const lambda = this.strategy;
      const key = new Float64Array(ops.length);
      for (let i = 0; i < ops.length; i += 1) key[i] = (1 - lambda) * (head[i]! - this.duration(ops[i]!)) + lambda * (criticalPath - tail[i]!);
      return { head, tail, criticalPath, key, cuts: listKeyCuts(key, head, tail) };
    }
    return { head, tail, criticalPath, cuts: [...listCuts(head, tail, 'head'), ...listCuts(head, tail, 'tail')] };
  }

  private partition(ops: readonly number[], analysis: Analysis, cut: Cut): [number[], number[]] {
    const first: number[] = [];
    const second: number[] = [];
    const { head, tail } = analysis;
    for (let i = 0; i < ops.length; i += 1) {
      const inFirst = cut.family === 'key' ? analysis.key![i]! <= cut.threshold + 1e-9 : cut.family === 'head' ? head[i]! <= cut.threshold + 1e-9 : tail[i]! > cut.threshold + 1e-9;
      (inFirst ? first : second).push(ops[i]!);
    }
    return [first, second];
  }

  private pickTie(ties: readonly Cut[], size: number): Cut {
    const pick = (family: 'head' | 'tail', last: boolean): Cut | undefined => {
      const own = ties.filter((cut) => cut.family === family);
      return last ? own[own.length - 1] : own[0];
    };
    if (typeof this.strategy === 'number') return ties[0]!;
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

/**
 * 'head': P = {head <= a} for each distinct head a below the maximum, cost a + max tail over Q.
 * 'tail': Q = {tail <= b} for each distinct tail b below the maximum, cost max head over P + b.
 */
function listCuts(head: Float64Array, tail: Float64Array, family: 'head' | 'tail'): Cut[] {
  const key = family === 'head' ? head : tail;
  const other = family === 'head' ? tail : head;
  const n = key.length;
  const sorted = Array.from({ length: n }, (_, i) => i).sort((a, b) => key[a]! - key[b]!);
  const beyond = new Float64Array(n + 1);
  for (let i = n - 1; i >= 0; i -= 1) beyond[i] = Math.max(beyond[i + 1]!, other[sorted[i]!]!);
  const cuts: Cut[] = [];
  for (let i = 0; i < n - 1; i += 1) {
    const threshold = key[sorted[i]!]!;
    if (key[sorted[i + 1]!]! <= threshold + 1e-9) continue;
    const within = i + 1;
    cuts.push({ cost: threshold + beyond[i + 1]!, firstSize: family === 'head' ? within : n - within, family, threshold });
  }
  return cuts;
}

/** P = {key <= t}: key strictly grows along edges, so P is closed under producers; cost max head over P + max tail over Q. */
function listKeyCuts(key: Float64Array, head: Float64Array, tail: Float64Array): Cut[] {
  const n = key.length;
  const sorted = Array.from({ length: n }, (_, i) => i).sort((a, b) => key[a]! - key[b]!);
  const beyond = new Float64Array(n + 1);
  for (let i = n - 1; i >= 0; i -= 1) beyond[i] = Math.max(beyond[i + 1]!, tail[sorted[i]!]!);
  const cuts: Cut[] = [];
  let within = 0;
  for (let i = 0; i < n - 1; i += 1) {
    within = Math.max(within, head[sorted[i]!]!);
    const threshold = key[sorted[i]!]!;
    if (key[sorted[i + 1]!]! <= threshold + 1e-9) continue;
    cuts.push({ cost: within + beyond[i + 1]!, firstSize: i + 1, family: 'key', threshold });
  }
  return cuts;
}
