/**
 * Test helper: plays one compiled Task state the way Step Functions would, for the wrapper's
 * tests. The Payload comes from the compiled definition (its JSONata fields evaluated with the
 * `jsonata` package), the Lambda error becomes {Error, Cause} as the runtime reports it, the
 * Task's own Retry and Catch blocks decide what happens next, and a Catch on RetryAfter goes
 * through the compiled Wait state back into the Task. Waits are recorded, not waited.
 */
import jsonata from 'jsonata';
import type { AslDefinition, AslState, AslTaskState } from '../../lib/asl/index.js';
import { isOpOutcomeMarker } from '../../lib/job/wire-protocol.js';
import { type LambdaHandler } from '../../lib/handler/index.js';
import { toStepFunctionsError, type StepFunctionsError } from '../../lib/handler/task-failure.js';

export interface TaskAttempt {
  /** The payload the Task sent, evaluated from its Arguments.Payload. */
  readonly payload: Record<string, unknown>;
  /** The Step Functions Error of a failed attempt. */
  readonly error?: string;
  /** How the next attempt came: the matching retrier (its index in Retry) or the Wait loop. */
  readonly retriedBy?: { readonly retrier: number } | 'loop';
  /** The wait before the next attempt: the retrier's (no jitter) or the Wait state's Seconds. */
  readonly waitSeconds?: number;
}

export interface TaskRun {
  readonly attempts: readonly TaskAttempt[];
  /** The op's output, or the failure marker the Catch-all recorded. */
  readonly result: unknown;
  readonly failure?: StepFunctionsError;
}

export interface TaskRunContext {
  readonly handler: LambdaHandler;
  readonly executionName: string;
  readonly executionInput: unknown;
  /** The values of the Task's inputs, in parameter order (bound to the variables its Payload reads). */
  readonly inputs: readonly unknown[];
  /** Variables assigned before the Task runs (see assignStartVariables). @default {} */
  readonly variables?: Readonly<Record<string, unknown>>;
}

/**
 * The variables the definition's first states assign (Pass states with Assign, from StartAt
 * on), evaluated with the execution's name and input, as Step Functions would at the start.
 */
export async function assignStartVariables(definition: Pick<AslDefinition, 'States' | 'StartAt'>, executionName: string, executionInput: unknown): Promise<Record<string, unknown>> {
  const variables: Record<string, unknown> = {};
  const context = { Execution: { Name: executionName, Input: executionInput } };
  let state: AslState | undefined = definition.States[definition.StartAt];
  while (state?.Type === 'Pass' && state.Assign !== undefined) {
    Object.assign(variables, await evaluateTemplate(state.Assign, { ...variables, states: { input: executionInput, context } }));
    state = state.Next === undefined ? undefined : definition.States[state.Next];
  }
  return variables;
}

/** Every state of a definition by name, Parallel branches included. */
export function collectStates(definition: Pick<AslDefinition, 'States'>): Map<string, AslState> {
  const states = new Map<string, AslState>();
  for (const [name, state] of Object.entries(definition.States)) {
    states.set(name, state);
    if (state.Type === 'Parallel') for (const branch of state.Branches) for (const [inner, value] of collectStates(branch)) states.set(inner, value);
  }
  return states;
}

/** Evaluates every `{% %}` string of a template with JSONata and these bindings (names without `$`). */
export async function evaluateTemplate(template: unknown, bindings: Record<string, unknown>): Promise<unknown> {
  if (typeof template === 'string') {
    const match = /^\{%(.*)%\}$/s.exec(template);
    return match === null ? template : jsonata(match[1]!).evaluate({}, { parse: (text: string) => JSON.parse(text) as unknown, ...bindings });
  }
  if (Array.isArray(template)) return Promise.all(template.map((item) => evaluateTemplate(item, bindings)));
  if (typeof template === 'object' && template !== null) {
    const entries = await Promise.all(Object.entries(template).map(async ([key, value]) => [key, await evaluateTemplate(value, bindings)] as const));
    return Object.fromEntries(entries);
  }
  return template;
}

