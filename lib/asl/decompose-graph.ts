import { InternalError } from '../errors.js';
import { compactParallels } from './compact-parallels.js';
import { chooseForcedCut, type CutStrategy } from './choose-forced-cut.js';
import { buildDurationSamples } from './duration-samples.js';
import { computeCriticalPath, evaluateMakespan, type OpDurations } from './evaluate-makespan.js';
import { Reachability } from './graph-reachability.js';
import type { OpGraph } from './job-graph.js';
import { buildParallel, buildSequence, countParallels, type OpBlock } from './op-blocks.js';

/**
 * Turns an op graph into sequences and Parallels (a series-parallel structure).
 *
 * decompose(S), S a convex set of ops (every op on a chain between two of them is in it):
 * 1. one op: its Task;
 * 2. several weakly connected components: a Parallel of decompose(component);
 * 3. connected, with series cuts (S = P1 ; P2 ; ... where every op of an earlier part reaches
 *    every op of a later one): the sequence of decompose(part), cut at every such place;
 * 4. connected without a series cut: S is not series-parallel; a forced cut S = P ; Q (P closed
 *    under producers) makes some ops of Q wait for ops of P they do not depend on
 *    (chooseForcedCut).
 * Steps 1-3 follow the graph's series-parallel decomposition: a graph whose transitive closure
 * is series-parallel (trees, forests, in-trees, two-terminal series-parallel graphs, several
 * sources and sinks) never reaches step 4, and its structure adds no ordering the graph does
 * not have, so makespan = critical path for every duration vector. Series cuts are prefixes of
 * any topological order; the prefix ending at position i is one when no op up to i fails to
 * reach an op after i, which one reachability bit row per op answers (Reachability).
 *
 * Graphs that are not series-parallel: without `durations`, forced cuts are the cheapest by
 * unit durations, ties broken by fixed seeded samples of durations (buildDurationSamples), and
 * of the structures the CUT_STRATEGIES give, the one with the least mean makespan / critical
 * path over every sample wins (then fewer Parallels). With `durations`, the cuts and the choice
 * use them, and Parallels that buy nothing with them are compacted (compactParallels). Neither
 * touches a series-parallel graph's structure.
 */
export function decomposeGraph(graph: OpGraph, durations?: OpDurations): OpBlock {
  return decomposeGraphSharing(graph, durations, true);
}

/**
 * decomposeGraph; `share` false decomposes every set again for each strategy (what it did
 * before sharing, for the test that holds both to the same structures).
 */
export function decomposeGraphSharing(graph: OpGraph, durations: OpDurations | undefined, share: boolean): OpBlock {
  if (graph.names.length === 0) throw new InternalError('compiler: a job without ops has no structure');
  const reachability = new Reachability(graph);
  const unknown = durations === undefined;
  const samples = unknown ? buildDurationSamples(graph.names.length) : undefined;
  const primary = durations ?? graph.names.map(() => 1);
  const judgedOn = samples?.all ?? [primary];
  const criticalPaths = judgedOn.map((sample) => computeCriticalPath(graph, sample));
  let best: { block: OpBlock; score: number; parallels: number } | undefined;
  // Strategies differ only at forced cuts: a set whose decomposition makes none is decomposed once for all of them.
  const shared: CutFreeBlocks = new Map();
  for (const strategy of CUT_STRATEGIES) {
    const decomposer = new Decomposer(graph, reachability, { durations: primary, tieSamples: samples?.uniform ?? [], strategy }, share ? shared : new Map<string, OpBlock>());
    let block = decomposer.decompose(graph.names.map((_, k) => k));
    if (decomposer.forcedCuts === 0) return block;
    if (!unknown) block = compactParallels(block, primary);
    const score = judgedOn.reduce((sum, sample, j) => sum + evaluateMakespan(block, sample) / criticalPaths[j]!, 0);
    const parallels = countParallels(block);
    if (best === undefined || score < best.score - 1e-9 || (score <= best.score + 1e-9 && parallels < best.parallels)) best = { block, score, parallels };
  }
  return best!.block;
}

/** The strategies tried on graphs that are not series-parallel. */
const CUT_STRATEGIES: readonly CutStrategy[] = [
  { lambdas: [0, 0.5, 1], balance: true },
  { lambdas: [0.5], balance: true },
  { lambdas: [0, 0.5, 1], balance: false },
];

/** True when the graph's transitive closure is series-parallel: its structure is exact for every duration vector. */
export function isSeriesParallel(graph: OpGraph): boolean {
  const decomposer = new Decomposer(graph, new Reachability(graph), undefined);
  decomposer.decompose(graph.names.map((_, k) => k));
  return decomposer.forcedCuts === 0;
}

/**
 * Decompositions that made no forced cut, by their set of ops (ascending, comma-joined): they
 * depend on the graph only, not on the cut strategy, so the strategies share them.
 */
