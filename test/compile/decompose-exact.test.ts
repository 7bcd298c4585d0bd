/** The structure of `concurrency: 'exact'`: never orders ops the graph does not, leaves every other dependency to a wait, and leaves few. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildOpForest } from '../../lib/asl/build-op-forest.js';
import { decomposeExact, findCrossEdges } from '../../lib/asl/decompose-exact.js';
import { decomposeGraph, isSeriesParallel } from '../../lib/asl/decompose-graph.js';
import { Reachability } from '../../lib/asl/graph-reachability.js';
import { listOpsRunBefore } from '../../lib/asl/held-back-ops.js';
import { buildOpGraphFromEdges, type OpGraph } from '../../lib/asl/job-graph.js';
import { listBlockOps, type OpBlock } from '../../lib/asl/op-blocks.js';
import { generateRandomGraph } from '../support/random-graph.js';

/** Problems of `block` as an exact structure of `graph`, with `crossEdges` the dependencies it leaves to waits. */
function checkExactStructure(graph: OpGraph, block: OpBlock, crossEdges: readonly { producer: number; consumer: number }[]): string[] {
  const n = graph.names.length;
  const words = Math.ceil(n / 32);
  const before = listOpsRunBefore(block, n);
  const reachability = new Reachability(graph);
  const runsBefore = (x: number, y: number) => (before[y * words + (x >>> 5)]! & (1 << (x & 31))) !== 0;
  const problems: string[] = [];
  if ([...listBlockOps(block)].sort((a, b) => a - b).join() !== graph.names.map((_, k) => k).join()) problems.push('not every op exactly once');
  const cross = new Set(crossEdges.map((edge) => `${edge.producer}>${edge.consumer}`));
  for (let y = 0; y < n; y += 1) {
    for (let x = 0; x < n; x += 1) if (runsBefore(x, y) && !reachability.reaches(x, y)) problems.push(`${x} before ${y}, which does not depend on it`);
    for (const p of graph.predecessors[y]!)
      if (runsBefore(p, y) === cross.has(`${p}>${y}`))
        problems.push(`${p}>${y} ${runsBefore(p, y) ? 'both in the structure and a cross edge' : 'neither in the structure nor a cross edge'}`);
  }
  return problems;
}

describe('decomposeExact', () => {
  it('over random graphs (seeded): orders only ops that depend on each other, every dependency in the structure or a cross edge, none for series-parallel graphs; the forest alone is as sound', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 60 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 1e6 }), (size, k, seed) => {
        const graph = generateRandomGraph(size, k, seed);
        const { block, crossEdges } = decomposeExact(graph);
        expect(checkExactStructure(graph, block, crossEdges)).toStrictEqual([]);
        expect(crossEdges.length === 0).toBe(isSeriesParallel(graph));
        const forest = buildOpForest(graph);
        expect(checkExactStructure(graph, forest, findCrossEdges(forest, graph))).toStrictEqual([]);
        expect(crossEdges.length).toBeLessThanOrEqual(findCrossEdges(forest, graph).length);
      }),
      { seed: 20261201, numRuns: 300 },
    );
  });

  it('keeps the structured mode structure for a series-parallel graph (a diamond a -> b, c -> d)', () => {
    const graph = buildOpGraphFromEdges(['a', 'b', 'c', 'd'], [[], [0], [0], [1, 2]]);
    expect(decomposeExact(graph)).toStrictEqual({ block: decomposeGraph(graph), crossEdges: [] });
  });

  it('the forest keeps the edge from the producer that has the op’s other producers upstream of it: a -> b -> c, a -> c, d -> c puts c under b', () => {
    // 0 = a, 1 = b, 2 = d, 3 = c: c's producers a, b, d; b has a as its parent, so under b c gets a and b from the structure.
    const graph = buildOpGraphFromEdges(['a', 'b', 'd', 'c'], [[], [0], [], [0, 1, 2]]);
    const forest = buildOpForest(graph);
    expect(forest).toStrictEqual({
      kind: 'parallel',
      branches: [
        {
          kind: 'sequence',
          items: [
            { kind: 'op', op: 0 },
            { kind: 'op', op: 1 },
            { kind: 'op', op: 3 },
          ],
        },
        { kind: 'op', op: 2 },
      ],
    });
    expect(findCrossEdges(forest, graph)).toStrictEqual([{ producer: 2, consumer: 3 }]);
  });

  it.each([
    [50, 2, 5, 0.6, '0.90-1.30'],
    [200, 2, 2, 0.8, '1.625'],
    [200, 3, 2, 1.5, '2.29-2.56'],
  ])('leaves at most %i-op k=%i random graphs (seeds 1..%i) %f cross edges per op (the down-set splits alone: %s)', (size, k, seeds, bound) => {
    for (let seed = 1; seed <= seeds; seed += 1) expect(decomposeExact(generateRandomGraph(size, k, seed)).crossEdges.length / size).toBeLessThanOrEqual(bound);
  });
});
