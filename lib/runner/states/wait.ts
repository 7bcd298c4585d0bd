import type { WaitNode } from '../definition.js';
import { evaluateTemplate, type EvaluationEnvironment } from '../evaluate.js';
import { toJson } from '../payload-limit.js';
import { buildStatesContext, recordEvent, type Scope } from '../run-context.js';
import { completeState, recordStateEntered, type StateTransition } from '../state-completion.js';
import { AbortedError, StatesError, StatesErrorName } from '../states-error.js';
import { evaluateSeconds } from './task.js';

/** Wait: Seconds, or until Timestamp (no wait when it is past), on the run's clock. */
export async function runWaitState(node: WaitNode, input: unknown, scope: Scope): Promise<StateTransition> {
  const clock = scope.run.clock;
  recordStateEntered(scope, 'WaitStateEntered', node.name, input);
  const context = buildStatesContext(scope, node.name, clock.now(), 0);
  const env: EvaluationEnvironment = { stateName: node.name, states: { input, context }, variables: scope.variables, functions: scope.run.functions };
  try {
    let seconds = await evaluateSeconds(node.seconds, env, 'Seconds', 0);
    if (node.timestamp !== undefined) {
      const value = await evaluateTemplate(node.timestamp, env);
      const target = typeof value === 'string' ? Date.parse(value) : Number.NaN;
      if (Number.isNaN(target)) {
        throw new StatesError(
          StatesErrorName.QueryEvaluationError,
          `An error occurred while executing the state '${node.name}'. The field 'Timestamp' must be an ISO 8601 timestamp, got ${toJson(value)}.`,
        );
      }
      seconds = Math.max(0, (target - clock.now()) / 1000);
    }
    await clock.sleepUnless(seconds ?? 0, scope.cancel);
  } catch (error) {
    if (error instanceof AbortedError) recordEvent(scope, 'WaitStateAborted');
    throw error;
  }
  const output = await completeState(scope, {
    stateName: node.name,
    exitType: 'WaitStateExited',
    input,
    context,
    defaultOutput: input,
    output: node.output,
    assign: node.assign,
  });
  return { output, next: node.next };
}
