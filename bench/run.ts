/**
 * `npm run bench`: runs every benchmark in turn (progress on stderr), prints one table and
 * writes bench/results.json (a list of { name, value, unit, baseline?, ratio?, method? },
 * every ratio from a baseline measured in this run).
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportProgress, type BenchFigure, type BenchRow } from './bench-row.js';
import { measureCompileScale } from './compile-scale.js';
import { measureExactConcurrency } from './exact-concurrency.js';
import { measureFidelity } from './fidelity.js';
import { measureHandler } from './handler.js';
import { measureIo } from './io.js';
import { measureLocalRunner } from './local-runner.js';
import { measureScheduleEfficiency } from './schedule-efficiency.js';
import { measureTransitions } from './transitions.js';

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), 'results.json');

const HANDLER_METHOD =
  'bench/handler.ts: the example handler (handlers/report-pipeline.ts) bundled by esbuild (minified esm, node22), checked to hold no aws-cdk-lib, constructs, jsonata, @aws-sdk (external, as in the CDK bundle: the runtime provides the S3 client) or compiler/runner/CLI code; overhead: a trivial op called directly vs through jobHandler with a valid payload, 50,000 calls x 7 alternating rounds in plain node on an esbuild bundle, medians';

async function measureHandlerFigure(): Promise<BenchFigure> {
  return { figure: 'handler', rows: (await measureHandler()).map((row): BenchRow => ({ ...row, method: HANDLER_METHOD })) };
}

const BENCHMARKS: readonly (readonly [string, () => BenchFigure | Promise<BenchFigure>])[] = [
  ['schedule efficiency', measureScheduleEfficiency],
  ['exact concurrency', measureExactConcurrency],
  ['cost (state transitions)', measureTransitions],
  ['compile scale', measureCompileScale],
  ['fidelity', measureFidelity],
  ['handler', measureHandlerFigure],
  ['local runner', measureLocalRunner],
  ['io', measureIo],
];

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
for (const [name, measure] of BENCHMARKS) {
  const figureStarted = performance.now();
  reportProgress(`${name}...`);
  const figure = await measure();
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
