import { CancelScope } from '../clock/cancel-scope.js';
import { VirtualClock, type Clock, type RunClock } from '../clock/clock.js';
import { armIdleWatchdog } from '../clock/idle-watch.js';
import { LAMBDA_INVOKE_CALLBACK_RESOURCE, LAMBDA_INVOKE_RESOURCE } from '../../asl/index.js';
import { invokeLambda } from './lambda-invoke.js';
import { callStartExecution, readStartExecutionPattern } from './start-execution.js';
import type { Scope } from '../run-context.js';
import { AbortedError, StatesError, StatesErrorName } from '../states/states-error.js';
import { toTaskFailure } from './task-failure.js';
import type { IssuedToken } from './task-tokens.js';
import type { StatesContextObject, TaskHandler } from '../types.js';

/** resourceType/resource as the Task* history events show them. */
export function describeResource(arn: string): { resourceType: string; resource: string } {
  const integration = /^arn:aws[\w-]*:states:::(.+)$/.exec(arn);
  if (integration !== null) {
    const rest = integration[1]!;
    // A versioned integration pattern (`startExecution.sync:2`) keeps its version in the resource.
    const versioned = /\.sync:\d+$/.exec(rest);
    const cut = rest.lastIndexOf(':', versioned === null ? rest.length : versioned.index);
    return cut < 0 ? { resourceType: rest, resource: rest } : { resourceType: rest.slice(0, cut), resource: rest.slice(cut + 1) };
  }
  const service = /^arn:aws[\w-]*:([^:]+):/.exec(arn);
  return { resourceType: service?.[1] ?? 'unknown', resource: arn };
}

/** True when the runner can call this Resource itself (given a Lambda client). */
export function isLambdaInvoke(resource: string): boolean {
  return resource === LAMBDA_INVOKE_RESOURCE || resource === LAMBDA_INVOKE_CALLBACK_RESOURCE || isLambdaFunctionArn(resource);
}

/** A Lambda function ARN used as a Task's Resource itself (the Lambda "legacy" integration): `arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]`. */
export function isLambdaFunctionArn(resource: string): boolean {
  return /^arn:aws[\w-]*:lambda:[^:]+:\d{12}:function:[^:]+(:[^:]+)?$/.test(resource);
}

/** One attempt's service call, as the Task state asks for it. */
interface TaskCallRequest {
  readonly stateName: string;
  readonly resource: string;
  readonly args: unknown;
  readonly retryCount: number;
  readonly context: StatesContextObject;
  readonly timeoutSeconds: number | undefined;
  readonly heartbeatSeconds: number | undefined;
  /** A `.waitForTaskToken` attempt: its token, and where the call's response goes (TaskSubmitted). */
  readonly callback?: { readonly token: IssuedToken; readonly submitted: (response: unknown) => void };
}

/**
 * Runs one attempt's service call (handler, or Lambda) with the Task's timeout.
 * While the call is busy (not sleeping on the clock), virtual time stands still.
 * Rejects with StatesError (task failure or States.Timeout) or AbortedError.
 */
export function callTask(scope: Scope, request: TaskCallRequest): Promise<unknown> {
  const run = scope.run;
  const handler = run.taskHandlers[request.stateName];
  if (handler === undefined && readStartExecutionPattern(request.resource) !== undefined) return callChildExecution(scope, request);
  const busyCall = { stateName: request.stateName, executionName: run.execution.Name };
  run.busyCalls.add(busyCall);
  // In flight (for RunStalledError) until the call settles or its attempt ends (timed out, aborted), not when its hold on virtual time does.
  const forget = (): void => void run.busyCalls.delete(busyCall);
  const attempt = callHoldingTime(scope, request, handler, forget);
  attempt.then(forget, forget);
  return attempt;
}

