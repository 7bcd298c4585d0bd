import { StepopsError } from '../errors.js';

/** Error name of IoObjectMissingError (the Step Functions Error of an op whose input cannot be read). */
export const IO_OBJECT_MISSING_ERROR = 'stepops.IoObjectMissing';
/** Error name of IoObjectExistsError. */
export const IO_OBJECT_EXISTS_ERROR = 'stepops.IoObjectExists';

/** A stored op output that is not where its reference says: expired, deleted, or another store. */
export class IoObjectMissingError extends StepopsError {
  readonly op: string;
  /** Where the output was looked for: `s3://bucket/key`, a file URL, `memory://key`. */
  readonly location: string;
  constructor(op: string, location: string, options?: { cause?: unknown }) {
    super(
      `the output of op "${op}" is not at ${location}: it was deleted, expired (the bucket's lifecycle rule), or this IO manager reads another store than the one that wrote it; rerun the job, or give the reading and writing sides the same IO manager (bucket and prefix)`,
      options,
    );
    this.name = IO_OBJECT_MISSING_ERROR;
    this.op = op;
    this.location = location;
  }
}

/** A second write of one op output key: objects are written once and never overwritten. */
export class IoObjectExistsError extends StepopsError {
  readonly op: string;
  /** Where the output is stored already. */
  readonly location: string;
  constructor(op: string, location: string, options?: { cause?: unknown }) {
    super(
      `the output of op "${op}" is already stored at ${location}: each attempt's output is written once and never overwritten; use a new run id (execution name) for a new run`,
      options,
    );
    this.name = IO_OBJECT_EXISTS_ERROR;
    this.op = op;
    this.location = location;
  }
}
