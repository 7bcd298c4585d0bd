import type { IoManager } from '../io/io-manager.js';
import type { LogRecord } from '../job/logger.js';
import type { CoordinationStore, TaskTokenSender } from './coordination-store.js';

/**
 * The parts of the Lambda context object the wrapper reads, declared by shape so that
 * `aws-lambda`'s `Context` (or a test double) fits without a dependency.
 */
export interface LambdaContextLike {
  /** Logged with every decision line as `requestId`. @default - not logged */
  readonly awsRequestId?: string;
  /** Milliseconds left before the function times out (Lambda's context method). @default - not known */
  readonly getRemainingTimeInMillis?: () => number;
  /**
   * Not Lambda's: how the wrapper arms its deadline timer (op-deadline.ts), given by the local
   * runner's context so that a hung op meets its deadline at its virtual time, without the real
   * wait, when the process has nothing else left to do (lib/runner/clock/idle-watch.ts).
   * Returns the timer's cancel function.
   * @default - a Node timer (the Lambda runtime gives none)
   */
  readonly armDeadlineTimer?: DeadlineTimer;
}

/**
 * Arms a timer that calls `fire` after `ms`; the returned function cancels it. `marginMs` is how
 * long before the function's timeout the deadline falls (a runner keeping its own clock places
 * the deadline by it: the function timeout less the margin after the invocation started).
 */
export type DeadlineTimer = (ms: number, fire: () => void, marginMs: number) => () => void;

/** A Lambda handler as the wrapper returns it: an async function of the event (and context). */
export type LambdaHandler = (event: unknown, context?: LambdaContextLike) => Promise<unknown>;

export interface HandlerOptions {
  /**
   * Where every log record goes: the wrapper's decision lines and the op's own `ctx.log` lines.
   * @default - one JSON line per record on stdout, which Lambda sends to CloudWatch Logs
   */
  readonly writeLog?: (record: LogRecord) => void;
  /** Random source in [0, 1) for jitter (tests and the local runner pass a seeded one). @default Math.random */
  readonly random?: () => number;
  /**
   * Clock in epoch milliseconds, for log timestamps (the op's lines too) and durations.
   * @default Date.now
   */
  readonly now?: () => number;
  /**
   * Where op outputs over the inline threshold go, and stored inputs come from (compiled jobs
   * only; opHandler passes values as they are).
   * @default - S3 in the bucket and prefix of STEPOPS_IO_BUCKET and STEPOPS_IO_PREFIX (set by
   *   JobStateMachine); none when STEPOPS_IO_BUCKET is not set, and an output over the threshold fails
   */
  readonly ioManager?: IoManager;
  /**
   * For jobs compiled with `concurrency: 'exact'`: the store of producers' outcomes and waiting
   * task tokens, and the SendTaskSuccess that answers the tokens.
   * @default - the DynamoDB table named in STEPOPS_COORDINATION_TABLE (set by JobStateMachine)
   *   and Step Functions' SendTaskSuccess; none when it is not set, and a coordination request
   *   fails with stepops.ProtocolError
   */
  readonly coordination?: { readonly store: CoordinationStore; readonly sender: TaskTokenSender };
}
