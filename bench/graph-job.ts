import { SOURCES, type StepopsUnderTest } from './stepops-under-test.js';
import type { JobDefinition, OpGraph, OutputHandle, RetryPolicy } from './stepops.js';

/** How one op behaves in a benchmark job. */
export interface BenchOpBehaviour {
  /** The op's RetryPolicy. @default - none */
  readonly policy?: RetryPolicy;
  /** Attempts that fail before the op succeeds. @default 0 */
  readonly failures?: number;
  /**
   * 'error': a plain Error (the policy retries it); 'retry-requested': RetryRequested with
   * `maxRetries: failures` and secondsToWait 1 (the Catch -> Wait loop retries it).
   * @default 'error'
   */
  readonly failWith?: 'error' | 'retry-requested';
}

/**
 * A job whose invocations follow `graph`: op k is named graph.names[k], takes its
 * predecessors' outputs in ascending order, fails its first `failures` attempts (read from
 * ctx.retryNumber) and then returns a small object. `stepops` is the package that defines the job
 * (the sources unless told): a job runs only on the package that defined it.
 */
export function buildGraphJob(
  name: string,
  graph: OpGraph,
  behaviourOf: (k: number) => BenchOpBehaviour = () => ({}),
  stepops: Pick<StepopsUnderTest, 'job' | 'op' | 'RetryRequested'> = SOURCES,
): JobDefinition {
  const { job, op, RetryRequested } = stepops;
  const definitions = graph.names.map((opName, k) => {
    const { policy, failures = 0, failWith = 'error' } = behaviourOf(k);
    const compute = (context: { readonly retryNumber: number }, ...inputs: unknown[]): unknown => {
      if (context.retryNumber < failures) {
        if (failWith === 'retry-requested') throw new RetryRequested({ maxRetries: failures, secondsToWait: 1 });
        throw new Error(`${opName} fails attempt ${context.retryNumber + 1} on purpose`);
      }
      return { op: opName, inputs: inputs.length };
    };
    Object.defineProperty(compute, 'length', { value: graph.predecessors[k]!.length + 1 });
    return op({ name: opName, ...(policy === undefined ? {} : { retryPolicy: policy }) }, compute);
  });
  return job({ name }, () => {
    const handles: OutputHandle[] = [];
    definitions.forEach((definition, k) => {
      const invoke = definition as unknown as (...inputs: OutputHandle[]) => OutputHandle;
      handles[k] = invoke(...graph.predecessors[k]!.map((p) => handles[p]!));
    });
  });
}
