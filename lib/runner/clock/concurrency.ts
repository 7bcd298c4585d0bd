import type { CancelScope } from './cancel-scope.js';

/**
 * Runs jobs with at most `limit` at a time (0 or undefined: no limit) and returns their
 * results in job order. On the first failure it starts no more jobs, cancels `cancel` so
 * running jobs stop, waits for them to settle (so their abort events are recorded first),
 * then rejects with that first failure.
 */
export function runConcurrently<T>(jobs: readonly (() => Promise<T>)[], cancel: CancelScope, limit?: number): Promise<T[]> {
  const max = limit === undefined || limit <= 0 ? jobs.length : limit;
  const results = new Array<T>(jobs.length);
  return new Promise<T[]>((resolve, reject) => {
    if (jobs.length === 0) {
      resolve(results);
      return;
    }
    let nextIndex = 0;
    let running = 0;
    let failed = false;
    let failure: unknown;
    const settle = (): void => {
      if (running > 0) return;
      if (failed) reject(failure);
      else if (nextIndex >= jobs.length) resolve(results);
    };
    const launch = (): void => {
      while (!failed && running < max && nextIndex < jobs.length) {
        const index = nextIndex++;
        running += 1;
        jobs[index]!().then(
          (value) => {
            results[index] = value;
            running -= 1;
            launch();
            settle();
          },
          (error: unknown) => {
            running -= 1;
            if (!failed) {
              failed = true;
              failure = error;
              cancel.cancel();
            }
            settle();
          },
        );
      }
    };
    launch();
  });
}
