import type {
  Catcher,
  ChoiceRule,
  CompiledMachine,
  MapNode,
  ParallelNode,
  Retrier,
  StateGraph,
  StateNode,
  TaskNode,
} from './definition.js';
import { InvalidDefinitionError, UnsupportedDefinitionError } from './errors.js';
import { compileTemplate, isJsonataExpression, type Template } from './evaluate.js';
import { StatesErrorName } from './states-error.js';

type Json = Record<string, unknown>;

const MACHINE_FIELDS = new Set(['StartAt', 'States', 'Comment', 'Version', 'TimeoutSeconds', 'QueryLanguage']);
const GRAPH_FIELDS = new Set(['StartAt', 'States', 'Comment', 'ProcessorConfig']);
const COMMON_FIELDS = ['Type', 'Comment', 'QueryLanguage'];

const FIELDS_BY_TYPE: Readonly<Record<StateNode['type'], ReadonlySet<string>>> = {
  Task: new Set([...COMMON_FIELDS, 'Resource', 'Arguments', 'Output', 'Assign', 'Next', 'End', 'Retry', 'Catch', 'TimeoutSeconds']),
  Pass: new Set([...COMMON_FIELDS, 'Output', 'Assign', 'Next', 'End']),
  Choice: new Set([...COMMON_FIELDS, 'Choices', 'Default', 'Output', 'Assign']),
  Wait: new Set([...COMMON_FIELDS, 'Seconds', 'Timestamp', 'Output', 'Assign', 'Next', 'End']),
  Succeed: new Set([...COMMON_FIELDS, 'Output']),
  Fail: new Set([...COMMON_FIELDS, 'Error', 'Cause']),
  Parallel: new Set([...COMMON_FIELDS, 'Branches', 'Arguments', 'Output', 'Assign', 'Next', 'End', 'Retry', 'Catch']),
  Map: new Set([...COMMON_FIELDS, 'ItemProcessor', 'Items', 'ItemSelector', 'MaxConcurrency', 'Output', 'Assign', 'Next', 'End', 'Retry', 'Catch']),
};

/** JSONPath-only fields, rejected in JSONata states with the JSONata replacement. */
const JSONPATH_FIELDS: Readonly<Record<string, string>> = {
  InputPath: 'use Arguments with {% $states.input... %}',
  Parameters: 'use Arguments',
  ResultSelector: 'use Output with {% $states.result... %}',
  ResultPath: 'use Output (and Assign) to combine $states.input with $states.result or $states.errorOutput',
  OutputPath: 'use Output',
  Result: 'use Output',
  ItemsPath: 'use Items',
  SecondsPath: 'use Seconds with a {% %} expression',
  TimestampPath: 'use Timestamp with a {% %} expression',
  ErrorPath: 'use Error with a {% %} expression',
  CausePath: 'use Cause with a {% %} expression',
  MaxConcurrencyPath: 'use MaxConcurrency with a {% %} expression',
  TimeoutSecondsPath: 'use TimeoutSeconds with a {% %} expression',
  HeartbeatSecondsPath: 'remove it (heartbeats are not supported by the local runner)',
};

/** Fields Step Functions knows but the local runner does not interpret, with what to do instead. */
const UNSUPPORTED_FIELDS: Readonly<Record<string, string>> = {
  HeartbeatSeconds: 'remove HeartbeatSeconds (handlers cannot send heartbeats); use TimeoutSeconds',
  Credentials: 'remove Credentials (cross-account tasks are not run locally)',
  Iterator: 'use ItemProcessor (with ProcessorConfig Mode INLINE)',
  ItemReader: 'Distributed Map is not supported; use an inline Map with Items',
  ItemBatcher: 'Distributed Map is not supported; use an inline Map',
  ResultWriter: 'Distributed Map is not supported; use an inline Map',
  ToleratedFailurePercentage: 'Distributed Map is not supported; remove ToleratedFailurePercentage',
  ToleratedFailureCount: 'Distributed Map is not supported; remove ToleratedFailureCount',
  Label: 'Distributed Map is not supported; remove Label',
};

const VARIABLE_NAME = /^[\p{L}_][\p{L}\p{N}_]*$/u;
const MAX_STATE_NAME_LENGTH = 80;

