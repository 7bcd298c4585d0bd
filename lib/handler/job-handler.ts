import type { JobDefinition } from '../job/job.js';
import type { HandlerOptions, LambdaHandler } from './handler-types.js';
import { isCoordinationEvent } from '../job/coordination-protocol.js';
import { createJobAttemptResolver } from './resolve-job-attempt.js';
import { serveOpEvent, withDefaultIoManager } from './run-op-attempt.js';
import { serveCoordination } from './serve-coordination.js';
import { createCoordinationFromEnvironment } from './coordination-from-environment.js';

/**
 * The Lambda handler for every op of `job`: `export const handler = jobHandler(myJob)`.
 * Each invocation validates the event as an OpPayload from this job's compiled state machine,
 * runs the op invocation it names with its resolved retry policy, and returns the op's output
 * or throws the error the state machine's retriers and catchers expect (see runOpAttempt and
 * lib/job/wire-protocol.ts). The job's fingerprint is computed once, here.
 * The local runner runs the same code in process (createJobEventServer, without the async function around it).
 * A job compiled with `concurrency: 'exact'` also sends it coordination requests (wait
 * registrations and producer releases, coordination-protocol.ts), served with
 * `options.coordination`, by default the DynamoDB table named in STEPOPS_COORDINATION_TABLE
 * (set by JobStateMachine) and Step Functions' SendTaskSuccess, read once, here.
 */
export function jobHandler(job: JobDefinition, options: HandlerOptions = {}): LambdaHandler {
  const serve = createJobEventServer(job, options);
  return async (event, context) => serve(event, context);
}

/**
 * jobHandler's work without the async function around it (the local runner's entry: one promise
 * fewer per attempt); what it throws comes back as a rejection all the same.
 */
export function createJobEventServer(job: JobDefinition, options: HandlerOptions = {}): LambdaHandler {
  // The job checked and its fingerprint computed once, here.
  const { resolve, planHash } = createJobAttemptResolver(job);
  const withIo = withDefaultIoManager(options);
  const coordination = options.coordination ?? createCoordinationFromEnvironment();
  return (event, context) => {
    try {
      if (isCoordinationEvent(event)) return serveCoordination(job, planHash, event, coordination, options);
      return serveOpEvent(event, context, resolve, withIo);
    } catch (error) {
      return Promise.reject(error);
    }
  };
}