/** callTask's handler or Lambda call, holding virtual time while it is busy; `onSettled` once the call itself settles. */
function callHoldingTime(scope: Scope, request: TaskCallRequest, handler: TaskHandler | undefined, onSettled: () => void): Promise<unknown> {
  const run = scope.run;
  const busy = new BusyHold(run.clock);
  const heartbeat = new HeartbeatTimer(scope, request);
  // On the virtual clock a busy call stops time; one busy past its TimeoutSeconds or HeartbeatSeconds
  // in real time (hung, or slow real work), or hung (idle-watch.ts), lets it run again, so that the
  // Task times out as on AWS, and virtual time moves on past a hung call with no limit at all.
  const watchdog = run.clock instanceof VirtualClock ? new BusyWatchdog(busy, request.timeoutSeconds, request.heartbeatSeconds) : undefined;
  let call: Promise<unknown>;
  try {
    call =
      handler !== undefined
        ? Promise.resolve(
            handler(request.args, {
              stateName: request.stateName,
              resource: request.resource,
              retryCount: request.retryCount,
              clock: busy,
              context: request.context,
              sendHeartbeat: () => {
                heartbeat.beat();
                watchdog?.beat();
              },
              callbacks: run.taskTokens,
            }),
          )
        : isLambdaFunctionArn(request.resource)
          ? // The function's own response is the task result (no Payload/StatusCode envelope).
            invokeLambda(run.lambda!, { FunctionName: request.resource, Payload: request.args }, request.stateName, run.clock.now()).then((response) => response.Payload)
          : invokeLambda(run.lambda!, request.args, request.stateName, run.clock.now());
  } catch (error) {
    call = Promise.reject(error);
  }
  call.then(onSettled, onSettled);
  const callback = request.callback;
  if (callback === undefined && request.heartbeatSeconds === undefined && request.timeoutSeconds === undefined) {
    // No heartbeat, no timeout: the call's outcome or the abort, in one promise.
    heartbeat.stop();
    return settleUnlessAborted(scope.cancel, call, busy);
  }
  const work = call.then(
    (value) => {
      busy.finish();
      return value;
    },
    (error: unknown) => {
      busy.finish();
      throw toStatesError(error);
    },
  );
  // A call that outlives its timeout or an abort runs on; its late failure must not go unhandled.
  work.catch(() => {});
  if (callback === undefined && request.heartbeatSeconds === undefined) {
    // No heartbeat to stop: the race itself, without a promise around it.
    heartbeat.stop();
    const raced = raceWithTimeout(scope, request, work);
    // The attempt's end (its timeout, an abort) stops the watchdog: a call left hanging must not keep the process alive.
    return watchdog === undefined ? raced : raced.finally(() => watchdog.stop());
  }
  if (callback !== undefined) callback.token.onHeartbeat = () => heartbeat.beat();
  const result =
    callback === undefined
      ? work
      : work.then(async (response) => {
          callback.submitted(response);
          return callback.token.settled;
        });
  result.catch(() => {});
  return raceWithTimeout(scope, request, heartbeat.race(result)).finally(() => {
    heartbeat.stop();
    watchdog?.stop();
  });
}

/** What a failed call rejects the attempt with: a StatesError as it is, anything else as the task failure it stands for. */
function toStatesError(error: unknown): StatesError {
  if (error instanceof StatesError) return error;
  const failure = toTaskFailure(error);
  return new StatesError(failure.error, failure.cause);
}

/**
 * Settles like the call (its failure as toStatesError gives it), or rejects with AbortedError as
 * soon as `cancel` is cancelled; the virtual-time hold ends when the call settles, whichever
 * comes first (an abandoned call runs on, and its late failure is handled here).
 */
function settleUnlessAborted(cancel: CancelScope, call: Promise<unknown>, busy: BusyHold): Promise<unknown> {
  if (cancel.isCancelled) {
    call.then(
      () => busy.finish(),
      () => busy.finish(),
    );
    return Promise.reject(new AbortedError());
  }
  return new Promise<unknown>((resolve, reject) => {
    const remove = cancel.onCancel(() => reject(new AbortedError()));
    call.then(
      (value) => {
        busy.finish();
        remove();
        resolve(value);
      },
      (error: unknown) => {
        busy.finish();
        remove();
        try {
          reject(toStatesError(error));
        } catch (conversionError) {
          reject(conversionError);
        }
      },
    );
  });
}

/**
 * HeartbeatSeconds: the attempt fails with States.HeartbeatTimeout when more than that many
 * seconds pass (on the run's clock) without a heartbeat. Handlers send one with
 * `sendHeartbeat()`, and anyone with a callback Task's token with SendTaskHeartbeat; a plain
 * lambda:invoke call has no token, so it must end within HeartbeatSeconds.
 */
class HeartbeatTimer {
  private timer: CancelScope | undefined;
  private rejectTimeout: ((error: StatesError) => void) | undefined;
  private stopped = false;

  constructor(
    private readonly scope: Scope,
    private readonly request: { readonly stateName: string; readonly heartbeatSeconds: number | undefined },
  ) {}

  /** Settles like `work`, or rejects with States.HeartbeatTimeout. */
  race(work: Promise<unknown>): Promise<unknown> {
    if (this.request.heartbeatSeconds === undefined) return work;
    const timeout = new Promise<never>((_, reject) => {
      this.rejectTimeout = reject;
    });
    this.beat();
    return Promise.race([work, timeout]);
  }

  beat(): void {
    const seconds = this.request.heartbeatSeconds;
    if (seconds === undefined || this.stopped) return;
    this.timer?.cancel();
    this.timer?.dispose();
    const timer = new CancelScope(this.scope.cancel);
    this.timer = timer;
    this.scope.run.clock.sleepUnless(seconds, timer).then(
      () =>
        this.rejectTimeout?.(
          new StatesError(StatesErrorName.HeartbeatTimeout, `The task '${this.request.stateName}' sent no heartbeat within its HeartbeatSeconds (${seconds} s).`),
        ),
      () => {},
    );
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer?.dispose();
  }
}

