import { describe, expect, it } from 'vitest';
import { buildStates, compileStructure, type OpCompileInfo, type StructureContext } from '../../lib/asl/compile-structure.js';
import { decomposeGraph } from '../../lib/asl/decompose-graph.js';
import { collectOpCharacters, measureWholeDefinition } from '../../lib/asl/split-job.js';
import { WholeMeasure } from '../../lib/asl/whole-measure.js';
import { compileOpRetries } from '../../lib/asl/compile-retriers.js';
import { compileFaultHandling } from '../../lib/asl/compile-faults.js';
import type { AslState } from '../../lib/asl/asl-types.js';
import { RetryPolicy } from '../../lib/index.js';
import { generateRandomGraph } from '../support/random-graph.js';

/** The structure context of a random graph's ops, every third with a policy (so with Retry blocks). */
function buildContext(size: number, seed: number): { context: StructureContext; names: readonly string[] } {
  const graph = generateRandomGraph(size, 2, seed);
  const policy = new RetryPolicy({ maxRetries: 3, delay: 5 });
  const ops: OpCompileInfo[] = graph.names.map((name, k) => {
    const retries = compileOpRetries(k % 3 === 0 ? policy : undefined, { fidelity: 'exact', subject: name });
    return {
      name,
      inputs: graph.predecessors[k]!,
      after: [],
      retryMode: retries.retryMode,
      retriers: retries.retriers,
      faultRecord: compileFaultHandling(k % 3 === 0 ? policy : undefined).record,
    };
  });
  const sinks = new Set(graph.successors.flatMap((consumers, k) => (consumers.length === 0 ? [k] : [])));
  return { context: { graph, ops, sinks }, names: graph.names };
}

describe('the unsplit definition measured as it is compiled (WholeMeasure)', () => {
  it.each([
    [40, 1],
    [120, 2],
    [300, 3],
  ])('%i ops (seed %i): the same length and op characters as measureWholeDefinition on the built states, which it keeps within the limit and drops past it', (size, seed) => {
    const { context, names } = buildContext(size, seed);
    const root = decomposeGraph(context.graph);
    const plain = compileStructure(root, context, 'next');
    const reference = measureWholeDefinition({ StartAt: plain.startAt, States: buildStates(plain.states) }, names);
    const shell = JSON.stringify({ StartAt: plain.startAt, States: {} }).length - 2;
    for (const limit of [Infinity, Math.floor(reference.characters / 3)]) {
      const measure = new WholeMeasure(limit);
      const measured = compileStructure(root, { ...context, measure }, 'next');
      const sink = measured.sink!;
      expect(shell + 2 + sink.characters + Math.max(0, sink.count - 1)).toBe(reference.characters);
      expect(collectOpCharacters(measure.sizes, names)).toStrictEqual(reference.opCharacters);
      expect(measure.dropped).toBe(limit !== Infinity);
      expect(JSON.stringify(measured.states)).toBe(limit === Infinity ? JSON.stringify(plain.states) : '[]');
    }
  });
});

describe("an op's characters for the split's plan (collectOpCharacters)", () => {
  it.each([
    [60, 4],
    [200, 5],
  ])('%i ops (seed %i): count every state the op owns (its Task and each state named after it: Wait, fault Choice, branch-ending Succeed), plus the margin', (size, seed) => {
    const { context, names } = buildContext(size, seed);
    const plain = compileStructure(decomposeGraph(context.graph), context, 'next');
    const definition = { StartAt: plain.startAt, States: buildStates(plain.states) };
    // Every state, nested ones included, as `"name":` and its JSON (a Parallel's without its branches).
    const owned = new Map<string, number>(names.map((name) => [name, 0]));
    const visit = (states: Record<string, AslState>): void => {
      for (const [name, state] of Object.entries(states)) {
        const owner = owned.has(name) ? name : name.replace(/-[a-z]+$/, '');
        const own = JSON.stringify(state.Type === 'Parallel' ? { ...state, Branches: [] } : state).length;
        if (owned.has(owner)) owned.set(owner, owned.get(owner)! + JSON.stringify(name).length + 2 + own);
        if (state.Type === 'Parallel') state.Branches.forEach((branch) => visit(branch.States));
      }
    };
    visit(definition.States);
    const { opCharacters } = measureWholeDefinition(definition, names);
    // Faulting ops have a fault Choice: the count would miss ~10% of an op without it.
    expect(Object.keys(definition.States).some((name) => name.endsWith('-f'))).toBe(true);
    expect(opCharacters).toStrictEqual(names.map((name) => owned.get(name)! + 40));
  });
});