/** Parses and validates a JSONata state machine definition; compiles every expression once. */
export function parseDefinition(definition: object | string): CompiledMachine & { readonly tasks: readonly TaskNode[] } {
  let root: unknown = definition;
  if (typeof definition === 'string') {
    try {
      root = JSON.parse(definition) as unknown;
    } catch (error) {
      throw new InvalidDefinitionError(`definition: not valid JSON (${(error as Error).message}); pass an object or a JSON string`, { cause: error });
    }
  }
  if (!isObject(root)) throw new InvalidDefinitionError('definition: must be a JSON object with StartAt and States');
  const queryLanguage = root.QueryLanguage;
  if (queryLanguage !== 'JSONata') {
    throw new UnsupportedDefinitionError(
      `definition: QueryLanguage is ${queryLanguage === undefined ? 'missing (JSONPath)' : JSON.stringify(queryLanguage)}; the local runner interprets JSONata state machines only: set "QueryLanguage": "JSONata" at the top level and use Arguments/Output/Assign`,
    );
  }
  checkKnownFields(root, MACHINE_FIELDS, 'definition');
  let timeoutSeconds: number | undefined;
  if (root.TimeoutSeconds !== undefined) {
    timeoutSeconds = readInteger(root.TimeoutSeconds, 'definition: TimeoutSeconds', 1, 99_999_999);
  }
  const context: ParseContext = { names: new Set(), tasks: [] };
  const graph = parseGraph(root, 'definition', context);
  return { graph, timeoutSeconds, tasks: context.tasks };
}

interface ParseContext {
  readonly names: Set<string>;
  readonly tasks: TaskNode[];
}

function parseGraph(raw: Json, where: string, context: ParseContext): StateGraph {
  if (typeof raw.StartAt !== 'string') throw new InvalidDefinitionError(`${where}: StartAt must be a state name (got ${describe(raw.StartAt)})`);
  if (!isObject(raw.States) || Object.keys(raw.States).length === 0) {
    throw new InvalidDefinitionError(`${where}: States must be an object with at least one state`);
  }
  const rawStates = raw.States;
  if (!(raw.StartAt in rawStates)) {
    throw new InvalidDefinitionError(`${where}: StartAt "${raw.StartAt}" names no state in States; use one of ${Object.keys(rawStates).map((n) => `"${n}"`).join(', ')}`);
  }
  const states = new Map<string, StateNode>();
  for (const [name, rawState] of Object.entries(rawStates)) {
    if (context.names.has(name)) throw new InvalidDefinitionError(`state "${name}": the name is used twice; state names must be unique in the whole state machine`);
    context.names.add(name);
    if (name.length === 0 || name.length > MAX_STATE_NAME_LENGTH) {
      throw new InvalidDefinitionError(`state "${name}": names must have 1 to ${MAX_STATE_NAME_LENGTH} characters (got ${name.length})`);
    }
    if (!isObject(rawState)) throw new InvalidDefinitionError(`state "${name}": must be an object`);
    states.set(name, parseState(name, rawState, context));
  }
  const names = new Set(states.keys());
  for (const node of states.values()) checkTransitions(node, names);
  checkReachable(raw.StartAt, states);
  return { startAt: raw.StartAt, states };
}

