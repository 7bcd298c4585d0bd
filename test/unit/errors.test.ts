import { describe, expect, it } from 'vitest';
import { DefinitionError, Failure, RetryRequested, isFailure, isRetryRequested, retryAttemptErrorName } from '../../lib/index.js';
import { InternalError, StepopsError, hasErrorBrand, isDefinitionError, isReservedErrorName, reportedErrorName } from '../../lib/errors.js';
import { CliError, isCliError } from '../../lib/cli/cli-error.js';
import { OpAttemptError, isOpAttemptError } from '../../lib/handler/op-attempt-error.js';
import { RunConfigError, isRunConfigError } from '../../lib/job/run-config.js';
import { InvalidDefinitionError, RunnerError } from '../../lib/runner/errors.js';

describe('RetryRequested', () => {
  it('has Dagster defaults, a stable name and an ES2022 cause', () => {
    const cause = new TypeError('socket hang up');
    const request = new RetryRequested({ secondsToWait: 1, cause });
    expect([request.name, request.maxRetries, request.secondsToWait, request.cause]).toStrictEqual(['RetryRequested', 1, 1, cause]);
    expect(request).toBeInstanceOf(Error);
    expect(new RetryRequested().secondsToWait).toBeUndefined();
  });

  it.each([
    [{ maxRetries: -1 }, 'RetryRequested.maxRetries must be a non-negative integer, got -1; pass a whole number such as 1'],
    [{ maxRetries: 0.5 }, 'RetryRequested.maxRetries must be a non-negative integer, got 0.5; pass a whole number such as 1'],
    [{ secondsToWait: -2 }, 'RetryRequested.secondsToWait must be a finite number of seconds >= 0, got -2; omit it to retry at once'],
    [{ secondsToWait: Infinity }, 'RetryRequested.secondsToWait must be a finite number of seconds >= 0, got Infinity; omit it to retry at once'],
    [
      { secondsToWait: 100_000_000 },
      'RetryRequested.secondsToWait must be at most 99999999 (the longest Step Functions Wait), got 100000000; wait less, or schedule a new run instead',
    ],
  ])('fails for %j', (options, message) => {
    expect(() => new RetryRequested(options)).toThrow(DefinitionError);
    expect(() => new RetryRequested(options)).toThrow(message);
  });
});

describe('Failure', () => {
  it('defaults to allowRetries true and keeps description, metadata and cause', () => {
    const cause = new Error('root');
    const failure = new Failure({ description: 'bad rows', metadata: { rows: 3 }, cause });
    expect([failure.name, failure.message, failure.allowRetries, failure.metadata, failure.cause]).toStrictEqual(['Failure', 'bad rows', true, { rows: 3 }, cause]);
    expect(new Failure({ allowRetries: false }).allowRetries).toBe(false);
  });
});

describe('recognition across package copies', () => {
  it('recognises errors by their global brand, not instanceof', () => {
    // What another loaded copy of stepops produces: a different class, the same global brand.
    const foreign = Object.assign(new Error('x'), { name: 'RetryRequested', maxRetries: 2, secondsToWait: 3 });
    Object.defineProperty(foreign, Symbol.for('stepops.errorKinds'), { value: ['RetryRequested'] });
    expect(isRetryRequested(foreign)).toBe(true);
    expect(isFailure(foreign)).toBe(false);
    const lookalike = Object.assign(new Error('x'), { name: 'RetryRequested' });
    expect(isRetryRequested(lookalike)).toBe(false);
  });

  // One brand mechanism for every class that code checks across copies; a subclass keeps its bases' brands.
  it.each([
    ['DefinitionError', () => new DefinitionError('d'), ['StepopsError', 'DefinitionError']],
    ['InternalError', () => new InternalError('i'), ['StepopsError', 'InternalError']],
    ['RunnerError', () => new RunnerError('r'), ['StepopsError', 'RunnerError']],
    ['InvalidDefinitionError', () => new InvalidDefinitionError('r'), ['StepopsError', 'RunnerError']],
    [
      'OpAttemptError',
      () => new OpAttemptError('stepops.Retry', 'm', { stepops: 2, op: 'a', retryNumber: 0, decision: 'retry', reason: 'policy' }, '{}'),
      ['StepopsError', 'OpAttemptError'],
    ],
    ['CliError', () => new CliError('what', 'fix'), ['StepopsError', 'CliError']],
    ['RunConfigError', () => new RunConfigError('j', []), ['StepopsError', 'RunConfigError']],
    ['RetryRequested', () => new RetryRequested(), ['RetryRequested']],
    ['Failure', () => new Failure(), ['Failure']],
  ] as const)('%s carries the brands %j', (_name, create, brands) => {
    const error = create();
    for (const kind of ['StepopsError', 'DefinitionError', 'InternalError', 'RunnerError', 'OpAttemptError', 'CliError', 'RunConfigError', 'RetryRequested', 'Failure']) {
      expect(hasErrorBrand(error, kind), kind).toBe((brands as readonly string[]).includes(kind));
    }
  });

  it('keeps every stepops error under one root', () => {
    for (const error of [new DefinitionError('d'), new InternalError('i'), new RunnerError('r'), new CliError('w', 'f'), new RunConfigError('j', [])]) {
      expect(error).toBeInstanceOf(StepopsError);
    }
    expect(isOpAttemptError(new OpAttemptError('x', 'm', { stepops: 2, op: 'a', retryNumber: 0, decision: 'fail', reason: 'no-policy' }, '{}'))).toBe(true);
    expect([isCliError(new CliError('w', 'f')), isRunConfigError(new RunConfigError('j', [])), isDefinitionError(new DefinitionError('d'))]).toStrictEqual([true, true, true]);
    expect(isCliError(Object.assign(new Error('x'), { name: 'stepops.CliError', exitCode: 2 }))).toBe(false);
  });

  it('passes a DefinitionError its cause and names an InternalError as a bug', () => {
    const cause = new SyntaxError('bad');
    expect(new DefinitionError('m', { cause }).cause).toBe(cause);
    const internal = new InternalError('no variable holds op 3');
    expect([internal.name, internal.message]).toStrictEqual(['stepops.InternalError', 'stepops internal error: no variable holds op 3']);
  });

  it('never throws while checking a hostile value', () => {
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error('trap');
        },
      },
    );
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    for (const value of [hostile, revoked.proxy, null, undefined, 'RetryRequested', 3]) {
      expect(hasErrorBrand(value, 'RetryRequested')).toBe(false);
      expect(isRetryRequested(value)).toBe(false);
    }
  });
});

describe('error names', () => {
  class Unnamed extends Error {}
  it.each([
    [new TypeError('x'), 'TypeError'],
    [new Unnamed('x'), 'Error'],
    ['a string', 'string'],
    [undefined, 'undefined'],
    [{ code: 1 }, 'object'],
    [42, 'number'],
  ])('reportedErrorName(%s) is %s, as the Lambda runtime reports it', (thrown, name) => {
    expect(reportedErrorName(thrown)).toBe(name);
  });

  it.each([
    ['States.Timeout', true],
    ['Lambda.Unknown', true],
    ['Sandbox.Timedout', true],
    ['stepops.Retry', true],
    ['TypeError', false],
    ['StatesError', false],
  ])('isReservedErrorName(%s) is %s', (name, reserved) => {
    expect(isReservedErrorName(name)).toBe(reserved);
  });

  it('indexes retry names by retry number', () => {
    expect(retryAttemptErrorName(3)).toBe('stepops.Retry.3');
  });
});
