/**
 * The coordination requests of `concurrency: 'exact'` (state machine -> wrapper), beside the
 * op payloads of wire-protocol.ts. A request carries `coordinate`; an op payload never does.
 * - 'await' (a `lambda:invoke.waitForTaskToken` Task before a consumer): register `token`
 *   for the outcome of op `op` in run `runId`, or, when that op is already done, send its
 *   envelope to the token at once (SendTaskSuccess).
 * - 'release' (a Task after a producer): record op `op`'s final envelope (its value, stored
 *   reference, or outcome marker) unless one is recorded, and send the recorded envelope to
 *   every token registered for it.
 */
export const COORDINATE_AWAIT = 'await';
/** Environment variable JobStateMachine sets to the coordination table's name. */
export const COORDINATION_TABLE_ENVIRONMENT = 'STEPOPS_COORDINATION_TABLE';

/** The coordination table's attributes (DynamoDbCoordinationStore; JobStateMachine creates the table). */
export const COORDINATION_TABLE_ATTRIBUTES = {
  /** Partition key (string): `<runId>/<op>`. */
  partitionKey: 'pk',
  /** String set: the task tokens registered before the envelope. */
  tokens: 'tokens',
  /** String: the producer's envelope, as JSON. */
  envelope: 'envelope',
  /** Number: epoch seconds, the table's TTL attribute. */
  ttl: 'expiresAt',
} as const;

export const COORDINATE_RELEASE = 'release';

interface CoordinationFields {
  readonly protocol: number;
  readonly job: string;
  readonly runId: string;
  readonly planHash: string;
  /** The producer. */
  readonly op: string;
}

export interface AwaitRequest extends CoordinationFields {
  readonly coordinate: typeof COORDINATE_AWAIT;
  /** The op whose branch waits (for logs). */
  readonly consumer: string;
  readonly token: string;
}

export interface ReleaseRequest extends CoordinationFields {
  readonly coordinate: typeof COORDINATE_RELEASE;
  readonly envelope: unknown;
}

export type CoordinationRequest = AwaitRequest | ReleaseRequest;

/** True for an event that is a coordination request (it has `coordinate`), whether or not it is well formed. */
export function isCoordinationEvent(event: unknown): boolean {
  return typeof event === 'object' && event !== null && !Array.isArray(event) && Object.prototype.hasOwnProperty.call(event, 'coordinate');
}

/** The request, or a sentence saying what is wrong with it. */
export function readCoordinationRequest(event: unknown): CoordinationRequest | string {
  const record = event as Record<string, unknown>;
  for (const key of ['job', 'runId', 'planHash', 'op'] as const) {
    if (typeof record[key] !== 'string' || record[key] === '') return `${key} must be a non-empty string, got ${JSON.stringify(record[key])}`;
  }
  if (typeof record.protocol !== 'number') return `protocol must be a number, got ${JSON.stringify(record.protocol)}`;
  if (record.coordinate === COORDINATE_AWAIT) {
    if (typeof record.token !== 'string' || record.token === '') return `token must be the task token ($states.context.Task.Token), got ${JSON.stringify(record.token)}`;
    if (typeof record.consumer !== 'string') return `consumer must be a string, got ${JSON.stringify(record.consumer)}`;
    return record as unknown as AwaitRequest;
  }
  if (record.coordinate === COORDINATE_RELEASE) {
    if (!Object.prototype.hasOwnProperty.call(record, 'envelope')) return 'envelope is missing';
    return record as unknown as ReleaseRequest;
  }
  return `coordinate must be '${COORDINATE_AWAIT}' or '${COORDINATE_RELEASE}', got ${JSON.stringify(record.coordinate)}`;
}