function parseState(name: string, raw: Json, context: ParseContext): StateNode {
  const where = `state "${name}"`;
  const type = raw.Type;
  if (typeof type !== 'string' || !(type in FIELDS_BY_TYPE)) {
    throw new InvalidDefinitionError(`${where}: Type must be one of ${Object.keys(FIELDS_BY_TYPE).join(', ')} (got ${describe(type)})`);
  }
  const stateType = type as StateNode['type'];
  if (raw.QueryLanguage !== undefined && raw.QueryLanguage !== 'JSONata') {
    throw new UnsupportedDefinitionError(`${where}: QueryLanguage is ${describe(raw.QueryLanguage)}; the local runner interprets JSONata only: remove the field or set it to "JSONata"`);
  }
  for (const key of Object.keys(raw)) {
    const jsonPathFix = JSONPATH_FIELDS[key];
    if (jsonPathFix !== undefined) throw new InvalidDefinitionError(`${where}: ${key} is a JSONPath field and is not allowed in a JSONata state; ${jsonPathFix}`);
    const unsupportedFix = UNSUPPORTED_FIELDS[key];
    if (unsupportedFix !== undefined) throw new UnsupportedDefinitionError(`${where}: ${key} is not supported by the local runner; ${unsupportedFix}`);
  }
  checkKnownFields(raw, FIELDS_BY_TYPE[stateType], where);
  const base = {
    name,
    next: readNext(raw, stateType, where),
    output: optionalTemplate(raw.Output, `${where} Output`),
    assign: readAssign(raw.Assign, `${where} Assign`),
  };
  switch (stateType) {
    case 'Task': {
      if (typeof raw.Resource !== 'string' || raw.Resource.length === 0) throw new InvalidDefinitionError(`${where}: Resource must be an ARN string (got ${describe(raw.Resource)})`);
      const node: TaskNode = {
        ...base,
        type: 'Task',
        resource: raw.Resource,
        arguments: readArguments(raw.Arguments, `${where} Arguments`),
        timeoutSeconds: readCountOrExpression(raw.TimeoutSeconds, `${where} TimeoutSeconds`, 1, 99_999_999),
        retry: readRetry(raw.Retry, where),
        catch: readCatch(raw.Catch, where),
      };
      context.tasks.push(node);
      return node;
    }
    case 'Pass':
      return { ...base, type: 'Pass' };
    case 'Succeed':
      return { ...base, type: 'Succeed' };
    case 'Fail':
      return {
        ...base,
        type: 'Fail',
        error: readStringOrExpression(raw.Error, `${where} Error`),
        cause: readStringOrExpression(raw.Cause, `${where} Cause`),
      };
    case 'Wait':
      return readWait(raw, base, where);
    case 'Choice':
      return readChoice(raw, base, where);
    case 'Parallel':
      return readParallel(raw, base, where, context);
    case 'Map':
      return readMap(raw, base, where, context);
  }
}

type BaseFields = Pick<StateNode, 'name' | 'next' | 'output' | 'assign'>;

function readWait(raw: Json, base: BaseFields, where: string): StateNode {
  const hasSeconds = raw.Seconds !== undefined;
  const hasTimestamp = raw.Timestamp !== undefined;
  if (hasSeconds === hasTimestamp) throw new InvalidDefinitionError(`${where}: a Wait state needs exactly one of Seconds or Timestamp`);
  let timestamp: Template | undefined;
  if (hasTimestamp) {
    if (typeof raw.Timestamp !== 'string' || (!isJsonataExpression(raw.Timestamp) && Number.isNaN(Date.parse(raw.Timestamp)))) {
      throw new InvalidDefinitionError(`${where}: Timestamp must be an ISO 8601 timestamp such as "2026-01-01T00:00:00Z" or a {% %} expression (got ${describe(raw.Timestamp)})`);
    }
    timestamp = compileTemplate(raw.Timestamp, `${where} Timestamp`);
  }
  return {
    ...base,
    type: 'Wait',
    seconds: hasSeconds ? readCountOrExpression(raw.Seconds, `${where} Seconds`, 0, 99_999_999) : undefined,
    timestamp,
  };
}

function readChoice(raw: Json, base: BaseFields, where: string): StateNode {
  if (!Array.isArray(raw.Choices) || raw.Choices.length === 0) throw new InvalidDefinitionError(`${where}: Choices must be a non-empty array of rules`);
  const choices = raw.Choices.map((rule: unknown, i: number): ChoiceRule => {
    const at = `${where} Choices[${i}]`;
    if (!isObject(rule)) throw new InvalidDefinitionError(`${at}: must be an object with Condition and Next`);
    for (const key of Object.keys(rule)) {
      if (!['Condition', 'Next', 'Output', 'Assign', 'Comment'].includes(key)) {
        throw new InvalidDefinitionError(`${at}: ${key} is not a JSONata choice rule field; write the test as "Condition": "{% ... %}"`);
      }
    }
    if (rule.Condition === undefined || (typeof rule.Condition !== 'boolean' && !isJsonataExpression(rule.Condition))) {
      throw new InvalidDefinitionError(`${at}: Condition must be a {% %} expression (got ${describe(rule.Condition)})`);
    }
    if (typeof rule.Next !== 'string') throw new InvalidDefinitionError(`${at}: Next must be a state name (got ${describe(rule.Next)})`);
    return {
      condition: compileTemplate(rule.Condition, `${at}.Condition`),
      next: rule.Next,
      output: optionalTemplate(rule.Output, `${at}.Output`),
      assign: readAssign(rule.Assign, `${at}.Assign`),
    };
  });
  if (raw.Default !== undefined && typeof raw.Default !== 'string') throw new InvalidDefinitionError(`${where}: Default must be a state name (got ${describe(raw.Default)})`);
  return { ...base, type: 'Choice', choices, default: raw.Default };
}

