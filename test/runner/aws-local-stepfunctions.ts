/**
 * aws-local-stepfunctions, loaded for the cross-check tests. Version 3 targets Node 22 and calls
 * Promise.withResolvers (Node >= 22): polyfill it on Node 20 before loading the package.
 */
const promiseStatics = Promise as unknown as { withResolvers?: () => unknown };
if (promiseStatics.withResolvers === undefined) {
  promiseStatics.withResolvers = () => {
    let resolve!: (value: unknown) => void;
    let reject!: (reason: unknown) => void;
    const promise = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

export const { StateMachine } = await import('aws-local-stepfunctions');
