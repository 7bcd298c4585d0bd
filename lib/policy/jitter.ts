/** A random modifier applied after backoff (Dagster's Jitter). */
export const Jitter = {
  /** random() * calculated delay: uniform in [0, calculated). */
  FULL: 'FULL',
  /** calculated + (2 * random() * delay - delay): widened by the base delay. */
  PLUS_MINUS: 'PLUS_MINUS',
} as const;

export type Jitter = (typeof Jitter)[keyof typeof Jitter];

export const JITTER_VALUES: readonly Jitter[] = Object.values(Jitter);
