/** One line of bench/results.json. */
export interface BenchRow {
  readonly name: string;
  readonly value: number | string;
  readonly unit: string;
  /** The same quantity for the alternative, measured in the same run. */
  readonly baseline?: number;
  /** value / baseline. */
  readonly ratio?: number;
  /** How the figure was measured. */
  readonly method?: string;
}

/** A figure and its rows, as a benchmark module returns them. */
export interface BenchFigure {
  readonly figure: string;
  readonly rows: readonly BenchRow[];
}

/** Rounds to `digits` decimals for display and the results file. */
export function roundTo(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** A row with a baseline and their ratio, both rounded. */
export function buildComparedRow(row: Omit<BenchRow, 'ratio' | 'baseline' | 'value'> & { readonly value: number; readonly baseline: number }, digits = 2): BenchRow {
  return { ...row, value: roundTo(row.value, digits), baseline: roundTo(row.baseline, digits), ratio: roundTo(row.value / row.baseline, 3) };
}

/** Writes a progress line to stderr. */
export function reportProgress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}
