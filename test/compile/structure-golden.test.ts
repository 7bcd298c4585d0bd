import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decomposeGraph, type OpBlock, type OpGraph } from '../../lib/asl/index.js';
import { findHeldBackOps } from '../../lib/asl/held-back-ops.js';
import { generateDurations, generateRandomGraph } from '../support/random-graph.js';
import { generateForest, generateInTree, generateOutTree, generateTwoTerminal } from './series-parallel-graphs.js';
import { readGolden } from './golden.js';

/**
 * The structures the decomposition chooses on seeded graphs, pinned: speeding up the compiler
 * must not change what it compiles. Each structure is rendered compactly (`S(..)` sequence,
 * `P(..)` Parallel, op indices) and hashed with the held-back ops it implies; the golden holds
 * the hashes (test/compile/golden/structures.json; rewrite with UPDATE_GOLDEN=1 only for a
 * deliberate change of the decomposition).
 */
function renderBlock(block: OpBlock): string {
  if (block.kind === 'op') return String(block.op);
  const children = block.kind === 'sequence' ? block.items : block.branches;
  return `${block.kind === 'sequence' ? 'S' : 'P'}(${children.map(renderBlock).join(',')})`;
}

function fingerprint(graph: OpGraph, durations?: readonly number[]): { structure: string; heldBackOps: string; ops: number } {
  const block = decomposeGraph(graph, durations);
  const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 24);
  return { structure: hash(renderBlock(block)), heldBackOps: hash(JSON.stringify(findHeldBackOps(block, graph, Infinity))), ops: graph.names.length };
}

describe('decomposition output is pinned on seeded graphs', () => {
  const cases: readonly (readonly [string, () => OpGraph, number?])[] = [
    ['random 50 k=2 seed 1', () => generateRandomGraph(50, 2, 1)],
    ['random 300 k=2 seed 2', () => generateRandomGraph(300, 2, 2)],
    ['random 300 k=3 seed 3', () => generateRandomGraph(300, 3, 3)],
    ['random 1000 k=2 seed 1', () => generateRandomGraph(1000, 2, 1)],
    ['random 700 k=3 seed 5', () => generateRandomGraph(700, 3, 5)],
    ['random 300 k=2 seed 7 with durations', () => generateRandomGraph(300, 2, 7), 3],
    ['out-tree 500', () => generateOutTree(500, 1)],
    ['in-tree 500', () => generateInTree(500, 2)],
    ['forest 500', () => generateForest(500, 3)],
    ['two-terminal 500 with redundant edges', () => generateTwoTerminal(500, 4, 30)],
  ];
  const actual = Object.fromEntries(
    cases.map(([name, build, durationSeed]) => {
      const graph = build();
      return [name, fingerprint(graph, durationSeed === undefined ? undefined : generateDurations(graph.names.length, durationSeed))];
    }),
  );
  const golden = readGolden('structures', actual) as Record<string, unknown>;
  for (const [name] of cases) {
    it(name, () => {
      expect(actual[name]).toStrictEqual(golden[name]);
    });
  }
});
