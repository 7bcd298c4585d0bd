import { describe, expect, it } from 'vitest';
import {
  buildChildPlaceholder,
  checkDefinition,
  compileJob,
  MAX_DEFINITION_CHARACTERS,
  START_EXECUTION_SYNC2_RESOURCE,
  type AslBranch,
  type AslDefinition,
  type CompiledJob,
  type OpGraph,
  buildOpGraphFromEdges,
} from '../../lib/asl/index.js';
import { runStateMachine, type TaskHandler } from '../../lib/runner/index.js';
import { jobHandler } from '../../lib/handler/index.js';
import { Backoff, RetryPolicy, job, op, type JobDefinition, type JobFailureCause } from '../../lib/index.js';
import { readPayloadRetryNumber, type OpPayload } from '../../lib/job/wire-protocol.js';
import { buildJobFromGraph } from './graph-jobs.js';
import { generateRandomGraph } from '../support/random-graph.js';
import { generateInTree, generateOutTree, generateTwoTerminal } from './series-parallel-graphs.js';
import { expectValidDefinition } from './validate.js';
import { emulateWrapper } from './emulate-wrapper.js';

const mix = (k: number): RetryPolicy | undefined =>
  [undefined, new RetryPolicy({ maxRetries: 3, delay: 5 }), new RetryPolicy({ maxRetries: 3, delay: 2, backoff: Backoff.EXPONENTIAL })][k % 3];

/** Every Task state of a definition (Parallel branches included), by name. */
function listTasks(branch: AslBranch, into: Map<string, unknown>[] = []): Map<string, unknown>[] {
  const tasks = new Map<string, unknown>();
  const walk = (b: AslBranch): void => {
    for (const [name, state] of Object.entries(b.States)) {
      if (state.Type === 'Task') tasks.set(name, state);
      if (state.Type === 'Parallel') state.Branches.forEach(walk);
    }
  };
  walk(branch);
  into.push(tasks);
  return into;
}

function allDefinitions(compiled: CompiledJob): AslDefinition[] {
  return [compiled.definition, ...compiled.childDefinitions.map((child) => child.definition)];
}

function expectWellSplit(compiled: CompiledJob, opNames: readonly string[], limit: number): number[] {
  expect(compiled.childDefinitions.length).toBeGreaterThan(0);
  const sizes = allDefinitions(compiled).map((definition) => JSON.stringify(definition).length);
  for (const size of sizes) expect(size).toBeLessThanOrEqual(limit);
  for (const definition of allDefinitions(compiled)) expect(checkDefinition(definition)).toStrictEqual([]);
  compiled.childDefinitions.forEach((child, i) => {
    expect(child.name).toBe(`part${i + 1}`);
    expect(child.placeholder).toBe(buildChildPlaceholder(i + 1));
    expect(child.placeholder).toBe(`StepopsChildPart${i + 1}Arn`);
    expect(JSON.stringify(child.definition)).toContain('${StepopsFunctionArn}');
  });
  // Every op Task exactly once across all definitions; the parent starts every child exactly once.
  const counts = new Map<string, number>();
  const starts: unknown[] = [];
  for (const definition of allDefinitions(compiled)) {
    for (const [name, state] of listTasks(definition)[0]!) {
      const task = state as { Resource: string; Arguments: { StateMachineArn?: string } };
      if (task.Resource === START_EXECUTION_SYNC2_RESOURCE) starts.push(task.Arguments.StateMachineArn);
      else counts.set(name, (counts.get(name) ?? 0) + 1);
    }
  }
  expect([...counts.keys()].sort()).toStrictEqual([...opNames].sort());
  expect([...counts.values()].every((n) => n === 1)).toBe(true);
  expect(starts.sort()).toStrictEqual(compiled.childDefinitions.map((child) => `\${${child.placeholder}}`).sort());
  return sizes;
}

