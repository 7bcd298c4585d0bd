/** The median (upper median for an even count). */
export function computeMedian(values: readonly number[]): number {
  if (values.length === 0) throw new Error('computeMedian needs at least one value');
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

/** The largest value. */
export function computeMax(values: readonly number[]): number {
  return values.reduce((max, value) => Math.max(max, value), -Infinity);
}

/** Milliseconds spent in `run`, with its result. */
export async function measureMilliseconds<T>(run: () => T | Promise<T>): Promise<{ readonly ms: number; readonly result: T }> {
  const started = performance.now();
  const result = await run();
  return { ms: performance.now() - started, result };
}
