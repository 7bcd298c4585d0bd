/**
 * compileRetryProps: CDK RetryProps that render, through CDK's own LambdaInvoke, to exactly
 * the retriers compileRetryPolicy gives JobStateMachine's Tasks.
 */
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { describe, expect, it } from 'vitest';
import { compileRetryPolicy } from '../../lib/asl/index.js';
import { compileRetryProps } from '../../lib/cdk/index.js';
import { DefinitionError } from '../../lib/errors.js';
import { Backoff, Jitter, RetryPolicy } from '../../lib/index.js';
import { createInlineFunction, createStack } from './helpers.js';

/** The Retry array CDK renders for a JSONata LambdaInvoke given these props. */
function renderRetry(retryProps: readonly sfn.RetryProps[]): unknown {
  const stack = createStack();
  const task = tasks.LambdaInvoke.jsonata(stack, 'Op', { lambdaFunction: createInlineFunction(stack), retryOnServiceExceptions: false });
  for (const props of retryProps) task.addRetry(props);
  const graph = new sfn.StateGraph(task, 'test').toGraphJson() as { States: { Op: { Retry?: unknown } } };
  return JSON.parse(JSON.stringify(graph.States.Op.Retry));
}

describe('compileRetryProps', () => {
  it.each([
    ['no policy', undefined],
    ['the default policy (one retry at once)', new RetryPolicy()],
    ['a constant 30 s delay', new RetryPolicy({ maxRetries: 2, delay: 30 })],
    ['linear hourly backoff', new RetryPolicy({ maxRetries: 4, delay: 3600, backoff: Backoff.LINEAR })],
    ['exponential backoff with FULL jitter', new RetryPolicy({ maxRetries: 3, delay: 60, backoff: Backoff.EXPONENTIAL, jitter: Jitter.FULL })],
    ['exponential backoff capped by maxDelay', new RetryPolicy({ maxRetries: 6, delay: 1, backoff: Backoff.EXPONENTIAL, maxDelay: 10 })],
  ])('renders %s as compileRetryPolicy does', (_name, policy) => {
    const compiled = compileRetryProps(policy);
    const expected = compileRetryPolicy(policy);
    expect(renderRetry(compiled.retryProps)).toStrictEqual(expected.retriers);
    expect(compiled.retryMode).toBe(expected.retryMode);
    expect(compiled.plan).toStrictEqual(expected.plan);
  });

  it('fits one geometric retrier with fidelity native', () => {
    const policy = new RetryPolicy({ maxRetries: 3, delay: 0.2, backoff: Backoff.EXPONENTIAL, jitter: Jitter.PLUS_MINUS });
    const compiled = compileRetryProps(policy, { fidelity: 'native' });
    expect(renderRetry(compiled.retryProps)).toStrictEqual(compileRetryPolicy(policy, { fidelity: 'native' }).retriers);
    expect(compiled.retryMode).toBe('plain');
    expect(compiled.plan.mechanism).toBe('native-fit');
  });

  it('fails when the policy needs the Catch -> Wait loop (PLUS_MINUS jitter, fidelity exact)', () => {
    const policy = new RetryPolicy({ maxRetries: 3, delay: 0.2, backoff: Backoff.EXPONENTIAL, jitter: Jitter.PLUS_MINUS });
    expect(() => compileRetryProps(policy)).toThrow(
      new DefinitionError(
        "compileRetryProps: RetryPolicy(maxRetries=3, delay=0.2, backoff=EXPONENTIAL, jitter=PLUS_MINUS) draws its waits at run time (PLUS_MINUS jitter), which needs a Catch -> Wait loop that RetryProps cannot express; pass { fidelity: 'native' } to wait the centre of each range, or build the state machine with JobStateMachine",
      ),
    );
  });

  it('fails when strict refuses a deviation', () => {
    const policy = new RetryPolicy({ maxRetries: 3, delay: 60, backoff: Backoff.EXPONENTIAL });
    expect(() => compileRetryProps(policy, { strict: true })).toThrow(DefinitionError);
    expect(() => compileRetryProps(policy, { strict: true })).toThrow(
      /^strict: compileRetryProps policy cannot be compiled without deviating from Dagster's schedule: \[infrastructure-approximation\]/,
    );
  });
});
