import type { OpGraph } from './job-graph.js';
import type { OpBlock } from './op-blocks.js';

/** An op the compiled structure can make wait for ops it does not depend on. */
export interface HeldBackOp {
  readonly op: string;
  /**
   * Ops it does not depend on (not upstream of it) that it may wait for, because the structure
   * runs them in an earlier part of a sequence; only the latest such ops (an op upstream of
   * another listed one is implied) and only those its own producers do not already wait for.
   */
  readonly mayWaitFor: readonly string[];
}

/**
 * Every op the structure can hold back beyond what the graph asks: y may wait for x when the
 * structure starts y only after x (x in an earlier item of a sequence enclosing both) but x is
 * not upstream of y. Empty exactly when the structure is exact for every duration vector
 * (makespan = critical path whatever the ops take). Listed per op, in invocation order, with
 * the hold-backs an op inherits through its producers left out (they are reported for the
 * producer). O(ops^2 / 32) words of bit rows.
 */
export function findHeldBackOps(block: OpBlock, graph: OpGraph): HeldBackOp[] {
  const n = graph.names.length;
  const words = Math.ceil(n / 32);
  // before[y]: the ops the structure runs before y starts; upstream[y]: y's ancestors in the graph.
  const before = listOpsRunBefore(block, n);
  const upstream = new Uint32Array(n * words);
  for (let y = 0; y < n; y += 1) {
    for (const p of graph.predecessors[y]!) {
      upstream[y * words + (p >>> 5)]! |= 1 << (p & 31);
      for (let w = 0; w <= p >>> 5; w += 1) upstream[y * words + w]! |= upstream[p * words + w]!;
    }
  }

  const held: HeldBackOp[] = [];
  const extra = new Uint32Array(words);
  const covered = new Uint32Array(words);
  for (let y = 0; y < n; y += 1) {
    let any = false;
    for (let w = 0; w < words; w += 1) {
      let bits = before[y * words + w]! & ~upstream[y * words + w]!;
      for (const p of graph.predecessors[y]!) bits &= ~before[p * words + w]!;
      extra[w] = bits;
      any ||= bits !== 0;
    }
    if (!any) continue;
    // Leave out x when it is upstream of another op of `extra`: waiting for that one waits for x.
    // Such an op leads, through ops of `extra`, to one that is upstream of none (listed), so
    // walking down from the highest, x is left out exactly when it is upstream of a listed op.
    const listed: number[] = [];
    covered.fill(0);
    for (let w = words - 1; w >= 0; w -= 1) {
      for (let bits = extra[w]! & ~covered[w]!; bits !== 0; bits = extra[w]! & ~covered[w]! & ((1 << (31 - Math.clz32(bits))) - 1)) {
        const x = w * 32 + 31 - Math.clz32(bits);
        listed.push(x);
        for (let v = 0; v <= w; v += 1) covered[v]! |= upstream[x * words + v]!;
      }
    }
    listed.reverse();
    held.push({ op: graph.names[y]!, mayWaitFor: listed.map((x) => graph.names[x]!) });
  }
  return held;
}

/** `after_quick may wait for slow (not an input)`: one line per held-back op. */
export function describeHeldBackOp(held: HeldBackOp, maxNames = 5): string {
  const names = held.mayWaitFor.slice(0, maxNames).join(', ');
  const more = held.mayWaitFor.length > maxNames ? ` and ${held.mayWaitFor.length - maxNames} more` : '';
  return `${held.op} may wait for ${names}${more} (${held.mayWaitFor.length === 1 ? 'not an input' : 'not inputs'})`;
}

/**
 * Bit rows (ceil(opCount / 32) words per op): row y holds the ops the structure has finished
 * before it starts y (everything in earlier items of every sequence enclosing y).
 */
export function listOpsRunBefore(block: OpBlock, opCount: number): Uint32Array {
  const words = Math.ceil(opCount / 32);
  const before = new Uint32Array(opCount * words);
  const walk = (node: OpBlock, done: Uint32Array): Uint32Array => {
    if (node.kind === 'op') {
      before.set(done, node.op * words);
      const after = done.slice();
      after[node.op >>> 5]! |= 1 << (node.op & 31);
      return after;
    }
    if (node.kind === 'sequence') return node.items.reduce((current, item) => walk(item, current), done);
    const after = done.slice();
    for (const branch of node.branches) {
      const result = walk(branch, done);
      for (let w = 0; w < words; w += 1) after[w]! |= result[w]!;
    }
    return after;
  };
  walk(block, new Uint32Array(words));
  return before;
}
