import type { StateGraph, StateNode } from '../parse/definition.js';
import type { Scope } from '../run-context.js';
import type { StateTransition } from './state-completion.js';
import { runChoiceState } from './choice.js';
import { runMapState } from './map.js';
import { runParallelState } from './parallel.js';
import { runPassState } from './pass.js';
import { runTaskState } from './task.js';
import { runFailState, runSucceedState } from './terminal.js';
import { runWaitState } from './wait.js';

/** Runs a graph from StartAt until a state ends it; returns the last output or throws StatesError. */
export async function runGraph(graph: StateGraph, input: unknown, scope: Scope): Promise<unknown> {
  let node = graph.states.get(graph.startAt)!;
  let value = input;
  for (;;) {
    scope.cancel.throwIfCancelled();
    const transition = await runState(node, value, scope);
    value = transition.output;
    if (transition.next === undefined) return value;
    node = graph.states.get(transition.next)!;
  }
}

function runState(node: StateNode, input: unknown, scope: Scope): Promise<StateTransition> {
  switch (node.type) {
    case 'Task':
      return runTaskState(node, input, scope);
    case 'Pass':
      return runPassState(node, input, scope);
    case 'Choice':
      return runChoiceState(node, input, scope);
    case 'Wait':
      return runWaitState(node, input, scope);
    case 'Parallel':
      return runParallelState(node, input, scope);
    case 'Map':
      return runMapState(node, input, scope);
    case 'Succeed':
      return runSucceedState(node, input, scope);
    case 'Fail':
      return runFailState(node, input, scope);
  }
}
