/**
 * Typed Amazon States Language, the subset stepops emits: QueryLanguage JSONata only, so the
 * JSONPath fields (InputPath, Parameters, ResultPath, ...) do not exist here. Every value is
 * plain JSON; strings of the form `{% ... %}` are JSONata expressions.
 */

/** Any JSON value. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** A JSON object: the shape of Arguments, Output and Assign templates. */
export type JsonObject = Readonly<Record<string, JsonValue>>;

export type JitterStrategy = 'FULL' | 'NONE';

/** One element of a state's Retry array. */
export interface AslRetrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy?: JitterStrategy;
}

/** One element of a state's Catch array. */
export interface AslCatcher {
  readonly ErrorEquals: readonly string[];
  readonly Output?: JsonValue;
  readonly Assign?: JsonObject;
  readonly Next: string;
}

interface AslStateBase {
  readonly Comment?: string;
}

/** Either Next or End: true. */
interface AslTransition {
  readonly Next?: string;
  readonly End?: true;
}

export interface AslTaskState extends AslStateBase, AslTransition {
  readonly Type: 'Task';
  readonly Resource: string;
  readonly Arguments?: JsonValue;
  readonly Output?: JsonValue;
  readonly Assign?: JsonObject;
  readonly TimeoutSeconds?: number;
  readonly Retry?: readonly AslRetrier[];
  readonly Catch?: readonly AslCatcher[];
}

export interface AslParallelState extends AslStateBase, AslTransition {
  readonly Type: 'Parallel';
  readonly Branches: readonly AslBranch[];
  readonly Arguments?: JsonValue;
  readonly Output?: JsonValue;
  readonly Assign?: JsonObject;
  readonly Retry?: readonly AslRetrier[];
  readonly Catch?: readonly AslCatcher[];
}

export interface AslPassState extends AslStateBase, AslTransition {
  readonly Type: 'Pass';
  readonly Output?: JsonValue;
  readonly Assign?: JsonObject;
}

export interface AslWaitState extends AslStateBase, AslTransition {
  readonly Type: 'Wait';
  /** Whole seconds, or a JSONata expression giving them. */
  readonly Seconds: number | string;
  readonly Output?: JsonValue;
  readonly Assign?: JsonObject;
}

export interface AslChoiceRule {
  readonly Condition: string;
  readonly Output?: JsonValue;
  readonly Assign?: JsonObject;
  readonly Next: string;
}

export interface AslChoiceState extends AslStateBase {
  readonly Type: 'Choice';
  readonly Choices: readonly AslChoiceRule[];
  readonly Default?: string;
  readonly Output?: JsonValue;
  readonly Assign?: JsonObject;
}

export interface AslSucceedState extends AslStateBase {
  readonly Type: 'Succeed';
  readonly Output?: JsonValue;
}

export interface AslFailState extends AslStateBase {
  readonly Type: 'Fail';
  /** A literal error name or a JSONata expression giving one. */
  readonly Error?: string;
  /** A literal cause or a JSONata expression giving one. */
  readonly Cause?: string;
}

export type AslState = AslTaskState | AslParallelState | AslPassState | AslWaitState | AslChoiceState | AslSucceedState | AslFailState;

/** A Parallel branch: a state machine of its own. */
export interface AslBranch {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, AslState>>;
}

/** A whole state machine definition. */
export interface AslDefinition extends AslBranch {
  readonly Comment?: string;
  readonly QueryLanguage: 'JSONata';
  readonly TimeoutSeconds?: number;
}
