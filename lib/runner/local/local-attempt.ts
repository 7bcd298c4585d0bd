import type { Clock } from '../clock/clock.js';
import { createTimeoutError, type LambdaRuntimeError } from '../integrations/lambda-runtime-errors.js';
import { runInAttempt, type HookedAttempt } from './runtime-hooks.js';
import { armIdleWatchdog } from '../clock/idle-watch.js';

/** What one in-process op attempt of runJobLocally needs to behave like a Lambda invocation. */
export interface LocalAttemptOptions {
  /** The invocation's request id (`context.awsRequestId`), in the error messages. */
  readonly requestId: string;
  /** The function timeout: the attempt fails with Sandbox.Timedout when its time reaches it. */
  readonly timeoutSeconds: number;
  /** The run's clock as the Task handler got it. */
  readonly clock: Clock;
  /**
   * The run is on the virtual clock: an attempt whose code is busy when the process has nothing
   * else left to do (it is hung: idle-watch.ts) times out at once, in virtual time, instead of
   * after the rest of its timeout in real time.
   */
  readonly virtualClock: boolean;
  /** Called for a crash (an unhandled rejection, ...) that the attempt's code caused after the attempt ended. */
  readonly onLateCrash: (error: LambdaRuntimeError) => void;
}

/**
 * One op attempt in process, bounded like a Lambda invocation.
 *
 * The function timeout counts the attempt's time as Lambda would: the wall-clock time its code
 * runs, plus the time it spends sleeping on the run's clock (simulatedOpSeconds). On the real
 * clock the two are the same kind of time; on the virtual clock the code's real time is added
 * to the virtual seconds, so an op that hangs times out after the timeout in real time (or at
 * once when the process has nothing else to do: it is certainly hung then), and one that
 * simulates more seconds than the timeout times out at the timeout in virtual time. A
 * timed-out attempt takes the whole timeout on the run's clock (the virtual clock is moved to
 * its start plus the timeout), as the timeline of a deployed run shows it. A crash of the
 * attempt's process (process.exit, an unhandled rejection, an uncaught exception; see
 * runtime-hooks.ts) fails it at once.
 */
export class LocalAttempt implements HookedAttempt {
  readonly requestId: string;
  /** The run's clock for the attempt's own sleeps: they count against the timeout, and one that passes it times the attempt out. */
  readonly clock: Clock;
  private readonly timeoutMs: number;
  private readonly base: Clock;
  private readonly startClockMs: number;
  private readonly onLateCrash: (error: LambdaRuntimeError) => void;
  private busyMs = 0;
  private busySinceMs: number | undefined;
  private sleptMs = 0;
  private sleepStartMs: number | undefined;
  /** Stops the timeout's watch of the code's real time. */
  private disarm: (() => void) | undefined;
  private readonly virtualClock: boolean;
  private ended = false;
  /** The timeout passed: the outcome is Sandbox.Timedout, whatever the code does next. */
  private timingOut = false;
  private failure: LambdaRuntimeError | undefined;
  /** While run() waits for the code (or for a timeout under way): fails the run at once. */
  private failRun: ((error: LambdaRuntimeError) => void) | undefined;

  constructor(options: LocalAttemptOptions) {
    this.requestId = options.requestId;
    this.timeoutMs = options.timeoutSeconds * 1000;
    this.base = options.clock;
    this.startClockMs = options.clock.now();
    this.onLateCrash = options.onLateCrash;
    this.virtualClock = options.virtualClock;
    this.clock = { now: () => this.base.now(), sleep: (seconds) => this.sleep(seconds) };
  }

  /** Milliseconds left before the function timeout: the Lambda context's getRemainingTimeInMillis(). */
  readonly getRemainingTimeInMillis = (): number => {
    const busy = this.busyMs + (this.busySinceMs === undefined ? 0 : Date.now() - this.busySinceMs);
    const slept = this.sleptMs + (this.sleepStartMs === undefined ? 0 : this.base.now() - this.sleepStartMs);
    return Math.max(0, Math.floor(this.timeoutMs - busy - slept));
  };

