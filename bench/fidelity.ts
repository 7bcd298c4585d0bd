/**
 * Figure 4, fidelity: for seeded random policies, the compiled schedule against Dagster's
 * calculateDelay. Retrier waits are read back from compileRetryPolicy(policy).retriers
 * (createRetrierReader) for the error name the wrapper (opHandler, retry mode of the compiled
 * policy) throws at each retry; loop waits are the wrapper's own (details.waitSeconds, rounded
 * up), compared with calculateDelay fed the same random value. With fidelity 'native' (retry
 * mode 'plain') the wrapper always throws RETRY_ERROR, so that name is read back directly.
 * Run alone: `npx tsx bench/fidelity.ts`.
 */
import { pathToFileURL } from 'node:url';
import { roundTo, type BenchFigure, type BenchRow } from './bench-row.js';
import { pickByScale, type BenchScale } from './bench-scale.js';
import { generateRetryPolicy } from './random-policy.js';
import { createRetrierReader } from './read-retriers.js';
import { compileRetryPolicy, createSeededRandom, isOpAttemptError, Jitter, op, opHandler, RETRY_ERROR, type RetryFidelity, type RetryPolicy } from './stepops.js';

const POLICIES = 10_000;
const SEED = 20_260_101;

/** Differences compiled - Dagster (seconds) for one mechanism. */
class DifferenceTally {
  policies = 0;
  retries = 0;
  largest = -Infinity;
  smallest = Infinity;
  /** Largest difference where Dagster waits more than 0 s (a retrier's 1 s minimum aside). */
  largestAboveZero = -Infinity;
  largestRelative = 0;
  largestAbsolute = 0;
  worstRelative = '';
  worstAbsolute = '';
  /** The policy being tallied, for naming the worst cases. */
  current = '';
  notRetried = 0;

  add(compiled: number, dagster: number): void {
    const difference = compiled - dagster;
    this.retries += 1;
    this.largest = Math.max(this.largest, difference);
    this.smallest = Math.min(this.smallest, difference);
    if (dagster > 1e-9) this.largestAboveZero = Math.max(this.largestAboveZero, difference);
    if (dagster >= 1 && Math.abs(difference) / dagster > this.largestRelative) {
      this.largestRelative = Math.abs(difference) / dagster;
      this.worstRelative = `${this.current}: compiled ${roundTo(compiled, 3)} s, Dagster ${roundTo(dagster, 3)} s`;
    }
    if (Math.abs(difference) > this.largestAbsolute) {
      this.largestAbsolute = Math.abs(difference);
      this.worstAbsolute = `${this.current}: compiled ${roundTo(compiled, 3)} s, Dagster ${roundTo(dagster, 3)} s`;
    }
  }
}

/** One error object for every attempt: the figure is about waits, not stack traces. */
const FAILURE = new Error('fails on purpose');

/** The wrapper of an op that always throws a plain Error, with `policy`, seeded jitter. */
function createFailingHandler(policy: RetryPolicy, retryMode: 'plain' | 'indexed' | 'loop', random: () => number) {
  const failing = op({ name: 'fidelity_op', retryPolicy: policy }, () => {
    throw FAILURE;
  });
  return opHandler(failing, { retryMode, random, writeLog: () => {} });
}

/** What the wrapper throws for attempt `retryNumber` (0-based): error name and loop wait. */
async function readWrapperDecision(
  handler: ReturnType<typeof createFailingHandler>,
  retryNumber: number,
): Promise<{ readonly name: string; readonly waitSeconds: number | undefined }> {
  try {
    await handler({ retryNumber }, undefined);
  } catch (error) {
    if (isOpAttemptError(error)) return { name: error.name, waitSeconds: error.details.waitSeconds };
    throw error;
  }
  throw new Error('the failing op succeeded');
}

