import { createSeededRandom } from '../policy/seeded-random.js';
import type { OpDurations } from './evaluate-makespan.js';

/**
 * The op durations the decomposition plans for when none are given: fixed, seeded vectors
 * (the same job always compiles to the same structure), a mix of shapes because nobody knows
 * what ops take and a retry wait is part of it: uniform in 1..10 s, skewed (most ops 1 s, one
 * in ten 100 s, as a retry wait or a slow op makes them), and log-uniform in 1..100 s.
 */
export function buildDurationSamples(size: number): DurationSamples {
  const draw = (seed: number, next: (random: () => number) => number): number[] => {
    const random = createSeededRandom(DURATION_SAMPLE_SEED + seed);
    return Array.from({ length: size }, () => next(random));
  };
  const uniform = [0, 1, 2].map((seed) => draw(seed, (random) => 1 + 9 * random()));
  return {
    uniform,
    all: [...uniform, ...[3, 4, 5].map((seed) => draw(seed, (random) => (random() < 0.1 ? 100 : 1))), ...[6, 7].map((seed) => draw(seed, (random) => Math.pow(100, random())))],
  };
}

export interface DurationSamples {
  /** Uniform in 1..10 s: they break ties between cuts that cost the same with unit durations. */
  readonly uniform: readonly OpDurations[];
  /** Every shape, uniform ones included: candidate structures are judged on their mean makespan / critical path over these. */
  readonly all: readonly OpDurations[];
}

/** Seeds of the duration samples (any fixed value; not a seed the tests or benchmarks draw durations with). */
const DURATION_SAMPLE_SEED = 0x51_d0_7a;
