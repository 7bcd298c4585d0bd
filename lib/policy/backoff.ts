/** How the delay grows with the retry number n (Dagster's Backoff). */
export const Backoff = {
  /** delay * n */
  LINEAR: 'LINEAR',
  /** (2^n - 1) * delay */
  EXPONENTIAL: 'EXPONENTIAL',
} as const;

export type Backoff = (typeof Backoff)[keyof typeof Backoff];

export const BACKOFF_VALUES: readonly Backoff[] = Object.values(Backoff);
