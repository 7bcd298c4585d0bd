import type { AslDefinition } from './asl-types.js';
import type { OpBlock } from './op-blocks.js';

/** A child machine's States (shared between a split job's attempts: never modified). */
type ChildStates = AslDefinition['States'];

/** A compiled child machine without its Comment, the parent's variables it reads, and its carry's shape. */
export interface CachedChild {
  readonly states: ChildStates;
  readonly reads: readonly number[];
  readonly single: boolean;
  readonly f: boolean;
}

/** One block's child, compiled once: its states for each Parallel offset asked for so far. */
interface CachedBlock {
  readonly reads: readonly number[];
  readonly single: boolean;
  readonly f: boolean;
  /** The offset it was compiled at: its states there are the ones the others are renumbered from. */
  readonly compiledAt: number;
  readonly byOffset: Map<number, ChildStates>;
  /** JSON.stringify of the states compiled at `compiledAt`, once the block is renumbered. */
  text?: string;
}

/**
 * Compiled child machines of one job (same graph, ops and sinks), for a split job's attempts to
 * reuse: a child's states depend on its block (by identity: split-job.ts gives a group of blocks
 * the same block object on every attempt) and on the number its first Parallel gets, its
 * offset (the Parallels numbered before it in pre-order), and on nothing else; its name,
 * placeholder and Comment come from its child number, given on each use. A child asked for at
 * another offset than it was compiled at is its compiled states with every Parallel number
 * moved by the difference (renumberParallels), not compiled again. Also keeps the JSON length of
 * the States objects it is asked to measure (measureStates).
 */
export class ChildCache {
  private readonly blocks = new Map<OpBlock, CachedBlock>();
  private readonly lengths = new WeakMap<ChildStates, number>();

  /** The child of `block` at Parallel offset `offset`, if its block was compiled before. */
  get(block: OpBlock, offset: number): CachedChild | undefined {
    const known = this.blocks.get(block);
    if (known === undefined) return undefined;
    let states = known.byOffset.get(offset);
    if (states === undefined) {
      known.text ??= JSON.stringify(known.byOffset.get(known.compiledAt));
      const text = renumberParallels(known.text, offset - known.compiledAt);
      states = JSON.parse(text) as ChildStates;
      this.lengths.set(states, text.length);
      known.byOffset.set(offset, states);
    }
    return { states, reads: known.reads, single: known.single, f: known.f };
  }

  /** Records the child of `block` compiled at `offset` (a block not compiled before). */
  set(block: OpBlock, offset: number, child: CachedChild): void {
    this.blocks.set(block, { reads: child.reads, single: child.single, f: child.f, compiledAt: offset, byOffset: new Map([[offset, child.states]]) });
  }

  /** Drops the child of `block` (it is compiled again if asked for). */
  forget(block: OpBlock): void {
    this.blocks.delete(block);
  }

  /** JSON.stringify(states).length, serialized once per States object (they are never modified). */
  measureStates(states: ChildStates): number {
    let length = this.lengths.get(states);
    if (length === undefined) {
      length = JSON.stringify(states).length;
      this.lengths.set(states, length);
    }
    return length;
  }
}

/**
 * The JSON text of a child machine's States with every Parallel number n made n + delta: the
 * Parallel states' names (`"parallel-<n>"`, as keys and as StartAt / Next / Default values: a
 * whole JSON string, which no other state name can be, since op names have no hyphen), their
 * failure lists' variables as assigned (`"f<n>":"{% $append(`, the only Assign value of that
 * shape: an op Task keyed `"f<n>"` holds an object) and as read in expressions (`$f<n>` not
 * followed by a name character: `$fn`, `$floor` are other names). These are the only places a
 * Parallel's number appears in a child (compile-structure.ts compileParallel); a child never
 * refers to a Parallel outside it.
 */
export function renumberParallels(text: string, delta: number): string {
  if (delta === 0) return text;
  return text.replace(PARALLEL_NUMBERS, (_, state?: string, assigned?: string, read?: string) => {
    if (state !== undefined) return `"parallel-${Number(state) + delta}"`;
    if (assigned !== undefined) return `"f${Number(assigned) + delta}":"{% $append(`;
    return `$f${Number(read) + delta}`;
  });
}

const PARALLEL_NUMBERS = /"parallel-(\d+)"|"f(\d+)":"\{% \$append\(|\$f(\d+)(?![A-Za-z0-9_])/g;
