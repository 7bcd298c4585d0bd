import type { AslBranch, AslDefinition, AslState } from './asl-types.js';
import type { ChildDefinition } from './compile-job.js';
import { listBlockOps, type OpBlock } from './op-blocks.js';
import { buildFailedStateName, buildWaitStateName } from './state-names.js';

/** Characters a block costs beyond its ops' own states: a Parallel, a carry entry... (a margin, checked by measuring). */
const PARALLEL_CHARACTERS = 200;
const PER_OP_MARGIN = 40;

/**
 * The characters each op's own states (its Task, Wait and branch-ending Succeed) take in a
 * compiled definition, measured on it (states nested in Parallels included), plus a margin for
 * the carry and failure-list references that grow with the op count.
 */
export function measureOpCharacters(definition: AslBranch, names: readonly string[]): number[] {
  const sizes = new Map<string, number>();
  const walk = (branch: AslBranch): void => {
    for (const [name, state] of Object.entries(branch.States)) {
      sizes.set(name, JSON.stringify(name).length + 2 + JSON.stringify(stripBranches(state)).length);
      if (state.Type === 'Parallel') state.Branches.forEach(walk);
    }
  };
  walk(definition);
  return names.map((name, k) => [name, buildWaitStateName(name, k), buildFailedStateName(name, k)].reduce((sum, state) => sum + (sizes.get(state) ?? 0), PER_OP_MARGIN));
}

function stripBranches(state: AslState): AslState {
  return state.Type === 'Parallel' ? { ...state, Branches: [] } : state;
}

export function blockCharacters(block: OpBlock, opCharacters: readonly number[]): number {
  const ops = listBlockOps(block).reduce((sum, k) => sum + opCharacters[k]!, 0);
  return ops + countAllParallels(block) * PARALLEL_CHARACTERS;
}

function countAllParallels(block: OpBlock): number {
  if (block.kind === 'op') return 0;
  const children = block.kind === 'sequence' ? block.items : block.branches;
  return (block.kind === 'parallel' ? 1 : 0) + children.reduce((sum, child) => sum + countAllParallels(child), 0);
}

export interface SplitPlan {
  /** The structure with oversized sequences regrouped: runs of consecutive items become one (external) sequence block. */
  readonly root: OpBlock;
  /** The blocks that run as child state machines. */
  readonly externals: ReadonlySet<OpBlock>;
}

/**
 * Chooses the blocks that run as child machines so that each child's estimated size is within
 * `budget`, with few children: a block that fits becomes one child; a Parallel that does not
 * stays in the parent and its branches are packed, largest first, into groups that fit (each
 * group one child running a Parallel of its branches; a branch too big on its own is planned
 * in turn), so a wide fan-out makes a few children, not one per branch; a sequence that does
 * not fit is cut into runs of consecutive items that fit (each run one child), an item too big
 * on its own planned in turn. Then the smallest children (a few ops left over) go back into the
 * parent while it stays within `parentBudget`. Returns undefined when an op alone does not fit.
 */
export function planSplit(root: OpBlock, opCharacters: readonly number[], budget: number, parentBudget = Math.floor(budget / 2)): SplitPlan | undefined {
  const externals = new Set<OpBlock>();
  const sizes = new Map<OpBlock, number>();
  // blockCharacters, summed from the children's sizes so that nested blocks cost linear time in all.
  const size = (block: OpBlock): number => {
    let known = sizes.get(block);
    if (known === undefined) {
      if (block.kind === 'op') known = opCharacters[block.op]!;
      else {
        known = block.kind === 'parallel' ? PARALLEL_CHARACTERS : 0;
        for (const child of block.kind === 'sequence' ? block.items : block.branches) known += size(child);
      }
      sizes.set(block, known);
    }
    return known;
  };
  const external = (block: OpBlock): OpBlock => {
    externals.add(block);
    return block;
  };
  const plan = (block: OpBlock): OpBlock | undefined => {
    if (size(block) <= budget) return external(block);
    if (block.kind === 'op') return undefined;
    if (block.kind === 'parallel') return planParallel(block.branches);
    const items: OpBlock[] = [];
    let run: OpBlock[] = [];
    let runSize = 0;
    const flush = (): void => {
      if (run.length === 0) return;
      items.push(external(run.length === 1 ? run[0]! : { kind: 'sequence', items: run }));
      run = [];
      runSize = 0;
    };
    for (const item of block.items) {
      const itemSize = size(item);
      if (itemSize > budget) {
        flush();
        const planned = plan(item);
        if (planned === undefined) return undefined;
        items.push(planned);
        continue;
      }
      if (runSize + itemSize > budget) flush();
      run.push(item);
      runSize += itemSize;
    }
    flush();
    return { kind: 'sequence', items };
  };
  const planParallel = (branches: readonly OpBlock[]): OpBlock | undefined => {
    const planned: OpBlock[] = [];
    const groups: { branches: OpBlock[]; size: number }[] = [];
    const bySize = [...branches].sort((a, b) => size(b) - size(a));
    for (const branch of bySize) {
      const branchSize = size(branch);
      if (branchSize > budget) {
        const inner = plan(branch);
        if (inner === undefined) return undefined;
        planned.push(inner);
        continue;
      }
      const group = groups.find((candidate) => candidate.size + branchSize + PARALLEL_CHARACTERS <= budget);
      if (group === undefined) groups.push({ branches: [branch], size: branchSize + PARALLEL_CHARACTERS });
      else {
        group.branches.push(branch);
        group.size += branchSize;
      }
    }
    for (const group of groups) planned.push(external(group.branches.length === 1 ? group.branches[0]! : { kind: 'parallel', branches: group.branches }));
    return { kind: 'parallel', branches: planned };
  };
  const planned = plan(root);
  if (planned === undefined) return undefined;
  inlineSmallChildren(planned, externals, size, parentBudget);
  return { root: planned, externals };
}

