import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { compileRetryPolicy, type AslRetrier, type PolicyRetryPlan, type RetryFidelity } from '../asl/index.js';
import { DefinitionError } from '../errors.js';
import type { RetryMode } from '../job/index.js';
import type { RetryPolicy } from '../policy/index.js';

/** Options of compileRetryProps. */
export interface CompileRetryPropsOptions {
  /**
   * 'exact' follows Dagster's schedule (attempt-indexed retriers where needed); 'native' fits
   * one geometric retrier. A policy with PLUS_MINUS jitter needs 'native' here.
   *
   * @default 'exact'
   */
  readonly fidelity?: RetryFidelity;

  /**
   * Throw when the plan deviates from Dagster beyond whole-second rounding.
   *
   * @default false
   */
  readonly strict?: boolean;
}

/** A retry policy as CDK retriers, with what the Lambda wrapper and the reader need to know. */
export interface CompiledRetryProps {
  /** Add each to the Task in order: `task.addRetry(props)`. Lambda platform errors first. */
  readonly retryProps: readonly sfn.RetryProps[];
  /** Send this as the payload's `retryMode` so that the wrapper throws the error names the retriers match. */
  readonly retryMode: RetryMode;
  /** Waits, worst case and deviations from Dagster, as compileRetryPolicy reports them. */
  readonly plan: PolicyRetryPlan;
}

/**
 * Compiles a RetryPolicy into CDK `RetryProps`, from the same plan the compiler uses for
 * JobStateMachine, for state machines built with CDK's own `LambdaInvoke` around an op
 * handler. Create the LambdaInvoke with `retryOnServiceExceptions: false`: the first retrier
 * already covers Lambda's platform errors.
 *
 * RetryRequested (and PLUS_MINUS jitter with fidelity 'exact') waits are known only at run
 * time and need the Catch -> Wait loop that JobStateMachine builds; plain RetryProps cannot.
 */
export function compileRetryProps(policy: RetryPolicy | undefined, options: CompileRetryPropsOptions = {}): CompiledRetryProps {
  const compiled = compileRetryPolicy(policy, { fidelity: options.fidelity, strict: options.strict, subject: 'compileRetryProps policy' });
  if (compiled.retryMode === 'loop') {
    throw new DefinitionError(
      `compileRetryProps: ${String(policy)} draws its waits at run time (PLUS_MINUS jitter), which needs a Catch -> Wait loop that RetryProps cannot express; pass { fidelity: 'native' } to wait the centre of each range, or build the state machine with JobStateMachine`,
    );
  }
  return { retryProps: compiled.retriers.map(toRetryProps), retryMode: compiled.retryMode, plan: compiled.plan };
}

/** One ASL retrier as CDK RetryProps; fields ASL leaves to its defaults stay unset, as CDK renders them. */
export function toRetryProps(retrier: AslRetrier): sfn.RetryProps {
  return {
    errors: [...retrier.ErrorEquals],
    ...(retrier.IntervalSeconds === undefined ? {} : { interval: Duration.seconds(retrier.IntervalSeconds) }),
    ...(retrier.MaxAttempts === undefined ? {} : { maxAttempts: retrier.MaxAttempts }),
    ...(retrier.BackoffRate === undefined ? {} : { backoffRate: retrier.BackoffRate }),
    ...(retrier.MaxDelaySeconds === undefined ? {} : { maxDelay: Duration.seconds(retrier.MaxDelaySeconds) }),
    ...(retrier.JitterStrategy === undefined ? {} : { jitterStrategy: sfn.JitterType[retrier.JitterStrategy] }),
  };
}
