import type { AslBranch, AslDefinition, AslState } from './asl-types.js';
import type { BuiltSplit, ChildDefinition } from './compile-job.js';
import type { ChildCache } from './child-cache.js';
import { listBlockOps, type OpBlock } from './op-blocks.js';
import { buildFailedStateName, buildFaultStateName, buildWaitStateName } from './state-names.js';

/** Characters a block costs beyond its ops' own states: a Parallel, a carry entry... (a margin, checked by measuring). */
const PARALLEL_CHARACTERS = 200;
const PER_OP_MARGIN = 40;

/**
 * The characters each op's own states (its Task, Wait, fault Choice and branch-ending Succeed) take in a
 * compiled definition, measured on it (states nested in Parallels included), plus a margin for
 * the carry and failure-list references that grow with the op count; and
 * JSON.stringify(definition).length, serializing each state once: the definition's length is put
 * together from its states' (JSON.stringify writes an object as `{"key":value,...}`, an array as
 * `[value,...]`, and leaves out keys whose value is undefined). compileJob measures the unsplit
 * definition this way while compiling it (whole-measure.ts); this measures a built one.
 */
export function measureWholeDefinition(definition: AslBranch, names: readonly string[]): { readonly characters: number; readonly opCharacters: number[] } {
  const sizes = new Map<string, number>();
  const measureBranch = (branch: AslBranch): number => {
    // The branch's other fields, and `{}` in place of its states.
    let characters = JSON.stringify({ ...branch, States: {} }).length;
    let count = 0;
    for (const [name, state] of Object.entries(branch.States)) {
      const key = JSON.stringify(name).length;
      const own = JSON.stringify(stripBranches(state)).length;
      sizes.set(name, key + 2 + own);
      let stateCharacters = own;
      if (state.Type === 'Parallel') {
        // `"Branches":[]` holds them, comma-separated.
        state.Branches.forEach((inner, i) => (stateCharacters += measureBranch(inner) + (i > 0 ? 1 : 0)));
      }
      characters += key + 1 + stateCharacters + (count > 0 ? 1 : 0);
      count += 1;
    }
    return characters;
  };
  const characters = measureBranch(definition);
  return { characters, opCharacters: collectOpCharacters(sizes, names) };
}

/**
 * Each op's characters for the split's plan from `sizes`, the `"name":` and JSON of every state
 * of the unsplit definition by name: its Task's, Wait's, fault Choice's and branch-ending Succeed's, plus
 * PER_OP_MARGIN (see measureWholeDefinition).
 */
export function collectOpCharacters(sizes: ReadonlyMap<string, number>, names: readonly string[]): number[] {
  return names.map((name, k) =>
    [name, buildWaitStateName(name, k), buildFaultStateName(name, k), buildFailedStateName(name, k)].reduce((sum, state) => sum + (sizes.get(state) ?? 0), PER_OP_MARGIN),
  );
}

/** JSON.stringify(definition).length. */
export function measureDefinitionCharacters(definition: AslDefinition): number {
  return JSON.stringify(definition).length;
}

/**
 * measureDefinitionCharacters that serializes each States object once (ChildCache.measureStates): a
 * split job's attempts share the states of the children they have in common (child-cache.ts),
 * and only a child's Comment (its number) differs. For one compile, whose states are never modified.
 */
export function createDefinitionMeasure(cache: ChildCache): (definition: AslDefinition) => number {
  // The definition's other fields, and `{}` in place of its states.
  return (definition) => JSON.stringify({ ...definition, States: {} }).length - 2 + cache.measureStates(definition.States);
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
 * on its own planned in turn. Every op is in a child: the parent runs none (compile-split-parent.ts).
 * Returns undefined when an op alone does not fit. A run or group of several blocks is the
 * block `groups` holds for those blocks, if any (see GroupBlocks).
 */
export function planSplit(root: OpBlock, opCharacters: readonly number[], budget: number, groups: GroupBlocks = new Map()): SplitPlan | undefined {
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
      items.push(external(run.length === 1 ? run[0]! : findGroup(groups, 'sequence', run)));
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
    const packed: { branches: OpBlock[]; size: number }[] = [];
    const bySize = [...branches].sort((a, b) => size(b) - size(a));
    for (const branch of bySize) {
      const branchSize = size(branch);
      if (branchSize > budget) {
        const inner = plan(branch);
        if (inner === undefined) return undefined;
        planned.push(inner);
        continue;
      }
      const group = packed.find((candidate) => candidate.size + branchSize + PARALLEL_CHARACTERS <= budget);
      if (group === undefined) packed.push({ branches: [branch], size: branchSize + PARALLEL_CHARACTERS });
      else {
        group.branches.push(branch);
        group.size += branchSize;
      }
    }
    for (const group of packed) planned.push(external(group.branches.length === 1 ? group.branches[0]! : findGroup(groups, 'parallel', group.branches)));
    return { kind: 'parallel', branches: planned };
  };
  const planned = plan(root);
  if (planned === undefined) return undefined;
  return { root: planned, externals };
}

