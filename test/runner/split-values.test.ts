/**
 * A split job run locally moves every value across its parts as one machine would: values that
 * cross from a child to another child, from a child to a block the parent runs itself (an
 * inlined part) and back, inline and stored in the IO manager, reach exactly their consumers;
 * a failed op skips the same ops as in the unsplit job.
 */
import { describe, expect, it } from 'vitest';
import { buildOpGraphFromEdges, compileJob, LAMBDA_INVOKE_RESOURCE, type AslBranch, type CompiledJob, type OpGraph } from '../../lib/asl/index.js';
import { job, op, type JobFailureCause, type LogRecord, type OpContext, type OutputHandle } from '../../lib/index.js';
import { runJobLocally } from '../../lib/runner/local/run-job-locally.js';
import { generateRandomGraph } from '../support/random-graph.js';

const quiet = { writeLog: (_record: LogRecord) => {} };
/** Over the job's inline threshold (16,384 bytes): these ops' outputs travel as references to the IO manager. */
const STORED = new Set([0, 3, 11, 20, 33, 47]);

/** op0 feeds `width` ops, which all feed one join, which feeds `width` ops, which all feed the last. */
function buildFansGraph(width: number): OpGraph {
  const predecessors: number[][] = [[]];
  for (let i = 0; i < width; i += 1) predecessors.push([0]);
  predecessors.push(Array.from({ length: width }, (_, i) => i + 1));
  for (let i = 0; i < width; i += 1) predecessors.push([width + 1]);
  predecessors.push(Array.from({ length: width }, (_, i) => width + 2 + i));
  return buildOpGraphFromEdges(
    predecessors.map((_, k) => `op${k}`),
    predecessors,
  );
}

interface SplitCase {
  readonly name: string;
  readonly graph: OpGraph;
  readonly maxDefinitionCharacters: number;
}

/** At these limits both jobs split into several children and blocks the parent runs itself (inlined parts). */
const CASES: readonly SplitCase[] = [
  { name: 'a random graph of 60 ops (k = 3, seed 4)', graph: generateRandomGraph(60, 3, 4), maxDefinitionCharacters: 25_000 },
  { name: 'two fans of 12 ops around a join', graph: buildFansGraph(12), maxDefinitionCharacters: 16_000 },
];

class BrokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BrokenError';
  }
}

/** `graph` as a job: op k returns its name, the sum of its inputs' `sum` plus k, and (STORED) 20,000 characters; `failing` ops throw. */
function buildValueJob(graph: OpGraph, failing: ReadonlySet<string>, received: Map<string, unknown[]>) {
  const definitions = graph.names.map((name, k) => {
    const compute = (_context: OpContext, ...inputs: unknown[]): unknown => {
      received.set(name, inputs);
      if (failing.has(name)) throw new BrokenError(`${name} broke`);
      const sum = inputs.reduce<number>((total, input) => total + (input as { sum: number }).sum, k);
      return { op: name, sum, ...(STORED.has(k) ? { padding: `${name}:`.padEnd(20_000, '.') } : {}) };
    };
    Object.defineProperty(compute, 'length', { value: graph.predecessors[k]!.length + 1 });
    return op({ name }, compute);
  });
  return job({ name: 'split_values' }, () => {
    const handles: OutputHandle[] = [];
    definitions.forEach((definition, k) => {
      const invoke = definition as unknown as (...inputs: OutputHandle[]) => OutputHandle;
      handles[k] = invoke(...graph.predecessors[k]!.map((p) => handles[p]!));
    });
  });
}

/** The op Task names of a definition or branch (Tasks invoking the function), nested Parallels included. */
function listOpTasks(branch: AslBranch): string[] {
  return Object.entries(branch.States).flatMap(([name, state]) => {
    if (state.Type === 'Parallel') return state.Branches.flatMap(listOpTasks);
    return state.Type === 'Task' && state.Resource === LAMBDA_INVOKE_RESOURCE ? [name] : [];
  });
}

/** Every state name of a definition or branch, nested Parallels included. */
function listStateNames(branch: AslBranch): string[] {
  return Object.entries(branch.States).flatMap(([name, state]) => [name, ...(state.Type === 'Parallel' ? state.Branches.flatMap(listStateNames) : [])]);
}

/** Which definition runs each op: 'parent' (an inlined block) or the child's name. */
function locateOps(compiled: CompiledJob): Map<string, string> {
  const where = new Map<string, string>();
  for (const name of listOpTasks(compiled.definition)) where.set(name, 'parent');
  for (const child of compiled.childDefinitions) for (const name of listOpTasks(child.definition)) where.set(name, child.name);
  return where;
}

async function runBoth(split: SplitCase, failing: ReadonlySet<string>) {
  const splitReceived = new Map<string, unknown[]>();
  const wholeReceived = new Map<string, unknown[]>();
  const compile = { maxDefinitionCharacters: split.maxDefinitionCharacters };
  const splitRun = await runJobLocally(buildValueJob(split.graph, failing, splitReceived), { ...quiet, compile, executionName: 'run-1' });
  const wholeRun = await runJobLocally(buildValueJob(split.graph, failing, wholeReceived), { ...quiet, executionName: 'run-1' });
  return { split: splitRun, whole: wholeRun, splitReceived, wholeReceived };
}