/** The first failure marker inside a value (the catcher may wrap it in a branch's carry object). */
function findMarker(value: unknown): unknown {
  if (isOpOutcomeMarker(value)) return value;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const item of Object.values(value)) {
    const marker = findMarker(item);
    if (marker !== undefined) return marker;
  }
  return undefined;
}

/** Binds each input's variable (`$v0` in the Payload's `'inputs':[...]`) to the value given for that input, boxed. */
function bindInputs(task: AslTaskState, inputs: readonly unknown[]): Record<string, unknown> {
  // The Payload is one JSONata expression merging the run's template with the op's own fields;
  // its inputs are `'inputs':[$v1,$v2]`, each variable holding its producer's value boxed in an array.
  const payload = (task.Arguments as { Payload: string }).Payload;
  const list = /'inputs':\[([^\]]*)\]/.exec(payload)?.[1] ?? '';
  const names = [...list.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1]!);
  return Object.fromEntries(names.map((name, index) => [name, [inputs[index]]]));
}

/** Runs the Task named `taskName` until it succeeds or its Catch-all catches a failure. */
export async function runCompiledTask(states: Map<string, AslState>, taskName: string, context: TaskRunContext): Promise<TaskRun> {
  const task = states.get(taskName);
  if (task?.Type !== 'Task') throw new Error(`no Task state named ${taskName}`);
  const variables = { ...context.variables, ...bindInputs(task, context.inputs) };
  const attempts: TaskAttempt[] = [];
  let stateInput: unknown = {};
  for (let entry = 0; entry < 100; entry += 1) {
    const retriers = task.Retry ?? [];
    const counters = retriers.map(() => 0);
    let retryCount = 0;
    for (;;) {
      const states$ = {
        input: stateInput,
        context: { Execution: { Name: context.executionName, Input: context.executionInput }, State: { Name: taskName, RetryCount: retryCount } },
      };
      const payload = (await evaluateTemplate((task.Arguments as { Payload: unknown }).Payload, { ...variables, states: states$ })) as Record<string, unknown>;
      let output: unknown;
      try {
        output = await context.handler(payload);
      } catch (thrown) {
        const failure = toStepFunctionsError(thrown);
        const index = retriers.findIndex((retrier) => retrier.ErrorEquals.includes(failure.Error) || retrier.ErrorEquals.includes('States.ALL'));
        const retrier = retriers[index];
        if (retrier !== undefined && counters[index]! < (retrier.MaxAttempts ?? 3)) {
          counters[index]! += 1;
          retryCount += 1;
          const raw = (retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** (counters[index]! - 1);
          attempts.push({ payload, error: failure.Error, retriedBy: { retrier: index }, waitSeconds: Math.min(raw, retrier.MaxDelaySeconds ?? Infinity) });
          continue;
        }
        const catcher = (task.Catch ?? []).find((candidate) => candidate.ErrorEquals.includes(failure.Error) || candidate.ErrorEquals.includes('States.ALL'));
        if (catcher === undefined) throw new Error(`Task ${taskName} failed with ${failure.Error} and no catcher`);
        const errorBindings = { ...variables, states: { ...states$, errorOutput: failure } };
        const next = states.get(catcher.Next);
        if (next?.Type === 'Wait') {
          stateInput = await evaluateTemplate(catcher.Output, errorBindings);
          const waitSeconds = (await evaluateTemplate(next.Seconds, { states: { input: stateInput } })) as number;
          if (next.Next !== taskName) throw new Error(`Wait ${catcher.Next} does not lead back to ${taskName}`);
          attempts.push({ payload, error: failure.Error, retriedBy: 'loop', waitSeconds });
          break;
        }
        attempts.push({ payload, error: failure.Error });
        const recorded = await evaluateTemplate({ assign: catcher.Assign ?? null, output: catcher.Output ?? null }, errorBindings);
        return { attempts, result: findMarker(recorded), failure };
      }
      attempts.push({ payload });
      return { attempts, result: output };
    }
  }
  throw new Error(`Task ${taskName} looped 100 times`);
}
