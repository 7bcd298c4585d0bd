import type { ChoiceRule, CompiledMachine, MapNode, ParallelNode, Retrier, StateGraph, StateNode, TaskNode } from './definition.js';
import { MAX_STATES_SECONDS } from '../../errors.js';
import { InvalidDefinitionError, UnsupportedDefinitionError } from '../errors.js';
import { compileTemplate, isJsonataExpression, type Template } from '../evaluate/evaluate.js';
import { checkReachable, checkTransitions } from './check-transitions.js';
import { parseOffsetDateTime } from './iso-timestamp.js';
import { readCatch, readRetry } from './parse-error-rules.js';
import {
  checkKnownFields,
  describe,
  isObject,
  optionalTemplate,
  readArguments,
  readAssign,
  readCountOrExpression,
  readInteger,
  readStringOrExpression,
  type Json,
} from './parse-fields.js';

const MACHINE_FIELDS = new Set(['StartAt', 'States', 'Comment', 'Version', 'TimeoutSeconds', 'QueryLanguage']);
const GRAPH_FIELDS = new Set(['StartAt', 'States', 'Comment', 'ProcessorConfig']);
const COMMON_FIELDS = ['Type', 'Comment', 'QueryLanguage'];

const FIELDS_BY_TYPE: Readonly<Record<StateNode['type'], ReadonlySet<string>>> = {
  Task: new Set([...COMMON_FIELDS, 'Resource', 'Arguments', 'Output', 'Assign', 'Next', 'End', 'Retry', 'Catch', 'TimeoutSeconds', 'HeartbeatSeconds']),
  Pass: new Set([...COMMON_FIELDS, 'Output', 'Assign', 'Next', 'End']),
  Choice: new Set([...COMMON_FIELDS, 'Choices', 'Default', 'Output', 'Assign']),
  Wait: new Set([...COMMON_FIELDS, 'Seconds', 'Timestamp', 'Output', 'Assign', 'Next', 'End']),
  Succeed: new Set([...COMMON_FIELDS, 'Output']),
  Fail: new Set([...COMMON_FIELDS, 'Error', 'Cause']),
  Parallel: new Set([...COMMON_FIELDS, 'Branches', 'Arguments', 'Output', 'Assign', 'Next', 'End', 'Retry', 'Catch']),
  Map: new Set([
    ...COMMON_FIELDS,
    'ItemProcessor',
    'Items',
    'ItemSelector',
    'MaxConcurrency',
    'ToleratedFailureCount',
    'ToleratedFailurePercentage',
    'Output',
    'Assign',
    'Next',
    'End',
    'Retry',
    'Catch',
  ]),
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
  HeartbeatSecondsPath: 'use HeartbeatSeconds with a {% %} expression',
  ToleratedFailureCountPath: 'use ToleratedFailureCount with a {% %} expression',
  ToleratedFailurePercentagePath: 'use ToleratedFailurePercentage with a {% %} expression',
};

/** Fields Step Functions knows but the local runner does not interpret, with what to do instead. */
const UNSUPPORTED_FIELDS: Readonly<Record<string, string>> = {
  Credentials: 'remove Credentials (cross-account tasks are not run locally)',
  Iterator: 'use ItemProcessor (with ProcessorConfig Mode INLINE)',
  ItemReader: 'Distributed Map is not supported; use an inline Map with Items',
  ItemBatcher: 'Distributed Map is not supported; use an inline Map',
  ResultWriter: 'Distributed Map is not supported; use an inline Map',
  Label: 'Distributed Map is not supported; remove Label',
};

const MAX_STATE_NAME_LENGTH = 80;
const CHOICE_RULE_FIELDS: ReadonlySet<string> = new Set(['Condition', 'Next', 'Output', 'Assign', 'Comment']);

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
  if (queryLanguage !== undefined && queryLanguage !== 'JSONata' && queryLanguage !== 'JSONPath') {
    throw new InvalidDefinitionError(`definition: QueryLanguage must be "JSONata" or "JSONPath" (got ${describe(queryLanguage)})`);
  }
  checkKnownFields(root, MACHINE_FIELDS, 'definition');
  let timeoutSeconds: number | undefined;
  if (root.TimeoutSeconds !== undefined) {
    timeoutSeconds = readInteger(root.TimeoutSeconds, 'definition: TimeoutSeconds', 1, MAX_STATES_SECONDS);
  }
  const context: ParseContext = { names: new Set(), tasks: [], queryLanguage, retriers: new Map() };
  const graph = parseGraph(root, 'definition', context);
  return { graph, timeoutSeconds, tasks: context.tasks };
}