/**
 * The sequence and Parallel blocks planSplit made of several blocks (a run of a sequence's items,
 * a group of a Parallel's branches), by their first member. Every attempt of a split that groups
 * the same blocks gets the same block object, so what is cached by block (the compiled child,
 * child-cache.ts; its carried ops, compile-structure.ts CarriedOps) is found again.
 */
export type GroupBlocks = Map<OpBlock, OpBlock[]>;

/** The block of `kind` made of `members` (two or more), the one `groups` holds if any. */
function findGroup(groups: GroupBlocks, kind: 'sequence' | 'parallel', members: OpBlock[]): OpBlock {
  const first = members[0]!;
  const known = groups.get(first) ?? [];
  for (const block of known) {
    if (block.kind !== kind) continue;
    const others = block.kind === 'sequence' ? block.items : block.kind === 'parallel' ? block.branches : [];
    if (others.length === members.length && others.every((other, i) => other === members[i])) return block;
  }
  const block: OpBlock = kind === 'sequence' ? { kind, items: members } : { kind, branches: members };
  known.push(block);
  groups.set(first, known);
  return block;
}

/**
 * Splits a job too large for one definition: plans child machines with a size budget from the
 * measured characters of each op, compiles, measures every definition, and moves the budget
 * until all fit: down when a child is too large (aimed at what the largest child measured), up
 * when only the parent is (it grows with the number of children, so fewer and larger children
 * may fit), never back to a budget that was too large or too small. Then runs the smallest
 * children in the parent itself (inlined), as long as the parent stays within the limit, so that
 * a job has few child state machines. A failure says why no budget worked: an op alone too
 * large, or a parent that is too large (its size grows with the children, the values they read
 * from one another and the job's sinks). See SplitHooks for what `hooks` can save.
 */
export function splitJob(
  structure: OpBlock,
  build: (root: OpBlock, externals: ReadonlySet<OpBlock>, inlined?: ReadonlySet<OpBlock>) => BuiltSplit,
  opCharacters: readonly number[],
  limit: number,
  measure: (definition: AslDefinition) => number = measureDefinitionCharacters,
  hooks: SplitHooks = {},
): BuiltSplit | { failure: string } {
  let budget = Math.floor(limit * 0.9) - SPLIT_FIXED_CHARACTERS;
  let smallestOverflow: string | undefined;
  const groups: GroupBlocks = new Map();
  // Budgets at or below `tooSmall` gave a parent too large; at or above `tooLarge`, a child too large.
  let tooSmall = 0;
  let tooLarge = Infinity;
  // A budget strictly between the two, `wanted` if it is, else halfway; undefined when none is left.
  const within = (wanted: number): number | undefined => {
    const next = wanted > tooSmall && wanted < tooLarge ? wanted : Math.floor((tooSmall + Math.min(tooLarge, limit)) / 2);
    return next > tooSmall && next < tooLarge ? next : undefined;
  };
  // Aimed at what the largest child measured, with a margin: smaller after a child too large, larger after a parent too large.
  const aim = (largestChild: number, most: number): number => Math.floor(budget * Math.min(most, (0.97 * limit) / Math.max(1, largestChild)));
  // A child too large is not part of a split that fits: whoever keeps compiled children need not keep it alive.
  const forgetTooLarge = (plan: SplitPlan, childCharacters: readonly number[]): void => {
    if (hooks.forget === undefined) return;
    listExternalsInOrder(plan.root, plan.externals).forEach((block, i) => {
      if (childCharacters[i]! > limit) hooks.forget!(block);
    });
  };
  // What each plan tried gave (by its externals, the same block objects when planned again: GroupBlocks).
  const blockIds = new Map<OpBlock, number>();
  const outcomes = new Map<string, SplitOutcome>();
  const planKey = (plan: SplitPlan): string =>
    listExternalsInOrder(plan.root, plan.externals)
      .map((block) => {
        let id = blockIds.get(block);
        if (id === undefined) blockIds.set(block, (id = blockIds.size));
        return id;
      })
      .join(',');
  // Records what plan `key` gave at this budget and moves to the next budget, aimed at the largest
  // child when it was measured; false when no budget is left between the bounds.
  const moveBudget = (key: string, outcome: SplitOutcome, largestChild?: number): boolean => {
    outcomes.set(key, outcome);
    if (outcome === 'child too large') tooLarge = Math.min(tooLarge, budget);
    else tooSmall = Math.max(tooSmall, budget);
    const next = within(largestChild === undefined ? -1 : aim(largestChild, outcome === 'child too large' ? 0.9 : 2));
    if (next === undefined) return false;
    budget = next;
    return true;
  };
  for (let attempt = 0; attempt < MAX_SPLIT_ATTEMPTS; attempt += 1) {
    const plan = planSplit(structure, opCharacters, budget, groups);
    if (plan === undefined) return { failure: `an op's own states alone take more than ${budget} characters` };
    const key = planKey(plan);
    const known = outcomes.get(key);
    if (known !== undefined) {
      // The same children as an earlier budget: the same outcome, without building them again.
      if (!moveBudget(key, known)) break;
      continue;
    }
    if (hooks.buildChildren !== undefined && attempt + 1 < MAX_SPLIT_ATTEMPTS) {
      // A child too large decides alone when another attempt follows (only the last attempt's
      // parent size is ever reported): the parent is built for children that fit.
      const childCharacters = hooks.buildChildren(plan.root, plan.externals).map((child) => measure(child.definition));
      const largestChild = Math.max(0, ...childCharacters);
      if (largestChild > limit) {
        forgetTooLarge(plan, childCharacters);
        if (!moveBudget(key, 'child too large', largestChild)) break;
        continue;
      }
    }
    const result = build(plan.root, plan.externals);
    const parentCharacters = measure(result.definition);
    const childCharacters = result.children.map((child) => measure(child.definition));
    const largestChild = Math.max(0, ...childCharacters);
    if (parentCharacters <= limit && largestChild <= limit) return inlineSmallChildren(plan, result, parentCharacters, childCharacters, build, limit, measure);
    const overflow = `with ${result.children.length} children the parent takes ${parentCharacters} characters and the largest child ${largestChild}`;
    let moved: boolean;
    if (largestChild > limit) {
      smallestOverflow ??= overflow;
      forgetTooLarge(plan, childCharacters);
      moved = moveBudget(key, 'child too large', largestChild);
    } else {
      // Only the parent is too large: fewer, larger children shrink it (and this is what a failure reports).
      smallestOverflow = overflow;
      moved = moveBudget(key, 'parent too large', largestChild);
    }
    if (!moved) break;
  }
  return { failure: smallestOverflow ?? `no child budget leaves room within ${limit} characters` };
}

