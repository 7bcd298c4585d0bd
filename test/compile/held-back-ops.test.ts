import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileJob, computeCriticalPath, decomposeGraph, evaluateMakespan, type OpBlock, type OpGraph } from '../../lib/asl/index.js';
import { isSeriesParallel } from '../../lib/asl/decompose-graph.js';
import { findHeldBackOps, type HeldBackOp } from '../../lib/asl/held-back-ops.js';
import { DefinitionError, describeValue } from '../../lib/errors.js';
import { dagsterCase, nShaped } from '../cli/fixtures/held-back.js';
import { buildJobFromGraph } from './graph-jobs.js';
import { generateRandomGraph } from '../support/random-graph.js';

/** Pairs (x, y): the structure starts y only after x is done. */
function listStructureOrder(block: OpBlock): Set<string> {
  const pairs = new Set<string>();
  const walk = (node: OpBlock, before: readonly number[]): number[] => {
    if (node.kind === 'op') {
      for (const x of before) pairs.add(`${x}<${node.op}`);
      return [...before, node.op];
    }
    if (node.kind === 'sequence') return node.items.reduce<number[]>((done, item) => walk(item, done), [...before]);
    const after = [...before];
    for (const branch of node.branches) after.push(...walk(branch, before).slice(before.length));
    return after;
  };
  walk(block, []);
  return pairs;
}

function upstreamOf(graph: OpGraph): Set<number>[] {
  const upstream: Set<number>[] = [];
  graph.names.forEach((_, y) => {
    upstream[y] = new Set(graph.predecessors[y]!.flatMap((p) => [p, ...upstream[p]!]));
  });
  return upstream;
}

describe('held-back ops: the ops the structure may make wait for ops they do not depend on', () => {
  it('the N (a -> c <- b -> d) compiled: d may wait for a, in the diagnostics and the notes', () => {
    const { diagnostics } = compileJob(nShaped);
    expect(diagnostics.heldBackOps).toStrictEqual([{ op: 'd', mayWaitFor: ['a'] }]);
    expect(diagnostics.notes).toStrictEqual([
      'the graph is not series-parallel, so sequences and Parallels cannot start every op as soon as its inputs are done: 1 op may wait for ops it does not depend on',
      'd may wait for a (not an input)',
    ]);
  });

  it('the Dagster case quick -> after_quick -> join <- slow: nothing held back, no note', () => {
    const { diagnostics } = compileJob(dagsterCase);
    expect(diagnostics.heldBackOps).toStrictEqual([]);
    expect(diagnostics.notes).toStrictEqual([]);
  });

  it('over random graphs (seeded): empty exactly for series-parallel graphs; every listed op is really held back, not upstream, and not implied', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 14 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 1e6 }), (size, k, seed) => {
        const graph = generateRandomGraph(size, k, seed);
        const block = decomposeGraph(graph);
        const held = findHeldBackOps(block, graph, Infinity);
        expect(held.length === 0).toBe(isSeriesParallel(graph));
        // The default form names the first 5 of each op's list and counts the others.
        expect(findHeldBackOps(block, graph)).toStrictEqual(held.map((entry) => truncate(entry, 5)));
        const order = listStructureOrder(block);
        const upstream = upstreamOf(graph);
        const index = new Map(graph.names.map((name, i) => [name, i]));
        for (const { op, mayWaitFor } of held) {
          const y = index.get(op)!;
          for (const name of mayWaitFor) {
            const x = index.get(name)!;
            expect(order.has(`${x}<${y}`)).toBe(true);
            expect(upstream[y]!.has(x)).toBe(false);
            // Not inherited through a producer, not upstream of another listed op.
            expect(graph.predecessors[y]!.some((p) => order.has(`${x}<${p}`))).toBe(false);
            expect(mayWaitFor.some((other) => upstream[index.get(other)!]!.has(x))).toBe(false);
          }
        }
        // No held-back op: exact for every duration vector, so also for this skewed one.
        if (held.length === 0) {
          const durations = graph.names.map((_, i) => (i % 3 === 0 ? 100 : 1));
          expect(evaluateMakespan(block, durations)).toBeCloseTo(computeCriticalPath(graph, durations), 9);
        }
      }),
      { seed: 10, numRuns: 300 },
    );
  });

  it('a 1,000-op random job: the notes list 10 held-back ops and count the rest', () => {
    const { diagnostics } = compileJob(buildJobFromGraph('random', generateRandomGraph(1000, 2, 1)));
    expect(diagnostics.heldBackOps.length).toBeGreaterThan(10);
    expect(diagnostics.notes.filter((note) => /^op\d+ may wait for /.test(note))).toHaveLength(10);
    const rest = diagnostics.heldBackOps.slice(10);
    const pairs = rest.reduce((sum, held) => sum + held.mayWaitFor.length + (held.omittedMayWaitFor ?? 0), 0);
    expect(diagnostics.notes).toContain(
      `... and ${rest.length} more ops that may wait for ops they do not depend on (${pairs} such pairs in all: diagnostics.heldBackOps lists each op)`,
    );
  });

  it('a 1,000-op random job: each held-back op names at most 5 ops and counts the others, exactly; maxHeldBackNames: Infinity gives the whole relation', () => {
    const job = buildJobFromGraph('random', generateRandomGraph(1000, 2, 1));
    const bounded = compileJob(job).diagnostics.heldBackOps;
    const full = compileJob(job, { maxHeldBackNames: Infinity }).diagnostics.heldBackOps;
    expect(bounded).toStrictEqual(full.map((entry) => truncate(entry, 5)));
    const names = (list: readonly HeldBackOp[]) => list.reduce((sum, held) => sum + held.mayWaitFor.length, 0);
    const pairs = (list: readonly HeldBackOp[]) => list.reduce((sum, held) => sum + held.mayWaitFor.length + (held.omittedMayWaitFor ?? 0), 0);
    expect(names(bounded)).toBeLessThanOrEqual(5 * 1000);
    expect(pairs(bounded)).toBe(names(full));
    expect(names(full)).toBeGreaterThan(10 * names(bounded));
    expect(compileJob(job, { maxHeldBackNames: 0 }).diagnostics.heldBackOps).toStrictEqual(full.map((entry) => truncate(entry, 0)));
  });

  const badNames: readonly (readonly [string, unknown])[] = [
    ['a negative number', -1],
    ['a fraction', 1.5],
    ['NaN', Number.NaN],
    ['a string', '5'],
  ];
  for (const [what, value] of badNames) {
    it(`fails when maxHeldBackNames is ${what}`, () => {
      expect(() => compileJob(nShaped, { maxHeldBackNames: value as number })).toThrow(
        new DefinitionError(`compileJob options.maxHeldBackNames must be a whole number of names (0 or more) or Infinity, got ${describeValue(value)}; leave it out for 5`),
      );
    });
  }
});

/** A held-back op as the bounded form gives it: the first `names` ops it may wait for, and how many others. */
function truncate(held: HeldBackOp, names: number): HeldBackOp {
  if (held.mayWaitFor.length <= names) return held;
  return { op: held.op, mayWaitFor: held.mayWaitFor.slice(0, names), omittedMayWaitFor: held.mayWaitFor.length - names };
}
