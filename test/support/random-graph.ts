/**
 * Seeded job graphs shared by the tests and the benchmarks: random DAGs (each seed one fixed
 * graph), random op durations, and series-parallel shapes.
 */
import { buildOpGraphFromEdges, type OpGraph } from '../../lib/asl/job-graph.js';
import { createSeededRandom } from '../../lib/policy/seeded-random.js';

/** Op i (0-based, in invocation order) depends on min(i, k) distinct ops drawn uniformly from the ops before it. */
export function generateRandomGraph(size: number, k: number, seed: number): OpGraph {
  const random = createSeededRandom(seed);
  const predecessors = Array.from({ length: size }, (_, i) => {
    const chosen = new Set<number>();
    while (chosen.size < Math.min(i, k)) chosen.add(Math.floor(random() * i));
    return [...chosen].sort((a, b) => a - b);
  });
  return buildOpGraphFromEdges(nameOps(size), predecessors);
}

/** Whole durations drawn uniformly from 1..10. */
export function generateDurations(size: number, seed: number): number[] {
  const random = createSeededRandom(seed);
  return Array.from({ length: size }, () => 1 + Math.floor(random() * 10));
}

/** Skewed durations: 1 s, but one op in ten (drawn at random) 100 s, as a slow op or a retry wait makes them. */
export function generateSkewedDurations(size: number, seed: number): number[] {
  const random = createSeededRandom(seed);
  return Array.from({ length: size }, () => (random() < 0.1 ? 100 : 1));
}

function nameOps(size: number): string[] {
  return Array.from({ length: size }, (_, i) => `op${i}`);
}

/** A graph of `size` ops named op0.. from its edges [from, to]. */
export function buildGraph(size: number, edges: readonly (readonly [number, number])[]): OpGraph {
  const predecessors: number[][] = Array.from({ length: size }, () => []);
  for (const [from, to] of edges) predecessors[to]!.push(from);
  return buildOpGraphFromEdges(nameOps(size), predecessors);
}

export const buildChain = (n: number) =>
  buildGraph(
    n,
    Array.from({ length: n - 1 }, (_, k) => [k, k + 1] as const),
  );
export const buildFanOutIn = (width: number) =>
  buildGraph(width + 2, [...Array.from({ length: width }, (_, k) => [0, k + 1] as const), ...Array.from({ length: width }, (_, k) => [k + 1, width + 1] as const)]);
export const buildDiamond = () =>
  buildGraph(4, [
    [0, 1],
    [0, 2],
    [1, 3],
    [2, 3],
  ]);
export const buildOutTree = (n: number) =>
  buildGraph(
    n,
    Array.from({ length: n - 1 }, (_, k) => [Math.floor(k / 2), k + 1] as const),
  );
/** The out-tree reversed: each op feeds its parent, the root runs last. */
export const buildInTree = (n: number) =>
  buildGraph(
    n,
    Array.from({ length: n - 1 }, (_, k) => [n - 2 - k, n - 1 - Math.floor(k / 2)] as const),
  );
/** (a ; (b || (c ; (d || e))) ; f ; g) with diamonds inside: a nested series-parallel graph. */
export const buildNestedSeriesParallel = () =>
  buildGraph(8, [
    [0, 1],
    [0, 2],
    [2, 3],
    [2, 4],
    [3, 5],
    [4, 5],
    [1, 6],
    [5, 6],
    [6, 7],
  ]);

/** Series-parallel graphs, by name: their compiled makespan must equal the critical path. */
export function buildSeriesParallelGraphs(): readonly (readonly [string, OpGraph])[] {
  return [
    ['chain of 50', buildChain(50)],
    ['fan-out / fan-in of 50', buildFanOutIn(50)],
    ['diamond', buildDiamond()],
    ['out-tree of 63', buildOutTree(63)],
    ['in-tree of 63', buildInTree(63)],
    ['nested series-parallel', buildNestedSeriesParallel()],
  ];
}
