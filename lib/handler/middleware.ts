import type { JobDefinition } from '../job/job.js';
import type { HandlerOptions, LambdaContextLike } from './handler-types.js';
import { isCoordinationEvent } from '../job/coordination-protocol.js';
import { createCoordinationFromEnvironment } from './coordination-from-environment.js';
import { createJobAttemptResolver } from './resolve-job-attempt.js';
import { serveOpEvent, withDefaultIoManager } from './run-op-attempt.js';
import { serveCoordination } from './serve-coordination.js';

/** The part of a middy request the middleware reads, declared by shape (no dependency on middy). */
export interface MiddyRequestLike {
  readonly event: unknown;
  readonly context?: unknown;
}

/** A middy middleware object, declared by shape: middy's `MiddlewareObj` accepts it. */
export interface MiddyMiddlewareLike {
  readonly before: (request: MiddyRequestLike) => Promise<unknown>;
}

/**
 * jobHandler as a middy middleware, for functions that already use middy (Powertools Logger,
 * Tracer, Parameters...): `export const handler = middy().use(injectLambdaContext(logger)).use(jobMiddleware(myJob))`.
 * Its `before` runs the op attempt through the same core and returns the output, which makes
 * middy respond early with it (an `undefined` output is returned as `null`, so the early
 * response always happens and the base handler never runs). Errors propagate through middy's
 * onError middlewares unchanged; an onError that swallows them breaks the state machine's retries.
 * Put it last among the `before` middlewares. Coordination requests of `concurrency: 'exact'`
 * are served as jobHandler serves them.
 */
export function jobMiddleware(job: JobDefinition, options: HandlerOptions = {}): MiddyMiddlewareLike {
  // The job checked and its fingerprint computed once, here.
  const { resolve, planHash } = createJobAttemptResolver(job);
  const withIo = withDefaultIoManager(options);
  const coordination = options.coordination ?? createCoordinationFromEnvironment();
  return {
    before: async (request) =>
      isCoordinationEvent(request.event)
        ? serveCoordination(job, planHash, request.event, coordination, options)
        : serveOpEvent(request.event, readContext(request.context), resolve, withIo),
  };
}

function readContext(context: unknown): LambdaContextLike | undefined {
  if (typeof context !== 'object' || context === null) return undefined;
  const requestId = (context as { awsRequestId?: unknown }).awsRequestId;
  return typeof requestId === 'string' ? { awsRequestId: requestId } : {};
}
