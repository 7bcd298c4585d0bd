/**
 * Errors the runner itself raises. They reject the `runStateMachine` promise; they are never
 * turned into Step Functions errors, so no Catch in the definition can swallow them.
 */
import { StepopsError, brandError } from '../errors.js';

/** Base class of every error the local runner throws for a problem outside the execution. */
export class RunnerError extends StepopsError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'stepops.RunnerError';
    brandError(this, 'RunnerError');
  }
}

/** The definition uses a feature that the local runner does not interpret. */
export class UnsupportedDefinitionError extends RunnerError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'stepops.UnsupportedDefinition';
  }
}

/** The definition breaks an Amazon States Language rule that Step Functions would reject too. */
export class InvalidDefinitionError extends RunnerError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'stepops.InvalidDefinition';
  }
}

/** A Task state has neither a handler in `taskHandlers` nor a way to call its Resource. */
export class MissingTaskHandlerError extends RunnerError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'stepops.MissingTaskHandler';
  }
}

/** A startExecution Task names a StateMachineArn that is not in the `stateMachines` option. */
export class UnknownStateMachineError extends RunnerError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'stepops.UnknownStateMachine';
  }
}

/**
 * The run can make no more progress: the process has nothing left to do (its event loop is
 * empty) while some handler call has not settled, or a callback Task waits for a token no one
 * can send now. Without it the process would end with the run's promise unsettled.
 */
export class RunStalledError extends RunnerError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'stepops.RunStalled';
  }
}

/**
 * The run's execution name is one StartExecution refuses (InvalidName): no execution starts.
 * Names are 1 to 80 characters without whitespace, brackets, wildcards, the characters
 * " # % \ ^ | ~ ` $ & , ; : / or control characters (the Step Functions quotas page).
 */
export class InvalidExecutionNameError extends RunnerError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'stepops.InvalidExecutionName';
  }
}