type CutFreeBlocks = Map<string, OpBlock>;

interface ForcedCutPlan {
  readonly durations: OpDurations;
  readonly tieSamples: readonly OpDurations[];
  readonly strategy: CutStrategy;
}

class Decomposer {
  private readonly mark: Int32Array;
  private readonly position: Int32Array;
  private readonly set: Uint32Array;
  private stamp = 0;
  /** How many times step 4 ran. */
  forcedCuts = 0;

  /** `plan` undefined: only recognise (step 4 gives a plain sequence). */
  constructor(
    private readonly graph: OpGraph,
    private readonly reachability: Reachability,
    private readonly plan: ForcedCutPlan | undefined,
    private readonly cutFree: CutFreeBlocks = new Map(),
  ) {
    const n = graph.names.length;
    this.mark = new Int32Array(n);
    this.position = new Int32Array(n);
    this.set = new Uint32Array(reachability.words);
  }

  /** `ops` ascending (a topological order). */
  decompose(ops: readonly number[]): OpBlock {
    if (ops.length === 1) return { kind: 'op', op: ops[0]! };
    const key = ops.join(',');
    const known = this.cutFree.get(key);
    if (known !== undefined) return known;
    const cutsBefore = this.forcedCuts;
    const block = this.decomposeSet(ops);
    if (this.forcedCuts === cutsBefore) this.cutFree.set(key, block);
    return block;
  }

  private decomposeSet(ops: readonly number[]): OpBlock {
    const components = this.splitComponents(ops);
    if (components.length > 1) return buildParallel(components.map((component) => this.decompose(component)));
    const parts = this.splitSeries(ops);
    if (parts.length > 1) return buildSequence(parts.map((part) => this.decompose(part)));
    this.forcedCuts += 1;
    if (this.plan === undefined) return buildSequence(ops.map((op) => ({ kind: 'op', op })));
    this.enter(ops);
    const { durations, tieSamples, strategy } = this.plan;
    const inFirst = chooseForcedCut(ops, this.graph, this.position, this.mark, this.stamp, durations, tieSamples, strategy);
    const first = ops.filter((_, i) => inFirst[i] === 1);
    const second = ops.filter((_, i) => inFirst[i] !== 1);
    return buildSequence([this.decompose(first), this.decompose(second)]);
  }

  private enter(ops: readonly number[]): number {
    this.stamp += 1;
    for (let i = 0; i < ops.length; i += 1) {
      this.mark[ops[i]!] = this.stamp;
      this.position[ops[i]!] = i;
    }
    return this.stamp;
  }

  /** The series parts of S: cut after position i when every op up to i reaches every op after i. */
  private splitSeries(ops: readonly number[]): number[][] {
    this.enter(ops);
    const { set } = this;
    for (const op of ops) set[op >>> 5]! |= 1 << (op & 31);
    const highest = ops[ops.length - 1]!;
    const parts: number[][] = [];
    let part: number[] = [];
    // The furthest position an op so far does not reach.
    let furthestUnreached = 0;
    for (let i = 0; i < ops.length; i += 1) {
      const op = ops[i]!;
      part.push(op);
      const unreached = this.reachability.findHighestUnreached(op, set, highest);
      if (unreached >= 0) furthestUnreached = Math.max(furthestUnreached, this.position[unreached]!);
      if (furthestUnreached <= i && i < ops.length - 1) {
        parts.push(part);
        part = [];
      }
    }
    parts.push(part);
    for (const op of ops) set[op >>> 5] = 0;
    return parts;
  }

  /** The weakly connected components of S, each ascending, in the order of their lowest ops. */
  private splitComponents(ops: readonly number[]): number[][] {
    const stamp = this.enter(ops);
    // mark[op] becomes stamp + 1 + the op's component number (found in the order of their lowest ops).
    const first = stamp + 1;
    let found = 0;
    const stack: number[] = [];
    for (const start of ops) {
      if (this.mark[start] !== stamp) continue;
      const id = first + found;
      found += 1;
      let size = 0;
      stack.push(start);
      this.mark[start] = id;
      while (stack.length > 0) {
        const op = stack.pop()!;
        size += 1;
        for (const next of this.graph.predecessors[op]!) {
          if (this.mark[next] === stamp) {
            this.mark[next] = id;
            stack.push(next);
          }
        }
        for (const next of this.graph.successors[op]!) {
          if (this.mark[next] === stamp) {
            this.mark[next] = id;
            stack.push(next);
          }
        }
      }
      if (size === ops.length) {
        this.stamp = first + found;
        return [ops as number[]];
      }
    }
    this.stamp = first + found;
    // S is ascending, so each component's ops come out ascending.
    const components: number[][] = Array.from({ length: found }, () => []);
    for (const op of ops) components[this.mark[op]! - first]!.push(op);
    return components;
  }
}
