import type { OpGraph } from './job-graph.js';
import type { OpBlock } from './op-blocks.js';

/** An op the compiled structure can make wait for ops it does not depend on. */
export interface HeldBackOp {
  readonly op: string;
  /**
   * Ops it does not depend on (not upstream of it) that it may wait for, because the structure
   * runs them in an earlier part of a sequence; only the latest such ops (an op upstream of
   * another listed one is implied) and only those its own producers do not already wait for.
   * The first of them in invocation order, at most compileJob's `maxHeldBackNames` (5 by default).
   */
  readonly mayWaitFor: readonly string[];
  /**
   * How many more such ops there are beyond `mayWaitFor` (compileJob with `maxHeldBackNames:
   * Infinity` lists them all).
   * @default - absent when mayWaitFor lists them all
   */
  readonly omittedMayWaitFor?: number;
}

/** The ops a HeldBackOp names by default; the rest are counted (omittedMayWaitFor). */
export const MAX_HELD_BACK_NAMES = 5;

/**
 * Every op the structure can hold back beyond what the graph asks: y may wait for x when the
 * structure starts y only after x (x in an earlier item of a sequence enclosing both) but x is
 * not upstream of y. Empty exactly when the structure is exact for every duration vector
 * (makespan = critical path whatever the ops take). Listed per op, in invocation order, with
 * the hold-backs an op inherits through its producers left out (they are reported for the
 * producer). Each names at most `maxNames` ops (the first in invocation order) and counts the
 * others, so the result has O(ops) names whatever the graph (the whole relation can have
 * O(ops^2): 895,630 names at 3,000 random ops). O(ops^2 / 32) words of bit rows.
 */
export function findHeldBackOps(block: OpBlock, graph: OpGraph, maxNames = MAX_HELD_BACK_NAMES): HeldBackOp[] {
  const n = graph.names.length;
  const words = Math.ceil(n / 32);
  // before[y]: the ops the structure runs before y starts; upstream[y]: y's ancestors in the graph.
  const { before, latest } = listOpsRunBeforeWithLatest(block, graph, n);
  // When the structure runs every op after its producers, before[y] holds every ancestor of its
  // ops, and an op of `extra` (below) is upstream of another op of `extra` exactly when it is
  // upstream of an op of before[y], that is, when it is not in latest[y]: no walk per held-back pair.
  const ordered = graph.predecessors.every((producers, y) => producers.every((p) => (before[y * words + (p >>> 5)]! & (1 << (p & 31))) !== 0));
  // Then, too, each producer's ancestors are in its before row (the structure's order is transitive),
  // so y's ancestors outside its producers' before rows are its producers themselves: the ancestor
  // rows are needed only for a structure that is not ordered.
  const upstream = ordered ? undefined : listUpstream(graph, n, words);
  const held: HeldBackOp[] = [];
  const extra = new Uint32Array(words);
  const covered = new Uint32Array(words);
  for (let y = 0; y < n; y += 1) {
    // low: the lowest word of `extra` with a bit (words below it never matter).
    let low = -1;
    for (let w = 0; w < words; w += 1) {
      let bits = before[y * words + w]!;
      if (upstream !== undefined) bits &= ~upstream[y * words + w]!;
      for (const p of graph.predecessors[y]!) bits &= ~before[p * words + w]!;
      extra[w] = bits;
    }
    if (upstream === undefined) for (const p of graph.predecessors[y]!) extra[p >>> 5]! &= ~(1 << (p & 31));
    for (let w = 0; w < words && low < 0; w += 1) if (extra[w] !== 0) low = w;
    if (low < 0) continue;
    const lowest: number[] = [];
    let count = 0;
    if (ordered) {
      // The listed ops: extra and latest; the first `maxNames` of them named, all counted.
      for (let w = low; w < words; w += 1) {
        let bits = extra[w]! & latest[y * words + w]!;
        count += countBits(bits);
        for (; bits !== 0 && lowest.length < maxNames; bits &= bits - 1) lowest.push(w * 32 + 31 - Math.clz32(bits & -bits));
      }
    } else {
      // Leave out x when it is upstream of another op of `extra`: waiting for that one waits for x.
      // Such an op leads, through ops of `extra`, to one that is upstream of none (listed), so
      // walking down from the highest, x is left out exactly when it is upstream of a listed op.
      // Found highest first: the last `maxNames` found are the first in invocation order.
      covered.fill(0);
      for (let w = words - 1; w >= low; w -= 1) {
        for (let bits = extra[w]! & ~covered[w]!; bits !== 0; bits = extra[w]! & ~covered[w]! & ((1 << (31 - Math.clz32(bits))) - 1)) {
          const x = w * 32 + 31 - Math.clz32(bits);
          count += 1;
          if (maxNames > 0) {
            if (lowest.length === maxNames) lowest.shift();
            lowest.push(x);
          }
          for (let v = low; v <= w; v += 1) covered[v]! |= upstream![x * words + v]!;
        }
      }
      lowest.reverse();
    }
    if (count === 0) continue;
    const entry: HeldBackOp = { op: graph.names[y]!, mayWaitFor: lowest.map((x) => graph.names[x]!) };
    held.push(count > lowest.length ? { ...entry, omittedMayWaitFor: count - lowest.length } : entry);
  }
  return held;
}

