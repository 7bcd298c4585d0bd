import { createSeededRandom } from '../../lib/policy/seeded-random.js';
import { buildOpGraphFromEdges, type OpGraph } from '../../lib/asl/job-graph.js';

/**
 * A random job graph: op i (0-based, in invocation order) depends on min(i, k) distinct ops
 * drawn uniformly from the ops before it; seeded, so each seed is one fixed graph.
 */
export function generateRandomDag(size: number, k: number, seed: number): OpGraph {
  const random = createSeededRandom(seed);
  const predecessors = Array.from({ length: size }, (_, i) => {
    const chosen = new Set<number>();
    while (chosen.size < Math.min(i, k)) chosen.add(Math.floor(random() * i));
    return [...chosen].sort((a, b) => a - b);
  });
  return buildOpGraphFromEdges(Array.from({ length: size }, (_, i) => `op${i}`), predecessors);
}
