import { PROTOCOL_ERROR } from '../errors.js';
import { COORDINATE_AWAIT, readCoordinationRequest, type CoordinationRequest } from '../job/coordination-protocol.js';
import type { JobDefinition } from '../job/job.js';
import { createLogger, writeJsonLine } from '../job/logger.js';
import { PROTOCOL_VERSION } from '../job/wire-protocol.js';
import type { CoordinationStore, TaskTokenSender } from './coordination-store.js';
import { createAttemptError } from './create-attempt-error.js';
import type { HandlerOptions } from './handler-types.js';
import type { HandlerErrorDetails } from './op-attempt-error.js';

/** What the wrapper needs for `concurrency: 'exact'`: the store and a SendTaskSuccess. */
export interface CoordinationOptions {
  readonly store: CoordinationStore;
  readonly sender: TaskTokenSender;
}

/**
 * Error names of SendTaskSuccess that mean the token no longer waits: its wait attempt ended
 * (retried, timed out, or its execution stopped) or it already got the envelope (a repeated
 * release). Nothing is lost: a retried wait registers its new token.
 */
const CLOSED_TOKEN_ERRORS: ReadonlySet<string> = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/**
 * Serves one coordination request (coordination-protocol.ts) for `job`: 'await' registers the
 * token or sends the recorded envelope to it; 'release' records the producer's envelope and
 * sends the recorded one to every registered token. Returns a small summary (the
 * TaskSubmitted output of an await, the release Task's result).
 */
export async function serveCoordination(
  job: JobDefinition,
  planHash: string,
  event: unknown,
  coordination: CoordinationOptions | undefined,
  options: HandlerOptions,
): Promise<{ readonly registered?: boolean; readonly sent: number }> {
  const request = readCoordinationRequest(event);
  const advice = `this function serves job "${job.name}" (plan ${planHash}): deploy the state machine and the function together`;
  if (typeof request === 'string') throw createAttemptError(PROTOCOL_ERROR, `the coordination request is malformed: ${request}; ${advice}`, rejection(''));
  checkRequest(job, planHash, request, advice);
  if (coordination === undefined) {
    throw createAttemptError(
      PROTOCOL_ERROR,
      `job "${job.name}" was compiled with concurrency 'exact' but this function has no coordination store: deploy it with JobStateMachine's concurrency 'exact' (which sets STEPOPS_COORDINATION_TABLE), or pass jobHandler(job, { coordination })`,
      rejection(request.op),
    );
  }
  const log = createLogger({ fields: { job: job.name, op: request.op, runId: request.runId }, write: options.writeLog ?? writeJsonLine, now: options.now });
  const key = { runId: request.runId, op: request.op };
  if (request.coordinate === COORDINATE_AWAIT) {
    const registered = await coordination.store.register(key, request.token);
    if (!registered.done) {
      log.info('wait registered', { decision: 'await', consumer: request.consumer });
      return { registered: true, sent: 0 };
    }
    const sent = await sendEnvelope(coordination.sender, [request.token], registered.envelope);
    log.info('wait answered at once: the producer is done', { decision: 'await', consumer: request.consumer });
    return { registered: false, sent };
  }
  const completed = await coordination.store.complete(key, request.envelope);
  const sent = await sendEnvelope(coordination.sender, completed.tokens, completed.envelope);
  log.info('producer released', { decision: 'release', waiting: completed.tokens.length, sent });
  return { sent };
}

function checkRequest(job: JobDefinition, planHash: string, request: CoordinationRequest, advice: string): void {
  const problem =
    request.protocol !== PROTOCOL_VERSION
      ? `protocol is ${request.protocol} but this handler speaks stepops protocol ${PROTOCOL_VERSION}`
      : request.job !== job.name
        ? `job is ${JSON.stringify(request.job)} but this handler serves job "${job.name}"`
        : request.planHash !== planHash
          ? `planHash is ${JSON.stringify(request.planHash)} but this handler's job has plan ${planHash}`
          : job.getInvocation(request.op) === undefined
            ? `op ${JSON.stringify(request.op)} is not an op invocation of job "${job.name}"`
            : undefined;
  if (problem !== undefined) throw createAttemptError(PROTOCOL_ERROR, `the coordination request is not for this function: ${problem}; ${advice}`, rejection(request.op));
}

function rejection(op: string): HandlerErrorDetails {
  return { stepops: PROTOCOL_VERSION, op, retryNumber: -1, decision: 'fail', reason: 'protocol-error' };
}

/** Sends the envelope to each token; a token that no longer waits is passed over. Returns how many were accepted. */
async function sendEnvelope(sender: TaskTokenSender, tokens: readonly string[], envelope: unknown): Promise<number> {
  const output = JSON.stringify(envelope);
  let sent = 0;
  for (const taskToken of tokens) {
    try {
      await sender.sendTaskSuccess({ taskToken, output });
      sent += 1;
    } catch (error) {
      if (!(error instanceof Error) || !CLOSED_TOKEN_ERRORS.has(error.name)) throw error;
    }
  }
  return sent;
}
