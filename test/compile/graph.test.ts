import { describe, expect, it } from 'vitest';
import { compileJob, computeCriticalPath, decomposeGraph, evaluateMakespan, respectsDependencies, type OpBlock, type OpGraph } from '../../lib/asl/index.js';
import { countParallels } from '../../lib/asl/op-blocks.js';
import { buildJobFromGraph } from './graph-jobs.js';
import {
  buildChain,
  buildDiamond,
  buildFanOutIn,
  buildGraph,
  buildInTree,
  buildNestedSeriesParallel,
  buildOutTree,
  generateDurations,
  generateRandomGraph,
} from '../support/random-graph.js';
import { generateDurationVectors, generateForest, generateInTree, generateOutTree, generateTwoTerminal } from './series-parallel-graphs.js';
import { isSeriesParallel } from '../../lib/asl/decompose-graph.js';

function ratio(graph: OpGraph, durations: readonly number[]): { ratio: number; block: OpBlock } {
  const block = decomposeGraph(graph, durations);
  expect(respectsDependencies(block, graph)).toBe(true);
  return { ratio: evaluateMakespan(block, durations) / computeCriticalPath(graph, durations), block };
}

/** One Parallel per topological level: the baseline. */
function levelByLevel(graph: OpGraph): OpBlock {
  const level: number[] = [];
  const byLevel: number[][] = [];
  graph.names.forEach((_, k) => {
    level[k] = graph.predecessors[k]!.reduce((max, p) => Math.max(max, level[p]! + 1), 0);
    (byLevel[level[k]] ??= []).push(k);
  });
  return { kind: 'sequence', items: byLevel.map((ops) => ({ kind: 'parallel', branches: ops.map((op) => ({ kind: 'op', op }) as const) })) };
}

describe('series-parallel graphs keep all their concurrency (makespan = critical path)', () => {
  const cases: readonly (readonly [string, OpGraph])[] = [
    ['chain of 12', buildChain(12)],
    ['fan-out / fan-in of 10', buildFanOutIn(10)],
    ['diamond', buildDiamond()],
    ['out-tree of 31', buildOutTree(31)],
    ['in-tree of 31', buildInTree(31)],
    ['nested series-parallel', buildNestedSeriesParallel()],
  ];
  for (const [name, graph] of cases) {
    it(`${name}: ratio exactly 1.0 with unit and with random durations`, () => {
      expect(
        ratio(
          graph,
          graph.names.map(() => 1),
        ).ratio,
      ).toBe(1);
      for (let seed = 1; seed <= 20; seed += 1) expect(ratio(graph, generateDurations(graph.names.length, seed)).ratio).toBe(1);
    });
  }
});

describe('series-parallel graphs compiled WITHOUT durations are exact for every duration vector', () => {
  const shapes: readonly (readonly [string, (size: number, seed: number) => OpGraph])[] = [
    ['out-tree', generateOutTree],
    ['in-tree', generateInTree],
    ['forest of out- and in-trees', generateForest],
    ['two-terminal series-parallel', (size, seed) => generateTwoTerminal(size, seed)],
    ['two-terminal series-parallel with redundant edges', (size, seed) => generateTwoTerminal(size, seed, size)],
  ];
  for (const [name, generate] of shapes) {
    for (const size of [10, 100, 1000]) {
      it(`${name}, ${size} ops (3 seeds): makespan = critical path within 1e-9 for 21 vectors (uniform, skewed, 1e-3..1e3)`, () => {
        for (let seed = 1; seed <= 3; seed += 1) {
          const graph = generate(size, seed);
          expect(graph.names.length).toBe(size);
          expect(isSeriesParallel(graph)).toBe(true);
          const block = decomposeGraph(graph);
          expect(respectsDependencies(block, graph)).toBe(true);
          for (const durations of generateDurationVectors(size, seed * 31, 21)) {
            const criticalPath = computeCriticalPath(graph, durations);
            expect(Math.abs(evaluateMakespan(block, durations) - criticalPath)).toBeLessThanOrEqual(1e-9);
          }
        }
      });
    }
  }

  it('opDurations do not change a series-parallel structure (no Parallel merged on slack)', () => {
    const graph = generateTwoTerminal(200, 9);
    const skewed = generateDurationVectors(200, 5, 2)[1]!;
    expect(decomposeGraph(graph, skewed)).toStrictEqual(decomposeGraph(graph));
  });

  it('the Dagster case quick -> after_quick -> join <- slow: after_quick does not wait for slow', () => {
    // 0 quick, 1 slow, 2 after_quick, 3 join
    const graph = buildGraph(4, [
      [0, 2],
      [2, 3],
      [1, 3],
    ]);
    expect(decomposeGraph(graph)).toStrictEqual({
      kind: 'sequence',
      items: [
        {
          kind: 'parallel',
          branches: [
            {
              kind: 'sequence',
              items: [
                { kind: 'op', op: 0 },
                { kind: 'op', op: 2 },
              ],
            },
            { kind: 'op', op: 1 },
          ],
        },
        { kind: 'op', op: 3 },
      ],
    });
  });

  it('an N (a -> c <- b -> d) is not series-parallel; the N plus a -> d is', () => {
    expect(
      isSeriesParallel(
        buildGraph(4, [
          [0, 2],
          [1, 2],
          [1, 3],
        ]),
      ),
    ).toBe(false);
    expect(
      isSeriesParallel(
        buildGraph(4, [
          [0, 2],
          [1, 2],
          [1, 3],
          [0, 3],
        ]),
      ),
    ).toBe(true);
  });
});