/**
 * A startExecution Task with no handler: the child runs in process and holds no virtual time
 * (its own waits move the shared clock). A .sync child is stopped (aborted) when the attempt
 * ends without it: Task timeout, or the parent branch or execution stopping.
 */
async function callChildExecution(scope: Scope, request: Parameters<typeof callTask>[1]): Promise<unknown> {
  const waits = readStartExecutionPattern(request.resource) !== 'request-response';
  const childCancel = new CancelScope(waits ? scope.cancel : undefined);
  const work = callStartExecution(scope, request, childCancel);
  work.catch(() => {});
  try {
    return await raceWithTimeout(scope, request, work);
  } finally {
    if (waits) childCancel.cancel();
    childCancel.dispose();
  }
}

/** Settles like `work`, or fails with States.Timeout after the Task's TimeoutSeconds, or aborts with the scope. */
function raceWithTimeout(scope: Scope, request: { readonly stateName: string; readonly timeoutSeconds: number | undefined }, work: Promise<unknown>): Promise<unknown> {
  if (request.timeoutSeconds === undefined) return scope.cancel.race(work);
  return raceWithTimer(scope, { stateName: request.stateName, timeoutSeconds: request.timeoutSeconds }, work);
}

async function raceWithTimer(scope: Scope, request: { readonly stateName: string; readonly timeoutSeconds: number }, work: Promise<unknown>): Promise<unknown> {
  const run = scope.run;
  const timer = new CancelScope(scope.cancel);
  const timeoutSeconds = request.timeoutSeconds;
  const timeout = new Promise<never>((_, reject) => {
    run.clock.sleepUnless(timeoutSeconds, timer).then(
      () => reject(new StatesError(StatesErrorName.Timeout, `The task '${request.stateName}' did not complete within its TimeoutSeconds (${timeoutSeconds} s).`)),
      () => {},
    );
  });
  try {
    return await scope.cancel.race(Promise.race([work, timeout]));
  } finally {
    timer.cancel();
    timer.dispose();
  }
}

/**
 * Ends a BusyHold (virtual time moves again) once its call has been busy, in real time, for its
 * Task's TimeoutSeconds, or for HeartbeatSeconds since its last heartbeat, or as soon as the
 * process has nothing else to do (idle-watch.ts: the call is hung then): a call that hangs (its
 * promise never settles) would otherwise stop virtual time for good, and the process would end
 * with the run unsettled. The Task's own timers, on the run's clock, then fail it with
 * States.Timeout or States.HeartbeatTimeout at the virtual time they were due.
 */
class BusyWatchdog {
  private disarm: (() => void) | undefined;
  private stopped = false;
  private readonly startedMs = performance.now();

  constructor(
    private readonly busy: BusyHold,
    private readonly timeoutSeconds: number | undefined,
    private readonly heartbeatSeconds: number | undefined,
  ) {
    busy.onFinish = () => this.disarm?.();
    this.beat();
  }

  /** Stops watching for good (the attempt ended). */
  stop(): void {
    this.stopped = true;
    this.disarm?.();
  }

  /** Re-arms for the nearer of the timeout (from the call's start) and the next heartbeat due. */
  beat(): void {
    if (this.busy.isFinished || this.stopped) return;
    this.disarm?.();
    const timeoutLeftMs = this.timeoutSeconds === undefined ? Infinity : this.timeoutSeconds * 1000 - (performance.now() - this.startedMs);
    const heartbeatMs = this.heartbeatSeconds === undefined ? Infinity : this.heartbeatSeconds * 1000;
    this.disarm = armIdleWatchdog(Math.max(0, Math.min(timeoutLeftMs, heartbeatMs)), () => this.busy.finish());
  }
}

/**
 * Holds virtual time while a call is busy; as the call's clock, it releases the hold during each sleep.
 */
class BusyHold implements Clock {
  /** Called once, when the hold ends for good. */
  onFinish: (() => void) | undefined;
  private release: () => void;
  private sleeping = 0;
  private finished = false;

  constructor(private readonly clock: RunClock) {
    this.release = clock.hold();
  }

  // Own properties, not methods: a handler may take them off the clock (`const { sleep } = clock`).
  readonly now = (): number => this.clock.now();

  readonly sleep = async (seconds: number): Promise<void> => {
    if (this.sleeping++ === 0 && !this.finished) this.release();
    try {
      await this.clock.sleep(seconds);
    } finally {
      if (--this.sleeping === 0 && !this.finished) this.release = this.clock.hold();
    }
  };

  get isFinished(): boolean {
    return this.finished;
  }

  finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.sleeping === 0) this.release();
    this.onFinish?.();
  }
}
