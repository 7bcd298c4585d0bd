/**
 * The series-parallel structure a job compiles to: a Task per op, sequences, and Parallel
 * states whose branches are sequences. `op` is an index into the OpGraph.
 */
export type OpBlock =
  | { readonly kind: 'op'; readonly op: number }
  | { readonly kind: 'sequence'; readonly items: readonly OpBlock[] }
  | { readonly kind: 'parallel'; readonly branches: readonly OpBlock[] };

/** A sequence of blocks, flattening nested sequences; one item stays itself. */
export function buildSequence(items: readonly OpBlock[]): OpBlock {
  const flat: OpBlock[] = [];
  for (const item of items) {
    if (item.kind === 'sequence') flat.push(...item.items);
    else flat.push(item);
  }
  return flat.length === 1 ? flat[0]! : { kind: 'sequence', items: flat };
}

/** A parallel of blocks, flattening nested parallels; one branch stays itself. */
export function buildParallel(branches: readonly OpBlock[]): OpBlock {
  const flat: OpBlock[] = [];
  for (const branch of branches) {
    if (branch.kind === 'parallel') flat.push(...branch.branches);
    else flat.push(branch);
  }
  return flat.length === 1 ? flat[0]! : { kind: 'parallel', branches: flat };
}

/** Each block's ops, computed once per block (blocks are immutable): a nested structure asks for every level's. */
const blockOps = new WeakMap<OpBlock, readonly number[]>();

/** The ops of a block, in structure order (shared: do not modify). Linear in the block's size, once. */
export function listBlockOps(block: OpBlock): readonly number[] {
  const known = blockOps.get(block);
  if (known !== undefined) return known;
  let ops: readonly number[];
  if (block.kind === 'op') ops = [block.op];
  else {
    const flat: number[] = [];
    for (const child of block.kind === 'sequence' ? block.items : block.branches) for (const op of listBlockOps(child)) flat.push(op);
    ops = flat;
  }
  blockOps.set(block, ops);
  return ops;
}

/** How many Parallel states a block compiles to. */
export function countParallels(block: OpBlock): number {
  if (block.kind === 'op') return 0;
  const children = block.kind === 'sequence' ? block.items : block.branches;
  return (block.kind === 'parallel' ? 1 : 0) + children.reduce((sum, child) => sum + countParallels(child), 0);
}
