import { MAX_PAYLOAD_BYTES } from '../evaluate/payload-limit.js';
import { StatesError } from '../states/states-error.js';
import type { TaskCallbacks } from '../types.js';

/**
 * The task tokens of `.waitForTaskToken` Tasks, shared by every execution of one run, and the
 * SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat calls that settle them, as the Step
 * Functions API answers them:
 * - a token the run never issued: `InvalidToken`;
 * - a token whose Task already ended (succeeded, failed, timed out, or stopped with its branch
 *   or execution): `TaskTimedOut` (AWS answers so for a closed token; reference is silent on
 *   the exact cases, this is what the API reference lists for a task that is no longer waiting);
 * - an output that is not JSON: `InvalidOutput`; one over 262,144 bytes, an error over 256
 *   characters or a cause over 32,768: `ValidationException` (the API's length constraints).
 * The first callback for a token settles it; a later one gets TaskTimedOut.
 */
export class TaskTokenRegistry implements TaskCallbacks {
  private issued = 0;
  private readonly open = new Map<string, OpenToken>();
  private readonly closed = new Set<string>();

  /**
   * A new token for one attempt of a callback Task: `settled` resolves with the parsed output of
   * its SendTaskSuccess or rejects with the StatesError of its SendTaskFailure; each
   * SendTaskHeartbeat calls the `onHeartbeat` set on the returned object.
   */
  issue(executionName: string): IssuedToken {
    this.issued += 1;
    // Opaque like AWS's (base64 text); unique within the run and reproducible.
    const token = Buffer.from(`stepops-local:${executionName}:${this.issued}`, 'utf8').toString('base64');
    let resolve!: (value: unknown) => void;
    let reject!: (error: StatesError) => void;
    const settled = new Promise<unknown>((ok, fail) => {
      resolve = ok;
      reject = fail;
    });
    settled.catch(() => {});
    const issued: IssuedToken = { token, settled, onHeartbeat: () => {} };
    this.open.set(token, { resolve, reject, onHeartbeat: () => issued.onHeartbeat() });
    return issued;
  }

  /** How many tokens are issued and not closed: callback Tasks waiting for their callback. */
  countOpen(): number {
    return this.open.size;
  }

  /** The Task ended without a callback (timeout, abort, failed invocation): later callbacks get TaskTimedOut. */
  close(token: string): void {
    if (this.open.delete(token)) this.closed.add(token);
  }

  sendTaskSuccess(input: { readonly taskToken: string; readonly output: string }): Promise<void> {
    return settle(() => {
      const entry = this.take(input.taskToken);
      if (typeof input.output !== 'string' || Buffer.byteLength(input.output, 'utf8') > MAX_PAYLOAD_BYTES) {
        this.reopen(input.taskToken, entry);
        throw new TaskCallbackError(
          'ValidationException',
          `1 validation error detected: Value at 'output' failed to satisfy constraint: Member must have length less than or equal to ${MAX_PAYLOAD_BYTES}`,
        );
      }
      let value: unknown;
      try {
        value = JSON.parse(input.output) as unknown;
      } catch {
        this.reopen(input.taskToken, entry);
        throw new TaskCallbackError('InvalidOutput', 'Invalid output: the output is not valid JSON.');
      }
      entry.resolve(value);
    });
  }

  sendTaskFailure(input: { readonly taskToken: string; readonly error?: string; readonly cause?: string }): Promise<void> {
    return settle(() => {
      const entry = this.take(input.taskToken);
      if ((input.error?.length ?? 0) > 256 || (input.cause?.length ?? 0) > 32_768) {
        this.reopen(input.taskToken, entry);
        throw new TaskCallbackError('ValidationException', `1 validation error detected: 'error' must have at most 256 characters and 'cause' at most 32768`);
      }
      entry.reject(new StatesError(input.error, input.cause));
    });
  }

  sendTaskHeartbeat(input: { readonly taskToken: string }): Promise<void> {
    return settle(() => {
      const entry = this.find(input.taskToken);
      entry.onHeartbeat();
    });
  }

  private find(token: string): OpenToken {
    const entry = this.open.get(token);
    if (entry !== undefined) return entry;
    if (this.closed.has(token)) throw new TaskCallbackError('TaskTimedOut', 'Task Timed Out: the task of this token is no longer waiting.');
    throw new TaskCallbackError('InvalidToken', `Invalid Token: ${JSON.stringify(token)} is not a task token of this run.`);
  }

  private take(token: string): OpenToken {
    const entry = this.find(token);
    this.close(token);
    return entry;
  }

  private reopen(token: string, entry: OpenToken): void {
    this.closed.delete(token);
    this.open.set(token, entry);
  }
}

/** A token as issued to one attempt. */
export interface IssuedToken {
  readonly token: string;
  readonly settled: Promise<unknown>;
  onHeartbeat: () => void;
}

interface OpenToken {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: StatesError) => void;
  readonly onHeartbeat: () => void;
}

/** An error of a SendTask* call, named as the Step Functions API names it (`TaskTimedOut`, `InvalidToken`, ...), like the SDK's exceptions. */
export class TaskCallbackError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** Runs a callback's effect as an API call would: asynchronously, rejecting with its error. */
async function settle(effect: () => void): Promise<void> {
  await Promise.resolve();
  effect();
}
