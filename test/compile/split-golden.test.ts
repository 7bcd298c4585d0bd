import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compileJob } from '../../lib/asl/index.js';
import { Backoff, RetryPolicy } from '../../lib/index.js';
import { generateRandomGraph } from '../support/random-graph.js';
import { buildJobFromGraph } from './graph-jobs.js';
import { readGolden } from './golden.js';

/**
 * What split jobs compile to, pinned: compileJob reuses a child machine's states between the
 * split's attempts (compile-structure.ts ChildCache), which must not change a character. Each
 * case is the sha256 of JSON.stringify of the whole CompiledJob (parent, children, retry plans,
 * diagnostics) and its length; the golden (test/compile/golden/split-jobs.json) was written by
 * main 67309fc, before the cache (the two renumbered cases by main c3932d3, before child-cache.ts
 * renumbered cached children's Parallels). Session 14 rewrote the six cases with a tight limit,
 * whose split changed deliberately (an op's characters now count its fault Choice; a parent too
 * large tries a larger budget), after checking that compileJob with ChildCache.get always missing
 * gave the same file. Rewrite with UPDATE_GOLDEN=1 only for a deliberate change.
 */
const mix = (k: number): RetryPolicy | undefined =>
  [undefined, new RetryPolicy({ maxRetries: 2, delay: 5 }), new RetryPolicy({ maxRetries: 3, delay: 2, backoff: Backoff.EXPONENTIAL })][k % 3];

describe('split jobs compile as before (pinned on seeded graphs)', () => {
  const cases: readonly (readonly [string, number, number, number, number?])[] = [
    // name, ops, k, seed, maxDefinitionCharacters (default: Step Functions' limit)
    ['random 1000 k=2 seed 1 (the bench job: one attempt, then the parent rebuilt with children inlined)', 1000, 2, 1],
    ['random 120 k=2 seed 3, limit 40,000', 120, 2, 3, 40_000],
    ['random 200 k=3 seed 4, limit 60,000', 200, 3, 4, 60_000],
    ['random 80 k=1 seed 5, limit 20,000', 80, 1, 5, 20_000],
    ['random 150 k=2 seed 6, limit 25,000', 150, 2, 6, 25_000],
    // Attempts that number the same child's Parallels from another offset (child-cache.ts renumbers them).
    ['random 600 k=2 seed 11, limit 80,000 (21 children, renumbered)', 600, 2, 11, 80_000],
    ['random 1000 k=2 seed 13, limit 300,000 (renumbered)', 1000, 2, 13, 300_000],
  ];
  const actual = Object.fromEntries(
    cases.map(([name, size, k, seed, limit]) => {
      const compiled = compileJob(
        buildJobFromGraph(`split_${size}_${seed}`, generateRandomGraph(size, k, seed), mix),
        limit === undefined ? {} : { maxDefinitionCharacters: limit },
      );
      const text = JSON.stringify(compiled);
      return [name, { sha256: createHash('sha256').update(text).digest('hex').slice(0, 24), characters: text.length, children: compiled.childDefinitions.length }];
    }),
  );
  const golden = readGolden('split-jobs', actual) as Record<string, unknown>;
  for (const [name] of cases) {
    it(name, () => {
      expect(actual[name]).toStrictEqual(golden[name]);
    });
  }
});
