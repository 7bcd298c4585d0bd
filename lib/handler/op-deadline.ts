import { OP_TIMEOUT_ERROR } from '../errors.js';
import type { DeadlineTimer } from './handler-types.js';

/**
 * The wrapper's deadline ahead of the Lambda function timeout: an attempt still running when
 * the function has DEADLINE_MARGIN_MS left (a tenth of the time it had, when that is less) fails
 * with OP_TIMEOUT_ERROR, which the wrapper decides on under the op's policy like any op error.
 * So an op that runs too long is retried on its own counter and schedule, and its timeout never
 * reaches the platform as Sandbox.Timedout. The margin leaves time to report the error.
 */
export const DEADLINE_MARGIN_MS = 1_000;

/** Thrown by runWithinDeadline; the wrapper keeps its name (it is the wrapper's, not the op's). */
export class OpDeadlineError extends Error {
  constructor(opName: string) {
    super(
      `op "${opName}" was still running close to the Lambda function's timeout (the wrapper stops waiting ${DEADLINE_MARGIN_MS} ms, or a tenth of the function's time, before it); raise the function timeout or make the op faster`,
    );
    this.name = OP_TIMEOUT_ERROR;
  }
}

/**
 * Runs `work` until it settles or the deadline passes, whichever comes first, as a promise
 * (`work` may return a value, a promise or throw). Without `getRemainingTimeInMillis` (no
 * Lambda context) there is no deadline. `armTimer` arms the deadline's timer (a Node timer
 * that keeps the process alive, unless the context gives another).
 */
export function runWithinDeadline<T>(
  opName: string,
  getRemainingTimeInMillis: (() => number) | undefined,
  work: () => T | PromiseLike<T>,
  armTimer: DeadlineTimer = armNodeTimer,
): Promise<Awaited<T>> {
  if (getRemainingTimeInMillis === undefined) return runToPromise(work);
  const remainingMs = getRemainingTimeInMillis();
  if (!Number.isFinite(remainingMs)) return runToPromise(work);
  const marginMs = Math.min(DEADLINE_MARGIN_MS, remainingMs / 10);
  const afterMs = Math.max(0, Math.floor(remainingMs - marginMs));
  // One promise: settled by the work or by the deadline, whichever comes first. The work runs inside
  // its executor, so an op error's stack has the frames it had (its Cause, cut to the failure
  // marker's budget, is read back whole only while it fits).
  return new Promise<Awaited<T>>((resolve, reject) => {
    const startedMs = performance.now();
    const running = work();
    // Work that returned or threw at once has settled before any timer could fire: no deadline timer.
    if (!isThenable(running)) {
      resolve(running as Awaited<T>);
      return;
    }
    // Set after the work's synchronous part: the time that part took counts against the deadline.
    const cancel = armTimer(Math.max(0, afterMs - (performance.now() - startedMs)), () => reject(new OpDeadlineError(opName)), marginMs);
    running.then(
      (value) => {
        cancel();
        resolve(value as Awaited<T>);
      },
      (error: unknown) => {
        cancel();
        reject(error);
      },
    );
  });
}

/**
 * A Node timer, which keeps the process alive until the deadline (it is cleared as soon as the
 * op settles). Unref'd, an op that hangs with nothing else pending would let the event loop
 * empty before its deadline, and the Lambda Node.js runtime would then end the invocation
 * without the wrapper's answer (the runtime interface client's Runtime.ts posts a null response
 * from its 'beforeExit' listener) instead of failing the attempt with stepops.OpTimeout.
 */
function armNodeTimer(ms: number, fire: () => void): () => void {
  const timer = setTimeout(fire, ms);
  return () => clearTimeout(timer);
}

/** `work()` as a promise: its value, its promise's outcome, or what it threw as a rejection. */
async function runToPromise<T>(work: () => T | PromiseLike<T>): Promise<Awaited<T>> {
  return await work();
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
