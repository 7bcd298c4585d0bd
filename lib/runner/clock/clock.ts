import { AbortedError } from '../states/states-error.js';
import type { CancelScope } from './cancel-scope.js';

/** The time source of a run. Handlers receive it to sleep on the run's clock. */
export interface Clock {
  /** Current time in epoch milliseconds. */
  now(): number;
  /** Resolves after `seconds` (fractional allowed) on this clock. */
  sleep(seconds: number): Promise<void>;
}

/** Epoch at which every virtual run starts, so histories are reproducible: 2026-01-01T00:00:00Z. */
export const VIRTUAL_EPOCH_MS = Date.UTC(2026, 0, 1, 0, 0, 0);

/**
 * The clock as the interpreter uses it: cancellable sleeps, and holds that keep virtual time
 * still while some work (a handler doing real I/O) is in flight.
 */
export interface RunClock extends Clock {
  /** Sleeps; rejects with AbortedError (and drops the timer) when `cancel` is cancelled. */
  sleepUnless(seconds: number, cancel: CancelScope): Promise<void>;
  /** Stops virtual time from advancing until the returned release function is called. */
  hold(): () => void;
  /** Drops every pending timer; called when the run ends. */
  dispose(): void;
}

interface Timer {
  readonly at: number;
  readonly seq: number;
  resolve: (() => void) | undefined;
}

/**
 * Discrete-event clock. Time only moves when nothing else can make progress: after the
 * microtask queue drains (checked with one setImmediate, shared by all timers) and while no
 * hold is active, it jumps to the earliest pending timer and wakes every timer due then.
 */
export class VirtualClock implements RunClock {
  private current: number;
  private seq = 0;
  private holds = 0;
  private pumpScheduled = false;
  private disposed = false;
  private readonly heap: Timer[] = [];

  constructor(startMs: number = VIRTUAL_EPOCH_MS) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  sleep(seconds: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.addTimer(seconds, resolve);
    });
  }

  sleepUnless(seconds: number, cancel: CancelScope): Promise<void> {
    if (cancel.isCancelled) return Promise.reject(new AbortedError());
    return new Promise<void>((resolve, reject) => {
      let remove: () => void = () => {};
      const timer = this.addTimer(seconds, () => {
        remove();
        resolve();
      });
      remove = cancel.onCancel(() => {
        timer.resolve = undefined;
        reject(new AbortedError());
      });
    });
  }

  hold(): () => void {
    this.holds += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds -= 1;
      if (this.holds === 0) this.schedulePump();
    };
  }

  dispose(): void {
    this.disposed = true;
    this.heap.length = 0;
  }

  private addTimer(seconds: number, resolve: () => void): Timer {
    const delayMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
    const timer: Timer = { at: this.current + delayMs, seq: this.seq++, resolve };
    if (!this.disposed) {
      this.push(timer);
      this.schedulePump();
    }
    return timer;
  }

  private schedulePump(): void {
    if (this.pumpScheduled || this.disposed) return;
    this.pumpScheduled = true;
    setImmediate(() => this.pump());
  }

  private pump(): void {
    this.pumpScheduled = false;
    if (this.holds > 0 || this.disposed) return;
    while (this.heap.length > 0 && this.heap[0]!.resolve === undefined) this.pop();
    const first = this.heap[0];
    if (first === undefined) return;
    const at = first.at;
    if (at > this.current) this.current = at;
    while (this.heap.length > 0 && this.heap[0]!.at <= at) {
      const timer = this.pop();
      const resolve = timer.resolve;
      timer.resolve = undefined;
      resolve?.();
    }
    if (this.heap.length > 0) this.schedulePump();
  }

  private less(a: Timer, b: Timer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(timer: Timer): void {
    const heap = this.heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private pop(): Timer {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && this.less(heap[left]!, heap[smallest]!)) smallest = left;
        if (right < heap.length && this.less(heap[right]!, heap[smallest]!)) smallest = right;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
        i = smallest;
      }
    }
    return top;
  }
}

/** The longest delay setTimeout honours (2^31 - 1 ms, about 24.8 days); a longer one fires after 1 ms. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Wall-clock time with setTimeout. A sleep longer than setTimeout allows (Step Functions waits
 * up to 99,999,999 s, about 3.2 years) is chunked: each timer waits at most MAX_TIMEOUT_MS, and
 * the sleep ends when Date.now() reaches its end.
 */
export class RealClock implements RunClock {
  private readonly timers = new Set<{ handle: NodeJS.Timeout | undefined }>();

  now(): number {
    return Date.now();
  }

  sleep(seconds: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.startTimer(seconds, resolve, false);
    });
  }

  sleepUnless(seconds: number, cancel: CancelScope): Promise<void> {
    if (cancel.isCancelled) return Promise.reject(new AbortedError());
    return new Promise<void>((resolve, reject) => {
      let remove: () => void = () => {};
      const timer = this.startTimer(
        seconds,
        () => {
          remove();
          resolve();
        },
        true,
      );
      remove = cancel.onCancel(() => {
        this.stopTimer(timer);
        reject(new AbortedError());
      });
    });
  }

  hold(): () => void {
    return () => {};
  }

  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer.handle);
    this.timers.clear();
  }

  /** Arms one timer, re-armed in chunks until Date.now() reaches the end; `tracked` ones are cleared by dispose. */
  private startTimer(seconds: number, done: () => void, tracked: boolean): { handle: NodeJS.Timeout | undefined } {
    const endMs = Date.now() + (Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0);
    const timer: { handle: NodeJS.Timeout | undefined } = { handle: undefined };
    const arm = (): void => {
      const remainingMs = endMs - Date.now();
      timer.handle = setTimeout(
        () => {
          if (endMs - Date.now() > 0) {
            arm();
            return;
          }
          this.timers.delete(timer);
          done();
        },
        Math.min(Math.max(0, remainingMs), MAX_TIMEOUT_MS),
      );
    };
    arm();
    if (tracked) this.timers.add(timer);
    return timer;
  }

  private stopTimer(timer: { handle: NodeJS.Timeout | undefined }): void {
    clearTimeout(timer.handle);
    this.timers.delete(timer);
  }
}

/** Adapts a caller's Clock: its sleeps cannot be cancelled, so a cancelled sleep is abandoned. */
export class ExternalClock implements RunClock {
  constructor(private readonly clock: Clock) {}

  now(): number {
    return this.clock.now();
  }

  sleep(seconds: number): Promise<void> {
    return this.clock.sleep(seconds);
  }

  sleepUnless(seconds: number, cancel: CancelScope): Promise<void> {
    return cancel.race(this.clock.sleep(seconds));
  }

  hold(): () => void {
    return () => {};
  }

  dispose(): void {}
}

/** Builds the run clock from the `clock` option. */
export function createRunClock(option: 'virtual' | 'real' | Clock | undefined): RunClock {
  if (option === undefined || option === 'virtual') return new VirtualClock();
  if (option === 'real') return new RealClock();
  return new ExternalClock(option);
}
