/**
 * The IO manager (issue 13): the wrapper's per-invocation cost for an inline output and for one
 * stored in S3 (s3rver on 127.0.0.1, a real HTTP round trip), and the largest random job (k = 2,
 * seed 1, compile-scale's policy mix) that compiles, split into a parent and children.
 * Run alone: `npx tsx bench/io.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { buildComparedRow, reportProgress, type BenchFigure, type BenchRow } from './bench-row.js';
import { pickByScale, type BenchScale } from './bench-scale.js';
import { buildGraphJob } from './graph-job.js';
import { generateRandomGraph } from '../test/support/random-graph.js';
import { computeMedian } from './stats.js';
import { compileJob, isDefinitionError, job, op } from './stepops.js';
import { POLICY_MIX } from './compile-scale.js';
import { computeJobFingerprint } from '../lib/job/job-fingerprint.js';
import { PROTOCOL_VERSION } from '../lib/job/wire-protocol.js';
import { jobHandler, S3IoManager, type IoManager } from '../lib/handler/index.js';

interface IoSettings {
  readonly calls: number;
  readonly rounds: number;
  /** Sizes tried in steps of `step` from `step` up to `limit`, then bisected to `bisectTo` ops. */
  readonly step: number;
  readonly limit: number;
  readonly bisectTo: number;
}

const FULL: IoSettings = { calls: 200, rounds: 5, step: 1_000, limit: 20_000, bisectTo: 50 };
const SMOKE: IoSettings = { calls: 5, rounds: 1, step: 100, limit: 200, bisectTo: 50 };

/** Median µs per jobHandler call of an op returning `output`, with `io`, over `rounds` rounds of `calls` calls (each its own run id). */
async function timeHandler(output: unknown, io: IoManager | undefined, tag: string, { calls, rounds }: IoSettings): Promise<number> {
  const produce = op({ name: 'produce' }, async () => output);
  const benchJob = job({ name: 'io_bench' }, () => {
    produce();
  });
  const handler = jobHandler(benchJob, { writeLog: () => {}, ...(io === undefined ? {} : { ioManager: io }) });
  const base = {
    protocol: PROTOCOL_VERSION,
    job: 'io_bench',
    state: { EnteredTime: '2026-01-01T00:00:00.000Z', Name: 'produce', RetryCount: 0 },
    retryMode: 'plain',
    inputs: [],
    config: {},
    planHash: computeJobFingerprint(benchJob),
  };
  const samples: number[] = [];
  let call = 0;
  for (let round = -1; round < rounds; round += 1) {
    const started = performance.now();
    for (let i = 0; i < calls; i += 1) await handler({ ...base, runId: `${tag}-${(call += 1)}` });
    if (round >= 0) samples.push(((performance.now() - started) * 1000) / calls);
  }
  return computeMedian(samples);
}

async function measureWrapper(settings: IoSettings): Promise<BenchRow[]> {
  const directory = mkdtempSync(join(tmpdir(), 'stepops-bench-s3-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: 'stepops-bench' }] });
  const { port } = await server.run();
  const client = new S3Client({
    endpoint: `http://127.0.0.1:${port}`,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  try {
    const io = new S3IoManager({ bucket: 'stepops-bench', prefix: 'io_bench/', client });
    const small = { rows: 'x'.repeat(1_000) };
    const large = { rows: 'x'.repeat(100_000) };
    const inline = await timeHandler(small, undefined, 'inline', settings);
    const inlineWithIo = await timeHandler(small, io, 'inline-io', settings);
    const stored = await timeHandler(large, io, 'stored', settings);
    const method = `bench/io.ts: jobHandler in process (tsx) on an op returning the value, median over ${settings.rounds} rounds of ${settings.calls} calls; S3 is s3rver 3 on 127.0.0.1 through @aws-sdk/client-s3 (a local HTTP round trip, not AWS latency)`;
    return [
      { name: 'jobHandler, 1 KB output inline (no IO manager)', value: Math.round(inline * 10) / 10, unit: 'µs/invocation', method },
      buildComparedRow({ name: 'jobHandler, 1 KB output inline, S3 IO manager configured (no S3 call)', value: inlineWithIo, unit: 'µs/invocation', method, baseline: inline }, 1),
      buildComparedRow({ name: 'jobHandler, 100 KB output stored in S3 (PutObject to s3rver)', value: stored, unit: 'µs/invocation', method, baseline: inline }, 1),
    ];
  } finally {
    client.destroy();
    await server.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

function compiles(size: number): boolean {
  try {
    compileJob(buildGraphJob(`random_${size}`, generateRandomGraph(size, 2, 1), (k) => ({ policy: POLICY_MIX[k % POLICY_MIX.length] })));
    return true;
  } catch (error) {
    // Only compileJob's refusal (a DefinitionError) means "does not compile"; anything else is a bug to see.
    if (isDefinitionError(error)) return false;
    throw error;
  }
}

/** The largest size that compiles: steps of `step` ops until one is refused (or `limit`), then bisection to `bisectTo` ops. */
function findLargestCompilingJob({ step, limit, bisectTo }: IoSettings): { readonly largest: number; readonly refused: number } {
  let low = 0;
  let high = 0;
  for (let size = step; size <= limit; size += step) {
    reportProgress(`io: compiling a random ${size}-op job`);
    if (!compiles(size)) {
      high = size;
      break;
    }
    low = size;
  }
  if (high === 0) return { largest: low, refused: Infinity };
  while (high - low > bisectTo) {
    const middle = Math.round((low + high) / 2);
    reportProgress(`io: compiling a random ${middle}-op job`);
    if (compiles(middle)) low = middle;
    else high = middle;
  }
  return { largest: low, refused: high };
}

export async function measureIo(scale: BenchScale = 'full'): Promise<BenchFigure> {
  const settings = pickByScale(scale, FULL, SMOKE);
  const rows = await measureWrapper(settings);
  const { largest, refused } = findLargestCompilingJob(settings);
  rows.push({
    name: 'largest random job (k = 2) that compiles (split into a parent and children)',
    value: largest,
    unit: 'ops',
    method: `bench/io.ts: generateRandomGraph(size, 2, 1) with compile-scale's policy mix, sizes in steps of ${settings.step} then bisected to ${settings.bisectTo} ops; ${refused === Infinity ? `every size up to ${settings.limit} compiles` : `${refused} ops is refused`}`,
  });
  return { figure: 'io', rows };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const figure = await measureIo();
  for (const row of figure.rows) console.log(`${row.name}: ${row.value} ${row.unit}${row.baseline === undefined ? '' : ` (baseline ${row.baseline}, ratio ${row.ratio})`}`);
}
