/**
 * compileJob's wall time on seeded random graphs (op i depends on min(i, 2) earlier ops) at
 * 100, 1,000 and 3,000 ops, median of a few runs each, and how long the decomposition alone
 * takes. Run alone: `npx tsx bench/compile-time.ts`.
 */
import { pathToFileURL } from 'node:url';
import { buildGraphJob } from './graph-job.js';
import { generateRandomGraph } from '../test/support/random-graph.js';
import { compileJob, decomposeGraph } from './stepops.js';
import { computeMedian } from './stats.js';

export interface CompileTime {
  readonly ops: number;
  readonly compileMs: number;
  readonly decomposeMs: number;
  readonly definitions: number;
}

function time(repetitions: number, run: () => unknown): number {
  const samples: number[] = [];
  for (let i = 0; i < repetitions; i += 1) {
    const started = performance.now();
    run();
    samples.push(performance.now() - started);
  }
  return computeMedian(samples);
}

export function measureCompileTimes(sizes: readonly number[] = [100, 1000, 3000]): CompileTime[] {
  return sizes.map((ops) => {
    const graph = generateRandomGraph(ops, 2, 1);
    const job = buildGraphJob(`time_${ops}`, graph);
    const repetitions = ops >= 3000 ? 3 : 5;
    let definitions = 0;
    const compileMs = time(repetitions, () => {
      const compiled = compileJob(job);
      definitions = 1 + compiled.childDefinitions.length;
    });
    const decomposeMs = time(repetitions, () =>
      decomposeGraph(
        graph,
        graph.names.map(() => 1),
      ),
    );
    return { ops, compileMs, decomposeMs, definitions };
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.table(measureCompileTimes().map((row) => ({ ...row, compileMs: Math.round(row.compileMs), decomposeMs: Math.round(row.decomposeMs) })));
}
