/**
 * Where `concurrency: 'exact'` keeps, per run and producer op, the producer's final envelope
 * and the task tokens of the waits registered before it: in process for local runs
 * (InMemoryCoordinationStore), a DynamoDB table on AWS. Both operations are atomic per
 * (run, op), which settles the race between a producer finishing and a consumer registering:
 * a token registered before the envelope is recorded is among the tokens `complete` returns;
 * one registered after gets the envelope from `register`. Either way it receives it.
 */
export interface CoordinationStore {
  /** Registers `token` for the outcome of `key`'s op unless it is recorded; the recorded envelope when it is. */
  register(key: CoordinationKey, token: string): Promise<RegisterResult>;
  /**
   * Records `envelope` unless an envelope is recorded (a repeated release keeps the first), and
   * returns the recorded envelope and every token registered for it so far (all of them, on every
   * call: a retried release sends again, and the waits that already got it answer TaskTimedOut).
   */
  complete(key: CoordinationKey, envelope: unknown): Promise<CompleteResult>;
}

export interface CoordinationKey {
  /** The execution name. */
  readonly runId: string;
  /** The producer op invocation. */
  readonly op: string;
}

export type RegisterResult = { readonly done: false } | { readonly done: true; readonly envelope: unknown };

export interface CompleteResult {
  readonly envelope: unknown;
  readonly tokens: readonly string[];
}

/** SendTaskSuccess, in the shape of SFNClient's command input (the local runner's ctx.callbacks fits). */
export interface TaskTokenSender {
  sendTaskSuccess(input: { readonly taskToken: string; readonly output: string }): Promise<unknown>;
}

/** A CoordinationStore in process memory, for local runs (one per run is enough; keys carry the run id). */
export class InMemoryCoordinationStore implements CoordinationStore {
  private readonly entries = new Map<string, { envelope?: { readonly value: unknown }; readonly tokens: string[] }>();

  register(key: CoordinationKey, token: string): Promise<RegisterResult> {
    const entry = this.entry(key);
    if (entry.envelope !== undefined) return Promise.resolve({ done: true, envelope: entry.envelope.value });
    if (!entry.tokens.includes(token)) entry.tokens.push(token);
    return Promise.resolve({ done: false });
  }

  complete(key: CoordinationKey, envelope: unknown): Promise<CompleteResult> {
    const entry = this.entry(key);
    entry.envelope ??= { value: structuredClone(envelope) };
    return Promise.resolve({ envelope: entry.envelope.value, tokens: [...entry.tokens] });
  }

  private entry(key: CoordinationKey): { envelope?: { readonly value: unknown }; readonly tokens: string[] } {
    const id = JSON.stringify([key.runId, key.op]);
    let entry = this.entries.get(id);
    if (entry === undefined) {
      entry = { tokens: [] };
      this.entries.set(id, entry);
    }
    return entry;
  }
}