function readParallel(raw: Json, base: BaseFields, where: string, context: ParseContext): ParallelNode {
  if (!Array.isArray(raw.Branches) || raw.Branches.length === 0) throw new InvalidDefinitionError(`${where}: Branches must be a non-empty array`);
  const branches = raw.Branches.map((branch: unknown, i: number) => {
    if (!isObject(branch)) throw new InvalidDefinitionError(`${where} Branches[${i}]: must be an object with StartAt and States`);
    checkKnownFields(branch, GRAPH_FIELDS, `${where} Branches[${i}]`);
    return parseGraph(branch, `${where} Branches[${i}]`, context);
  });
  return {
    ...base,
    type: 'Parallel',
    branches,
    arguments: readArguments(raw.Arguments, `${where} Arguments`),
    retry: readRetry(raw.Retry, where),
    catch: readCatch(raw.Catch, where),
  };
}

function readMap(raw: Json, base: BaseFields, where: string, context: ParseContext): MapNode {
  const processor = raw.ItemProcessor;
  if (!isObject(processor)) throw new InvalidDefinitionError(`${where}: ItemProcessor must be an object with StartAt and States`);
  checkKnownFields(processor, GRAPH_FIELDS, `${where} ItemProcessor`);
  const config = processor.ProcessorConfig;
  if (config !== undefined) {
    if (!isObject(config)) throw new InvalidDefinitionError(`${where}: ItemProcessor.ProcessorConfig must be an object`);
    if (config.Mode === 'DISTRIBUTED') {
      throw new UnsupportedDefinitionError(`${where}: ItemProcessor.ProcessorConfig.Mode DISTRIBUTED (Distributed Map) is not supported by the local runner; use Mode INLINE`);
    }
    if (config.Mode !== undefined && config.Mode !== 'INLINE') throw new InvalidDefinitionError(`${where}: ItemProcessor.ProcessorConfig.Mode must be INLINE or DISTRIBUTED (got ${describe(config.Mode)})`);
    checkKnownFields(config, new Set(['Mode']), `${where} ItemProcessor.ProcessorConfig`);
  }
  if (raw.Items !== undefined && !Array.isArray(raw.Items) && !isJsonataExpression(raw.Items)) {
    throw new InvalidDefinitionError(`${where}: Items must be an array or a {% %} expression (got ${describe(raw.Items)})`);
  }
  return {
    ...base,
    type: 'Map',
    processor: parseGraph(processor, `${where} ItemProcessor`, context),
    items: optionalTemplate(raw.Items, `${where} Items`),
    itemSelector: optionalTemplate(raw.ItemSelector, `${where} ItemSelector`),
    maxConcurrency: readCountOrExpression(raw.MaxConcurrency, `${where} MaxConcurrency`, 0, Number.MAX_SAFE_INTEGER),
    retry: readRetry(raw.Retry, where),
    catch: readCatch(raw.Catch, where),
  };
}

function readNext(raw: Json, type: StateNode['type'], where: string): string | undefined {
  if (type === 'Choice' || type === 'Succeed' || type === 'Fail') return undefined;
  const hasNext = raw.Next !== undefined;
  const isEnd = raw.End === true;
  if (raw.End !== undefined && typeof raw.End !== 'boolean') throw new InvalidDefinitionError(`${where}: End must be true (got ${describe(raw.End)})`);
  if (hasNext === isEnd) throw new InvalidDefinitionError(`${where}: a ${type} state needs exactly one of "Next": "<state>" or "End": true`);
  if (hasNext && typeof raw.Next !== 'string') throw new InvalidDefinitionError(`${where}: Next must be a state name (got ${describe(raw.Next)})`);
  return hasNext ? (raw.Next as string) : undefined;
}