/** Bit rows (`words` words per op): row y holds y's ancestors in the graph. */
function listUpstream(graph: OpGraph, n: number, words: number): Uint32Array {
  const upstream = new Uint32Array(n * words);
  for (let y = 0; y < n; y += 1) {
    for (const p of graph.predecessors[y]!) {
      upstream[y * words + (p >>> 5)]! |= 1 << (p & 31);
      for (let w = 0; w <= p >>> 5; w += 1) upstream[y * words + w]! |= upstream[p * words + w]!;
    }
  }
  return upstream;
}

/** The 1 bits of a 32-bit word. */
function countBits(word: number): number {
  let bits = word - ((word >>> 1) & 0x55555555);
  bits = (bits & 0x33333333) + ((bits >>> 2) & 0x33333333);
  return (((bits + (bits >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** `after_quick may wait for slow (not an input)`: one line per held-back op, naming at most `maxNames` ops and counting the others. */
export function describeHeldBackOp(held: HeldBackOp, maxNames = MAX_HELD_BACK_NAMES): string {
  const total = held.mayWaitFor.length + (held.omittedMayWaitFor ?? 0);
  const shown = held.mayWaitFor.slice(0, maxNames);
  const more = total > shown.length ? ` and ${total - shown.length} more` : '';
  return `${held.op} may wait for ${shown.join(', ')}${more} (${total === 1 ? 'not an input' : 'not inputs'})`;
}

/**
 * Held-back ops in a few readable lines: the first `maxOps` ops one line each (describeHeldBackOp),
 * then how many more ops there are and how many hold-backs they have in all.
 */
export function describeHeldBackOps(heldBackOps: readonly HeldBackOp[], maxOps: number): string[] {
  const shown = heldBackOps.slice(0, maxOps).map((held) => describeHeldBackOp(held));
  const rest = heldBackOps.slice(maxOps);
  if (rest.length === 0) return shown;
  const pairs = rest.reduce((sum, held) => sum + held.mayWaitFor.length + (held.omittedMayWaitFor ?? 0), 0);
  return [
    ...shown,
    `... and ${rest.length} more op${rest.length === 1 ? '' : 's'} that may wait for ops ${rest.length === 1 ? 'it does' : 'they do'} not depend on (${pairs} such pair${pairs === 1 ? '' : 's'} in all: diagnostics.heldBackOps lists each op)`,
  ];
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

/**
 * listOpsRunBefore, and in `latest` row y the ops of before[y] that no op of before[y] consumes
 * (the latest ones). Right when the structure runs every op after its producers (then no op
 * consumes an op run after it, nor one in another branch of a Parallel); findHeldBackOps checks that.
 */
function listOpsRunBeforeWithLatest(block: OpBlock, graph: OpGraph, opCount: number): { before: Uint32Array; latest: Uint32Array } {
  const words = Math.ceil(opCount / 32);
  const before = new Uint32Array(opCount * words);
  const latest = new Uint32Array(opCount * words);
  // done: the ops finished so far; top: the latest of them. Both are updated in place as the walk
  // goes (no rows per op); a Parallel keeps its entry rows and its results in its nesting level's frame.
  const done = new Uint32Array(words);
  const top = new Uint32Array(words);
  const frames: Uint32Array[] = [];
  const walk = (node: OpBlock, depth: number): void => {
    if (node.kind === 'op') {
      const x = node.op;
      before.set(done, x * words);
      latest.set(top, x * words);
      done[x >>> 5]! |= 1 << (x & 31);
      for (const p of graph.predecessors[x]!) top[p >>> 5]! &= ~(1 << (p & 31));
      top[x >>> 5]! |= 1 << (x & 31);
      return;
    }
    if (node.kind === 'sequence') {
      for (const item of node.items) walk(item, depth);
      return;
    }
    // An op done before the Parallel stays latest when no branch consumes it; a branch's own latest ops stay latest.
    // The frame: entry done, entry top, after (every branch's done), afterTop, kept (latest in every branch).
    const frame = (frames[depth] ??= new Uint32Array(5 * words));
    const entryDone = 0;
    const entryTop = words;
    const after = 2 * words;
    const afterTop = 3 * words;
    const kept = 4 * words;
    frame.set(done, entryDone);
    frame.set(top, entryTop);
    frame.set(done, after);
    frame.fill(0, afterTop, afterTop + words);
    frame.set(top, kept);
    node.branches.forEach((branch, i) => {
      if (i > 0) {
        for (let w = 0; w < words; w += 1) {
          done[w] = frame[entryDone + w]!;
          top[w] = frame[entryTop + w]!;
        }
      }
      walk(branch, depth + 1);
      for (let w = 0; w < words; w += 1) {
        frame[after + w]! |= done[w]!;
        frame[kept + w]! &= top[w]!;
        frame[afterTop + w]! |= top[w]! & ~frame[entryDone + w]!;
      }
    });
    for (let w = 0; w < words; w += 1) {
      done[w] = frame[after + w]!;
      top[w] = frame[afterTop + w]! | (frame[kept + w]! & frame[entryDone + w]!);
    }
  };
  walk(block, 0);
  return { before, latest };
}
