import type { OpGraph } from './job-graph.js';
import { buildParallel, buildSequence, type OpBlock } from './op-blocks.js';

/**
 * A series-parallel structure of `graph` that keeps, for every op with producers, the edge from
 * one of them (its parent): the forest of those edges, each op followed by a Parallel of its
 * children's subtrees, the roots in a Parallel. The structure orders an op only after its
 * ancestors in the forest, which are upstream of it in the graph, so it never makes an op wait
 * for one it does not depend on. It gives every dependency on a forest ancestor, not only the
 * parent's: each op's parent is the producer with the most of the op's other producers among
 * its own ancestors (ties: the latest op), chosen in index order (a topological order) so that
 * the ancestors are known. On random graphs this leaves about half the dependencies that
 * decomposeExact's recursive down-set splits leave to task-token waits (bench/exact-concurrency.ts).
 */
export function buildOpForest(graph: OpGraph): OpBlock {
  const n = graph.names.length;
  const parent = new Int32Array(n).fill(-1);
  const isAncestorOrSelf = (ancestor: number, op: number): boolean => {
    for (let x = op; x !== -1; x = parent[x]!) if (x === ancestor) return true;
    return false;
  };
  for (let op = 0; op < n; op += 1) {
    const producers = graph.predecessors[op]!;
    let best = -1;
    let bestCovered = -1;
    for (const candidate of producers) {
      let covered = 0;
      for (const producer of producers) if (isAncestorOrSelf(producer, candidate)) covered += 1;
      if (covered > bestCovered || (covered === bestCovered && candidate > best)) {
        best = candidate;
        bestCovered = covered;
      }
    }
    parent[op] = best;
  }
  const children: number[][] = Array.from({ length: n }, () => []);
  const roots: number[] = [];
  for (let op = 0; op < n; op += 1) {
    const of = parent[op]!;
    if (of === -1) roots.push(op);
    else children[of]!.push(op);
  }
  // Subtrees built children first (reverse index order), so no recursion deeper than one level.
  const subtrees: OpBlock[] = new Array<OpBlock>(n);
  for (let op = n - 1; op >= 0; op -= 1) {
    const own: OpBlock = { kind: 'op', op };
    const below = children[op]!;
    subtrees[op] = below.length === 0 ? own : buildSequence([own, buildParallel(below.map((child) => subtrees[child]!))]);
  }
  return buildParallel(roots.map((root) => subtrees[root]!));
}
