import type { OpGraph } from './job-graph.js';
import type { OpBlock } from './op-blocks.js';

/** Per-op durations by op index; unit durations when absent. */
export type OpDurations = readonly number[];

/** The makespan of a compiled structure: a sequence adds up, a Parallel waits for its longest branch. */
export function evaluateMakespan(block: OpBlock, durations: OpDurations): number {
  if (block.kind === 'op') return durations[block.op] ?? 1;
  if (block.kind === 'sequence') return block.items.reduce((sum, item) => sum + evaluateMakespan(item, durations), 0);
  return block.branches.reduce((max, branch) => Math.max(max, evaluateMakespan(branch, durations)), 0);
}

/** The critical path of the op graph: the longest chain of durations, the best any schedule can do. */
export function computeCriticalPath(graph: OpGraph, durations: OpDurations): number {
  const finish: number[] = [];
  let longest = 0;
  graph.names.forEach((_, k) => {
    const start = graph.predecessors[k]!.reduce((max, p) => Math.max(max, finish[p]!), 0);
    finish[k] = start + (durations[k] ?? 1);
    longest = Math.max(longest, finish[k]);
  });
  return longest;
}

/** True when the structure runs every op once and each op after all its producers. */
export function respectsDependencies(block: OpBlock, graph: OpGraph): boolean {
  const done = new Set<number>();
  const seen = new Set<number>();
  // Walk: a sequence runs items in order; a Parallel's branches see only what was done before it.
  const walk = (node: OpBlock, before: ReadonlySet<number>): Set<number> | undefined => {
    if (node.kind === 'op') {
      if (seen.has(node.op)) return undefined;
      seen.add(node.op);
      if (!graph.predecessors[node.op]!.every((p) => before.has(p))) return undefined;
      return new Set([...before, node.op]);
    }
    if (node.kind === 'sequence') {
      let current: Set<number> | undefined = new Set(before);
      for (const item of node.items) {
        current = walk(item, current);
        if (current === undefined) return undefined;
      }
      return current;
    }
    const after = new Set(before);
    for (const branch of node.branches) {
      const result = walk(branch, before);
      if (result === undefined) return undefined;
      for (const op of result) after.add(op);
    }
    return after;
  };
  const result = walk(block, done);
  return result !== undefined && seen.size === graph.names.length;
}