describe('jobs too large for one definition compile into a parent and child state machines', () => {
  for (const size of [1000, 3000]) {
    it(`a random ${size}-op mixed-policy job: every definition within ${MAX_DEFINITION_CHARACTERS} characters and valid, each op Task once`, () => {
      const graph = generateRandomGraph(size, 2, 1);
      const started = performance.now();
      const compiled = compileJob(buildJobFromGraph(`random_${size}`, graph, mix));
      const elapsed = performance.now() - started;
      const sizes = expectWellSplit(compiled, graph.names, MAX_DEFINITION_CHARACTERS);
      console.log(`${size} ops: parent ${sizes[0]} characters, children ${sizes.slice(1).join(', ')}; ${Math.round(elapsed)} ms`);
      // asl-validator on the smallest definition (it is slow on large ones).
      const smallest = allDefinitions(compiled).reduce((a, b) => (JSON.stringify(a).length <= JSON.stringify(b).length ? a : b));
      expectValidDefinition(smallest);
    });
  }

  it('a job that fits keeps one definition and no children', () => {
    const compiled = compileJob(buildJobFromGraph('small', generateRandomGraph(30, 2, 3), mix));
    expect(compiled.childDefinitions).toStrictEqual([]);
    expect(JSON.stringify(compiled.definition)).not.toContain(START_EXECUTION_SYNC2_RESOURCE);
  });

  it('maxDefinitionCharacters forces a split; every definition passes asl-validator', () => {
    const graph = generateRandomGraph(60, 3, 4);
    // 87,145 characters in one definition; the limit leaves room for the parent's fixed states
    // (init-run, the run config check of ~1,500 characters, the final check and failure Cause:
    // 6,152 in all) beside its child-start Tasks and carried values. It splits into 6 children.
    const compiled = compileJob(buildJobFromGraph('forced', graph, mix), { maxDefinitionCharacters: 24_000 });
    expectWellSplit(compiled, graph.names, 24_000);
    for (const definition of allDefinitions(compiled)) expectValidDefinition(definition);
    expect(compiled.diagnostics.notes[0]).toMatch(/^split into a parent/);
  });

  it('a job that cannot be split to fit (one op alone is too large) still fails with the size', () => {
    expect(() => compileJob(buildJobFromGraph('tiny_limit', generateRandomGraph(10, 2, 1)), { maxDefinitionCharacters: 3_000 })).toThrow(
      /compiles to \d+ characters, over the limit of 3000 .*cannot be split/,
    );
    expect(() => compileJob(buildJobFromGraph('bad', generateRandomGraph(3, 1, 1)), { maxDefinitionCharacters: 0 })).toThrow(/maxDefinitionCharacters must be an integer/);
  });
});

/**
 * Adds, for each child-start Task of the parent, a handler that runs the child definition
 * in process (same handlers, the parent's clock) and returns the .sync:2 result shape.
 */
function withChildren(compiled: CompiledJob, handlers: Record<string, TaskHandler>, started: string[] = []): Record<string, TaskHandler> {
  const byArn = new Map(compiled.childDefinitions.map((child) => [`\${${child.placeholder}}`, child]));
  const all: Record<string, TaskHandler> = { ...handlers };
  const startChild: TaskHandler = async (args, ctx) => {
    const { StateMachineArn, Input } = args as { StateMachineArn: string; Input: unknown };
    const child = byArn.get(StateMachineArn);
    if (child === undefined) throw new Error(`no child ${StateMachineArn}`);
    started.push(child.name);
    const result = await runStateMachine(child.definition, { input: Input, taskHandlers: all, clock: ctx.clock, executionName: `child-${child.name}` });
    if (result.status !== 'SUCCEEDED') {
      const error = new Error(JSON.stringify(result.error));
      error.name = 'States.TaskFailed';
      throw error;
    }
    return { Output: result.output, Status: 'SUCCEEDED', StateMachineArn, ExecutionArn: `arn:child:${child.name}` };
  };
  const collect = (definition: AslDefinition): void => {
    for (const [name, state] of listTasks(definition)[0]!) {
      if ((state as { Resource: string }).Resource === START_EXECUTION_SYNC2_RESOURCE) all[name] = startChild;
    }
  };
  for (const definition of allDefinitions(compiled)) collect(definition);
  return all;
}

