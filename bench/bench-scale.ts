/**
 * How much work a benchmark does. 'full' is what `npm run bench` measures; 'smoke' runs the same code
 * at tiny sizes, once, so that test/bench/bench-smoke.test.ts can check every benchmark still runs
 * and reports well-formed rows (its figures mean nothing and are never reported).
 */
export type BenchScale = 'full' | 'smoke';

/** `full` for a full benchmark run, `smoke` for the smoke test. */
export function pickByScale<T>(scale: BenchScale, full: T, smoke: T): T {
  return scale === 'full' ? full : smoke;
}
