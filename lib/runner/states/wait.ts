import type { WaitNode } from '../parse/definition.js';
import { createEvaluationEnvironment, describeTemplateSource, evaluateTemplate } from '../evaluate/evaluate.js';
import { parseOffsetDateTime } from '../parse/iso-timestamp.js';
import { describeUnexpectedType, failQueryEvaluation } from '../evaluate/query-evaluation.js';
import { buildStatesContext, recordEvent, type Scope } from '../run-context.js';
import { completeState, recordStateEntered, type StateTransition } from './state-completion.js';
import { AbortedError } from './states-error.js';
import { evaluateSeconds } from './task.js';

/**
 * Wait: Seconds, or until Timestamp (no wait when it is past), on the run's clock. A Timestamp
 * must be an ISO-8601 extended offset date-time (`2016-12-05T21:29:29Z`): without the T or the
 * offset it fails with States.QueryEvaluationError, as on AWS.
 */
export async function runWaitState(node: WaitNode, input: unknown, scope: Scope): Promise<StateTransition> {
  const clock = scope.run.clock;
  const enteredEventId = recordStateEntered(scope, 'WaitStateEntered', node.name, input);
  const context = buildStatesContext(scope, node.name, clock.now(), 0);
  const env = createEvaluationEnvironment(scope, node.name, enteredEventId, { input, context });
  let seconds = await evaluateSeconds(node.seconds, env, 0);
  if (node.timestamp !== undefined) {
    const value = await evaluateTemplate(node.timestamp, env);
    if (typeof value !== 'string') {
      failQueryEvaluation(env, describeUnexpectedType(describeTemplateSource(node.timestamp), 'Timestamp', 'string', value), 'Timestamp');
    }
    const target = parseOffsetDateTime(value);
    if (target === undefined) {
      failQueryEvaluation(env, `The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: ${value}`, 'Timestamp');
    }
    seconds = Math.max(0, (target - clock.now()) / 1000);
  }
  try {
    await clock.sleepUnless(seconds ?? 0, scope.cancel);
  } catch (error) {
    if (error instanceof AbortedError) recordEvent(scope, 'WaitStateAborted');
    throw error;
  }
  const output = await completeState(scope, {
    stateName: node.name,
    enteredEventId,
    exitType: 'WaitStateExited',
    input,
    context,
    defaultOutput: input,
    output: node.output,
    assign: node.assign,
  });
  return { output, next: node.next };
}
