import { evaluateMakespan, type OpDurations } from './evaluate-makespan.js';
import { buildSequence, type OpBlock } from './op-blocks.js';

/**
 * Removes Parallel states that buy nothing: a Parallel whose branches, run one after the
 * other, still finish within the time its place in the structure allows (its slack: a
 * shorter branch of an enclosing Parallel, or spare time left by a sequence) becomes a
 * sequence. The makespan never grows; each removed Parallel saves one state transition per
 * run. Slack is handed out left to right in a sequence.
 */
export function compactParallels(block: OpBlock, durations: OpDurations): OpBlock {
  return compact(block, evaluateMakespan(block, durations), durations);
}

function compact(block: OpBlock, allowed: number, durations: OpDurations): OpBlock {
  if (block.kind === 'op') return block;
  if (block.kind === 'parallel') {
    const total = block.branches.reduce((sum, branch) => sum + evaluateMakespan(branch, durations), 0);
    if (total <= allowed + 1e-9) return compact(buildSequence(block.branches), allowed, durations);
    return { kind: 'parallel', branches: block.branches.map((branch) => compact(branch, allowed, durations)) };
  }
  const spans = block.items.map((item) => evaluateMakespan(item, durations));
  let slack = allowed - spans.reduce((sum, span) => sum + span, 0);
  const items = block.items.map((item, i) => {
    const compacted = compact(item, spans[i]! + slack, durations);
    slack -= evaluateMakespan(compacted, durations) - spans[i]!;
    return compacted;
  });
  return buildSequence(items);
}
