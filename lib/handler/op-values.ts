import { OUTPUT_TOO_LARGE_ERROR } from '../errors.js';
import { IO_OBJECT_EXISTS_ERROR, IO_OBJECT_MISSING_ERROR } from '../io/io-errors.js';
import type { IoManager } from '../io/io-manager.js';
import {
  PROTOCOL_VERSION,
  STORED_BYTES_KEY,
  STORED_KEY,
  STORED_RUN_KEY,
  VALUE_KEY,
  isOpStoredEnvelope,
  type OpStoredEnvelope,
  type OpValueEnvelope,
} from '../job/wire-protocol.js';
import { createAttemptError } from './create-attempt-error.js';
import type { OpAttempt } from './op-attempt.js';
import type { OpAttemptError } from './op-attempt-error.js';

/**
 * The wrapper's side of the IO manager: an envelope attempt's inputs are `{ v }` (inline) or
 * `{ s, b }` (stored: read back here), and its output goes back inline up to the attempt's
 * inline threshold, stored above it.
 */

/** Why an IO step failed for good: the error to throw (not retried: the same object stays missing or present). */
export class OpValueError extends Error {
  constructor(readonly attemptError: OpAttemptError) {
    super(attemptError.message);
    this.name = 'OpValueError';
  }
}

/**
 * The op's input values, in parameter order: `v` of a value envelope, or the stored JSON of a
 * `{ s, b }` envelope read through `io` under (run id, producer, s) and parsed. Rejects with
 * OpValueError for a missing object or a missing IO manager; other IO errors (throttling, the
 * network) reject as they are, for the policy to retry.
 */
export async function readInputValues(attempt: OpAttempt, io: IoManager | undefined): Promise<unknown[]> {
  const inline = readInlineInputValues(attempt.inputs);
  if (inline !== undefined) return inline;
  return Promise.all(
    attempt.inputs.map(async (input, k) => {
      if (!isOpStoredEnvelope(input)) return (input as OpValueEnvelope)[VALUE_KEY];
      const producer = attempt.inputOps?.[k] ?? `input ${k}`;
      if (io === undefined) {
        throw new OpValueError(
          createAttemptError(
            IO_OBJECT_MISSING_ERROR,
            `op "${attempt.opName}" received a stored value from op "${producer}" (attempt ${input[STORED_KEY]}, ${input[STORED_BYTES_KEY]} bytes), but this wrapper has no IO manager to read it; deploy with JobStateMachine (it sets STEPOPS_IO_BUCKET) or pass ioManager to jobHandler`,
            { ...failure(attempt), reason: 'no-io-manager' },
          ),
        );
      }
      try {
        const runId = typeof input[STORED_RUN_KEY] === 'string' ? input[STORED_RUN_KEY] : attempt.runId;
        return JSON.parse(await io.readOutput({ runId, op: producer, retryNumber: input[STORED_KEY] })) as unknown;
      } catch (error) {
        if (hasName(error, IO_OBJECT_MISSING_ERROR)) {
          throw new OpValueError(createAttemptError(IO_OBJECT_MISSING_ERROR, (error as Error).message, { ...failure(attempt), reason: 'input-missing' }, error));
        }
        throw error;
      }
    }),
  );
}

/** The values of inputs that are all inline (no stored envelope among them): what readInputValues gives, at once; undefined otherwise. */
export function readInlineInputValues(inputs: readonly unknown[]): unknown[] | undefined {
  const values: unknown[] = [];
  for (const input of inputs) {
    if (isOpStoredEnvelope(input)) return undefined;
    values.push((input as OpValueEnvelope)[VALUE_KEY]);
  }
  return values;
}

/**
 * A parent run's recorded output as a re-execution reuses it: a stored value keeps naming the
 * run that stored it (`r`: the parent's execution name, the last part of its ARN on AWS).
 */
export function reuseRecordedOutput(recorded: unknown, parent: string): unknown {
  if (!isOpStoredEnvelope(recorded) || typeof recorded[STORED_RUN_KEY] === 'string') return recorded;
  return { ...recorded, [STORED_RUN_KEY]: parent.slice(parent.lastIndexOf(':') + 1) };
}

/**
 * The envelope for an op output whose JSON is `json` (`bytes` UTF-8 bytes): `{ v: value }` up
 * to the attempt's inline threshold, at once (no promise), else `{ s, b }` after storing the JSON
 * through `io`. Rejects with OpValueError when the output is over the threshold and there is no
 * IO manager, or when the attempt's object exists already; other IO errors reject as they are.
 */
export function buildOutputEnvelope(
  attempt: OpAttempt,
  io: IoManager | undefined,
  output: { readonly json: string; readonly bytes: number; readonly value: unknown },
  inlineBytes: number,
): OpValueEnvelope | Promise<OpStoredEnvelope> {
  if (output.bytes <= inlineBytes) return { [VALUE_KEY]: output.value };
  return storeOutput(attempt, io, output, inlineBytes);
}

async function storeOutput(
  attempt: OpAttempt,
  io: IoManager | undefined,
  output: { readonly json: string; readonly bytes: number },
  inlineBytes: number,
): Promise<OpStoredEnvelope> {
  if (io === undefined) {
    throw new OpValueError(
      createAttemptError(
        OUTPUT_TOO_LARGE_ERROR,
        `op "${attempt.opName}" returned ${output.bytes.toLocaleString('en-US')} bytes of JSON, over the job's inline threshold of ${inlineBytes.toLocaleString('en-US')} bytes, and this wrapper has no IO manager to store it; deploy with JobStateMachine (it creates the IO bucket and sets STEPOPS_IO_BUCKET) or pass ioManager to jobHandler`,
        { ...failure(attempt), reason: 'output-too-large', outputBytes: output.bytes },
      ),
    );
  }
  try {
    await io.writeOutput({ runId: attempt.runId, op: attempt.opName, retryNumber: attempt.retryNumber }, output.json);
  } catch (error) {
    if (hasName(error, IO_OBJECT_EXISTS_ERROR)) {
      throw new OpValueError(createAttemptError(IO_OBJECT_EXISTS_ERROR, (error as Error).message, { ...failure(attempt), reason: 'output-exists' }, error));
    }
    throw error;
  }
  return { [STORED_KEY]: attempt.retryNumber, [STORED_BYTES_KEY]: output.bytes };
}

function failure(attempt: OpAttempt) {
  return { stepops: PROTOCOL_VERSION, op: attempt.opName, retryNumber: attempt.retryNumber, decision: 'fail' } as const;
}

function hasName(error: unknown, name: string): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name;
}