  /**
   * The wrapper's deadline timer for this attempt on the virtual clock (the Lambda context's
   * armDeadlineTimer): `fire` after `ms` of the code's real time, as a Node timer would; but
   * when the process has nothing left to do (the op is hung: idle-watch.ts), time passes on the
   * attempt's clock (a sleep: other ops go on meanwhile, in their order) until the deadline's
   * virtual time, the function timeout less `marginMs` after the attempt started, then `fire`.
   * So a hung op meets its deadline (stepops.OpTimeout) when it would on AWS, at the same virtual
   * time in every run (the real milliseconds spent before the loop emptied do not move it), and
   * real time is not waited.
   */
  readonly armDeadlineTimer = (ms: number, fire: () => void, marginMs: number): (() => void) => {
    let disarmed = false;
    const disarm = armIdleWatchdog(ms, fire, () => {
      const deadlineMs = this.startClockMs + Math.round(this.timeoutMs - marginMs);
      void this.clock.sleep(Math.max(0, deadlineMs - this.base.now()) / 1000).then(() => {
        if (!disarmed) fire();
      });
    });
    return () => {
      disarmed = true;
      disarm();
    };
  };

  /**
   * Runs the attempt's code: settles like it, or rejects with the attempt's LambdaRuntimeError
   * (timeout or crash). The outcome is taken one event-loop turn after the code settles, so that
   * a rejection it left unhandled as it returned fails the attempt, as in Lambda.
   */
  run<T>(work: () => Promise<T>): Promise<T> {
    this.resumeBusy();
    let done: Promise<T>;
    try {
      done = runInAttempt(this, work);
    } catch (error) {
      return Promise.reject(error);
    }
    // One promise per attempt: settled by the code's outcome (one turn later) or by the attempt's failure, whichever comes first.
    return new Promise<T>((resolve, reject) => {
      let waiting = true;
      const failRun = (error: LambdaRuntimeError): void => {
        if (!waiting) return;
        waiting = false;
        this.failRun = undefined;
        this.end();
        reject(error);
      };
      /** The code settled: its outcome stands unless the attempt fails within one event-loop turn. */
      const settleAfterTurn = (settle: () => void): void => {
        waiting = false;
        this.failRun = undefined;
        setImmediate(() => {
          this.end();
          if (this.failure !== undefined) reject(this.failure);
          else settle();
        });
      };
      if (this.failure !== undefined) {
        // The code crashed the attempt before it returned (process.exit called synchronously).
        failRun(this.failure);
        return;
      }
      this.failRun = failRun;
      done.then(
        (value) => {
          // A timeout under way decides the outcome: Sandbox.Timedout, once the clock reaches the timeout.
          if (waiting && !this.timingOut) settleAfterTurn(() => resolve(value));
        },
        (error: unknown) => {
          if (waiting) settleAfterTurn(() => reject(error));
        },
      );
    });
  }

  /** Ends the attempt: its timer stops; later crashes go to onLateCrash. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.pauseBusy();
  }

  crash(error: LambdaRuntimeError): void {
    if (this.ended) this.onLateCrash(error);
    else this.fail(error);
  }

  private fail(error: LambdaRuntimeError): void {
    if (this.failure !== undefined || this.ended) return;
    this.failure = error;
    this.pauseBusy();
    this.failRun?.(error);
  }

  private resumeBusy(): void {
    if (this.ended || this.failure !== undefined) return;
    this.busySinceMs = Date.now();
    const remainingMs = this.getRemainingTimeInMillis();
    const timeOut = (): void => void this.timeOut();
    if (this.virtualClock) {
      this.disarm = armIdleWatchdog(remainingMs, timeOut);
    } else {
      const timer = setTimeout(timeOut, remainingMs);
      this.disarm = () => clearTimeout(timer);
    }
  }

  private pauseBusy(): void {
    this.disarm?.();
    this.disarm = undefined;
    if (this.busySinceMs !== undefined) this.busyMs += Date.now() - this.busySinceMs;
    this.busySinceMs = undefined;
  }

  private async sleep(seconds: number): Promise<void> {
    this.pauseBusy();
    const wantedMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
    const leftMs = this.getRemainingTimeInMillis();
    this.sleepStartMs = this.base.now();
    try {
      await this.base.sleep(Math.min(wantedMs, leftMs) / 1000);
    } finally {
      this.sleptMs += this.base.now() - this.sleepStartMs;
      this.sleepStartMs = undefined;
    }
    if (wantedMs > leftMs) {
      await this.timeOut();
      // The attempt is over; what it was sleeping for never comes.
      return new Promise<void>(() => {});
    }
    this.resumeBusy();
  }

  /** The timeout passed: the attempt takes the whole timeout on the run's clock, then fails with Sandbox.Timedout. */
  private async timeOut(): Promise<void> {
    if (this.ended || this.failure !== undefined || this.timingOut) return;
    this.timingOut = true;
    this.pauseBusy();
    const topUpMs = this.timeoutMs - (this.base.now() - this.startClockMs);
    if (topUpMs > 0) await this.base.sleep(topUpMs / 1000);
    this.fail(createTimeoutError(this.requestId, this.timeoutMs / 1000));
  }
}