/** What a split attempt's plan gave when it did not fit. */
type SplitOutcome = 'child too large' | 'parent too large';

/** How many budgets splitJob tries. */
const MAX_SPLIT_ATTEMPTS = 16;

/** What splitJob can use beyond building a split and measuring it. */
export interface SplitHooks {
  /** Told the blocks whose children measured too large (a cache of compiled children may drop them). @default - none */
  readonly forget?: (block: OpBlock) => void;
  /**
   * The children `build` would give for these externals (in the same order), without the parent:
   * an attempt whose largest child is too large then builds no parent. @default - every attempt builds its parent
   */
  readonly buildChildren?: (root: OpBlock, externals: ReadonlySet<OpBlock>) => readonly ChildDefinition[];
}

/**
 * The split with its smallest children run in the parent (compile-split-parent.ts), smallest
 * first, while the parent's measured size plus theirs stays within INLINE_SHARE of the limit;
 * at least one child stays a child. Rebuilt and measured: when the parent would not fit after
 * all, with half as many inlined, then none.
 */
function inlineSmallChildren(
  plan: SplitPlan,
  result: BuiltSplit,
  parentCharacters: number,
  childCharacters: readonly number[],
  build: (root: OpBlock, externals: ReadonlySet<OpBlock>, inlined?: ReadonlySet<OpBlock>) => BuiltSplit,
  limit: number,
  measure: (definition: AslDefinition) => number,
): BuiltSplit {
  const blocks = listExternalsInOrder(plan.root, plan.externals);
  const bySize = blocks.map((block, i) => ({ block, characters: childCharacters[i]! })).sort((a, b) => a.characters - b.characters);
  let parent = parentCharacters;
  let count = 0;
  while (count < bySize.length - 1 && parent + bySize[count]!.characters <= limit * INLINE_SHARE) parent += bySize[count++]!.characters;
  for (; count > 0; count = Math.floor(count / 2)) {
    const inlined = new Set(bySize.slice(0, count).map((entry) => entry.block));
    const externals = new Set(blocks.filter((block) => !inlined.has(block)));
    const rebuilt = build(plan.root, externals, inlined);
    if (measure(rebuilt.definition) <= limit) return rebuilt;
  }
  return result;
}

/** The parent may fill this share of the limit with inlined children (the rest is margin for the estimate). */
const INLINE_SHARE = 0.95;

/** The external blocks in pre-order, the order the children are numbered in (compile-structure.ts). */
function listExternalsInOrder(root: OpBlock, externals: ReadonlySet<OpBlock>): OpBlock[] {
  const order: OpBlock[] = [];
  const walk = (block: OpBlock): void => {
    if (externals.has(block)) order.push(block);
    else if (block.kind !== 'op') (block.kind === 'sequence' ? block.items : block.branches).forEach(walk);
  };
  walk(root);
  return order;
}

/** Characters of a child that do not depend on its ops' states: init state, Comment, Input reads (a margin). */
const SPLIT_FIXED_CHARACTERS = 2_000;