interface ParseContext {
  readonly names: Set<string>;
  readonly tasks: TaskNode[];
  /** The top-level QueryLanguage, every state's default (Step Functions' default is JSONPath). */
  readonly queryLanguage: 'JSONata' | 'JSONPath' | undefined;
  /** The retriers read from each Retry array: a compiled job's states share a few arrays (one per retry policy). */
  readonly retriers: Map<unknown[], readonly Retrier[]>;
}

/** A Retry array read once per parse: an array read before gave no error, nor would it here (no state's name is in them). */
function readSharedRetry(value: unknown, where: string, context: ParseContext): readonly Retrier[] {
  if (!Array.isArray(value)) return readRetry(value, where);
  let retriers = context.retriers.get(value);
  if (retriers === undefined) {
    retriers = readRetry(value, where);
    context.retriers.set(value, retriers);
  }
  return retriers;
}

function parseGraph(raw: Json, where: string, context: ParseContext): StateGraph {
  if (typeof raw.StartAt !== 'string') throw new InvalidDefinitionError(`${where}: StartAt must be a state name (got ${describe(raw.StartAt)})`);
  const rawStates = raw.States as Json;
  const names = isObject(rawStates) ? Object.keys(rawStates) : [];
  if (names.length === 0) throw new InvalidDefinitionError(`${where}: States must be an object with at least one state`);
  if (!(raw.StartAt in rawStates)) {
    throw new InvalidDefinitionError(`${where}: StartAt "${raw.StartAt}" names no state in States; use one of ${names.map((n) => `"${n}"`).join(', ')}`);
  }
  const states = new Map<string, StateNode>();
  for (const name of names) {
    const rawState = rawStates[name];
    if (context.names.has(name)) throw new InvalidDefinitionError(`state "${name}": the name is used twice; state names must be unique in the whole state machine`);
    context.names.add(name);
    if (name.length === 0 || name.length > MAX_STATE_NAME_LENGTH) {
      throw new InvalidDefinitionError(`state "${name}": names must have 1 to ${MAX_STATE_NAME_LENGTH} characters (got ${name.length})`);
    }
    if (!isObject(rawState)) throw new InvalidDefinitionError(`state "${name}": must be an object`);
    states.set(name, parseState(name, rawState, context));
  }
  for (const node of states.values()) checkTransitions(node, states);
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
  checkQueryLanguage(raw.QueryLanguage, context.queryLanguage, where);
  checkStateFields(raw, FIELDS_BY_TYPE[stateType], where);
  const base = {
    name,
    next: readNext(raw, stateType, where),
    output: optionalTemplate(raw.Output, `${where} Output`, 'Output'),
    assign: readAssign(raw.Assign, `${where} Assign`),
  };
  switch (stateType) {
    case 'Task': {
      if (typeof raw.Resource !== 'string' || raw.Resource.length === 0)
        throw new InvalidDefinitionError(`${where}: Resource must be an ARN string (got ${describe(raw.Resource)})`);
      const node: TaskNode = {
        name: base.name,
        next: base.next,
        output: base.output,
        assign: base.assign,
        type: 'Task',
        resource: raw.Resource,
        arguments: readArguments(raw.Arguments, `${where} Arguments`),
        timeoutSeconds: readCountOrExpression(raw.TimeoutSeconds, `${where} TimeoutSeconds`, 'TimeoutSeconds', 1, MAX_STATES_SECONDS),
        heartbeatSeconds: readHeartbeatSeconds(raw, where),
        retry: readSharedRetry(raw.Retry, where, context),
        catch: readCatch(raw.Catch, where),
      };
      context.tasks.push(node);
      return node;
    }
    case 'Pass':
      return { name: base.name, next: base.next, output: base.output, assign: base.assign, type: 'Pass' };
    case 'Succeed':
      return { name: base.name, next: base.next, output: base.output, assign: base.assign, type: 'Succeed' };
    case 'Fail':
      return {
        name: base.name,
        next: base.next,
        output: base.output,
        assign: base.assign,
        type: 'Fail',
        error: readStringOrExpression(raw.Error, `${where} Error`, 'Error'),
        cause: readStringOrExpression(raw.Cause, `${where} Cause`, 'Cause'),
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

/**
 * A state's fields are its type's (no JSONPath field, no field the runner does not support,
 * is one of them): one look-up per field. When one is not, the first JSONPath or unsupported
 * field is reported, else the first unknown one.
 */
function checkStateFields(raw: Json, allowed: ReadonlySet<string>, where: string): void {
  const keys = Object.keys(raw);
  let known = true;
  for (const key of keys) {
    if (!allowed.has(key)) {
      known = false;
      break;
    }
  }
  if (known) return;
  for (const key of keys) {
    const jsonPathFix = JSONPATH_FIELDS[key];
    if (jsonPathFix !== undefined) throw new InvalidDefinitionError(`${where}: ${key} is a JSONPath field and is not allowed in a JSONata state; ${jsonPathFix}`);
    const unsupportedFix = UNSUPPORTED_FIELDS[key];
    if (unsupportedFix !== undefined) throw new UnsupportedDefinitionError(`${where}: ${key} is not supported by the local runner; ${unsupportedFix}`);
  }
  checkKnownFields(raw, allowed, where);
}

type BaseFields = Pick<StateNode, 'name' | 'next' | 'output' | 'assign'>;

function readWait(raw: Json, base: BaseFields, where: string): StateNode {
  const hasSeconds = raw.Seconds !== undefined;
  const hasTimestamp = raw.Timestamp !== undefined;
  if (hasSeconds === hasTimestamp) throw new InvalidDefinitionError(`${where}: a Wait state needs exactly one of Seconds or Timestamp`);
  let timestamp: Template | undefined;
  if (hasTimestamp) {
    if (typeof raw.Timestamp !== 'string' || (!isJsonataExpression(raw.Timestamp) && parseOffsetDateTime(raw.Timestamp) === undefined)) {
      throw new InvalidDefinitionError(
        `${where}: Timestamp must be an ISO-8601 extended offset date-time such as "2026-01-01T00:00:00Z" (a T between date and time, and an offset) or a {% %} expression (got ${describe(raw.Timestamp)})`,
      );
    }
    timestamp = compileTemplate(raw.Timestamp, `${where} Timestamp`, 'Timestamp');
  }
  return {
    name: base.name,
    next: base.next,
    output: base.output,
    assign: base.assign,
    type: 'Wait',
    seconds: hasSeconds ? readCountOrExpression(raw.Seconds, `${where} Seconds`, 'Seconds', 0, MAX_STATES_SECONDS) : undefined,
    timestamp,
  };
}

function readChoice(raw: Json, base: BaseFields, where: string): StateNode {
  if (!Array.isArray(raw.Choices) || raw.Choices.length === 0) throw new InvalidDefinitionError(`${where}: Choices must be a non-empty array of rules`);
  const choices = raw.Choices.map((rule: unknown, i: number): ChoiceRule => {
    const at = `${where} Choices[${i}]`;
    if (!isObject(rule)) throw new InvalidDefinitionError(`${at}: must be an object with Condition and Next`);
    for (const key of Object.keys(rule)) {
      if (!CHOICE_RULE_FIELDS.has(key)) {
        throw new InvalidDefinitionError(`${at}: ${key} is not a JSONata choice rule field; write the test as "Condition": "{% ... %}"`);
      }
    }
    if (rule.Condition === undefined || (typeof rule.Condition !== 'boolean' && !isJsonataExpression(rule.Condition))) {
      throw new InvalidDefinitionError(`${at}: Condition must be a {% %} expression (got ${describe(rule.Condition)})`);
    }
    if (typeof rule.Next !== 'string') throw new InvalidDefinitionError(`${at}: Next must be a state name (got ${describe(rule.Next)})`);
    return {
      condition: compileTemplate(rule.Condition, `${at}.Condition`, 'Condition'),
      next: rule.Next,
      output: optionalTemplate(rule.Output, `${at}.Output`, 'Output'),
      assign: readAssign(rule.Assign, `${at}.Assign`),
    };
  });
  if (raw.Default !== undefined && typeof raw.Default !== 'string') throw new InvalidDefinitionError(`${where}: Default must be a state name (got ${describe(raw.Default)})`);
  return { name: base.name, next: base.next, output: base.output, assign: base.assign, type: 'Choice', choices, default: raw.Default };
}

function readParallel(raw: Json, base: BaseFields, where: string, context: ParseContext): ParallelNode {
  if (!Array.isArray(raw.Branches) || raw.Branches.length === 0) throw new InvalidDefinitionError(`${where}: Branches must be a non-empty array`);
  const branches = raw.Branches.map((branch: unknown, i: number) => {
    if (!isObject(branch)) throw new InvalidDefinitionError(`${where} Branches[${i}]: must be an object with StartAt and States`);
    checkKnownFields(branch, GRAPH_FIELDS, `${where} Branches[${i}]`);
    return parseGraph(branch, `${where} Branches[${i}]`, context);
  });
  return {
    name: base.name,
    next: base.next,
    output: base.output,
    assign: base.assign,
    type: 'Parallel',
    branches,
    arguments: readArguments(raw.Arguments, `${where} Arguments`),
    retry: readSharedRetry(raw.Retry, where, context),
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
    if (config.Mode !== undefined && config.Mode !== 'INLINE')
      throw new InvalidDefinitionError(`${where}: ItemProcessor.ProcessorConfig.Mode must be INLINE or DISTRIBUTED (got ${describe(config.Mode)})`);
    checkKnownFields(config, new Set(['Mode']), `${where} ItemProcessor.ProcessorConfig`);
  }
  if (raw.Items !== undefined && !Array.isArray(raw.Items) && !isJsonataExpression(raw.Items)) {
    throw new InvalidDefinitionError(`${where}: Items must be an array or a {% %} expression (got ${describe(raw.Items)})`);
  }
  return {
    name: base.name,
    next: base.next,
    output: base.output,
    assign: base.assign,
    type: 'Map',
    processor: parseGraph(processor, `${where} ItemProcessor`, context),
    items: optionalTemplate(raw.Items, `${where} Items`, 'Items'),
    itemSelector: optionalTemplate(raw.ItemSelector, `${where} ItemSelector`, 'ItemSelector'),
    maxConcurrency: readCountOrExpression(raw.MaxConcurrency, `${where} MaxConcurrency`, 'MaxConcurrency', 0, Number.MAX_SAFE_INTEGER),
    toleratedFailureCount: readCountOrExpression(raw.ToleratedFailureCount, `${where} ToleratedFailureCount`, 'ToleratedFailureCount', 0, Number.MAX_SAFE_INTEGER),
    toleratedFailurePercentage: readPercentageOrExpression(raw.ToleratedFailurePercentage, `${where} ToleratedFailurePercentage`),
    retry: readSharedRetry(raw.Retry, where, context),
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

/** A state's own QueryLanguage, else the top level's, else JSONPath: only JSONata states run here. */
function checkQueryLanguage(own: unknown, top: 'JSONata' | 'JSONPath' | undefined, where: string): void {
  if (own !== undefined && own !== 'JSONata' && own !== 'JSONPath') {
    throw new InvalidDefinitionError(`${where}: QueryLanguage must be "JSONata" or "JSONPath" (got ${describe(own)})`);
  }
  if (own === 'JSONata' || (own === undefined && top === 'JSONata')) return;
  if (own === 'JSONPath') {
    throw new UnsupportedDefinitionError(`${where}: QueryLanguage is "JSONPath"; the local runner interprets JSONata states only: remove the field or set it to "JSONata"`);
  }
  throw new UnsupportedDefinitionError(
    `${where}: QueryLanguage is ${top === undefined ? 'missing here and at the top level (JSONPath)' : '"JSONPath" (from the top level)'}; the local runner interprets JSONata states only: set "QueryLanguage": "JSONata" at the top level (or on every state) and use Arguments/Output/Assign`,
  );
}

/** HeartbeatSeconds: an integer 1..99999999 (or an expression), smaller than TimeoutSeconds when both are numbers. */
function readHeartbeatSeconds(raw: Json, where: string): Template | undefined {
  const heartbeat = readCountOrExpression(raw.HeartbeatSeconds, `${where} HeartbeatSeconds`, 'HeartbeatSeconds', 1, MAX_STATES_SECONDS);
  if (typeof raw.HeartbeatSeconds === 'number' && typeof raw.TimeoutSeconds === 'number' && raw.HeartbeatSeconds >= raw.TimeoutSeconds) {
    throw new InvalidDefinitionError(`${where}: HeartbeatSeconds (${raw.HeartbeatSeconds}) must be smaller than TimeoutSeconds (${raw.TimeoutSeconds})`);
  }
  return heartbeat;
}

function readPercentageOrExpression(value: unknown, where: string): Template | undefined {
  if (value === undefined) return undefined;
  if (!isJsonataExpression(value) && (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 100)) {
    throw new InvalidDefinitionError(`${where} must be a number from 0 to 100 (got ${describe(value)})`);
  }
  return compileTemplate(value, where, 'ToleratedFailurePercentage');
}
