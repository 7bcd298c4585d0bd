/**
 * `npm run bench`: runs every benchmark in turn (progress on stderr), prints one table and
 * writes bench/results.json (a list of { name, value, unit, baseline?, ratio?, method? },
 * every ratio from a baseline measured in this run).
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportProgress, type BenchRow } from './bench-row.js';
import { BENCHMARKS } from './benchmarks.js';

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), 'results.json');

function formatTable(rows: readonly BenchRow[]): string {
  const header = ['name', 'value', 'unit', 'baseline', 'ratio'];
  const cells = rows.map((row) => [
    row.name,
    String(row.value),
    row.unit,
    row.baseline === undefined ? '' : String(row.baseline),
    row.ratio === undefined ? '' : String(row.ratio),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((line) => line[i]!.length)));
  const format = (line: readonly string[]) => line.map((cell, i) => (i === 0 || i === 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [format(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(format)].join('\n');
}

const started = performance.now();
const rows: BenchRow[] = [];
for (const { name, measure } of BENCHMARKS) {
  const figureStarted = performance.now();
  reportProgress(`${name}...`);
  const figure = await measure('full');
  rows.push(...figure.rows);
  reportProgress(`${name}: ${((performance.now() - figureStarted) / 1000).toFixed(1)} s`);
}
const totalSeconds = (performance.now() - started) / 1000;
rows.push({
  name: 'bench wall time (all figures)',
  value: Math.round(totalSeconds * 10) / 10,
  unit: 's',
  method: `npm run bench on ${process.version}, ${process.platform}/${process.arch}`,
});
writeFileSync(RESULTS, `${JSON.stringify(rows, null, 2)}\n`);
console.log(formatTable(rows));
reportProgress(`wrote ${RESULTS} (${rows.length} rows) in ${totalSeconds.toFixed(1)} s`);
