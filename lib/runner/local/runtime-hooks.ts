import { AsyncLocalStorage } from 'node:async_hooks';
import { createExitError, createUncaughtExceptionError, createUnhandledRejectionError, type LambdaRuntimeError } from '../integrations/lambda-runtime-errors.js';

/** An op attempt running in process, as the runtime hooks see it. */
export interface HookedAttempt {
  readonly requestId: string;
  /** The attempt's process died (process.exit, an unhandled rejection, an uncaught exception). */
  crash(error: LambdaRuntimeError): void;
}

type Listener = (...args: unknown[]) => void;

interface SavedHooks {
  readonly exit: typeof process.exit;
  readonly rejection: readonly Listener[];
  readonly exception: readonly Listener[];
}

const storage = new AsyncLocalStorage<HookedAttempt>();
let installs = 0;
let saved: SavedHooks | undefined;

/**
 * Thrown by `process.exit` called from an op attempt, so that no more of the op's code runs
 * (process.exit never returns); the attempt has already failed with Runtime.ExitError.
 */
class ProcessExitSignal extends Error {
  constructor(code: number) {
    super(`process.exit(${code}) was called by an op attempt; the local runner failed the attempt with Runtime.ExitError`);
    this.name = 'Runtime.ExitError';
  }
}

/**
 * Installs, for as long as some local run needs them, the hooks that turn a dying invocation
 * into a failed attempt instead of a dead runner: `process.exit`, and the process's
 * `unhandledRejection` and `uncaughtException` listeners. Events that no op attempt caused go to
 * the listeners that were there before (or Node's default behaviour when there were none).
 * Returns the function that uninstalls them; the last uninstall restores process.exit and every
 * listener as they were.
 */
export function installRuntimeHooks(): () => void {
  if (installs++ === 0) install();
  let removed = false;
  return () => {
    if (removed) return;
    removed = true;
    if (--installs === 0) uninstall();
  };
}

/** Runs `fn` as the code of `attempt`: what it starts (promises, timers) is attributed to the attempt. */
export function runInAttempt<T>(attempt: HookedAttempt, fn: () => T): T {
  return storage.run(attempt, fn);
}

function install(): void {
  // process.exit read unbound on purpose: it is called with .call(process) and put back as the same function.
  saved = { exit: Reflect.get(process, 'exit'), rejection: process.listeners('unhandledRejection') as Listener[], exception: process.listeners('uncaughtException') as Listener[] };
  process.removeAllListeners('unhandledRejection');
  process.removeAllListeners('uncaughtException');
  process.on('unhandledRejection', onUnhandledRejection);
  process.on('uncaughtException', onUncaughtException);
  process.exit = exitFromAttempt;
}

function uninstall(): void {
  const hooks = saved!;
  saved = undefined;
  process.exit = hooks.exit;
  restoreListeners('unhandledRejection', onUnhandledRejection, hooks.rejection);
  restoreListeners('uncaughtException', onUncaughtException, hooks.exception);
  // The attempts' contexts are no longer read: stop tracking them (the cost of async context tracking ends with the run).
  storage.disable();
}

function restoreListeners(event: 'unhandledRejection' | 'uncaughtException', ours: Listener, before: readonly Listener[]): void {
  const emitter = process as unknown as { removeListener(name: string, listener: Listener): void; listeners(name: string): Listener[] };
  emitter.removeListener(event, ours);
  const addedSince = emitter.listeners(event);
  process.removeAllListeners(event);
  for (const listener of [...before, ...addedSince]) (process.on as (name: string, listener: Listener) => void).call(process, event, listener);
}

function exitFromAttempt(code?: number | string | null): never {
  const attempt = storage.getStore();
  if (attempt === undefined) return saved!.exit.call(process, code);
  const status = readExitCode(code);
  attempt.crash(createExitError(attempt.requestId, status));
  throw new ProcessExitSignal(status);
}

function readExitCode(code: number | string | null | undefined): number {
  const given = code ?? process.exitCode ?? 0;
  const parsed = typeof given === 'number' ? given : Number.parseInt(given, 10);
  return Number.isInteger(parsed) ? parsed : 0;
}

function onUnhandledRejection(reason: unknown, promise: unknown): void {
  if (reason instanceof ProcessExitSignal) return;
  const attempt = storage.getStore();
  if (attempt !== undefined) {
    attempt.crash(createUnhandledRejectionError(reason));
    return;
  }
  const before = saved?.rejection ?? [];
  if (before.length > 0) {
    for (const listener of before) listener(reason, promise);
    return;
  }
  // Node's default (--unhandled-rejections=throw): the rejection becomes an uncaught exception.
  onUncaughtException(
    reason instanceof Error
      ? reason
      : new Error(
          `This error originated either by throwing inside of an async function without a catch block, or by rejecting a promise which was not handled with .catch(). The promise rejected with the reason "${String(reason)}".`,
        ),
    'unhandledRejection',
  );
}

function onUncaughtException(error: unknown, origin: unknown): void {
  if (error instanceof ProcessExitSignal) return;
  const attempt = storage.getStore();
  if (attempt !== undefined) {
    attempt.crash(createUncaughtExceptionError(error));
    return;
  }
  const before = saved?.exception ?? [];
  if (before.length > 0) {
    for (const listener of before) listener(error, origin);
    return;
  }
  // Node's default: print the error and end the process with status 1.
  process.stderr.write(`${error instanceof Error ? (error.stack ?? String(error)) : String(error)}\n`);
  (saved?.exit ?? process.exit).call(process, 1);
}
