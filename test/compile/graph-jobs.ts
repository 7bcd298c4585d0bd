import { job, op, type JobDefinition, type OutputHandle, type RetryPolicy } from '../../lib/index.js';
import type { OpGraph } from '../../lib/asl/index.js';

/**
 * A job whose invocations follow `graph`: op k is named graph.names[k] and takes its
 * predecessors' outputs, in ascending order; each op returns its inputs and its name.
 */
export function buildJobFromGraph(name: string, graph: OpGraph, policyFor?: (k: number) => RetryPolicy | undefined): JobDefinition {
  const definitions = graph.names.map((opName, k) => {
    const compute = (_context: unknown, ...inputs: unknown[]): unknown => ({ op: opName, inputs });
    Object.defineProperty(compute, 'length', { value: graph.predecessors[k]!.length + 1 });
    const policy = policyFor?.(k);
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
