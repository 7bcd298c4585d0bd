/**
 * Benchmark of the Lambda wrapper (issue 4): the minified esbuild bundle of the example
 * handler, checked to hold no aws-cdk-lib, constructs, jsonata, compiler, runner or CLI code,
 * and the wrapper's per-invocation overhead against calling the op function directly, both
 * measured in plain node on esbuild bundles, as Lambda runs the handler.
 * Run alone: `npx tsx bench/handler.ts`; `measureHandler()` returns the rows for a suite.
 */
import { build } from 'esbuild';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { BenchFigure, BenchRow } from './bench-row.js';
import { pickByScale, type BenchScale } from './bench-scale.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY = 'handlers/report-pipeline.ts';

/** Inputs a Lambda bundle must never contain (DESIGN section 2). */
const FORBIDDEN_INPUTS = [/node_modules\/aws-cdk-lib\//, /node_modules\/constructs\//, /node_modules\/jsonata\//, /node_modules\/@aws-sdk\//, /^lib\/(asl|runner|cdk|cli)\//];

/** Bundles the example handler as the CDK construct would (esm, node22, minified). */
export async function measureHandlerBundle(): Promise<{ readonly bytes: number; readonly gzipBytes: number; readonly inputs: readonly string[] }> {
  const result = await build({
    entryPoints: [join(ROOT, ENTRY)],
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    // As JobStateMachine's NodejsFunction does: the Lambda runtime provides the AWS SDK (the S3 IO manager's client).
    external: ['@aws-sdk/*'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  // Inputs that contribute bytes to the output: with package.json "sideEffects": false, esbuild
  // reads the root entry's re-exports of the compiler and runner but drops them (0 bytes).
  const output = Object.values(result.metafile.outputs)[0]!;
  const inputs = Object.entries(output.inputs)
    .filter(([, contribution]) => contribution.bytesInOutput > 0)
    .map(([input]) => relative(ROOT, join(process.cwd(), input)));
  const forbidden = inputs.filter((input) => FORBIDDEN_INPUTS.some((pattern) => pattern.test(input)));
  if (forbidden.length > 0) throw new Error(`the handler bundle contains code it must not: ${forbidden.join(', ')}`);
  return { bytes: code.byteLength, gzipBytes: gzipSync(code).byteLength, inputs };
}

/**
 * The measuring program, bundled with esbuild and run by plain `node`, as Lambda runs the
 * bundled handler (under tsx's loader the same code runs several times slower). The same
 * trivial op is called directly (a prebuilt context) and through jobHandler with a valid
 * payload, in alternating rounds; log lines are formatted (JSON.stringify) but not written, so
 * the figure is the wrapper's CPU, not stdout. Prints the two medians in microseconds as JSON.
 */
const OVERHEAD_PROGRAM = `
import { buildOpContext, job, op } from './lib/index.js';
import { PROTOCOL_VERSION, computeJobFingerprint } from './lib/job/index.js';
import { jobHandler } from './lib/handler/index.js';
const [iterations, rounds] = [Number(process.argv[2]), Number(process.argv[3])];
const trivial = op({ name: 'trivial' }, async () => ({ ok: true, rows: 42 }));
const benchJob = job({ name: 'bench_job' }, () => { trivial(); });
let sink = 0;
const handler = jobHandler(benchJob, { writeLog: (record) => { sink += JSON.stringify(record).length; } });
const payload = { protocol: PROTOCOL_VERSION, job: 'bench_job', runId: 'bench', state: { EnteredTime: '2026-01-01T00:00:00.000Z', Name: 'trivial', RetryCount: 0 }, retryMode: 'plain', inputs: [], config: {}, planHash: computeJobFingerprint(benchJob) };
const context = buildOpContext({ opName: 'trivial', jobName: 'bench_job', writeLog: () => {} });
const direct = () => trivial.compute(context);
const wrapped = () => handler(payload);
async function perCall(run) {
  const start = performance.now();
  for (let i = 0; i < iterations; i += 1) await run();
  return ((performance.now() - start) * 1000) / iterations;
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
await perCall(direct);
await perCall(wrapped);
const directSamples = [];
const handlerSamples = [];
for (let round = 0; round < rounds; round += 1) {
  directSamples.push(await perCall(direct));
  handlerSamples.push(await perCall(wrapped));
}
if (sink === 0) throw new Error('the handler wrote no log line');
console.log(JSON.stringify({ directMicros: median(directSamples), handlerMicros: median(handlerSamples) }));
`;

/** The wrapper's per-invocation CPU against calling the op function directly (see OVERHEAD_PROGRAM). */
export async function measureHandlerOverhead(iterations = 50_000, rounds = 7): Promise<{ readonly directMicros: number; readonly handlerMicros: number }> {
  const directory = mkdtempSync(join(tmpdir(), 'stepops-bench-'));
  const outfile = join(directory, 'overhead.mjs');
  try {
    await build({
      stdin: { contents: OVERHEAD_PROGRAM, resolveDir: ROOT, loader: 'ts', sourcefile: 'overhead.ts' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      outfile,
      logLevel: 'silent',
    });
    const output = execFileSync(process.execPath, [outfile, String(iterations), String(rounds)], { encoding: 'utf8' });
    return JSON.parse(output) as { directMicros: number; handlerMicros: number };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** The benchmark rows: bundle size and per-invocation overhead. */
export async function measureHandler(scale: BenchScale = 'full'): Promise<BenchRow[]> {
  const bundle = await measureHandlerBundle();
  const [iterations, rounds] = pickByScale(scale, [50_000, 7] as const, [500, 1] as const);
  const overhead = await measureHandlerOverhead(iterations, rounds);
  const round = (value: number): number => Math.round(value * 100) / 100;
  return [
    { name: `handler bundle (${ENTRY}, esbuild minified esm node22)`, value: bundle.bytes, unit: 'bytes' },
    { name: 'handler bundle, gzip', value: bundle.gzipBytes, unit: 'bytes' },
    { name: 'handler bundle inputs (no aws-cdk-lib, constructs, jsonata, @aws-sdk, lib/asl|runner|cdk|cli)', value: bundle.inputs.length, unit: 'files' },
    { name: 'op function called directly', value: round(overhead.directMicros), unit: 'µs/invocation' },
    {
      name: 'jobHandler invocation (validate, run, decide, log)',
      value: round(overhead.handlerMicros),
      unit: 'µs/invocation',
      baseline: round(overhead.directMicros),
      ratio: round(overhead.handlerMicros / overhead.directMicros),
    },
    { name: 'jobHandler overhead', value: round(overhead.handlerMicros - overhead.directMicros), unit: 'µs/invocation' },
  ];
}

const HANDLER_METHOD =
  'bench/handler.ts: the example handler (handlers/report-pipeline.ts) bundled by esbuild (minified esm, node22), checked to hold no aws-cdk-lib, constructs, jsonata, @aws-sdk (external, as in the CDK bundle: the runtime provides the S3 client) or compiler/runner/CLI code; overhead: a trivial op called directly vs through jobHandler with a valid payload, 50,000 calls x 7 alternating rounds in plain node on an esbuild bundle, medians';

/** The handler figure: measureHandler's rows with how they were measured. */
export async function measureHandlerFigure(scale: BenchScale = 'full'): Promise<BenchFigure> {
  return { figure: 'handler', rows: (await measureHandler(scale)).map((row): BenchRow => ({ ...row, method: HANDLER_METHOD })) };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.table(await measureHandler());
}
