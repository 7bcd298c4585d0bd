import { buildOpGraphFromEdges, type OpGraph } from '../../lib/asl/index.js';
import { createSeededRandom } from '../../lib/policy/index.js';

/**
 * Seeded random graphs whose transitive closure is series-parallel, for the exactness tests.
 * Op indices are topological (every edge goes from a lower to a higher index), as a job body's
 * invocation order is.
 */

/** Each op after the first consumes one earlier op drawn uniformly: one out-tree rooted at op 0. */
export function generateOutTree(size: number, seed: number): OpGraph {
  const random = createSeededRandom(seed);
  return fromPredecessors(Array.from({ length: size }, (_, i) => (i === 0 ? [] : [Math.floor(random() * i)])));
}

/** The out-tree reversed: each op feeds one later op, and the last op consumes, through chains, all the others. */
export function generateInTree(size: number, seed: number): OpGraph {
  const tree = generateOutTree(size, seed);
  return fromPredecessors(Array.from({ length: size }, (_, i) => tree.successors[size - 1 - i]!.map((s) => size - 1 - s)));
}

/** Out-trees and in-trees side by side: several sources and sinks. */
export function generateForest(size: number, seed: number): OpGraph {
  const random = createSeededRandom(seed);
  const predecessors: number[][] = [];
  let start = 0;
  while (start < size) {
    const length = Math.min(size - start, 1 + Math.floor(random() * Math.max(1, size / 4)));
    const tree = random() < 0.5 ? generateOutTree(length, Math.floor(random() * 1e9)) : generateInTree(length, Math.floor(random() * 1e9));
    for (let i = 0; i < length; i += 1) predecessors.push(tree.predecessors[i]!.map((p) => p + start));
    start += length;
  }
  return fromPredecessors(predecessors);
}

/**
 * A two-terminal series-parallel graph: one source, one sink, and between them random nested
 * series and parallel compositions of ops; with `redundantEdges`, extra edges that the graph
 * already implies (x reaches y already), which must not change the structure's exactness.
 */
export function generateTwoTerminal(size: number, seed: number, redundantEdges = 0): OpGraph {
  const random = createSeededRandom(seed);
  const predecessors: number[][] = [];
  let next = 0;
  /** Builds n ops; returns its sources and sinks. */
  const build = (n: number, inputs: readonly number[]): number[] => {
    if (n === 1) {
      predecessors[next] = [...inputs];
      return [next++];
    }
    const left = 1 + Math.floor(random() * (n - 1));
    if (random() < 0.5) return build(n - left, build(left, inputs));
    return [...build(left, inputs), ...build(n - left, inputs)];
  };
  predecessors[next++] = [];
  const sinks = build(Math.max(1, size - 2), [0]);
  predecessors[next++] = sinks;
  const graph = fromPredecessors(predecessors);
  if (redundantEdges === 0) return graph;
  const reach = graph.names.map(() => new Set<number>());
  for (let x = size - 1; x >= 0; x -= 1) {
    for (const y of graph.successors[x]!) {
      reach[x]!.add(y);
      for (const z of reach[y]!) reach[x]!.add(z);
    }
  }
  const extra = predecessors.map((p) => [...p]);
  for (let e = 0; e < redundantEdges; e += 1) {
    const x = Math.floor(random() * size);
    const reached = [...reach[x]!];
    if (reached.length > 0) extra[reached[Math.floor(random() * reached.length)]!]!.push(x);
  }
  return fromPredecessors(extra);
}

/** Duration vectors: uniform 1..10 s, skewed (most 1 s, one in ten 100 s), and spread over six orders of magnitude. */
export function generateDurationVectors(size: number, seed: number, count: number): number[][] {
  const random = createSeededRandom(seed);
  return Array.from({ length: count }, (_, v) => {
    const shape = v % 3;
    return Array.from({ length: size }, () => (shape === 0 ? 1 + 9 * random() : shape === 1 ? (random() < 0.1 ? 100 : 1) : Math.pow(10, 6 * random() - 3)));
  });
}

function fromPredecessors(predecessors: readonly (readonly number[])[]): OpGraph {
  return buildOpGraphFromEdges(
    predecessors.map((_, i) => `op${i}`),
    predecessors,
  );
}
