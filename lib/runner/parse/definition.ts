import type { Template } from '../evaluate/evaluate.js';

/** A validated, compiled state machine (or Parallel branch, or Map ItemProcessor). */
export interface StateGraph {
  readonly startAt: string;
  readonly states: ReadonlyMap<string, StateNode>;
}

export interface CompiledMachine {
  readonly graph: StateGraph;
  /** Execution-level TimeoutSeconds. */
  readonly timeoutSeconds: number | undefined;
}

/** A retrier, with Step Functions defaults filled in. */
export interface Retrier {
  readonly errorEquals: readonly string[];
  readonly intervalSeconds: number;
  readonly maxAttempts: number;
  readonly backoffRate: number;
  readonly maxDelaySeconds: number | undefined;
  readonly jitterStrategy: 'FULL' | 'NONE';
}

export interface Catcher {
  readonly errorEquals: readonly string[];
  readonly next: string;
  readonly output: Template | undefined;
  readonly assign: Template | undefined;
}

interface NodeBase {
  readonly name: string;
  /** Next state name; undefined for End, Choice, Succeed and Fail. */
  readonly next: string | undefined;
  readonly output: Template | undefined;
  readonly assign: Template | undefined;
}

export interface TaskNode extends NodeBase {
  readonly type: 'Task';
  readonly resource: string;
  readonly arguments: Template | undefined;
  /** A number, or a template evaluating to one. */
  readonly timeoutSeconds: Template | undefined;
  /** A number, or a template evaluating to one. */
  readonly heartbeatSeconds: Template | undefined;
  readonly retry: readonly Retrier[];
  readonly catch: readonly Catcher[];
}

export interface PassNode extends NodeBase {
  readonly type: 'Pass';
}

export interface ChoiceRule {
  readonly condition: Template;
  readonly next: string;
  readonly output: Template | undefined;
  readonly assign: Template | undefined;
}

export interface ChoiceNode extends NodeBase {
  readonly type: 'Choice';
  readonly choices: readonly ChoiceRule[];
  readonly default: string | undefined;
}

export interface WaitNode extends NodeBase {
  readonly type: 'Wait';
  readonly seconds: Template | undefined;
  readonly timestamp: Template | undefined;
}

export interface ParallelNode extends NodeBase {
  readonly type: 'Parallel';
  readonly branches: readonly StateGraph[];
  readonly arguments: Template | undefined;
  readonly retry: readonly Retrier[];
  readonly catch: readonly Catcher[];
}

export interface MapNode extends NodeBase {
  readonly type: 'Map';
  readonly processor: StateGraph;
  readonly items: Template | undefined;
  readonly itemSelector: Template | undefined;
  readonly maxConcurrency: Template | undefined;
  /** The Map fails once more iterations than this fail (default: none tolerated). */
  readonly toleratedFailureCount: Template | undefined;
  /** The Map fails once more than this percentage of iterations fail (default: none tolerated). */
  readonly toleratedFailurePercentage: Template | undefined;
  readonly retry: readonly Retrier[];
  readonly catch: readonly Catcher[];
}

export interface SucceedNode extends NodeBase {
  readonly type: 'Succeed';
}

export interface FailNode extends NodeBase {
  readonly type: 'Fail';
  readonly error: Template | undefined;
  readonly cause: Template | undefined;
}

export type StateNode = TaskNode | PassNode | ChoiceNode | WaitNode | ParallelNode | MapNode | SucceedNode | FailNode;