describe('random graphs compiled WITHOUT durations (the default), evaluated on random durations 1..10', () => {
  for (const [size, seeds, k, goal] of [
    [200, 30, 2, 1.25],
    [200, 30, 3, 1.25],
    [1000, 6, 2, 1.3],
  ] as const) {
    it(`${size} ops, k = ${k}: median makespan / critical path <= ${goal}, below one Parallel per level`, () => {
      const ratios: number[] = [];
      const baseline: number[] = [];
      for (let seed = 1; seed <= seeds; seed += 1) {
        const graph = generateRandomGraph(size, k, seed);
        const durations = generateDurations(size, seed * 7919);
        const block = decomposeGraph(graph);
        expect(respectsDependencies(block, graph)).toBe(true);
        ratios.push(evaluateMakespan(block, durations) / computeCriticalPath(graph, durations));
        baseline.push(evaluateMakespan(levelByLevel(graph), durations) / computeCriticalPath(graph, durations));
      }
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
      console.log(
        `without durations, ${size} ops, k=${k}: median ${median(ratios).toFixed(3)} worst ${Math.max(...ratios).toFixed(3)}; level-by-level ${median(baseline).toFixed(3)}`,
      );
      expect(median(ratios)).toBeLessThanOrEqual(goal);
      expect(median(ratios)).toBeLessThan(median(baseline));
    });
  }
});

describe('random graphs: 200 ops, op i depends on min(i, k) distinct uniformly drawn earlier ops, durations 1..10 (seeded)', () => {
  for (const k of [1, 2, 3]) {
    // k = 1 graphs are out-trees: exact for every duration vector only with all their Parallels.
    const transitionLimit = k === 1 ? 1.3 : 1.2;
    it(`k = ${k}: median makespan / critical path <= 1.15, well below one Parallel per level; <= ${transitionLimit} transitions per op`, () => {
      const ratios: number[] = [];
      const baseline: number[] = [];
      const transitions: number[] = [];
      for (let seed = 1; seed <= 30; seed += 1) {
        const graph = generateRandomGraph(200, k, seed);
        const durations = generateDurations(200, seed * 7919);
        const { ratio: r, block } = ratio(graph, durations);
        ratios.push(r);
        baseline.push(evaluateMakespan(levelByLevel(graph), durations) / computeCriticalPath(graph, durations));
        transitions.push((200 + countParallels(block) + 3) / 200);
      }
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
      console.log(
        `k=${k}: makespan/CP median ${median(ratios).toFixed(3)} worst ${Math.max(...ratios).toFixed(3)}; level-by-level median ${median(baseline).toFixed(3)}; happy-path transitions/op median ${median(transitions).toFixed(3)} worst ${Math.max(...transitions).toFixed(3)}`,
      );
      expect(median(ratios)).toBeLessThanOrEqual(1.15);
      expect(median(transitions)).toBeLessThanOrEqual(transitionLimit);
    });
  }
});

describe('random graphs: 1,000 ops (10 seeds), where the loss of nested Parallels grows with size', () => {
  for (const k of [2, 3]) {
    it(`k = ${k}: median makespan / critical path <= 1.2; <= 1.2 transitions per op`, () => {
      const ratios: number[] = [];
      const transitions: number[] = [];
      for (let seed = 1; seed <= 10; seed += 1) {
        const graph = generateRandomGraph(1000, k, seed);
        const durations = generateDurations(1000, seed * 7919);
        const { ratio: r, block } = ratio(graph, durations);
        ratios.push(r);
        transitions.push((1000 + countParallels(block) + 3) / 1000);
      }
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
      console.log(
        `1000 ops, k=${k}: makespan/CP median ${median(ratios).toFixed(3)} worst ${Math.max(...ratios).toFixed(3)}; transitions/op median ${median(transitions).toFixed(3)}`,
      );
      expect(median(ratios)).toBeLessThanOrEqual(1.2);
      expect(median(transitions)).toBeLessThanOrEqual(1.2);
    });
  }
});

describe('compiled size, transitions and speed', () => {
  it('characters per op at 10 / 100 ops; a 1,000-op job compiles (time logged, not asserted: shared machines)', () => {
    for (const size of [10, 100]) {
      const graph = generateRandomGraph(size, 2, 1);
      const { diagnostics } = compileJob(buildJobFromGraph(`random_${size}`, graph));
      console.log(
        `${size} ops: ${diagnostics.characters} characters (${Math.round(diagnostics.characters / size)} per op), ${(diagnostics.happyPathTransitions / size).toFixed(3)} transitions per op`,
      );
      expect(diagnostics.characters / size).toBeLessThan(2000);
    }
    const graph = generateRandomGraph(1000, 2, 1);
    const job = buildJobFromGraph('random_1000', graph);
    const start = performance.now();
    let message: string;
    try {
      const { diagnostics } = compileJob(job);
      message = `${diagnostics.characters} characters`;
    } catch (error) {
      message = String(error);
    }
    const elapsed = performance.now() - start;
    console.log(`1000 ops: compiled in ${Math.round(elapsed)} ms: ${message.slice(0, 160)}`);
    expect(message).toMatch(/^\d+ characters$/);
  });

  it('a definition that would pass 1,048,576 characters is split into child state machines (see split.test.ts)', () => {
    const compiled = compileJob(buildJobFromGraph('too_big', generateRandomGraph(1000, 2, 1)));
    expect(compiled.childDefinitions.length).toBeGreaterThan(0);
    expect(compiled.diagnostics.characters).toBeLessThanOrEqual(1_048_576);
  });
});
