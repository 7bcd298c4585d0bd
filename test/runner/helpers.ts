import type { HistoryEvent } from '@aws-sdk/client-sfn';

/** Builds a JSONata state machine around some states. */
export function machine(startAt: string, states: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { QueryLanguage: 'JSONata', StartAt: startAt, States: states, ...extra };
}

/** An Error whose name is the Step Functions error name. */
export function namedError(name: string, message = name): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** Handler that throws the given error names in turn, then returns `result`. */
export function failingThenSucceeding(names: readonly string[], result: unknown = { ok: true }): () => unknown {
  let call = 0;
  return () => {
    const name = names[call++];
    if (name !== undefined) throw namedError(name);
    return result;
  };
}

/** Event types in order. */
export function eventTypes(history: readonly HistoryEvent[]): string[] {
  return history.map((e) => e.type ?? '');
}

/** Seconds since the first event. */
export function secondsSinceStart(history: readonly HistoryEvent[], event: HistoryEvent): number {
  return (event.timestamp!.getTime() - history[0]!.timestamp!.getTime()) / 1000;
}

/** History without the stack traces in causes (they hold the test's own line numbers). */
export function withoutCauses(history: readonly HistoryEvent[]): unknown[] {
  return history.map((event) => JSON.parse(JSON.stringify(event, (key, value: unknown) => (key === 'cause' ? '<cause>' : value))) as unknown);
}