/** The ops downstream of op k. */
function listDescendants(graph: OpGraph, k: number): Set<number> {
  const seen = new Set<number>();
  const stack = [k];
  while (stack.length > 0) {
    for (const s of graph.successors[stack.pop()!]!) {
      if (seen.has(s)) continue;
      seen.add(s);
      stack.push(s);
    }
  }
  return seen;
}

/** The kinds of edges that cross between definitions: 'child->child', 'child->parent', ... */
function listCrossings(graph: OpGraph, where: ReadonlyMap<string, string>): Set<string> {
  const crossings = new Set<string>();
  const kind = (name: string) => (where.get(name) === 'parent' ? 'parent' : 'child');
  graph.predecessors.forEach((inputs, k) => {
    for (const p of inputs) {
      const [from, to] = [graph.names[p]!, graph.names[k]!];
      if (where.get(from) !== where.get(to) || where.get(from) === 'parent') crossings.add(`${kind(from)}->${kind(to)}`);
    }
  });
  return crossings;
}

describe('values across the parts of a split job (runJobLocally)', () => {
  const compiled = new Map(CASES.map((split) => [split, compileJob(buildValueJob(split.graph, new Set(), new Map()), { maxDefinitionCharacters: split.maxDefinitionCharacters })]));

  it('the jobs split into children and inlined parts, with values crossing child -> child, child -> parent and parent -> child', () => {
    const crossings = new Set<string>();
    for (const split of CASES) {
      const job = compiled.get(split)!;
      expect(job.childDefinitions.length, split.name).toBeGreaterThanOrEqual(2);
      expect(listStateNames(job.definition).filter((name) => name.startsWith('inline-part')).length, split.name).toBeGreaterThanOrEqual(1);
      const where = locateOps(job);
      expect([...where.keys()].sort(), split.name).toStrictEqual([...split.graph.names].sort());
      for (const crossing of listCrossings(split.graph, where)) crossings.add(crossing);
    }
    expect([...crossings].filter((crossing) => crossing !== 'parent->parent').sort()).toStrictEqual(['child->child', 'child->parent', 'parent->child']);
  });

  for (const split of CASES) {
    it(`${split.name}: every op receives exactly its producers' outputs (stored ones read back); the run returns what the unsplit job returns`, async () => {
      const { split: run, whole, splitReceived } = await runBoth(split, new Set());
      expect(run.status).toBe('SUCCEEDED');
      expect(run.childExecutions).toHaveLength(compiled.get(split)!.childDefinitions.length);
      split.graph.names.forEach((name, k) => {
        expect(splitReceived.get(name), name).toStrictEqual(split.graph.predecessors[k]!.map((p) => run.opOutputs[split.graph.names[p]!]));
      });
      for (const k of STORED) if (k < split.graph.names.length) expect((run.opOutputs[split.graph.names[k]!] as { padding: string }).padding).toHaveLength(20_000);
      expect(run.output).toStrictEqual(whole.output);
      expect(run.opOutputs).toStrictEqual(whole.opOutputs);
    });

    // In the fans job every op the parent runs is upstream or downstream of every other op: one failing op is enough there.
    it.runIf(split.name.startsWith('a random'))(
      `${split.name}: an op failing in a child and one failing in the parent skip exactly what they skip unsplit; the run fails naming both`,
      async () => {
        const where = locateOps(compiled.get(split)!);
        const { graph } = split;
        const hasConsumers = (k: number) => graph.successors[k]!.length > 0;
        const isRelated = (a: number, b: number) => a === b || listDescendants(graph, a).has(b) || listDescendants(graph, b).has(a);
        // An op the parent runs and an op in a child with consumers, neither downstream of the other: both fail.
        const pairs = graph.names.flatMap((_, a) => graph.names.map((__, b) => [a, b] as const));
        const candidate = (parentHasConsumers: boolean) =>
          pairs.find(
            ([a, b]) =>
              where.get(graph.names[a]!) === 'parent' && where.get(graph.names[b]!) !== 'parent' && (!parentHasConsumers || hasConsumers(a)) && hasConsumers(b) && !isRelated(a, b),
          );
        // The random job's parent runs only sinks.
        const [parentOp, childOp] = candidate(true) ?? candidate(false)!;
        const [inParent, inChild] = [graph.names[parentOp]!, graph.names[childOp]!];
        const { split: run, whole, splitReceived, wholeReceived } = await runBoth(split, new Set([inChild, inParent]));
        expect(run.status).toBe('FAILED');
        expect(run.error!.error).toBe('BrokenError');
        const splitCause = JSON.parse(run.error!.cause!) as JobFailureCause;
        const wholeCause = JSON.parse(whole.error!.cause!) as JobFailureCause;
        expect(splitCause.failedOps.map((failed) => failed.op).sort()).toStrictEqual([inChild, inParent].sort());
        expect(splitCause.failedOps).toStrictEqual(wholeCause.failedOps);
        expect(splitCause.skippedOps).toStrictEqual(wholeCause.skippedOps);
        expect(splitCause.skippedOps.length).toBeGreaterThan(0);
        expect([...splitReceived.keys()].sort()).toStrictEqual([...wholeReceived.keys()].sort());
        expect(run.opOutputs).toStrictEqual(whole.opOutputs);
      },
    );
  }
});
