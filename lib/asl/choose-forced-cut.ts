import type { OpDurations } from './evaluate-makespan.js';
import type { OpGraph } from './job-graph.js';

/** How a forced cut is chosen: which orders give candidates, and whether ties prefer balanced cuts. */
export interface CutStrategy {
  /** Each λ orders the ops by (1 - λ) earliest start + λ latest start. */
  readonly lambdas: readonly number[];
  readonly balance: boolean;
}

interface Timing {
  readonly head: Float64Array;
  readonly tail: Float64Array;
  readonly criticalPath: number;
}

/**
 * The Timing of S under each of `samples`, in one walk of S's edges: head[i] is the earliest
 * finish of ops[i] within S, tail[i] the longest chain from ops[i] to the end of S (its own
 * duration included).
 */
function measureTimings(ops: readonly number[], graph: OpGraph, position: Int32Array, mark: Int32Array, stamp: number, samples: readonly OpDurations[]): Timing[] {
  const n = ops.length;
  const m = samples.length;
  // Sample s of position i at [i * m + s].
  const heads = new Float64Array(n * m);
  const tails = new Float64Array(n * m);
  const criticalPaths = new Float64Array(m);
  for (let i = 0; i < n; i += 1) {
    const op = ops[i]!;
    const at = i * m;
    for (const p of graph.predecessors[op]!) {
      if (mark[p] !== stamp) continue;
      const from = position[p]! * m;
      for (let s = 0; s < m; s += 1) if (heads[from + s]! > heads[at + s]!) heads[at + s] = heads[from + s]!;
    }
    for (let s = 0; s < m; s += 1) {
      const head = heads[at + s]! + (samples[s]![op] ?? 1);
      heads[at + s] = head;
      if (head > criticalPaths[s]!) criticalPaths[s] = head;
    }
  }
  for (let i = n - 1; i >= 0; i -= 1) {
    const op = ops[i]!;
    const at = i * m;
    for (const c of graph.successors[op]!) {
      if (mark[c] !== stamp) continue;
      const from = position[c]! * m;
      for (let s = 0; s < m; s += 1) if (tails[from + s]! > tails[at + s]!) tails[at + s] = tails[from + s]!;
    }
    for (let s = 0; s < m; s += 1) tails[at + s] = tails[at + s]! + (samples[s]![op] ?? 1);
  }
  return samples.map((_, s) => {
    const head = new Float64Array(n);
    const tail = new Float64Array(n);
    for (let i = 0; i < n; i += 1) {
      head[i] = heads[i * m + s]!;
      tail[i] = tails[i * m + s]!;
    }
    return { head, tail, criticalPath: criticalPaths[s]! };
  });
}

/** Adds, for every prefix length of `order`, (CP(P) + CP(Q)) / CP(S) under `timing` into costs[length]. */
function addPrefixCosts(order: Int32Array, timing: Timing, costs: Float64Array, suffix: Float64Array): void {
  const n = order.length;
  const { head, tail } = timing;
  const scale = 1 / timing.criticalPath;
  suffix[n] = 0;
  for (let i = n - 1; i >= 0; i -= 1) suffix[i] = Math.max(suffix[i + 1]!, tail[order[i]!]!);
  let within = 0;
  for (let length = 1; length < n; length += 1) {
    within = Math.max(within, head[order[length - 1]!]!);
    costs[length] = costs[length]! + (within + suffix[length]!) * scale;
  }
}

/**
 * Chooses where to cut a connected set of ops S that has no series cut (it is not
 * series-parallel): S = P ; Q with P closed under producers, so some ops of Q wait for ops of
 * P they do not depend on. Returns, by position in `ops`, 1 for the ops of P.
 *
 * Candidates: the ops ordered by (1 - λ) earliest start + λ latest start under `durations`
 * (each strictly grows along edges, so every prefix of an order is closed under producers);
 * every prefix of every order is a candidate. Its cost is (CP(P) + CP(Q)) / CP(S) (CP: the
 * critical path within the part, the least time the sequence can take), which an order gives
 * for all its prefixes at once from prefix maxima of finish times and suffix maxima of
 * remaining times. The cheapest wins; ties go to the cheapest mean cost over `tieSamples`,
 * then to the more balanced cut.
 *
 * `position[op]` is op's index in `ops` and `mark[op] === stamp` says op is in S (the caller's
 * scratch arrays, filled for S).
 */