describe('a split job behaves as one state machine (local runner, children run in process)', () => {
  const graph = generateRandomGraph(40, 3, 7);
  const compiled = compileJob(buildJobFromGraph('split_flow', graph), { maxDefinitionCharacters: 20_000 });

  it('splits into several children', () => {
    expect(compiled.childDefinitions.length).toBeGreaterThanOrEqual(3);
    expectWellSplit(compiled, graph.names, 20_000);
  });

  it('data flows across the boundaries: every op receives its producers outputs in order; runId is the parent execution name', async () => {
    const calls = new Map<string, OpPayload>();
    const started: string[] = [];
    const result = await runStateMachine(compiled.definition, {
      taskHandlers: withChildren(compiled, emulateWrapper(graph.names, new Set(), calls), started),
      executionName: 'run-1',
      input: { ops: { op5: { config: { x: 1 } } } },
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(started.length).toBe(compiled.childDefinitions.length);
    expect(calls.size).toBe(graph.names.length);
    graph.names.forEach((name, k) => {
      const payload = calls.get(name)!;
      expect(payload.inputs.map((input) => (input as { op: string }).op)).toStrictEqual(graph.predecessors[k]!.map((p) => graph.names[p]));
      expect(payload.runId).toBe('run-1');
      expect(payload.job).toBe('split_flow');
      expect(readPayloadRetryNumber(payload)).toBe(0);
    });
    expect(calls.get('op5')!.config).toStrictEqual({ x: 1 });
    const sinks = graph.names.filter((_, k) => graph.successors[k]!.length === 0);
    expect(Object.keys(result.output as object)).toStrictEqual(sinks);
    // Same output as the unsplit machine.
    const single = await runStateMachine(compileJob(buildJobFromGraph('split_flow', graph)).definition, {
      taskHandlers: emulateWrapper(graph.names, new Set(), new Map()),
      executionName: 'run-1',
    });
    expect(result.output).toStrictEqual(single.output);
  });

  it('a failed op inside a child skips its downstream in the parent and other children; the run fails naming every failed op, as unsplit', async () => {
    const failing = new Set(['op3', 'op17', 'op30']);
    const run = async (definition: AslDefinition, handlers: Record<string, TaskHandler>) => runStateMachine(definition, { taskHandlers: handlers });
    const calls = new Map<string, OpPayload>();
    const result = await run(compiled.definition, withChildren(compiled, emulateWrapper(graph.names, failing, calls)));
    const single = await run(compileJob(buildJobFromGraph('split_flow', graph)).definition, emulateWrapper(graph.names, failing, new Map()));
    expect(result.status).toBe('FAILED');
    expect(result.error!.error).toBe('BoomError');
    expect(result.error).toStrictEqual(single.error);
    const cause = JSON.parse(result.error!.cause!) as JobFailureCause;
    expect(cause.failedOps.map((f) => f.op)).toContain('op3');
    expect(cause.skippedOps.length).toBeGreaterThan(0);
    expect(calls.size).toBe(graph.names.length);
  });

  it('a child that fails unexpectedly marks the ops it carries failed; independent ops still run; the parent fails with its usual Fail', async () => {
    const calls = new Map<string, OpPayload>();
    const handlers = withChildren(compiled, emulateWrapper(graph.names, new Set(), calls));
    const crash: TaskHandler = () => {
      const error = new Error('child crashed');
      error.name = 'States.TaskFailed';
      throw error;
    };
    const firstStart = Object.keys(compiled.definition.States).find((name) => name.startsWith('start-part'))!;
    const result = await runStateMachine(compiled.definition, { taskHandlers: { ...handlers, [firstStart]: crash } });
    expect(result.status).toBe('FAILED');
    expect(result.error!.error).toBe('States.TaskFailed');
    const cause = JSON.parse(result.error!.cause!) as JobFailureCause;
    expect(cause.failedOps.length).toBeGreaterThan(0);
    expect(cause.failedOps.every((f) => f.error === 'States.TaskFailed')).toBe(true);
  });
});

describe('retries inside a child: the real wrapper, retry numbers and runId are the parent run', () => {
  it('policy retries and the RetryRequested loop count as in one machine', async () => {
    const seen: { op: string; retry: number; runId: string }[] = [];
    const flaky = (name: string, first: boolean) => {
      const body = async (context: { retryNumber: number; runId: string }, input?: unknown) => {
        seen.push({ op: name, retry: context.retryNumber, runId: context.runId });
        if (context.retryNumber < 2) throw new Error('flaky');
        return { op: name, from: (input as { op?: string } | undefined)?.op ?? null };
      };
      const policy = new RetryPolicy({ maxRetries: 3, delay: 2 });
      return first
        ? op({ name, retryPolicy: policy }, async (context) => body(context))
        : op({ name, retryPolicy: policy }, async (context, input: unknown) => body(context, input));
    };
    const ops = Array.from({ length: 12 }, (_, k) => flaky(`step${k}`, k === 0));
    const chain: JobDefinition = job({ name: 'chain_job' }, () => {
      let previous: unknown;
      ops.forEach((definition, k) => {
        const invoke = definition as unknown as (...inputs: unknown[]) => unknown;
        previous = k === 0 ? invoke() : invoke(previous);
      });
    });
    const compiled = compileJob(chain, { maxDefinitionCharacters: 8_000 });
    expect(compiled.childDefinitions.length).toBeGreaterThan(1);
    const handle = jobHandler(chain, { writeLog: () => {} });
    const invokeOp: TaskHandler = async (args) => ({ Payload: await handle((args as { Payload: unknown }).Payload, { awsRequestId: 'local' }) });
    const handlers = Object.fromEntries(chain.invocations.map((invocation) => [invocation.name, invokeOp]));
    const result = await runStateMachine(compiled.definition, { taskHandlers: withChildren(compiled, handlers), executionName: 'parent-run' });
    expect(result.status).toBe('SUCCEEDED');
    expect(seen.length).toBe(12 * 3);
    expect(seen.every((s) => s.runId === 'parent-run')).toBe(true);
    for (let k = 0; k < 12; k += 1) expect(seen.filter((s) => s.op === `step${k}`).map((s) => s.retry)).toStrictEqual([0, 1, 2]);
    expect(result.elapsedSeconds).toBe(12 * (2 + 2));
    expect(result.output).toStrictEqual({ step11: { op: 'step11', from: 'step10' } });
  });
});

describe('a 1,000-op job of any shape splits into at most 4 definitions', () => {
  const size = 1000;
  const star = (): OpGraph => graphFromPredecessors(Array.from({ length: size }, (_, k) => (k === 0 ? [] : [0])));
  const fanIn = (): OpGraph => graphFromPredecessors(Array.from({ length: size }, (_, k) => (k === size - 1 ? Array.from({ length: size - 1 }, (_, p) => p) : [])));
  const chain = (): OpGraph => graphFromPredecessors(Array.from({ length: size }, (_, k) => (k === 0 ? [] : [k - 1])));
  const shapes: readonly (readonly [string, () => OpGraph])[] = [
    ['one handle consumed by 999 ops', star],
    ['999 ops feeding one', fanIn],
    ['a chain', chain],
    ['an out-tree', () => generateOutTree(size, 1)],
    ['an in-tree', () => generateInTree(size, 1)],
    ['a two-terminal series-parallel graph', () => generateTwoTerminal(size, 1)],
    ['a random graph, k = 3', () => generateRandomGraph(size, 3, 2)],
  ];
  for (const [name, build] of shapes) {
    it(`${name}: every definition fits, each op Task once, at most 4 definitions`, () => {
      const graph = build();
      const compiled = compileJob(buildJobFromGraph('wide', graph, mix));
      const sizes = expectWellSplit(compiled, graph.names, MAX_DEFINITION_CHARACTERS);
      console.log(`${name}: parent ${sizes[0]} characters, children ${sizes.slice(1).join(', ')}`);
      expect(sizes.length).toBeLessThanOrEqual(4);
    });
  }
});

function graphFromPredecessors(predecessors: readonly (readonly number[])[]): OpGraph {
  return buildOpGraphFromEdges(
    predecessors.map((_, k) => `op${k}`),
    predecessors,
  );
}