async function tallyPolicy(policy: RetryPolicy, fidelity: RetryFidelity, tallies: Map<string, DifferenceTally>, random: () => number): Promise<void> {
  const compiled = compileRetryPolicy(policy, { fidelity });
  const mechanism = compiled.plan.mechanism;
  if (mechanism === 'none') return;
  const key = `${fidelity} ${mechanism}${policy.jitter === Jitter.FULL ? ' (FULL jitter, upper bounds)' : ''}`;
  const tally = tallies.get(key) ?? new DifferenceTally();
  tallies.set(key, tally);
  tally.policies += 1;
  tally.current = String(policy);
  let drawn = 0;
  const recording = (): number => (drawn = random());
  // fidelity 'native' is retry mode 'plain' for every policy: the wrapper always throws RETRY_ERROR.
  const handler = fidelity === 'exact' ? createFailingHandler(policy, compiled.retryMode, recording) : undefined;
  const readRetrier = createRetrierReader(compiled.retriers);
  for (let n = 1; n <= policy.maxRetries; n += 1) {
    const decision = handler === undefined ? { name: RETRY_ERROR, waitSeconds: undefined } : await readWrapperDecision(handler, n - 1);
    if (compiled.retryMode === 'loop') {
      tally.add(
        decision.waitSeconds ?? NaN,
        policy.calculateDelay(n, () => drawn),
      );
      continue;
    }
    const wait = readRetrier(decision.name);
    if (wait === undefined || (wait.fullJitter !== (policy.jitter === Jitter.FULL && fidelity === 'exact') && fidelity === 'exact')) {
      tally.notRetried += 1;
      continue;
    }
    // Deterministic waits and FULL jitter's upper bound: Dagster's is delayRange(n).max; with
    // fidelity 'native' PLUS_MINUS is dropped, so compare with the centre of its range.
    const centre = Math.min(policy.backoffDelay(n), policy.maxDelay ?? Infinity);
    tally.add(wait.seconds, policy.jitter === Jitter.FULL ? policy.delayRange(n).max : centre);
  }
}

function describeTally(fidelity: RetryFidelity, key: string, tally: DifferenceTally): BenchRow[] {
  const base = `${tally.policies} policies, ${tally.retries} retries`;
  const broken = tally.notRetried === 0 ? '' : `; ${tally.notRetried} retries the retriers did not grant as planned`;
  if (fidelity === 'native') {
    return [
      { name: `fidelity, ${key}: largest |compiled - Dagster|`, value: roundTo(tally.largestAbsolute, 3), unit: 's', method: `${base}; worst: ${tally.worstAbsolute}${broken}` },
      {
        name: `fidelity, ${key}: largest relative difference (Dagster wait >= 1 s)`,
        value: roundTo(tally.largestRelative, 4),
        unit: 'fraction of Dagster wait',
        method: `${base}; |compiled - Dagster| / Dagster over retries where Dagster waits at least 1 s; worst: ${tally.worstRelative}${broken}`,
      },
    ];
  }
  return [
    {
      name: `fidelity, ${key}: largest compiled - Dagster where Dagster waits > 0`,
      value: roundTo(tally.largestAboveZero, 6),
      unit: 's',
      method: `${base}; must be < 1 s (whole-second rounding up); smallest difference ${roundTo(tally.smallest, 6)} s (never sooner than Dagster when >= 0); largest including retries where Dagster waits 0 s: ${roundTo(tally.largest, 6)} s (a retrier waits at least 1 s; the loop waits 0 s)${broken}`,
    },
  ];
}

/** Every row of the fidelity figure. */
export async function measureFidelity(scale: BenchScale = 'full'): Promise<BenchFigure> {
  const random = createSeededRandom(SEED);
  const jitter = createSeededRandom(SEED + 1);
  const tallies = new Map<string, DifferenceTally>();
  const count = pickByScale(scale, POLICIES, 50);
  const policies = Array.from({ length: count }, () => generateRetryPolicy(random));
  for (const policy of policies) {
    await tallyPolicy(policy, 'exact', tallies, jitter);
    await tallyPolicy(policy, 'native', tallies, jitter);
  }
  const rows: BenchRow[] = [];
  for (const [key, tally] of [...tallies].sort(([a], [b]) => a.localeCompare(b))) rows.push(...describeTally(key.startsWith('native') ? 'native' : 'exact', key, tally));
  const method = `${count} seeded random policies (maxRetries 0..10, delay none/0/whole/fraction < 2 s/fraction <= 3600 s, each backoff, each jitter, maxDelay a quarter of the time)`;
  return { figure: 'fidelity', rows: rows.map((row) => ({ ...row, method: `${method}; ${row.method ?? ''}` })) };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const row of (await measureFidelity()).rows) console.log(row);
}
