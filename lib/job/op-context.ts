import { DefinitionError, describeValue } from '../errors.js';
import { createLogger, type LogRecord, type OpLogger } from './logger.js';

const CONTEXT_BRAND = Symbol.for('stepops.opContext');

/** What op code sees about its own run (Dagster's OpExecutionContext, the retry parts). */
export interface OpContext<C = unknown> {
  /** 0 on the first attempt, 1 on the first retry (Dagster's context.retry_number). */
  readonly retryNumber: number;
  /** The invocation's name: the alias where there is one. */
  readonly opName: string;
  /** The job's name. */
  readonly jobName: string;
  /** The run's id: the Step Functions execution name. */
  readonly runId: string;
  /**
   * The op's config from the run input `{ ops: { <opName>: { config } } }`: with a
   * `configSchema`, the schema's output (validated, typed).
   */
  readonly config: C;
  /** Structured JSON logging with op, job, run and retry number on every line. */
  readonly log: OpLogger;
}

export interface BuildOpContextOptions {
  /** @default 0 */
  readonly retryNumber?: number;
  /** @default {} */
  readonly config?: unknown;
  /** @default 'direct_invocation' */
  readonly opName?: string;
  /** @default 'direct_invocation' */
  readonly jobName?: string;
  /** @default 'direct-invocation' */
  readonly runId?: string;
  /** Where log records go. @default - JSON lines on stdout */
  readonly writeLog?: (record: LogRecord) => void;
}

/**
 * Builds the context an op receives: for calling an op directly in a unit test (Dagster's
 * build_op_context), and by the Lambda wrapper for each attempt.
 */
export function buildOpContext(options: BuildOpContextOptions = {}): OpContext {
  const retryNumber = options.retryNumber ?? 0;
  if (!Number.isInteger(retryNumber) || retryNumber < 0) {
    throw new DefinitionError(`buildOpContext retryNumber must be a non-negative integer, got ${describeValue(retryNumber)}; 0 is the first attempt`);
  }
  const opName = options.opName ?? 'direct_invocation';
  const jobName = options.jobName ?? 'direct_invocation';
  const runId = options.runId ?? 'direct-invocation';
  const log = createLogger({ fields: { job: jobName, op: opName, runId, retryNumber }, write: options.writeLog });
  const context: OpContext = { retryNumber, opName, jobName, runId, config: options.config ?? {}, log };
  Object.defineProperty(context, CONTEXT_BRAND, { value: true, enumerable: false });
  return Object.freeze(context);
}

/** True for a context made by buildOpContext (from any loaded copy of stepops). */
export function isOpContext(value: unknown): value is OpContext {
  return typeof value === 'object' && value !== null && (value as { [CONTEXT_BRAND]?: boolean })[CONTEXT_BRAND] === true;
}
