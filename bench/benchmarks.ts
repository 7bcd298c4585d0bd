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
  /** False for a benchmark whose sizes are fixed, which the smoke test (test/bench) therefore skips. */
  readonly hasSmokeScale: boolean;
}

export const BENCHMARKS: readonly Benchmark[] = [
  { name: 'schedule efficiency', measure: measureScheduleEfficiency, hasSmokeScale: true },
  { name: 'exact concurrency', measure: measureExactConcurrency, hasSmokeScale: true },
  { name: 'cost (state transitions)', measure: measureTransitions, hasSmokeScale: true },
  { name: 'compile scale', measure: measureCompileScale, hasSmokeScale: true },
  { name: 'fidelity', measure: measureFidelity, hasSmokeScale: true },
  { name: 'handler', measure: measureHandlerFigure, hasSmokeScale: true },
  // At smoke scale: the warm and compare parts at 10 / 30 ops, without the fresh processes (they build dist/ first).
  { name: 'local runner', measure: (scale) => measureLocalRunner(undefined, scale), hasSmokeScale: true },
  { name: 'io', measure: measureIo, hasSmokeScale: true },
];
