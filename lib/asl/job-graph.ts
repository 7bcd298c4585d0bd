import { DefinitionError, describeValue } from '../errors.js';
import type { JobDefinition } from '../job/job.js';

/**
 * A job's op graph by index: op k is the k-th invocation (invocation order is topological),
 * `predecessors[k]` / `successors[k]` its distinct producers / consumers, ascending.
 */
export interface OpGraph {
  readonly names: readonly string[];
  readonly predecessors: readonly (readonly number[])[];
  readonly successors: readonly (readonly number[])[];
}

/** Builds the op graph of a job, checking that every input and `.after` dependency names an earlier invocation. */
export function buildOpGraph(job: Pick<JobDefinition, 'name' | 'invocations'>): OpGraph {
  const index = new Map<string, number>();
  job.invocations.forEach((invocation, k) => {
    if (index.has(invocation.name)) {
      throw new DefinitionError(`job "${job.name}" has two invocations named "${invocation.name}"; give each invocation its own alias`);
    }
    index.set(invocation.name, k);
  });
  const predecessors = job.invocations.map((invocation, k) => {
    const producers = new Set<number>();
    for (const input of [...invocation.inputs, ...invocation.after]) {
      const producer = index.get(input);
      if (producer === undefined || producer >= k) {
        throw new DefinitionError(
          `job "${job.name}": op "${invocation.name}" ${invocation.inputs.includes(input) ? 'takes the output of' : 'runs after'} ${describeValue(input)}, which is not an earlier invocation of this job; call the producing op before its consumers in the job body`,
        );
      }
      producers.add(producer);
    }
    return [...producers].sort((a, b) => a - b);
  });
  return buildOpGraphFromEdges(
    job.invocations.map((invocation) => invocation.name),
    predecessors,
  );
}

/** Builds an op graph from names and, per op, its predecessors (all lower indices). */
export function buildOpGraphFromEdges(names: readonly string[], predecessors: readonly (readonly number[])[]): OpGraph {
  const successors: number[][] = names.map(() => []);
  predecessors.forEach((preds, k) => {
    for (const p of preds) successors[p]!.push(k);
  });
  return { names, predecessors: predecessors.map((p) => [...new Set(p)].sort((a, b) => a - b)), successors };
}
