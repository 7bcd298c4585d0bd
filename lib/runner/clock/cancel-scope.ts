import { AbortedError } from '../states/states-error.js';

/**
 * A cheap, synchronous cancellation token. A child scope is cancelled with its parent.
 * Used to stop the other branches of a Parallel, the other iterations of a Map, and the
 * whole execution on an execution timeout.
 */
export class CancelScope {
  private cancelled = false;
  private readonly listeners = new Set<() => void>();
  private readonly detachFromParent: (() => void) | undefined;

  constructor(parent?: CancelScope) {
    this.detachFromParent = parent?.onCancel(() => this.cancel());
    if (parent?.isCancelled) this.cancelled = true;
  }

  get isCancelled(): boolean {
    return this.cancelled;
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    const listeners = [...this.listeners];
    this.listeners.clear();
    for (const listener of listeners) listener();
  }

  /** Registers a listener; returns a function that removes it. Runs at once if already cancelled. */
  onCancel(listener: () => void): () => void {
    if (this.cancelled) {
      listener();
      return () => {};
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops listening to the parent scope (call when the child scope is finished). */
  dispose(): void {
    this.detachFromParent?.();
    this.listeners.clear();
  }

  throwIfCancelled(): void {
    if (this.cancelled) throw new AbortedError();
  }

  /** Settles like `promise`, or rejects with AbortedError as soon as the scope is cancelled. */
  race<T>(promise: Promise<T>): Promise<T> {
    if (this.cancelled) return Promise.reject(new AbortedError());
    return new Promise<T>((resolve, reject) => {
      const remove = this.onCancel(() => reject(new AbortedError()));
      promise.then(
        (value) => {
          remove();
          resolve(value);
        },
        (error: unknown) => {
          remove();
          reject(error);
        },
      );
    });
  }
}