function readArguments(value: unknown, where: string): Template | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value) && !Array.isArray(value) && !isJsonataExpression(value)) {
    throw new InvalidDefinitionError(`${where}: must be an object, an array or a {% %} expression (got ${describe(value)})`);
  }
  return compileTemplate(value, where);
}

function readAssign(value: unknown, where: string): Template | undefined {
  if (value === undefined) return undefined;
  if (isJsonataExpression(value)) return compileTemplate(value, where);
  if (!isObject(value)) throw new InvalidDefinitionError(`${where}: must be an object of variable names to values, or a {% %} expression giving one (got ${describe(value)})`);
  for (const key of Object.keys(value)) {
    if (!VARIABLE_NAME.test(key) || key === 'states') {
      throw new InvalidDefinitionError(`${where}: "${key}" is not a valid variable name; use letters, digits and _ (not starting with a digit), and not the reserved name "states"`);
    }
  }
  return compileTemplate(value, where);
}

function readStringOrExpression(value: unknown, where: string): Template | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new InvalidDefinitionError(`${where}: must be a string or a {% %} expression (got ${describe(value)})`);
  return compileTemplate(value, where);
}

function readCountOrExpression(value: unknown, where: string, min: number, max: number): Template | undefined {
  if (value === undefined) return undefined;
  if (isJsonataExpression(value)) return compileTemplate(value, where);
  return compileTemplate(readInteger(value, where, min, max), where);
}

function optionalTemplate(value: unknown, where: string): Template | undefined {
  return value === undefined ? undefined : compileTemplate(value, where);
}

function readRetry(value: unknown, where: string): Retrier[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new InvalidDefinitionError(`${where}: Retry must be an array of retriers`);
  return value.map((raw: unknown, i: number): Retrier => {
    const at = `${where} Retry[${i}]`;
    if (!isObject(raw)) throw new InvalidDefinitionError(`${at}: must be an object with ErrorEquals`);
    for (const key of Object.keys(raw)) {
      if (!['ErrorEquals', 'IntervalSeconds', 'MaxAttempts', 'BackoffRate', 'MaxDelaySeconds', 'JitterStrategy', 'Comment'].includes(key)) {
        throw new InvalidDefinitionError(`${at}: ${key} is not a retrier field; use ErrorEquals, IntervalSeconds, MaxAttempts, BackoffRate, MaxDelaySeconds, JitterStrategy`);
      }
    }
    const errorEquals = readErrorEquals(raw.ErrorEquals, at, i === value.length - 1, 'retrier');
    const backoffRate = raw.BackoffRate === undefined ? 2 : raw.BackoffRate;
    if (typeof backoffRate !== 'number' || !Number.isFinite(backoffRate) || backoffRate < 1) {
      throw new InvalidDefinitionError(`${at}: BackoffRate must be a number >= 1.0 (got ${describe(raw.BackoffRate)})`);
    }
    const jitter = raw.JitterStrategy === undefined ? 'NONE' : raw.JitterStrategy;
    if (jitter !== 'FULL' && jitter !== 'NONE') throw new InvalidDefinitionError(`${at}: JitterStrategy must be "FULL" or "NONE" (got ${describe(raw.JitterStrategy)})`);
    return {
      errorEquals,
      intervalSeconds: raw.IntervalSeconds === undefined ? 1 : readInteger(raw.IntervalSeconds, `${at}: IntervalSeconds`, 1, 99_999_999),
      maxAttempts: raw.MaxAttempts === undefined ? 3 : readInteger(raw.MaxAttempts, `${at}: MaxAttempts`, 0, 99_999_999),
      backoffRate,
      maxDelaySeconds: raw.MaxDelaySeconds === undefined ? undefined : readInteger(raw.MaxDelaySeconds, `${at}: MaxDelaySeconds`, 1, 31_622_400),
      jitterStrategy: jitter,
    };
  });
}

