/**
 * IO managers (Dagster's name for the concept): where op outputs live between ops. The wrapper
 * keeps a small output inline in the state machine's data and hands a larger one to the IO
 * manager, which stores its JSON text and returns an OutputReference; the consumer's wrapper
 * reads the text back through the same manager. Plug your own by implementing IoManager.
 */

/** Which output of which attempt: an object is keyed by all three, so runs and attempts never share one. */
export interface OpOutputKey {
  /** The execution's name (ctx.runId). */
  readonly runId: string;
  /** The op invocation's name. */
  readonly op: string;
  /** The retry number of the attempt that produced the output (0 for the first attempt). */
  readonly retryNumber: number;
}

/**
 * Stores and loads op outputs as JSON text, by OpOutputKey. The state machine carries no
 * location: a consumer's wrapper knows its run id and its producers' names, and the reference
 * tells it the producer's retry number, so a reference stays a few bytes and can only ever name
 * an output of the same run. Implementations must:
 * - write each key at most once (a second write of the same key fails, IoObjectExistsError),
 *   so an output is never overwritten, by a retry or by another run;
 * - fail a read of a key that is not there with IoObjectMissingError (never return null);
 * - be safe to call concurrently (parallel ops of one run, several runs).
 */
export interface IoManager {
  /** Stores the JSON text of a successful attempt's output; resolves to where it went (for logs: `s3://bucket/key`, a file URL...). */
  writeOutput(key: OpOutputKey, json: string): Promise<string>;
  /** Reads back the JSON text stored under `key`. */
  readOutput(key: OpOutputKey): Promise<string>;
}

/**
 * The object key of an output below `prefix`: `<prefix><runId>/<op>/<retryNumber>.json`. The run
 * id is URI-encoded (execution names are usually safe already; a local name may not be); op
 * names are ^[A-Za-z0-9_]+$.
 */
export function buildOutputKey(prefix: string, key: OpOutputKey): string {
  return `${prefix}${encodeURIComponent(key.runId)}/${key.op}/${key.retryNumber}.json`;
}
