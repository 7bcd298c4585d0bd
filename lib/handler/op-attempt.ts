import type { DeadlineTimer } from './handler-types.js';
import type { AnyOpDefinition } from '../job/op.js';
import type { RetryMode } from '../job/wire-protocol.js';
import type { RetryPolicy } from '../policy/retry-policy.js';

/** One attempt of one op invocation, resolved from a payload: everything runOpAttempt needs. */
export interface OpAttempt {
  /** The op definition whose code runs. */
  readonly op: AnyOpDefinition;
  /** The invocation's name (the alias where there is one): ctx.opName and the Task state's name. */
  readonly opName: string;
  readonly jobName: string;
  /** The execution's name. */
  readonly runId: string;
  /** Retries already made (Dagster's retry_number): 0 on the first attempt. */
  readonly retryNumber: number;
  /** How a retry the policy grants is signalled (wire-protocol.ts). */
  readonly retryMode: RetryMode;
  /** The invocation's resolved policy (resolveRetryPolicy). */
  readonly policy: RetryPolicy | undefined;
  /** The op's inputs, in parameter order: envelopes (OpEnvelope) when `envelopes`, else the values. */
  readonly inputs: readonly unknown[];
  /**
   * True for a compiled job's Task (jobHandler): inputs are upstream envelopes (an outcome among
   * them skips the op) and the result is an envelope, `{ v: output }` or a 'skipped' marker.
   * False for opHandler: plain values in, the output out.
   * @default false
   */
  readonly envelopes?: boolean;
  /** The producers of `inputs`, in parameter order (envelope attempts: a stored input is read under its producer's name). @default [] */
  readonly inputOps?: readonly string[];
  /**
   * Envelope attempts: the largest output (UTF-8 bytes of its JSON) returned inline as `{ v }`;
   * a larger one is stored through the IO manager and returned as `{ s, b }`.
   * @default INLINE_THRESHOLD_BYTES
   */
  readonly inlineBytes?: number;
  /** The op's config. @default {} */
  readonly config?: unknown;
  /** The Lambda request id, logged on the decision lines. @default - not logged */
  readonly requestId?: string;
  /**
   * A timeout or crash of this very attempt that the state machine caught (payload `fault`):
   * the wrapper decides on it instead of running the op (decide-fault.ts).
   * @default - none: the op runs
   */
  readonly fault?: OpAttemptFault;
  /**
   * The Lambda context's getRemainingTimeInMillis: the attempt fails with OP_TIMEOUT_ERROR when
   * it is still running near the function timeout (op-deadline.ts).
   * @default - no deadline
   */
  readonly getRemainingTimeInMillis?: () => number;
  /** How the deadline's timer is armed (LambdaContextLike.armDeadlineTimer). @default - a Node timer */
  readonly armDeadlineTimer?: DeadlineTimer;
}

/** A caught timeout or crash: its Step Functions error name and message. */
export interface OpAttemptFault {
  readonly name: string;
  readonly message: string;
}
