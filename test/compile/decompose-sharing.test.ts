import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decomposeGraphSharing } from '../../lib/asl/decompose-graph.js';
import { generateDurations, generateRandomGraph } from '../support/random-graph.js';

/**
 * decomposeGraph shares the decompositions that make no forced cut between its cut strategies
 * (decompose-graph.ts): the structure must be the one each strategy computing everything again
 * gives, on graphs that need forced cuts (random k = 2, 3) and on those that do not (k = 1).
 */
describe('decomposeGraph: sharing cut-free decompositions between strategies', () => {
  it('gives the same structure as decomposing every set again for each strategy (seeded random graphs, with and without durations)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 120 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 1e6 }), fc.boolean(), (size, k, seed, withDurations) => {
        const graph = generateRandomGraph(size, k, seed);
        const durations = withDurations ? generateDurations(size, seed * 7) : undefined;
        expect(decomposeGraphSharing(graph, durations, true)).toStrictEqual(decomposeGraphSharing(graph, durations, false));
      }),
      { seed: 5, numRuns: 300 },
    );
  });
});
