import type { OpBlock, OpGraph } from './stepops.js';

/**
 * The usual hand-written pattern, the baseline of the schedule figure: one Parallel per
 * topological level (level = longest chain of producers before the op), the levels in
 * sequence; a level of one op is that op's Task.
 */
export function buildLevelByLevel(graph: OpGraph): OpBlock {
  const level: number[] = [];
  const byLevel: number[][] = [];
  graph.names.forEach((_, k) => {
    level[k] = graph.predecessors[k]!.reduce((max, p) => Math.max(max, level[p]! + 1), 0);
    (byLevel[level[k]] ??= []).push(k);
  });
  const items = byLevel.map((ops): OpBlock => (ops.length === 1 ? { kind: 'op', op: ops[0]! } : { kind: 'parallel', branches: ops.map((op) => ({ kind: 'op', op })) }));
  return items.length === 1 ? items[0]! : { kind: 'sequence', items };
}

/** How many Parallel states a structure has. */
export function countParallels(block: OpBlock): number {
  if (block.kind === 'op') return 0;
  const children = block.kind === 'sequence' ? block.items : block.branches;
  return (block.kind === 'parallel' ? 1 : 0) + children.reduce((sum, child) => sum + countParallels(child), 0);
}
