import { describe, expect, it } from 'vitest';
import { splitJob, type SplitHooks } from '../../lib/asl/split-job.js';
import { listBlockOps, type OpBlock } from '../../lib/asl/op-blocks.js';
import type { AslDefinition } from '../../lib/asl/asl-types.js';
import type { BuiltSplit, ChildDefinition } from '../../lib/asl/compile-job.js';

/** A definition standing for `characters` characters (the stub measure reads them back). */
const sized = (characters: number): AslDefinition => ({ Comment: String(characters), QueryLanguage: 'JSONata', StartAt: 'x', States: {} });
const measure = (definition: AslDefinition): number => Number(definition.Comment);

describe('splitJob attempts', () => {
  // Four ops of 3,000 estimated characters; each op's child measures 6,000, the parent 100 plus its inlined children.
  const structure: OpBlock = { kind: 'sequence', items: [0, 1, 2, 3].map((op) => ({ kind: 'op', op }) as const) };
  const opCharacters = [3_000, 3_000, 3_000, 3_000];
  const limit = 10_000;
  const listExternals = (root: OpBlock, externals: ReadonlySet<OpBlock>): OpBlock[] => {
    const order: OpBlock[] = [];
    const walk = (block: OpBlock): void => {
      if (externals.has(block)) order.push(block);
      else if (block.kind === 'sequence') block.items.forEach(walk);
    };
    walk(root);
    return order;
  };
  const run = (hooks: SplitHooks | undefined) => {
    const calls: string[] = [];
    const children = (root: OpBlock, externals: ReadonlySet<OpBlock>): ChildDefinition[] =>
      listExternals(root, externals).map((block, i) => ({ name: `part${i + 1}`, placeholder: `P${i + 1}`, definition: sized(6_000 * listBlockOps(block).length) }));
    const build = (root: OpBlock, externals: ReadonlySet<OpBlock>, inlined?: ReadonlySet<OpBlock>): BuiltSplit => {
      calls.push(`build ${externals.size} children${inlined === undefined ? '' : `, ${inlined.size} inlined`}`);
      const inlinedCharacters = [...(inlined ?? [])].reduce((sum, block) => sum + 6_000 * listBlockOps(block).length, 0);
      return { definition: sized(100 + inlinedCharacters), children: children(root, externals), loads: [] };
    };
    const withHooks =
      hooks === undefined
        ? undefined
        : {
            ...hooks,
            buildChildren: (root: OpBlock, externals: ReadonlySet<OpBlock>) => {
              calls.push(`children ${externals.size}`);
              return children(root, externals);
            },
          };
    const split = splitJob(structure, build, opCharacters, limit, measure, withHooks);
    return { calls, split: JSON.stringify(split) };
  };

  it('an attempt whose largest child is too large builds no parent when another attempt follows; the same split is found', () => {
    const plain = run(undefined);
    const hooked = run({});
    expect(plain.calls).toStrictEqual(['build 2 children', 'build 4 children', 'build 3 children, 1 inlined']);
    expect(hooked.calls).toStrictEqual(['children 2', 'children 4', 'build 4 children', 'build 3 children, 1 inlined']);
    expect(hooked.split).toBe(plain.split);
  });

  it('forget is told the blocks whose children measured too large', () => {
    const forgotten: number[][] = [];
    run({ forget: (block) => forgotten.push([...listBlockOps(block)]) });
    expect(forgotten).toStrictEqual([
      [0, 1],
      [2, 3],
    ]);
  });

  // Eight ops of 1,000 estimated characters, limit 10,000; the parent takes 5,000 per child plus
  // 1,000, a child `childCharacters(its op count)`. `built` lists each built split's op counts per child.
  const eightOps: OpBlock = { kind: 'sequence', items: [0, 1, 2, 3, 4, 5, 6, 7].map((op) => ({ kind: 'op', op }) as const) };
  const splitEightOps = (childCharacters: (ops: number) => number) => {
    const built: number[][] = [];
    const build = (root: OpBlock, externals: ReadonlySet<OpBlock>): BuiltSplit => {
      const blocks = listExternals(root, externals);
      built.push(blocks.map((block) => listBlockOps(block).length));
      return {
        definition: sized(5_000 * blocks.length + 1_000),
        children: blocks.map((block, i) => ({ name: `part${i + 1}`, placeholder: `P${i + 1}`, definition: sized(childCharacters(listBlockOps(block).length)) })),
        loads: [],
      };
    };
    return { split: splitJob(eightOps, build, Array(8).fill(1_000), 10_000, measure), built };
  };

  it('a parent too large for its many children tries a larger budget (fewer, larger children)', () => {
    // Children measure 1,000 per op. The first budget (7,000) makes 2 children (7 ops, 1 op): the
    // parent takes 11,000. Aimed at the largest child (7,000), the next budget (9,700) makes one
    // child of all 8 ops: 8,000 characters, the parent 6,000.
    const { split, built } = splitEightOps((ops) => 1_000 * ops);
    expect(built).toStrictEqual([[7, 1], [8]]);
    expect('failure' in split ? split.failure : split.children.map((child) => measure(child.definition))).toStrictEqual([8_000]);
  });

  it('never tries a budget again between one that gave a child too large and one that gave a parent too large: fails saying why', () => {
    // As above, but a child of all 8 ops measures 12,000 (over the limit): no budget works.
    const { split, built } = splitEightOps((ops) => (ops === 8 ? 12_000 : 1_000 * ops));
    expect(split).toStrictEqual({ failure: 'with 2 children the parent takes 11000 characters and the largest child 7000' });
    // 7,000 (2 children), 9,700 (1 child, too large); the budgets halfway between give one of these two plans again, built no more.
    expect(built).toStrictEqual([[7, 1], [8]]);
  });
});
