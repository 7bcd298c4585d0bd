import type { OpGraph } from './job-graph.js';

/**
 * Which ops each op reaches through the graph (its transitive consumers), as one bit row per
 * op: op y is in row x when a chain of inputs leads from x to y (x itself is not). Rows are
 * filled in reverse invocation order, so building costs O(edges * ops / 32) word operations
 * and ops * ops / 8 bytes (1 MB at 3,000 ops).
 */
export class Reachability {
  /** 32-bit words per row. */
  readonly words: number;
  readonly rows: Uint32Array;

  constructor(graph: OpGraph) {
    const n = graph.names.length;
    this.words = Math.ceil(n / 32);
    this.rows = new Uint32Array(n * this.words);
    for (let x = n - 1; x >= 0; x -= 1) {
      const row = x * this.words;
      for (const y of graph.successors[x]!) {
        this.rows[row + (y >>> 5)]! |= 1 << (y & 31);
        const other = y * this.words;
        // y > x: y's row has no bit at or below y, so its words below y's are zero.
        for (let w = y >>> 5; w < this.words; w += 1) this.rows[row + w]! |= this.rows[other + w]!;
      }
    }
  }

  /** True when x's output reaches y through a chain of inputs. */
  reaches(x: number, y: number): boolean {
    return (this.rows[x * this.words + (y >>> 5)]! & (1 << (y & 31))) !== 0;
  }

  /**
   * The highest op of `set` (a bit row of `words` words) above x that x does not reach, or -1.
   * Scans from `highest` (an upper bound of the set) down to x.
   */
  findHighestUnreached(x: number, set: Uint32Array, highest: number): number {
    const row = x * this.words;
    const low = x >>> 5;
    for (let w = highest >>> 5; w >= low; w -= 1) {
      let bits = set[w]! & ~this.rows[row + w]!;
      if (w === low) bits &= x % 32 === 31 ? 0 : ~((2 << (x & 31)) - 1);
      if (bits !== 0) return w * 32 + 31 - Math.clz32(bits);
    }
    return -1;
  }
}