/** Puts the smallest children back into the parent while its estimated size stays within `budget`. */
function inlineSmallChildren(root: OpBlock, externals: Set<OpBlock>, size: (block: OpBlock) => number, budget: number): void {
  const parentSize = (block: OpBlock): number => {
    if (externals.has(block)) return CHILD_START_CHARACTERS;
    if (block.kind === 'op') return size(block);
    const children = block.kind === 'sequence' ? block.items : block.branches;
    return children.reduce((sum, child) => sum + parentSize(child), block.kind === 'parallel' ? PARALLEL_CHARACTERS : 0);
  };
  let parent = parentSize(root);
  for (const child of [...externals].sort((a, b) => size(a) - size(b))) {
    if (externals.size === 1 || parent - CHILD_START_CHARACTERS + size(child) > budget) break;
    externals.delete(child);
    parent += size(child) - CHILD_START_CHARACTERS;
  }
}

/** Characters of a child-start Task in the parent, without the values it passes (a margin). */
const CHILD_START_CHARACTERS = 1_500;

/**
 * Splits a job too large for one definition: plans child machines with a size budget from the
 * measured characters of each op, compiles, measures every definition, and tightens the budget
 * until all fit. A failure says why no budget worked: an op alone too large, or a parent that
 * stays too large (it carries every value that crosses between children, and smaller children
 * mean more crossings).
 */
export function splitJob(
  structure: OpBlock,
  build: (root: OpBlock, externals?: ReadonlySet<OpBlock>) => { definition: AslDefinition; children: readonly ChildDefinition[] },
  opCharacters: readonly number[],
  limit: number,
): { definition: AslDefinition; children: readonly ChildDefinition[] } | { failure: string } {
  let budget = Math.floor(limit * 0.9) - SPLIT_FIXED_CHARACTERS;
  // Half for the parent's own ops: it also carries every value that crosses between children.
  let parentBudget = Math.floor(budget / 2);
  let smallestOverflow: string | undefined;
  for (let attempt = 0; attempt < 16 && budget > 0; attempt += 1) {
    const plan = planSplit(structure, opCharacters, budget, parentBudget);
    if (plan === undefined) return { failure: `an op's own states alone take more than ${budget} characters` };
    const result = build(plan.root, plan.externals);
    const parentCharacters = JSON.stringify(result.definition).length;
    const largestChild = Math.max(0, ...result.children.map((child) => JSON.stringify(child.definition).length));
    if (parentCharacters <= limit && largestChild <= limit) return result;
    smallestOverflow = `with ${result.children.length} children the parent takes ${parentCharacters} characters and the largest child ${largestChild}`;
    // Aim the next budget at what the largest child measured, with a margin.
    if (largestChild > limit) budget = Math.floor(budget * Math.min(0.9, (0.97 * limit) / largestChild));
    else if (parentBudget > 0) {
      // The parent is too large: keep fewer ops in it (it also carries every value that crosses between children).
      parentBudget = Math.floor(parentBudget * 0.6);
    } else break;
  }
  return { failure: smallestOverflow ?? `no child budget leaves room within ${limit} characters` };
}

/** Characters of a child that do not depend on its ops' states: init state, Comment, Input reads (a margin). */
const SPLIT_FIXED_CHARACTERS = 2_000;
