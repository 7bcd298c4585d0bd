/** Every benchmark `npm run bench` runs, in order, each callable at full or smoke scale (bench-scale.ts). */
import type { BenchFigure } from './bench-row.js';
import type { BenchScale } from './bench-scale.js';
import { measureCompileScale } from './compile-scale.js';
import { measureExactConcurrency } from './exact-concurrency.js';
import { measureFidelity } from './fidelity.js';
import { measureHandlerFigure } from './handler.js';
import { measureIo } from './io.js';
import { measureLocalRunner } from './local-runner.js';
import { measureScheduleEfficiency } from './schedule-efficiency.js';
import { measureTransitions } from './transitions.js';

export interface Benchmark {
  readonly name: string;
  readonly measure: (scale: BenchScale) => BenchFigure | Promise<BenchFigure>;
}

export const BENCHMARKS: readonly Benchmark[] = [
  { name: 'schedule efficiency', measure: measureScheduleEfficiency },
  { name: 'exact concurrency', measure: measureExactConcurrency },
  { name: 'cost (state transitions)', measure: measureTransitions },
  { name: 'compile scale', measure: measureCompileScale },
  { name: 'fidelity', measure: measureFidelity },
  { name: 'handler', measure: measureHandlerFigure },
  // No smoke scale yet: its sizes (100 / 1,000 / 3,000 ops) and fresh processes are fixed.
  { name: 'local runner', measure: () => measureLocalRunner() },
  { name: 'io', measure: measureIo },
];
