/**
 * aws-local-stepfunctions, loaded once for the cross-check tests (test/runner) and the
 * benchmark baseline (bench/local-runner.ts). Version 3 targets Node 22 and calls
 * Promise.withResolvers (Node >= 22): polyfill it on Node 20 before loading the package.
 */
const promiseStatics = Promise as unknown as { withResolvers?: () => unknown };
promiseStatics.withResolvers ??= () => {
  let resolve!: (value: unknown) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

export const { StateMachine } = await import('aws-local-stepfunctions');

/**
 * Runs a JSONPath definition with aws-local-stepfunctions: Task handlers in process by state
 * name, every retry interval overridden to 0 ms. Resolves when the execution ends.
 */
export async function runWithAwsLocalStepFunctions(definition: object, handlers: Readonly<Record<string, () => Promise<unknown>>>): Promise<'SUCCEEDED' | 'FAILED'> {
  const machine = new StateMachine(definition as never, { validationOptions: { checkArn: false } });
  const retryIntervalOverrides = Object.fromEntries(Object.keys(handlers).map((state) => [state, 0]));
  const execution = machine.run({}, { overrides: { taskResourceLocalHandlers: handlers as never, retryIntervalOverrides } });
  try {
    await execution.result;
    return 'SUCCEEDED';
  } catch {
    return 'FAILED';
  }
}