function readCatch(value: unknown, where: string): Catcher[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new InvalidDefinitionError(`${where}: Catch must be an array of catchers`);
  return value.map((raw: unknown, i: number): Catcher => {
    const at = `${where} Catch[${i}]`;
    if (!isObject(raw)) throw new InvalidDefinitionError(`${at}: must be an object with ErrorEquals and Next`);
    for (const key of Object.keys(raw)) {
      if (key === 'ResultPath') throw new InvalidDefinitionError(`${at}: ResultPath is a JSONPath field; use Output with {% $states.errorOutput %} (and Assign)`);
      if (!['ErrorEquals', 'Next', 'Output', 'Assign', 'Comment'].includes(key)) {
        throw new InvalidDefinitionError(`${at}: ${key} is not a catcher field; use ErrorEquals, Next, Output, Assign`);
      }
    }
    if (typeof raw.Next !== 'string') throw new InvalidDefinitionError(`${at}: Next must be a state name (got ${describe(raw.Next)})`);
    return {
      errorEquals: readErrorEquals(raw.ErrorEquals, at, i === value.length - 1, 'catcher'),
      next: raw.Next,
      output: optionalTemplate(raw.Output, `${at}.Output`),
      assign: readAssign(raw.Assign, `${at}.Assign`),
    };
  });
}

function readErrorEquals(value: unknown, where: string, isLast: boolean, kind: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((e) => typeof e === 'string' && e.length > 0)) {
    throw new InvalidDefinitionError(`${where}: ErrorEquals must be a non-empty array of error names (got ${describe(value)})`);
  }
  const names = value as string[];
  if (names.includes(StatesErrorName.ALL)) {
    if (names.length > 1) throw new InvalidDefinitionError(`${where}: States.ALL must appear alone in an error list`);
    if (!isLast) throw new InvalidDefinitionError(`${where}: a ${kind} with States.ALL must be the last ${kind}`);
  }
  return names;
}

function readInteger(value: unknown, where: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidDefinitionError(`${where} must be an integer from ${min} to ${max} (got ${describe(value)})`);
  }
  return value;
}

function checkTransitions(node: StateNode, names: ReadonlySet<string>): void {
  const where = `state "${node.name}"`;
  const check = (target: string | undefined, field: string): void => {
    if (target !== undefined && !names.has(target)) {
      throw new InvalidDefinitionError(`${where}: ${field} "${target}" names no state in the same States object; use one of ${[...names].map((n) => `"${n}"`).join(', ')}`);
    }
  };
  check(node.next, 'Next');
  if (node.type === 'Choice') {
    node.choices.forEach((rule, i) => check(rule.next, `Choices[${i}].Next`));
    check(node.default, 'Default');
  }
  if (node.type === 'Task' || node.type === 'Parallel' || node.type === 'Map') {
    node.catch.forEach((catcher, i) => check(catcher.next, `Catch[${i}].Next`));
  }
}

function checkReachable(startAt: string, states: ReadonlyMap<string, StateNode>): void {
  const seen = new Set<string>([startAt]);
  const queue = [startAt];
  while (queue.length > 0) {
    const node = states.get(queue.pop()!)!;
    const targets: string[] = [];
    if (node.next !== undefined) targets.push(node.next);
    if (node.type === 'Choice') {
      targets.push(...node.choices.map((c) => c.next));
      if (node.default !== undefined) targets.push(node.default);
    }
    if (node.type === 'Task' || node.type === 'Parallel' || node.type === 'Map') targets.push(...node.catch.map((c) => c.next));
    for (const t of targets) {
      if (!seen.has(t)) {
        seen.add(t);
        queue.push(t);
      }
    }
  }
  for (const name of states.keys()) {
    if (!seen.has(name)) throw new InvalidDefinitionError(`state "${name}": is not reachable from StartAt "${startAt}"; remove it or add a transition to it`);
  }
}

function checkKnownFields(raw: Json, allowed: ReadonlySet<string>, where: string): void {
  for (const key of Object.keys(raw)) {
    if (!allowed.has(key)) throw new InvalidDefinitionError(`${where}: ${key} is not a field here; allowed fields are ${[...allowed].join(', ')}`);
  }
}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
