/**
 * States.QueryEvaluationError as Step Functions reports it: an EvaluationFailed event in the
 * state's chain of events, then the error, with AWS's wording (recorded from real executions):
 * `An error occurred while executing the state 'S' (entered at the event id #2). <detail>`.
 */
import { recordEvent, type Scope } from '../run-context.js';
import { StatesError, StatesErrorName } from '../states/states-error.js';

/** Where an evaluation happens: the state, the id of its *StateEntered event, and the scope that records events. */
export interface EvaluationSite {
  readonly stateName: string;
  readonly enteredEventId: number;
  readonly scope: Scope;
}

/** Records EvaluationFailed and throws States.QueryEvaluationError; `location` is the field path ('Output/result'). */
export function failQueryEvaluation(site: EvaluationSite, detail: string, location?: string): never {
  const cause = `An error occurred while executing the state '${site.stateName}' (entered at the event id #${site.enteredEventId}). ${detail}`;
  recordEvent(site.scope, 'EvaluationFailed', {
    evaluationFailedEventDetails: {
      error: StatesErrorName.QueryEvaluationError,
      cause,
      ...(location === undefined ? {} : { location }),
      state: site.stateName,
    },
  });
  throw new StatesError(StatesErrorName.QueryEvaluationError, cause);
}

/** The JSON type name AWS uses in "Expected 'array', but was 'boolean'". */
export function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** "... returned an unexpected result type. Expected 'array', but was 'boolean' for value: true" */
export function describeUnexpectedType(source: string, field: string, expected: string, value: unknown): string {
  return `The JSONata expression '${source}' specified for the field '${field}' returned an unexpected result type. Expected '${expected}', but was '${describeJsonType(value)}' for value: ${JSON.stringify(value)}`;
}