export function chooseForcedCut(
  ops: readonly number[],
  graph: OpGraph,
  position: Int32Array,
  mark: Int32Array,
  stamp: number,
  durations: OpDurations,
  tieSamples: readonly OpDurations[],
  strategy: CutStrategy,
): Uint8Array {
  const n = ops.length;
  const [primary, ...others] = measureTimings(ops, graph, position, mark, stamp, [durations, ...tieSamples]) as [Timing, ...Timing[]];
  const costs = new Float64Array(n);
  const ties = new Float64Array(n);
  const suffix = new Float64Array(n + 1);
  let best: { cost: number; tie: number; balance: number; order: Int32Array; length: number } | undefined;
  for (const lambda of strategy.lambdas) {
    const key = new Float64Array(n);
    for (let i = 0; i < n; i += 1) key[i] = (1 - lambda) * (primary.head[i]! - (durations[ops[i]!] ?? 1)) + lambda * (primary.criticalPath - primary.tail[i]!);
    const order = sortByKey(key);
    costs.fill(0);
    addPrefixCosts(order, primary, costs, suffix);
    let cheapest = Infinity;
    for (let length = 1; length < n; length += 1) cheapest = Math.min(cheapest, costs[length]!);
    if (best !== undefined && cheapest > best.cost + 1e-9) continue;
    ties.fill(0);
    for (const timing of others) addPrefixCosts(order, timing, ties, suffix);
    for (let length = 1; length < n; length += 1) {
      const cost = costs[length]!;
      if (cost > cheapest + 1e-9) continue;
      const tie = ties[length]!;
      const balance = strategy.balance ? Math.abs(2 * length - n) : 0;
      const better = best === undefined || cost < best.cost - 1e-9 || (cost <= best.cost + 1e-9 && (tie < best.tie - 1e-9 || (tie <= best.tie + 1e-9 && balance < best.balance)));
      if (better) best = { cost, tie, balance, order, length };
    }
  }
  const inFirst = new Uint8Array(n);
  for (let i = 0; i < best!.length; i += 1) inFirst[best!.order[i]!] = 1;
  return inFirst;
}

/**
 * The positions 0..n-1 ordered by `key` (each >= 0), ties by position. Keys in halves (whole
 * durations give them) are counted into one bucket per half, in linear time when they span at
 * most a few halves per position (unit durations: at most twice the critical path, which is at
 * most n), else sorted as numbers key * 2n + position, exactly, by the typed array's own sort,
 * much faster than with a comparator; other keys with the comparator.
 */
function sortByKey(key: Float64Array): Int32Array {
  const n = key.length;
  const order = new Int32Array(n);
  let exact = true;
  let most = 0;
  for (let i = 0; i < n && exact; i += 1) {
    const halves = key[i]! * 2;
    exact = Number.isInteger(halves) && halves >= 0 && halves <= MAX_PACKED_HALVES / n;
    if (halves > most) most = halves;
  }
  if (exact && most <= BUCKETS_PER_POSITION * n) {
    // Counting sort: bucket b starts after the keys below b; positions ascending within a bucket.
    const starts = new Int32Array(most + 2);
    for (let i = 0; i < n; i += 1) starts[key[i]! * 2 + 1]! += 1;
    for (let b = 1; b <= most + 1; b += 1) starts[b]! += starts[b - 1]!;
    for (let i = 0; i < n; i += 1) order[starts[key[i]! * 2]!++] = i;
    return order;
  }
  if (exact) {
    const packed = new Float64Array(n);
    for (let i = 0; i < n; i += 1) packed[i] = key[i]! * 2 * n + i;
    packed.sort();
    for (let i = 0; i < n; i += 1) order[i] = packed[i]! % n;
    return order;
  }
  for (let i = 0; i < n; i += 1) order[i] = i;
  return order.sort((a, b) => key[a]! - key[b]! || a - b);
}

/** Halves per position up to which sortByKey counts keys into buckets (the buckets cost no more than the positions). */
const BUCKETS_PER_POSITION = 4;

/** key * 2 * n + position stays an exact integer below 2^53 (positions < n, so keys up to this / n). */
const MAX_PACKED_HALVES = 2 ** 52;
