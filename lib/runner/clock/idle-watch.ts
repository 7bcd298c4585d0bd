import { MAX_TIMEOUT_MS } from './clock.js';

/**
 * Hung calls on the virtual clock. A handler (or op) that is busy holds virtual time still, and
 * a watchdog on a real-time timer ends the hold once the call's limit (TimeoutSeconds, a
 * function timeout) has passed in real time. But a call is certainly hung, not slow, when the
 * process has nothing else left to do: no I/O, no timer, no other work is pending that could
 * settle it (Node's 'beforeExit': the event loop is empty). Waiting out its limit in real time
 * (up to hours) then only makes the user wait for an outcome that is already known.
 *
 * So these watchdogs' timers do not keep the process alive (unref), and when the event loop is
 * empty the armed watchdog due first goes off at once, as if the real time up to it had passed:
 * its `onIdle` (by default what its timer would do) ends the call's hold on virtual time, so its
 * call times out at the virtual time it was due, as on AWS, and the run goes on (a wrapper's
 * deadline instead lets its time pass on the virtual clock first: LocalAttempt.armDeadlineTimer);
 * should the loop be empty again, the next one goes off, and so on. A call with no limit at all has a watchdog
 * due never, which fires last: it only lets virtual time move on past the call, as time goes on
 * on AWS (other branches and their timers run). When the loop is empty and no watchdog is left,
 * nothing can happen any more: each waiting run is told it is stalled (watchForStall), so that
 * it can fail with a clear error instead of the process ending with the run unsettled.
 *
 * Only the virtual clock uses this: on the real clock a hung call waits its limit in real time,
 * which is the time the run reports.
 */

/** An armed watchdog: fire() once when its timer is due, or onIdle() once when the event loop is empty. */
interface Watchdog {
  readonly fire: () => void;
  readonly onIdle: () => void;
  /** performance.now() when its time is up. */
  readonly dueMs: number;
  timer: NodeJS.Timeout | undefined;
}

const armed = new Set<Watchdog>();
const stallListeners = new Set<() => void>();
let listening = false;

function onEventLoopEmpty(): void {
  if (armed.size > 0) {
    // The first due: the one the passing of real time would fire first (a wrapper's deadline before its function's timeout).
    let first: Watchdog | undefined;
    for (const watchdog of armed) if (first === undefined || watchdog.dueMs < first.dueMs) first = watchdog;
    armed.delete(first!);
    clearTimeout(first!.timer);
    first!.onIdle();
    // Firing may schedule nothing (other calls still hold virtual time): one more turn of the
    // loop, so that Node emits 'beforeExit' again when it is still empty, for the next watchdog.
    setImmediate(() => {});
  } else {
    for (const onStall of [...stallListeners]) onStall();
  }
  updateListening();
}

function updateListening(): void {
  const wanted = armed.size > 0 || stallListeners.size > 0;
  if (wanted === listening) return;
  listening = wanted;
  if (wanted) process.on('beforeExit', onEventLoopEmpty);
  else process.off('beforeExit', onEventLoopEmpty);
}

/**
 * Calls `fire` after `ms` of real time (Infinity: never), or `onIdle` (by default `fire`) once
 * the event loop is empty and no other armed watchdog is due before it, whichever is first; the
 * returned function disarms it. The timer does not keep the process alive. An `onIdle` of its
 * own lets the limit pass in virtual time instead (a hung op waits out its deadline on the run's
 * clock, as it would on AWS, while other branches go on: LocalAttempt.armDeadlineTimer).
 */
export function armIdleWatchdog(ms: number, fire: () => void, onIdle: () => void = fire): () => void {
  const watchdog: Watchdog = { fire, onIdle, dueMs: performance.now() + ms, timer: undefined };
  // A limit beyond what a Node timer can wait (about 24.8 days) is watched for the empty loop only.
  if (ms <= MAX_TIMEOUT_MS) {
    watchdog.timer = setTimeout(() => {
      armed.delete(watchdog);
      updateListening();
      fire();
    }, ms);
    watchdog.timer.unref();
  }
  armed.add(watchdog);
  updateListening();
  return () => {
    clearTimeout(watchdog.timer);
    if (armed.delete(watchdog)) updateListening();
  };
}

/**
 * Calls `onStall` each time the event loop is empty with no watchdog armed, while the returned
 * function has not been called: the run waiting on it can no longer make progress.
 */
export function watchForStall(onStall: () => void): () => void {
  const listener = (): void => onStall();
  stallListeners.add(listener);
  updateListening();
  return () => {
    if (stallListeners.delete(listener)) updateListening();
  };
}
