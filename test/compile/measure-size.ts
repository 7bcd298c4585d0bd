/**
 * Definition size per op (not a test): `npx tsx test/compile/measure-size.ts`.
 * - per-op figures: the marginal characters of one more op in a chain of such ops (its Task,
 *   its Wait state and its share of the final check), compact JSON as Step Functions counts;
 * - the 1,000-op mix: a random DAG (k = 2) whose ops have, in turn, no policy, a plain
 *   constant-delay policy and an indexed (exponential) policy;
 * - the largest mixed random job that fits in 1,048,576 characters, and compile time.
 */
import { compileJob, MAX_DEFINITION_CHARACTERS, type OpGraph } from '../../lib/asl/index.js';
import { buildOpGraphFromEdges } from '../../lib/asl/job-graph.js';
import { Backoff, Jitter, RetryPolicy } from '../../lib/index.js';
import { buildJobFromGraph } from './graph-jobs.js';
import { generateRandomGraph } from '../support/random-graph.js';

const kinds: Record<string, RetryPolicy | undefined> = {
  'no policy': undefined,
  'plain (3 retries, 5 s)': new RetryPolicy({ maxRetries: 3, delay: 5 }),
  'indexed (3 retries, exponential 2 s)': new RetryPolicy({ maxRetries: 3, delay: 2, backoff: Backoff.EXPONENTIAL }),
  'loop (PLUS_MINUS jitter)': new RetryPolicy({ maxRetries: 3, delay: 5, jitter: Jitter.PLUS_MINUS }),
};

function chain(n: number): OpGraph {
  return buildOpGraphFromEdges(
    Array.from({ length: n }, (_, k) => `op${k}`),
    Array.from({ length: n }, (_, k) => (k === 0 ? [] : [k - 1])),
  );
}

const mix = (k: number): RetryPolicy | undefined => [undefined, kinds['plain (3 retries, 5 s)'], kinds['indexed (3 retries, exponential 2 s)']][k % 3];

function size(graph: OpGraph, policyFor: (k: number) => RetryPolicy | undefined): number {
  return JSON.stringify(compileJob(buildJobFromGraph('measure', graph, policyFor)).definition).length;
}

/** Like compileJob's own check, without the limit: the definition's length even when it is too large. */
function sizeUnchecked(graph: OpGraph, policyFor: (k: number) => RetryPolicy | undefined): number {
  try {
    return size(graph, policyFor);
  } catch (error) {
    const match = /compiles to (\d+) characters/.exec(String(error));
    if (match === null) throw error;
    return Number(match[1]);
  }
}

console.log('characters per op (marginal, chain of 11 vs 1):');
for (const [name, policy] of Object.entries(kinds)) {
  const per = (size(chain(11), () => policy) - size(chain(1), () => policy)) / 10;
  console.log(`  ${name.padEnd(40)} ${per.toFixed(0)}`);
}
for (const seed of [1, 2, 3]) {
  const graph = generateRandomGraph(1000, 2, seed);
  const job = buildJobFromGraph('random_mix', graph, mix);
  const started = performance.now();
  let characters: number;
  try {
    characters = JSON.stringify(compileJob(job).definition).length;
  } catch (error) {
    characters = sizeUnchecked(graph, mix);
  }
  const ms = performance.now() - started;
  console.log(`1,000-op random mix (seed ${seed}): ${characters} characters, ${(characters / 1000).toFixed(0)} per op, ${ms.toFixed(0)} ms (limit ${MAX_DEFINITION_CHARACTERS})`);
}
let low = 100;
let high = 4000;
while (high - low > 10) {
  const mid = Math.floor((low + high) / 2);
  if (sizeUnchecked(generateRandomGraph(mid, 2, 1), mix) <= MAX_DEFINITION_CHARACTERS) low = mid;
  else high = mid;
}
console.log(`largest random mix (seed 1) that fits: about ${low} ops`);
